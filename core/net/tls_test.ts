import assert from "node:assert/strict";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { configureTls, type TlsSettings, verifyPresented } from "./tls.ts";

const CERTS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../tests/tls");
const f = (name: string) => path.join(CERTS, name);
const onDeno = (globalThis as { Bun?: unknown }).Bun === undefined;

function settings(over: Partial<TlsSettings> = {}): TlsSettings {
  return {
    certFile: f("server.crt"),
    keyFile: f("server.key"),
    keyFilePass: null,
    clientCertFile: null,
    clientKeyFile: null,
    clientKeyFilePass: null,
    caCertFile: f("ca.crt"),
    caCertDir: null,
    protocols: null,
    ciphers: null,
    ciphersuites: null,
    preferServerCiphers: false,
    dhParamsFile: null,
    sessionCaching: true,
    sessionCacheTimeout: 300,
    needsCa: true,
    ...over,
  };
}

/** The lines configureTls logs, and whether it built a context. */
function attempt(over: Partial<TlsSettings>): { ok: boolean; lines: string[] } {
  const lines: string[] = [];
  const ctx = configureTls(settings(over), (l) => lines.push(l));
  return { ok: ctx !== null, lines };
}

Deno.test("a complete configuration builds a context that trusts the CA", () => {
  const lines: string[] = [];
  const ctx = configureTls(settings(), (l) => lines.push(l));
  assert.ok(ctx !== null, lines.join("\n"));
  assert.equal(ctx.cas.length, 1);
  assert.deepEqual(lines, []);
});

Deno.test("the checks come in Valkey's order, each with Valkey's line", () => {
  assert.deepEqual(attempt({ certFile: null, keyFile: null }).lines, ["No tls-cert-file configured!"]);
  assert.deepEqual(attempt({ keyFile: null }).lines, ["No tls-key-file configured!"]);
  assert.deepEqual(attempt({ caCertFile: null }).lines, [
    "Either tls-ca-cert-file or tls-ca-cert-dir must be specified when tls-cluster, tls-replication or " +
    "tls-auth-clients are enabled!",
  ]);
  assert.equal(attempt({ caCertFile: null, needsCa: false }).ok, true);
  const badProtocols =
    "Invalid tls-protocols specified. Use a combination of 'TLSv1', 'TLSv1.1', 'TLSv1.2' and 'TLSv1.3'.";
  assert.deepEqual(attempt({ protocols: "TLSv1.4" }).lines, [badProtocols]);
  // Split on single spaces, as sdssplitlen: two spaces make an empty token.
  assert.deepEqual(attempt({ protocols: "TLSv1.2  TLSv1.3" }).lines, [badProtocols]);
  assert.equal(attempt({ protocols: "tlsv1.2 TLSV1.3" }).ok, true);
  assert.equal(attempt({ protocols: "TLSv1.3" }).ok, true);
});

Deno.test("certificate, key and CA files that are missing, not PEM or not a pair are refused", () => {
  assert.deepEqual(attempt({ certFile: "/nonexistent.crt" }).lines, [
    "Failed to load certificate: /nonexistent.crt: No such file or directory",
  ]);
  assert.deepEqual(attempt({ certFile: f("gen.sh") }).lines, [
    `Failed to load certificate: ${f("gen.sh")}: no start line`,
  ]);
  assert.deepEqual(attempt({ keyFile: f("client.key") }).lines, [
    `Failed to load private key: ${f("client.key")}: key values mismatch`,
  ]);
  assert.match(
    attempt({ keyFile: f("server-pass.key") }).lines[0]!,
    /^Failed to load private key: .*server-pass\.key: /,
  );
  assert.match(
    attempt({ keyFile: f("server-pass.key"), keyFilePass: "wrong" }).lines[0]!,
    /^Failed to load private key: /,
  );
  assert.equal(attempt({ keyFile: f("server-pass.key"), keyFilePass: "valkyr-pass" }).ok, true);
  assert.deepEqual(attempt({ caCertFile: "/nonexistent-ca.crt" }).lines, [
    "Failed to configure CA certificate(s) file/directory: No such file or directory",
  ]);
  // The client-side pair is checked as well.
  assert.deepEqual(attempt({ clientCertFile: f("client.crt"), clientKeyFile: f("server.key") }).lines, [
    `Failed to load private key: ${f("server.key")}: key values mismatch`,
  ]);
  assert.equal(attempt({ clientCertFile: f("client.crt"), clientKeyFile: f("client.key") }).ok, true);
});

Deno.test("tls-ca-cert-dir trusts every certificate file in the directory", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "valkyr-cadir-"));
  try {
    fs.copyFileSync(f("ca.crt"), path.join(dir, "0a1b2c3d.0"));
    fs.writeFileSync(path.join(dir, "README"), "not a certificate\n");
    const lines: string[] = [];
    const ctx = configureTls(settings({ caCertFile: null, caCertDir: dir }), (l) => lines.push(l));
    assert.equal(ctx?.cas.length, 1, lines.join("\n"));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

Deno.test("DH parameters, ciphers and server cipher order: applied where the runtime's TLS can, else refused", () => {
  assert.deepEqual(attempt({ dhParamsFile: "/nonexistent.pem" }).lines, [
    "Failed to load /nonexistent.pem: No such file or directory",
  ]);
  assert.deepEqual(attempt({ dhParamsFile: f("ca.crt") }).lines, [
    `${f("ca.crt")}: failed to read DH params.`,
  ]);
  const dh = attempt({ dhParamsFile: f("dh.pem") });
  const ciphers = attempt({ ciphers: "ECDHE-RSA-AES128-GCM-SHA256" });
  const order = attempt({ preferServerCiphers: true });
  if (onDeno) {
    assert.equal(dh.ok, true, "checked, with nothing to apply it to");
    assert.deepEqual(ciphers.lines, [
      "Failed to configure ciphers: ECDHE-RSA-AES128-GCM-SHA256 (Deno's TLS has a fixed cipher list)",
    ]);
    assert.equal(order.ok, false);
    assert.equal(attempt({ protocols: "TLSv1.1 TLSv1.2" }).ok, false);
  } else {
    assert.equal(dh.ok, true, dh.lines.join("\n"));
    assert.equal(ciphers.ok, true, ciphers.lines.join("\n"));
    assert.equal(order.ok, true);
    assert.deepEqual(attempt({ ciphers: "no-such-cipher" }).lines, [
      "Failed to configure ciphers: no-such-cipher",
    ]);
  }
  assert.match(
    attempt({ ciphersuites: "TLS_AES_128_GCM_SHA256" }).lines[0]!,
    /^Failed to configure ciphersuites: /,
  );
});

Deno.test("verifyPresented: a client certificate the CA signed verifies, another CA's does not", () => {
  const ca = [new crypto.X509Certificate(fs.readFileSync(f("ca.crt")))];
  const raw = (name: string) => new crypto.X509Certificate(fs.readFileSync(f(name))).raw;
  assert.equal(verifyPresented({ raw: raw("client.crt") }, ca), true);
  assert.equal(verifyPresented({ raw: raw("other-client.crt") }, ca), false);
  // A chain the client sends: other-client, then its CA, which is not trusted.
  assert.equal(
    verifyPresented({ raw: raw("other-client.crt"), issuerCertificate: { raw: raw("other-ca.crt") } }, ca),
    false,
  );
  assert.equal(verifyPresented({ raw: new Uint8Array([1, 2, 3]) }, ca), false);
});
