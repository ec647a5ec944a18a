/**
 * TLS for client connections (`tls-port`), as Valkey's tls.c configures OpenSSL, over the runtime's
 * `node:tls` (Deno: rustls underneath; Bun: BoringSSL).
 *
 * Configuring (`configureTls`) builds one context from the `tls-*` directives, checking them in Valkey's
 * order and logging Valkey's line for the first that fails (the caller then reports "Failed to configure
 * TLS..." at start or "Unable to update TLS configuration..." for CONFIG SET, and keeps the old context):
 * certificate and key present, a CA when clients must present certificates, `tls-protocols`, the
 * certificate chain, the private key (decrypted with `tls-key-file-pass`) and that it matches the
 * certificate, the CA file/directory, ciphers, DH parameters, and the client-side pair when set (for
 * replication and cluster links, which Valkyr does not have; it is checked all the same). The files are
 * read and parsed here (node:crypto): Deno's `createSecureContext` defers every check to the first
 * handshake, where a bad file would only fail clients.
 *
 * Accepting: the listener (node_net.ts) accepts a plain TCP socket and wraps it in a server-side
 * `TLSSocket` with the context current at that moment and `tls-auth-clients` as it is then (Valkey reads
 * both per connection), so CONFIG SET changes only new connections. The client exists from the accept on,
 * as in Valkey (it counts for maxclients and `timeout` during the handshake); its bytes flow once the
 * handshake is done. `optional` asks for a certificate and refuses a bad one but not a missing one.
 * A client certificate is verified here as well as by the runtime: Deno's TLS accepts a certificate no
 * trusted authority signed (measured: a client signed by another CA got in with `tls-auth-clients yes`).
 *
 * What a runtime cannot do is refused, not ignored: Deno's TLS has a fixed cipher list and order (no
 * `tls-ciphers`, `tls-ciphersuites` or `tls-prefer-server-ciphers yes`) and speaks TLS 1.2 and 1.3 only;
 * Bun's cannot choose TLS 1.3 suites (`tls-ciphersuites`). Deno's has no DHE key exchange, so
 * `tls-dh-params-file` (which Valkey recommends against with OpenSSL 3) is checked and has no use there. The session cache: `tls-session-caching no`
 * turns session tickets off and `tls-session-cache-timeout` is the session lifetime where the runtime
 * applies it; `tls-session-cache-size` is held (node:tls has no size for its cache).
 *
 * @module
 */

import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import * as tls from "node:tls";
import { strerror } from "../config/directives.ts";

/** The `tls-*` directives a context is built from. */
export interface TlsSettings {
  certFile: string | null;
  keyFile: string | null;
  keyFilePass: string | null;
  clientCertFile: string | null;
  clientKeyFile: string | null;
  clientKeyFilePass: string | null;
  caCertFile: string | null;
  caCertDir: string | null;
  protocols: string | null;
  ciphers: string | null;
  ciphersuites: string | null;
  preferServerCiphers: boolean;
  dhParamsFile: string | null;
  sessionCaching: boolean;
  sessionCacheTimeout: number;
  /** `tls-auth-clients` is not `no`, or `tls-replication` / `tls-cluster` is on: a CA must be given. */
  needsCa: boolean;
}

/** A configured context: what new TLS connections are accepted with. */
export interface TlsContext {
  readonly secureContext: tls.SecureContext;
  /**
   * The client side (replication links): `tls-client-cert-file`/`-key-file` when both are set, else the
   * server's own pair, with the same authorities to verify the server we connect to.
   */
  readonly clientContext: tls.SecureContext;
  /** The trusted authorities, to verify client certificates (see wrapAccepted). */
  readonly cas: readonly crypto.X509Certificate[];
}

/** How one TLS connection is accepted (read when it is accepted). */
export interface TlsAccept {
  context: TlsContext;
  /** `tls-auth-clients`. */
  auth: "yes" | "no" | "optional";
  /** A handshake that failed (Valkey logs it at verbose level); `who` is "addr=... laddr=...". */
  failed(reason: string, who: string): void;
}

const PROTOCOLS: Record<string, tls.SecureVersion> = {
  "tlsv1": "TLSv1",
  "tlsv1.1": "TLSv1.1",
  "tlsv1.2": "TLSv1.2",
  "tlsv1.3": "TLSv1.3",
};
const ORDER: tls.SecureVersion[] = ["TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"];
const NO_PROTOCOL_OPTION: Record<tls.SecureVersion, string> = {
  "TLSv1": "SSL_OP_NO_TLSv1",
  "TLSv1.1": "SSL_OP_NO_TLSv1_1",
  "TLSv1.2": "SSL_OP_NO_TLSv1_2",
  "TLSv1.3": "SSL_OP_NO_TLSv1_3",
};

/** What this runtime's TLS can be told (see the head). */
const ON_DENO = (globalThis as { Deno?: unknown; Bun?: unknown }).Deno !== undefined &&
  (globalThis as { Bun?: unknown }).Bun === undefined;
const CAPS = ON_DENO
  ? { ciphers: false, ciphersuites: false, dh: false, oldProtocols: false }
  : { ciphers: true, ciphersuites: false, dh: true, oldProtocols: true };
const RUNTIME = ON_DENO ? "Deno" : "Bun";

/** Valkey's parseProtocolsConfig: the allowed versions, or null (logged). Unset: TLS 1.2 and 1.3. */
function parseProtocols(s: string | null, warn: (line: string) => void): Set<tls.SecureVersion> | null {
  if (s === null) return new Set(["TLSv1.2", "TLSv1.3"]);
  const out = new Set<tls.SecureVersion>();
  // Split on every single space, as sdssplitlen: two spaces make an empty, invalid token.
  for (const token of s.split(" ")) {
    const v = PROTOCOLS[token.toLowerCase()];
    if (v === undefined) {
      warn(
        "Invalid tls-protocols specified. Use a combination of 'TLSv1', 'TLSv1.1', 'TLSv1.2' and 'TLSv1.3'.",
      );
      return null;
    }
    out.add(v);
  }
  return out;
}

const PEM_CERT =
  /-----BEGIN (?:X509 |TRUSTED )?CERTIFICATE-----[\s\S]+?-----END (?:X509 |TRUSTED )?CERTIFICATE-----/g;

/** The PEM certificates of a file, each checked to parse; throws with the reason. */
function readCertificates(file: string): { pem: string[]; certs: crypto.X509Certificate[] } {
  const text = fs.readFileSync(file, "latin1");
  const pem = text.match(PEM_CERT) ?? [];
  if (pem.length === 0) throw new Error("no start line");
  return { pem, certs: pem.map((p) => new crypto.X509Certificate(p)) };
}

/** A certificate chain and its key, as SSL_CTX_use_certificate_chain_file + use_PrivateKey_file check them. */
function loadPair(
  certFile: string,
  keyFile: string,
  pass: string | null,
  warn: (line: string) => void,
): { cert: string; key: string } | null {
  let chain: ReturnType<typeof readCertificates>;
  try {
    chain = readCertificates(certFile);
  } catch (e) {
    warn(`Failed to load certificate: ${certFile}: ${strerror(e)}`);
    return null;
  }
  let key: string;
  try {
    key = fs.readFileSync(keyFile, "latin1");
    const k = crypto.createPrivateKey({ key, format: "pem", ...(pass !== null ? { passphrase: pass } : {}) });
    if (!chain.certs[0]!.checkPrivateKey(k)) throw new Error("key values mismatch");
    // The context gets the key decrypted: Deno's node:tls takes no passphrase.
    key = k.export({ format: "pem", type: "pkcs8" }) as string;
  } catch (e) {
    warn(`Failed to load private key: ${keyFile}: ${strerror(e)}`);
    return null;
  }
  return { cert: chain.pem.join("\n"), key };
}

/** The trusted CAs of `tls-ca-cert-file` and every certificate file of `tls-ca-cert-dir`. */
function loadCas(file: string | null, dir: string | null, warn: (line: string) => void): string[] | null {
  const out: string[] = [];
  try {
    if (file !== null) out.push(...readCertificates(file).pem);
    if (dir !== null) {
      // OpenSSL looks certificates up by their hashed names; reading them all trusts the same set.
      let names: string[] = [];
      try {
        names = fs.readdirSync(dir).sort();
      } catch {
        // OpenSSL adds a directory without opening it: a missing one only fails the clients later.
      }
      for (const n of names) {
        try {
          out.push(...readCertificates(path.join(dir, n)).pem);
        } catch {
          // not a certificate file
        }
      }
    }
  } catch (e) {
    warn(`Failed to configure CA certificate(s) file/directory: ${strerror(e)}`);
    return null;
  }
  return out;
}

/**
 * Builds the context the `tls-*` settings describe, or returns null after logging why not (Valkey's
 * tlsConfigure; the caller logs its own summary line).
 */
export function configureTls(s: TlsSettings, warn: (line: string) => void): TlsContext | null {
  if (s.certFile === null) {
    warn("No tls-cert-file configured!");
    return null;
  }
  if (s.keyFile === null) {
    warn("No tls-key-file configured!");
    return null;
  }
  if (s.needsCa && s.caCertFile === null && s.caCertDir === null) {
    warn(
      "Either tls-ca-cert-file or tls-ca-cert-dir must be specified when tls-cluster, tls-replication or " +
        "tls-auth-clients are enabled!",
    );
    return null;
  }
  const protocols = parseProtocols(s.protocols, warn);
  if (protocols === null) return null;
  if (!CAPS.oldProtocols && (protocols.has("TLSv1") || protocols.has("TLSv1.1"))) {
    warn(`Failed to configure protocols: ${RUNTIME}'s TLS speaks TLSv1.2 and TLSv1.3 only.`);
    return null;
  }
  const pair = loadPair(s.certFile, s.keyFile, s.keyFilePass, warn);
  if (pair === null) return null;
  const ca = s.caCertFile !== null || s.caCertDir !== null ? loadCas(s.caCertFile, s.caCertDir, warn) : [];
  if (ca === null) return null;
  if (s.ciphers !== null && !CAPS.ciphers) {
    warn(`Failed to configure ciphers: ${s.ciphers} (${RUNTIME}'s TLS has a fixed cipher list)`);
    return null;
  }
  if (s.ciphersuites !== null && !CAPS.ciphersuites) {
    warn(
      `Failed to configure ciphersuites: ${s.ciphersuites} (${RUNTIME}'s TLS cannot choose TLS 1.3 suites)`,
    );
    return null;
  }
  if (s.preferServerCiphers && !CAPS.ciphers) {
    warn(`Failed to configure tls-prefer-server-ciphers: ${RUNTIME}'s TLS has a fixed cipher order.`);
    return null;
  }
  let dhparam: string | undefined;
  if (s.dhParamsFile !== null) {
    try {
      dhparam = fs.readFileSync(s.dhParamsFile, "latin1");
    } catch (e) {
      warn(`Failed to load ${s.dhParamsFile}: ${strerror(e)}`);
      return null;
    }
    if (!/-----BEGIN (X9\.42 )?DH PARAMETERS-----/.test(dhparam)) {
      warn(`${s.dhParamsFile}: failed to read DH params.`);
      return null;
    }
    // Deno's TLS has no DHE key exchange at all: the file is checked and has nothing to apply to.
    if (!CAPS.dh) dhparam = undefined;
  }
  // The client side (replication links; cluster links would too).
  let clientPair = pair;
  if (s.clientCertFile !== null && s.clientKeyFile !== null) {
    const p = loadPair(s.clientCertFile, s.clientKeyFile, s.clientKeyFilePass, warn);
    if (p === null) return null;
    clientPair = p;
  }
  const versions = ORDER.filter((v) => protocols.has(v));
  let secureOptions = 0;
  const constants = crypto.constants as unknown as Record<string, number>;
  // A gap between the lowest and highest version (TLSv1 with TLSv1.2): the versions between are turned off.
  for (const v of ORDER.slice(ORDER.indexOf(versions[0]!), ORDER.indexOf(versions.at(-1)!) + 1)) {
    if (!protocols.has(v)) secureOptions |= constants[NO_PROTOCOL_OPTION[v]] ?? 0;
  }
  if (!s.sessionCaching) secureOptions |= constants.SSL_OP_NO_TICKET ?? 0;
  const options: tls.SecureContextOptions = {
    cert: pair.cert,
    key: pair.key,
    minVersion: versions[0],
    maxVersion: versions.at(-1),
    sessionTimeout: s.sessionCacheTimeout,
    ...(ca.length > 0 ? { ca } : {}),
    ...(secureOptions !== 0 ? { secureOptions } : {}),
    ...(s.preferServerCiphers ? { honorCipherOrder: true } : {}),
    ...(dhparam !== undefined ? { dhparam } : {}),
  };
  if (s.ciphers !== null) {
    try {
      tls.createSecureContext({ ciphers: s.ciphers });
    } catch {
      warn(`Failed to configure ciphers: ${s.ciphers}`);
      return null;
    }
    options.ciphers = s.ciphers;
  }
  try {
    return {
      secureContext: tls.createSecureContext(options),
      clientContext: tls.createSecureContext({
        cert: clientPair.cert,
        key: clientPair.key,
        minVersion: versions[0],
        maxVersion: versions.at(-1),
        ...(ca.length > 0 ? { ca } : {}),
        ...(s.ciphers !== null ? { ciphers: s.ciphers } : {}),
      }),
      cas: ca.map((p) => new crypto.X509Certificate(p)),
    };
  } catch (e) {
    warn(`Failed to configure TLS: ${strerror(e)}`);
    return null;
  }
}

/**
 * Wraps an accepted TCP socket in a server-side TLS socket as `accept` says. A certificate the client
 * presents is always verified; `yes` also requires one. Failures go to `accept.failed`.
 */
export function wrapAccepted(raw: import("node:net").Socket, accept: TlsAccept, who: string): tls.TLSSocket {
  const auth = accept.auth;
  const sock = new tls.TLSSocket(raw, {
    isServer: true,
    secureContext: accept.context.secureContext,
    requestCert: auth !== "no",
    rejectUnauthorized: auth === "yes",
  });
  if (auth !== "no") {
    sock.once("secure", () => {
      // A certificate that is there must verify (`optional` only lets it be absent). Bun's TLS checks it
      // and says so in `authorized`; Deno's accepts any certificate (it only requires one with `yes`) and
      // never sets `authorized`, so the chain is checked here against the trusted authorities.
      const peer = sock.getPeerCertificate(true) as PeerCertificate | null;
      if (peer === null || peer.raw === undefined) return;
      if (sock.authorized || verifyPresented(peer, accept.context.cas)) return;
      accept.failed(String(sock.authorizationError ?? "certificate verify failed"), who);
      sock.destroy();
    });
  }
  return sock;
}

interface PeerCertificate {
  raw?: Uint8Array;
  issuerCertificate?: PeerCertificate;
}

/**
 * A client's certificate chain verifies: each certificate within its validity period and signed by the
 * next, up to one a trusted authority issued and signed.
 */
export function verifyPresented(peer: PeerCertificate, cas: readonly crypto.X509Certificate[]): boolean {
  const now = Date.now();
  let cur: PeerCertificate | undefined = peer;
  for (let depth = 0; cur?.raw !== undefined && depth < 10; depth++) {
    let cert: crypto.X509Certificate;
    try {
      cert = new crypto.X509Certificate(cur.raw);
    } catch {
      return false;
    }
    if (now < Date.parse(cert.validFrom) || now > Date.parse(cert.validTo)) return false;
    // (Deno's checkIssued answers false for a certificate its issuer signed: names are compared here.)
    for (const ca of cas) {
      if (cert.issuer === ca.subject && cert.verify(ca.publicKey)) return true;
    }
    const next: PeerCertificate | undefined = cur.issuerCertificate;
    if (next === undefined || next === cur || next.raw === undefined) return false;
    const issuer = new crypto.X509Certificate(next.raw);
    if (cert.issuer !== issuer.subject || !cert.verify(issuer.publicKey)) return false;
    cur = next;
  }
  return false;
}
