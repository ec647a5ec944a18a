/**
 * TLS helpers for tests/unit/tls_test.ts: the committed test certificates (tests/tls/, see gen.sh there),
 * a server started with a `tls-port`, TLS probes with node:tls (connect, PING, see whether +PONG comes back)
 * and a {@link RawConn} over TLS.
 *
 * Deno's node:tls (rustls) ignores the `ciphers` option: a probe that restricts the cipher suites runs in a
 * child process on Bun (node_modules, BoringSSL) or, without it, on `node`, where node:tls honours it.
 *
 * @module
 */

import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import process from "node:process";
import * as tls from "node:tls";
import { Buffer } from "node:buffer";
import { RawConn } from "./raw.ts";
import { freePort, ROOT, serverCommand, startServer } from "./server.ts";
import type { TestServer } from "./server.ts";

export const TLS_DIR = path.join(ROOT, "tests", "tls");

/** The path of a file of tests/tls/ (`ca.crt`, `server.key`, …). */
export function tlsPath(name: string): string {
  return path.join(TLS_DIR, name);
}

/** The contents of a file of tests/tls/. */
export function tlsFile(name: string): Buffer {
  return fs.readFileSync(tlsPath(name));
}

/** The passphrase of tests/tls/server-pass.key. */
export const KEY_PASS = "valkyr-pass";

/** A client's TLS material: the CA it trusts and, optionally, its certificate and key (file names). */
export interface ClientCreds {
  ca?: string;
  cert?: string;
  key?: string;
}

/** The client signed by ca.crt. */
export const GOOD_CLIENT: ClientCreds = { ca: "ca.crt", cert: "client.crt", key: "client.key" };
/** No client certificate (trusts the server's CA). */
export const NO_CERT: ClientCreds = { ca: "ca.crt" };
/** A client signed by other-ca.crt, which the server does not trust. */
export const OTHER_CLIENT: ClientCreds = { ca: "ca.crt", cert: "other-client.crt", key: "other-client.key" };

/** node:tls options for `creds` (file contents; the server name checked against the SAN is 127.0.0.1). */
export function clientTlsOptions(creds: ClientCreds): tls.ConnectionOptions {
  const o: tls.ConnectionOptions = {};
  if (creds.ca !== undefined) o.ca = tlsFile(creds.ca);
  if (creds.cert !== undefined) o.cert = tlsFile(creds.cert);
  if (creds.key !== undefined) o.key = tlsFile(creds.key);
  return o;
}

/** `--tls-port`, the server's certificate and key, and the CA (unless `ca` is false). */
export function tlsServerArgs(tlsPort: number, ca = true): string[] {
  const args = [
    "--tls-port",
    String(tlsPort),
    "--tls-cert-file",
    tlsPath("server.crt"),
    "--tls-key-file",
    tlsPath("server.key"),
  ];
  if (ca) args.push("--tls-ca-cert-file", tlsPath("ca.crt"));
  return args;
}

export interface TlsServer extends TestServer {
  tlsPort: number;
}

/**
 * Starts the target with a free `tls-port` plus `args(tlsPort)` (by default {@link tlsServerArgs}). The TLS
 * port may be taken by a test file running in parallel: the start is then tried again with another one.
 */
export async function startTlsServer(
  extra: string[] = [],
  args: (tlsPort: number) => string[] = (p) => tlsServerArgs(p),
): Promise<TlsServer> {
  for (let attempt = 1;; attempt++) {
    const tlsPort = await freePort();
    try {
      const srv = await startServer([...args(tlsPort), ...extra]);
      return Object.assign(srv, { tlsPort });
    } catch (e) {
      if (attempt >= 5 || !/Failed listening on port \d+ \(tls\)/i.test(String(e))) throw e;
    }
  }
}

/** The result of a {@link tlsPing}: the server answered +PONG over TLS, or the connection failed. */
export type Probe =
  | { ok: true; protocol: string | null; cipher: string }
  | { ok: false; error: string };

/**
 * Connects over TLS to 127.0.0.1:`port`, sends PING and waits for +PONG. A refused client certificate shows
 * after the client's side of a TLS 1.3 handshake completed, so only the PONG proves the server accepted it.
 */
export function tlsPing(
  port: number,
  creds: ClientCreds,
  extra: tls.ConnectionOptions = {},
  timeoutMs = 5000,
): Promise<Probe> {
  if (extra.ciphers !== undefined && (globalThis as { Deno?: unknown }).Deno !== undefined) {
    return tlsPingInChild(port, creds, extra, timeoutMs);
  }
  return new Promise((resolve) => {
    let done = false;
    const finish = (p: Probe) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      s.destroy();
      resolve(p);
    };
    const s = tls.connect(
      { host: "127.0.0.1", port, ...clientTlsOptions(creds), ...extra },
      () => s.write("PING\r\n"),
    );
    let got = "";
    s.on("data", (d: Buffer) => {
      got += d.toString("latin1");
      if (got.includes("\r\n")) {
        if (got.startsWith("+PONG")) {
          finish({ ok: true, protocol: s.getProtocol(), cipher: s.getCipher().name });
        } else finish({ ok: false, error: `unexpected reply ${JSON.stringify(got)}` });
      }
    });
    s.on("error", (e: Error) => finish({ ok: false, error: e.message }));
    s.on("close", () => finish({ ok: false, error: "connection closed" }));
    const timer = setTimeout(() => finish({ ok: false, error: "timed out" }), timeoutMs);
  });
}

/** The program that runs {@link tlsPingInChild}'s script: Bun from node_modules, else `node`. */
function childRuntime(): string {
  const bun = path.join(ROOT, "node_modules", "bun", "bin", "bun.exe");
  return fs.existsSync(bun) ? bun : "node";
}

/** {@link tlsPing} in a Bun (or Node) child process, whose node:tls applies `ciphers`. */
function tlsPingInChild(
  port: number,
  creds: ClientCreds,
  extra: tls.ConnectionOptions,
  timeoutMs: number,
): Promise<Probe> {
  const files: Record<string, string> = {};
  for (const k of ["ca", "cert", "key"] as const) {
    const f = creds[k];
    if (f !== undefined) files[k] = tlsPath(f);
  }
  const script = `
const tls = require("node:tls");
const fs = require("node:fs");
const [port, files, extra, timeoutMs] = JSON.parse(process.argv[process.argv.length - 1]);
const o = { host: "127.0.0.1", port, ...extra };
for (const k of Object.keys(files)) o[k] = fs.readFileSync(files[k]);
let done = false;
const finish = (p) => {
  if (done) return;
  done = true;
  process.stdout.write(JSON.stringify(p));
  s.destroy();
  process.exit(0);
};
const s = tls.connect(o, () => s.write("PING\\r\\n"));
let got = "";
s.on("data", (d) => {
  got += d.toString("latin1");
  if (got.includes("\\r\\n")) {
    if (got.startsWith("+PONG")) finish({ ok: true, protocol: s.getProtocol(), cipher: s.getCipher().name });
    else finish({ ok: false, error: "unexpected reply " + JSON.stringify(got) });
  }
});
s.on("error", (e) => finish({ ok: false, error: e.message }));
s.on("close", () => finish({ ok: false, error: "connection closed" }));
setTimeout(() => finish({ ok: false, error: "timed out" }), timeoutMs);
`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "valkyr-tls-probe-"));
  const file = path.join(dir, "probe.cjs");
  fs.writeFileSync(file, script);
  return new Promise((resolve, reject) => {
    const child = spawn(childRuntime(), [file, JSON.stringify([port, files, extra, timeoutMs])], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    child.once("error", (e) => {
      fs.rmSync(dir, { recursive: true, force: true });
      reject(e);
    });
    child.once("close", () => {
      fs.rmSync(dir, { recursive: true, force: true });
      try {
        resolve(JSON.parse(out) as Probe);
      } catch {
        reject(new Error(`the TLS probe printed ${JSON.stringify(out)} ${err}`));
      }
    });
  });
}

/** Opens a TLS connection (rejects if the handshake fails) and wraps it as a {@link RawConn}. */
export function tlsRaw(port: number, creds: ClientCreds = GOOD_CLIENT): Promise<RawConn> {
  return new Promise((resolve, reject) => {
    const s = tls.connect({ host: "127.0.0.1", port, ...clientTlsOptions(creds) }, () => {
      s.off("error", reject);
      // RawConn's constructor is private to its static connect(); a TLSSocket is a net.Socket.
      resolve(new (RawConn as unknown as new (s: net.Socket) => RawConn)(s));
    });
    s.once("error", reject);
  });
}

/**
 * Runs the target server with `args` (plus a free `--port`, `--bind 127.0.0.1`, `--save ""` and a `--dir`
 * of its own) and waits for it to exit by itself: for start-ups that must fail. Returns its exit code and
 * output; a server still running after `timeoutMs` is killed (code null).
 */
export async function runUntilExit(
  args: string[],
  timeoutMs = 20000,
): Promise<{ code: number | null; out: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "valkyr-tls-dir-"));
  const port = await freePort();
  const [cmd, full] = serverCommand([
    "--port",
    String(port),
    "--bind",
    "127.0.0.1",
    "--save",
    "",
    "--dir",
    dir,
    ...args,
  ]);
  // Deno.Command, not node:child_process (see tests/unit/cli_test.ts): the exit code as the process set it.
  const child = new Deno.Command(cmd, { args: full, cwd: ROOT, stdout: "piped", stderr: "piped" }).spawn();
  let out = "";
  const collect = async (stream: ReadableStream<Uint8Array>) => {
    const dec = new TextDecoder();
    for await (const chunk of stream) out += dec.decode(chunk);
  };
  const streams = Promise.all([collect(child.stdout), collect(child.stderr)]);
  let killed = false;
  const timer = setTimeout(() => {
    killed = true;
    child.kill("SIGKILL");
  }, timeoutMs);
  const st = await child.status;
  clearTimeout(timer);
  await streams;
  fs.rmSync(dir, { recursive: true, force: true });
  return { code: killed ? null : st.code, out };
}

/**
 * The subject hash of a certificate as `openssl x509 -hash` prints it (the `<hash>.0` name OpenSSL looks up
 * in a CA directory), or null when `openssl` cannot be run.
 */
export function opensslHash(certFile: string): Promise<string | null> {
  return new Promise((resolve) => {
    let out = "";
    const child = spawn("openssl", ["x509", "-hash", "-noout", "-in", certFile], {
      stdio: ["ignore", "pipe", "ignore"],
      env: process.env,
    });
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.once("error", () => resolve(null));
    child.once(
      "close",
      (code) => resolve(code === 0 && /^[0-9a-f]{8}$/.test(out.trim()) ? out.trim() : null),
    );
  });
}

/**
 * The first bytes a node:tls client sends (its ClientHello), captured by a loopback listener of our own that
 * then hangs up: replayed to a server, they start a real handshake that the test can abandon at any point.
 */
export function captureClientHello(creds: ClientCreds = GOOD_CLIENT): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const server = net.createServer((sock) => {
      sock.once("data", (d: Buffer) => {
        sock.destroy();
        server.close();
        resolve(d);
      });
      sock.on("error", () => {});
    });
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as net.AddressInfo).port;
      const c = tls.connect({ host: "127.0.0.1", port, ...clientTlsOptions(creds) });
      c.on("error", () => {});
    });
  });
}
