/**
 * TLS (Valkey's `tls-*` directives): clients on the `tls-port` (iovalkey, ioredis, node-redis, redis-cli,
 * node:tls) share the keyspace with plain clients; `tls-auth-clients` yes/optional/no; the directives'
 * defaults; CONFIG SET of certificates, keys, protocols, ciphers and the port (a failure keeps the old
 * configuration, with Valkey's reply and log lines); start-up failures; `tls-ca-cert-dir`; INFO's
 * listener lines and CLIENT LIST of a TLS client; garbage on the TLS port.
 *
 * Replies and log lines are valkey-server 8.1.1's (built with BUILD_TLS=yes). Debian's redis-server 7.0 is
 * built with TLS too: the file runs against it; what differs there (SLOWLOG shows the TLS passphrases, no
 * INFO listener lines, one "Ready to accept connections" line) is adjusted where it is checked.
 * The certificates are tests/tls/'s (gen.sh). OpenSSL's own error texts in log lines are matched loosely.
 */

import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { Buffer } from "node:buffer";
import { Valkey } from "iovalkey";
import { Redis } from "ioredis";
import { createClient } from "redis";
import { freePort, isValkeyLike, isValkyr, startServer, target } from "../helpers/server.ts";
import { RawConn, RespError } from "../helpers/raw.ts";
import {
  captureClientHello,
  clientTlsOptions,
  GOOD_CLIENT,
  KEY_PASS,
  NO_CERT,
  opensslHash,
  OTHER_CLIENT,
  runUntilExit,
  startTlsServer,
  tlsPath,
  tlsPing,
  tlsRaw,
  tlsServerArgs,
} from "../helpers/tls.ts";
import type { Probe, TlsServer } from "../helpers/tls.ts";
import { sleep, waitForLog, waitUntil } from "../helpers/timing.ts";

// An external server's configuration is not ours to choose.
const opts = { sanitizeOps: false, sanitizeResources: false, ignore: target() === "external" };

/** CONFIG SET's reply when the TLS context cannot be rebuilt (Valkey's applyTlsCfg). */
function tlsUpdateError(name: string): string {
  return `ERR CONFIG SET failed (possibly related to argument '${name}') - Unable to update TLS configuration. Check server logs.`;
}

/** Resolves once the log written after `mark` (a length of `output()`) matches `re`. */
async function waitForLogAfter(output: () => string, mark: number, re: RegExp): Promise<void> {
  await waitForLog(() => output().slice(mark), re);
}

/** Valkey's (and Redis's) log line after a CONFIG SET that failed to apply. */
function restoringLine(name: string): RegExp {
  return new RegExp(
    `Failed applying new configuration\\. Possibly related to new ${name} setting\\. Restoring previous settings\\.`,
  );
}

async function withPlain<T>(srv: TlsServer, fn: (c: RawConn) => Promise<T>): Promise<T> {
  const c = await RawConn.connect(srv.port);
  try {
    return await fn(c);
  } finally {
    c.close();
  }
}

async function config(srv: TlsServer, ...args: string[]): Promise<unknown> {
  return await withPlain(srv, (c) => c.call("CONFIG", ...args));
}

async function configGet(srv: TlsServer, name: string): Promise<string> {
  const r = await config(srv, "GET", name);
  assert.ok(Array.isArray(r) && r.length === 2, `CONFIG GET ${name}: ${JSON.stringify(r)}`);
  return r[1] as string;
}

function assertOk(p: Probe, what: string): void {
  assert.ok(p.ok, `${what}: expected +PONG over TLS, got ${p.ok ? "" : p.error}`);
}

function assertRefused(p: Probe, what: string): void {
  assert.ok(!p.ok, `${what}: expected the TLS connection to be refused, it answered PONG`);
}

/** The output of `redis-cli` (Debian's, 7.0, with --tls), or null if it cannot be run. */
function redisCli(args: string[]): Promise<{ code: number; out: string } | null> {
  return new Promise((resolve) => {
    execFile("redis-cli", args, { timeout: 15000 }, (err, stdout, stderr) => {
      if (err !== null && (err as NodeJS.ErrnoException).code === "ENOENT") return resolve(null);
      const code = err === null ? 0 : typeof err.code === "number" ? err.code : 1;
      resolve({ code, out: `${stdout}${stderr}` });
    });
  });
}

function redisCliTls(port: number, ...cmd: string[]): Promise<{ code: number; out: string } | null> {
  return redisCli([
    "--tls",
    "--cacert",
    tlsPath("ca.crt"),
    "--cert",
    tlsPath("client.crt"),
    "--key",
    tlsPath("client.key"),
    "-h",
    "127.0.0.1",
    "-p",
    String(port),
    ...cmd,
  ]);
}

/** Resolves true when something accepts a TCP connection on 127.0.0.1:`port`. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: "127.0.0.1", port }, () => {
      s.destroy();
      resolve(true);
    });
    s.once("error", () => resolve(false));
  });
}

Deno.test({
  name: "iovalkey and ioredis over TLS: SET/GET, a pipeline and a 1 MB value, shared with plain clients",
  ...opts,
  fn: async () => {
    const srv = await startTlsServer();
    const clients = [
      new Valkey({
        host: "127.0.0.1",
        port: srv.tlsPort,
        tls: clientTlsOptions(GOOD_CLIENT),
        lazyConnect: true,
        maxRetriesPerRequest: 0,
      }),
      new Redis({
        host: "127.0.0.1",
        port: srv.tlsPort,
        tls: clientTlsOptions(GOOD_CLIENT),
        lazyConnect: true,
        maxRetriesPerRequest: 0,
      }),
    ];
    try {
      for (const [i, c] of clients.entries()) {
        await c.connect();
        assert.equal(await c.set(`tls:k${i}`, "over-tls"), "OK");
        assert.equal(await c.get(`tls:k${i}`), "over-tls");
        const res = await c.pipeline().set(`tls:p${i}`, "1").incr(`tls:p${i}`).get(`tls:p${i}`).exec();
        assert.deepEqual(res, [[null, "OK"], [null, 2], [null, "2"]]);
        // ~1 MB, more than any TLS record (16 KB) and any socket buffer: split on both sides.
        const big = Buffer.alloc(1024 * 1024 + 7);
        for (let j = 0; j < big.length; j++) big[j] = (j * 31 + i) & 0xff;
        assert.equal(await c.set(`tls:big${i}`, big), "OK");
        assert.ok(big.equals(await c.getBuffer(`tls:big${i}`) as Buffer));
        await withPlain(srv, async (p) => {
          assert.equal(await p.call("GET", `tls:k${i}`), "over-tls");
          assert.equal(await p.call("STRLEN", `tls:big${i}`), big.length);
          const got = await p.callBytes("GET", `tls:big${i}`);
          assert.ok(big.equals(Buffer.from(got as Uint8Array)));
          assert.equal(await p.call("SET", `plain:k${i}`, "from-plain"), "OK");
        });
        assert.equal(await c.get(`plain:k${i}`), "from-plain");
      }
    } finally {
      for (const c of clients) c.disconnect();
      await srv.stop();
    }
  },
});

Deno.test({
  name: "node-redis and redis-cli over TLS with a client certificate",
  ...opts,
  fn: async () => {
    const srv = await startTlsServer();
    const r = createClient({
      socket: {
        tls: true,
        host: "127.0.0.1",
        port: srv.tlsPort,
        ...clientTlsOptions(GOOD_CLIENT),
        reconnectStrategy: false,
      },
    });
    r.on("error", () => {});
    try {
      await r.connect();
      assert.equal(await r.set("nr:k", "v1"), "OK");
      assert.equal(await r.get("nr:k"), "v1");
      const multi = await r.multi().incr("nr:n").incr("nr:n").exec();
      assert.deepEqual(multi, [1, 2]);
      assert.equal(await withPlain(srv, (p) => p.call("GET", "nr:k")), "v1");
      await r.quit();

      const set = await redisCliTls(srv.tlsPort, "SET", "cli:k", "from-cli");
      if (set === null) return; // no redis-cli on this machine
      assert.equal(set.code, 0, set.out);
      assert.equal(set.out.trim(), "OK");
      const get = await redisCliTls(srv.tlsPort, "GET", "nr:k");
      assert.equal(get?.out.trim(), "v1");
      assert.equal(await withPlain(srv, (p) => p.call("GET", "cli:k")), "from-cli");
      // Without --tls, redis-cli speaks plain RESP to the TLS port: the server drops the connection.
      const plain = await redisCli(["-h", "127.0.0.1", "-p", String(srv.tlsPort), "PING"]);
      assert.ok(plain !== null && !/PONG/.test(plain.out), plain?.out ?? "");
    } finally {
      await srv.stop();
    }
  },
});

Deno.test({
  name: "pub/sub messages cross between TLS and plain clients",
  ...opts,
  fn: async () => {
    const srv = await startTlsServer();
    const sub = new Valkey({
      host: "127.0.0.1",
      port: srv.tlsPort,
      tls: clientTlsOptions(GOOD_CLIENT),
      lazyConnect: true,
      maxRetriesPerRequest: 0,
    });
    const plainSub = await RawConn.connect(srv.port);
    const tlsPub = await tlsRaw(srv.tlsPort);
    try {
      await sub.connect();
      const got: [string, string][] = [];
      sub.on("message", (ch: string, msg: string) => got.push([ch, msg]));
      assert.equal(await sub.subscribe("news"), 1);
      const big = "x".repeat(100000);
      await withPlain(srv, async (p) => {
        assert.equal(await p.call("PUBLISH", "news", "hello over tls"), 1);
        assert.equal(await p.call("PUBLISH", "news", big), 1);
      });
      await waitUntil(() => got.length === 2, "two messages on the TLS subscriber");
      assert.deepEqual(got[0], ["news", "hello over tls"]);
      assert.equal(got[1]![1], big);

      // The other way: a plain subscriber, a TLS publisher.
      assert.deepEqual(await plainSub.call("SUBSCRIBE", "back"), ["subscribe", "back", 1]);
      assert.equal(await tlsPub.call("PUBLISH", "back", "from tls"), 1);
      assert.deepEqual(await plainSub.read(), ["message", "back", "from tls"]);
    } finally {
      sub.disconnect();
      plainSub.close();
      tlsPub.close();
      await srv.stop();
    }
  },
});

Deno.test({
  name:
    "tls-auth-clients yes (the default): a client without a certificate or signed by another CA is refused",
  ...opts,
  fn: async () => {
    const srv = await startTlsServer();
    try {
      assert.equal(await configGet(srv, "tls-auth-clients"), "yes");
      assertRefused(await tlsPing(srv.tlsPort, NO_CERT), "no client certificate");
      assertRefused(await tlsPing(srv.tlsPort, OTHER_CLIENT), "a certificate of other-ca");
      assertOk(await tlsPing(srv.tlsPort, GOOD_CLIENT), "client.crt");
      // TLS 1.2 too, where the refusal is part of the handshake.
      assertRefused(
        await tlsPing(srv.tlsPort, NO_CERT, { maxVersion: "TLSv1.2" }),
        "no certificate, TLS 1.2",
      );
      assertRefused(await tlsPing(srv.tlsPort, OTHER_CLIENT, { maxVersion: "TLSv1.2" }), "other-ca, TLS 1.2");
      assertOk(await tlsPing(srv.tlsPort, GOOD_CLIENT, { maxVersion: "TLSv1.2" }), "client.crt, TLS 1.2");
      assert.equal(await withPlain(srv, (p) => p.call("PING")), "PONG");
    } finally {
      await srv.stop();
    }
  },
});

Deno.test({
  name: "tls-auth-clients optional accepts no certificate but refuses a bad one; no accepts anything",
  ...opts,
  fn: async () => {
    const optional = await startTlsServer(["--tls-auth-clients", "optional"]);
    try {
      assert.equal(await configGet(optional, "tls-auth-clients"), "optional");
      assertOk(await tlsPing(optional.tlsPort, NO_CERT), "optional, no certificate");
      assertRefused(await tlsPing(optional.tlsPort, OTHER_CLIENT), "optional, other-ca's client");
      assertOk(await tlsPing(optional.tlsPort, GOOD_CLIENT), "optional, client.crt");
    } finally {
      await optional.stop();
    }
    // `no` needs no CA at all: the server does not ask for a certificate.
    const no = await startTlsServer(["--tls-auth-clients", "no"], (p) => tlsServerArgs(p, false));
    try {
      assert.equal(await configGet(no, "tls-auth-clients"), "no");
      assert.equal(await configGet(no, "tls-ca-cert-file"), "");
      assertOk(await tlsPing(no.tlsPort, NO_CERT), "no, no certificate");
      assertOk(await tlsPing(no.tlsPort, OTHER_CLIENT), "no, other-ca's client (not asked for)");
      assertOk(await tlsPing(no.tlsPort, GOOD_CLIENT), "no, client.crt");
    } finally {
      await no.stop();
    }
  },
});

Deno.test({
  name: "CONFIG SET tls-auth-clients applies to new connections, established ones stay",
  ...opts,
  fn: async () => {
    const srv = await startTlsServer();
    let kept: RawConn | undefined;
    try {
      assertRefused(await tlsPing(srv.tlsPort, NO_CERT), "yes, no certificate");
      assert.equal(await config(srv, "SET", "tls-auth-clients", "no"), "OK");
      assert.equal(await configGet(srv, "tls-auth-clients"), "no");
      assertOk(await tlsPing(srv.tlsPort, NO_CERT), "no, no certificate");
      kept = await tlsRaw(srv.tlsPort, NO_CERT);
      assert.equal(await kept.call("PING"), "PONG");
      assert.equal(await config(srv, "SET", "tls-auth-clients", "optional"), "OK");
      assertOk(await tlsPing(srv.tlsPort, NO_CERT), "optional, no certificate");
      assertRefused(await tlsPing(srv.tlsPort, OTHER_CLIENT), "optional, other-ca's client");
      assert.equal(await config(srv, "SET", "tls-auth-clients", "yes"), "OK");
      assertRefused(await tlsPing(srv.tlsPort, NO_CERT), "yes again, no certificate");
      assertOk(await tlsPing(srv.tlsPort, GOOD_CLIENT), "yes again, client.crt");
      // The connection made without a certificate is not dropped.
      assert.equal(await kept.call("SET", "kept", "1"), "OK");
      const bad = await config(srv, "SET", "tls-auth-clients", "maybe");
      assert.ok(bad instanceof RespError);
      assert.equal(
        bad.message,
        "ERR CONFIG SET failed (possibly related to argument 'tls-auth-clients') - argument(s) must be one of the following: no, yes, optional",
      );
    } finally {
      kept?.close();
      await srv.stop();
    }
  },
});

/** Valkey 8.1.1's CONFIG GET of every tls-* directive on a server started without any of them. */
const TLS_DEFAULTS: [string, string][] = [
  ["tls-port", "0"],
  ["tls-cert-file", ""],
  ["tls-key-file", ""],
  ["tls-key-file-pass", ""],
  ["tls-client-cert-file", ""],
  ["tls-client-key-file", ""],
  ["tls-client-key-file-pass", ""],
  ["tls-dh-params-file", ""],
  ["tls-ca-cert-file", ""],
  ["tls-ca-cert-dir", ""],
  ["tls-protocols", ""],
  ["tls-ciphers", ""],
  ["tls-ciphersuites", ""],
  ["tls-prefer-server-ciphers", "no"],
  ["tls-session-caching", "yes"],
  ["tls-session-cache-size", "20480"],
  ["tls-session-cache-timeout", "300"],
  ["tls-auth-clients", "yes"],
  ["tls-replication", "no"],
  ["tls-cluster", "no"],
];

Deno.test({
  name: "CONFIG GET tls-* defaults; without a tls-port the files are not loaded by CONFIG SET",
  ...opts,
  fn: async () => {
    const srv = await startServer();
    const c = await RawConn.connect(srv.port);
    try {
      const all = await c.call("CONFIG", "GET", "tls-*") as string[];
      const got = new Map<string, string>();
      for (let i = 0; i < all.length; i += 2) got.set(all[i]!, all[i + 1]!);
      assert.deepEqual([...got.keys()].sort(), TLS_DEFAULTS.map(([k]) => k).sort());
      for (const [k, v] of TLS_DEFAULTS) assert.equal(got.get(k), v, k);
      // Numbers and enums are checked as any config is.
      const size = await c.call("CONFIG", "SET", "tls-session-cache-size", "-1");
      assert.ok(size instanceof RespError);
      assert.equal(
        size.message,
        "ERR CONFIG SET failed (possibly related to argument 'tls-session-cache-size') - argument must be between 0 and 2147483647 inclusive",
      );
      // With TLS off (no tls-port, tls-replication or tls-cluster) nothing is loaded, so anything goes.
      assert.equal(await c.call("CONFIG", "SET", "tls-cert-file", "/nonexistent/valkyr.crt"), "OK");
      assert.equal(await c.call("CONFIG", "SET", "tls-protocols", "TLSv1.4"), "OK");
      assert.equal(await c.call("CONFIG", "GET", "tls-protocols").then((r) => (r as string[])[1]), "TLSv1.4");
      assert.equal(await c.call("CONFIG", "SET", "tls-protocols", ""), "OK");
      assert.equal(await c.call("CONFIG", "SET", "tls-cert-file", ""), "OK");
    } finally {
      c.close();
      await srv.stop();
    }
  },
});

Deno.test({
  name: "tls-key-file-pass is SENSITIVE: CONFIG GET shows it, SLOWLOG records (redacted)",
  ...opts,
  fn: async () => {
    const srv = await startServer(["--slowlog-log-slower-than", "0"]);
    const c = await RawConn.connect(srv.port);
    try {
      assert.equal(await c.call("SLOWLOG", "RESET"), "OK");
      assert.equal(await c.call("CONFIG", "SET", "tls-key-file-pass", "s3cret"), "OK");
      assert.equal(await c.call("CONFIG", "SET", "tls-client-key-file-pass", "s3cret2"), "OK");
      // Valkey does not hide the value from CONFIG GET (only from the logs of commands).
      assert.deepEqual(await c.call("CONFIG", "GET", "tls-key-file-pass"), ["tls-key-file-pass", "s3cret"]);
      assert.deepEqual(await c.call("CONFIG", "GET", "tls-client-key-file-pass"), [
        "tls-client-key-file-pass",
        "s3cret2",
      ]);
      const log = await c.call("SLOWLOG", "GET", "10") as unknown[][];
      const argvs = log.map((e) => e[3] as string[]);
      // Redis 7.0 does not flag the TLS passphrases as sensitive: its SLOWLOG keeps them in the clear.
      const shown = (v: string) => isValkeyLike() ? "(redacted)" : v;
      assert.deepEqual(
        argvs.find((a) => a[1] === "SET" && a[2] === "tls-key-file-pass"),
        ["CONFIG", "SET", "tls-key-file-pass", shown("s3cret")],
      );
      assert.deepEqual(
        argvs.find((a) => a[1] === "SET" && a[2] === "tls-client-key-file-pass"),
        ["CONFIG", "SET", "tls-client-key-file-pass", shown("s3cret2")],
      );
      if (isValkeyLike()) assert.ok(!JSON.stringify(log).includes("s3cret"));
    } finally {
      c.close();
      await srv.stop();
    }
  },
});

Deno.test({
  name:
    "CONFIG SET of a bad certificate, key or tls-protocols fails with Valkey's reply and log line, TLS keeps working",
  ...opts,
  fn: async () => {
    const srv = await startTlsServer();
    try {
      const cases: [string, string, RegExp][] = [
        [
          "tls-cert-file",
          "/nonexistent/valkyr.crt",
          /Failed to load certificate: \/nonexistent\/valkyr\.crt: .*No such file or directory/,
        ],
        // gen.sh is no PEM file ("no start line", says OpenSSL).
        ["tls-cert-file", tlsPath("gen.sh"), /Failed to load certificate: .*\/gen\.sh: .+/],
        // A valid certificate that does not match the key: the key's load fails.
        [
          "tls-cert-file",
          tlsPath("ca.crt"),
          /Failed to load private key: .*\/server\.key: .*key values mismatch/,
        ],
        [
          "tls-key-file",
          tlsPath("client.key"),
          /Failed to load private key: .*\/client\.key: .*key values mismatch/,
        ],
        [
          "tls-key-file",
          "/nonexistent/valkyr.key",
          /Failed to load private key: \/nonexistent\/valkyr\.key: .+/,
        ],
        [
          "tls-protocols",
          "TLSv1.4",
          /Invalid tls-protocols specified\. Use a combination of 'TLSv1', 'TLSv1\.1', 'TLSv1\.2' and 'TLSv1\.3'\./,
        ],
        [
          "tls-ca-cert-file",
          "/nonexistent/ca.crt",
          /Failed to configure CA certificate\(s\) file\/directory: .*No such file or directory/,
        ],
      ];
      for (const [name, value, logLine] of cases) {
        const before = await configGet(srv, name);
        const mark = srv.output().length;
        const r = await config(srv, "SET", name, value);
        assert.ok(r instanceof RespError, `CONFIG SET ${name} ${value}: ${JSON.stringify(r)}`);
        assert.equal(r.message, tlsUpdateError(name));
        await waitForLogAfter(srv.output, mark, logLine);
        await waitForLogAfter(srv.output, mark, restoringLine(name));
        assert.equal(await configGet(srv, name), before, `${name} is restored`);
        assertOk(await tlsPing(srv.tlsPort, GOOD_CLIENT), `after CONFIG SET ${name} ${value}`);
      }
    } finally {
      await srv.stop();
    }
  },
});

Deno.test({
  name: "CONFIG SET tls-cert-file/tls-key-file (+ tls-key-file-pass) takes effect for new connections",
  ...opts,
  fn: async () => {
    const srv = await startTlsServer();
    const kept = await tlsRaw(srv.tlsPort);
    try {
      // The encrypted key without its passphrase: OpenSSL cannot read it.
      const mark = srv.output().length;
      const noPass = await config(srv, "SET", "tls-key-file", tlsPath("server-pass.key"));
      assert.ok(noPass instanceof RespError);
      assert.equal(noPass.message, tlsUpdateError("tls-key-file"));
      await waitForLogAfter(srv.output, mark, /Failed to load private key: .*\/server-pass\.key: .+/);
      await waitForLogAfter(srv.output, mark, restoringLine("tls-key-file"));
      // Both in one CONFIG SET: applied together.
      assert.equal(
        await config(srv, "SET", "tls-key-file", tlsPath("server-pass.key"), "tls-key-file-pass", KEY_PASS),
        "OK",
      );
      assert.equal(await configGet(srv, "tls-key-file"), tlsPath("server-pass.key"));
      assertOk(await tlsPing(srv.tlsPort, GOOD_CLIENT), "server-pass.key with its passphrase");
      // A wrong passphrase is refused, the right one stays.
      const mark2 = srv.output().length;
      const wrong = await config(srv, "SET", "tls-key-file-pass", "wrong");
      assert.ok(wrong instanceof RespError);
      assert.equal(wrong.message, tlsUpdateError("tls-key-file-pass"));
      await waitForLogAfter(srv.output, mark2, /Failed to load private key: .*\/server-pass\.key: .+/);
      await waitForLogAfter(srv.output, mark2, restoringLine("tls-key-file-pass"));
      assert.equal(await configGet(srv, "tls-key-file-pass"), KEY_PASS);
      assertOk(await tlsPing(srv.tlsPort, GOOD_CLIENT), "after a wrong passphrase");

      // Another pair: client.crt/client.key as the server's (no serverAuth usage, so a verifying client
      // refuses it; one that does not verify sees the new certificate's subject).
      assert.equal(
        await config(
          srv,
          "SET",
          "tls-cert-file",
          tlsPath("client.crt"),
          "tls-key-file",
          tlsPath("client.key"),
          "tls-key-file-pass",
          "",
        ),
        "OK",
      );
      assertRefused(await tlsPing(srv.tlsPort, GOOD_CLIENT), "a server certificate without serverAuth");
      assertOk(
        await tlsPing(srv.tlsPort, GOOD_CLIENT, { rejectUnauthorized: false }),
        "client.crt served, not verified",
      );
      assert.equal(
        await config(
          srv,
          "SET",
          "tls-cert-file",
          tlsPath("server.crt"),
          "tls-key-file",
          tlsPath("server.key"),
        ),
        "OK",
      );
      assertOk(await tlsPing(srv.tlsPort, GOOD_CLIENT), "back to server.crt");
      // The connection made before all this is still served.
      assert.equal(await kept.call("PING"), "PONG");
    } finally {
      kept.close();
      await srv.stop();
    }
  },
});

Deno.test({
  name: "tls-key-file-pass: the encrypted key loads with its passphrase, a wrong one stops the start",
  ...opts,
  fn: async () => {
    const withPass = (p: number) => [
      "--tls-port",
      String(p),
      "--tls-cert-file",
      tlsPath("server.crt"),
      "--tls-key-file",
      tlsPath("server-pass.key"),
      "--tls-ca-cert-file",
      tlsPath("ca.crt"),
    ];
    const srv = await startTlsServer(["--tls-key-file-pass", KEY_PASS], withPass);
    try {
      assertOk(await tlsPing(srv.tlsPort, GOOD_CLIENT), "server-pass.key");
    } finally {
      await srv.stop();
    }
    const wrong = await runUntilExit([...withPass(await freePort()), "--tls-key-file-pass", "wrong"]);
    assert.equal(wrong.code, 1, wrong.out);
    assert.match(wrong.out, /Failed to load private key: .*\/server-pass\.key: .+/);
    assert.match(wrong.out, /Failed to configure TLS\. Check logs for more info\./);
    const none = await runUntilExit(withPass(await freePort()));
    assert.equal(none.code, 1, none.out);
    assert.match(none.out, /Failed to load private key: .*\/server-pass\.key: .+/);
  },
});

Deno.test({
  name: "start-up fails without tls-cert-file, tls-key-file, or a CA when clients are authenticated",
  ...opts,
  fn: async () => {
    const cases: [string[], RegExp][] = [
      [[], /No tls-cert-file configured!/],
      [["--tls-cert-file", tlsPath("server.crt")], /No tls-key-file configured!/],
      [
        ["--tls-cert-file", tlsPath("server.crt"), "--tls-key-file", tlsPath("server.key")],
        /Either tls-ca-cert-file or tls-ca-cert-dir must be specified when tls-cluster, tls-replication or tls-auth-clients are enabled!/,
      ],
      // The CA check comes before any file is loaded.
      [
        [
          "--tls-cert-file",
          "/nonexistent/valkyr.crt",
          "--tls-key-file",
          tlsPath("server.key"),
          "--tls-ca-cert-file",
          tlsPath("ca.crt"),
        ],
        /Failed to load certificate: \/nonexistent\/valkyr\.crt: .*No such file or directory/,
      ],
      [
        [...tlsServerArgs(0).slice(2), "--tls-protocols", "TLSv1.4"],
        /Invalid tls-protocols specified\. Use a combination of 'TLSv1', 'TLSv1\.1', 'TLSv1\.2' and 'TLSv1\.3'\./,
      ],
    ];
    for (const [args, line] of cases) {
      const r = await runUntilExit(["--tls-port", String(await freePort()), ...args]);
      assert.equal(r.code, 1, r.out);
      assert.match(r.out, line);
      assert.match(r.out, /Failed to configure TLS\. Check logs for more info\./);
      assert.doesNotMatch(r.out, /Ready to accept connections/);
    }
  },
});

const caHash = await opensslHash(tlsPath("ca.crt"));

Deno.test({
  name: "tls-ca-cert-dir: a directory of hashed CA certificates authenticates clients",
  ...opts,
  // Needs `openssl x509 -hash` for the file name OpenSSL looks up: skipped without openssl.
  ignore: opts.ignore || caHash === null,
  fn: async () => {
    const hash = caHash!;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "valkyr-cadir-"));
    fs.copyFileSync(tlsPath("ca.crt"), path.join(dir, `${hash}.0`));
    const srv = await startTlsServer(["--tls-ca-cert-dir", dir], (p) => tlsServerArgs(p, false));
    try {
      assert.equal(await configGet(srv, "tls-ca-cert-dir"), dir);
      assert.equal(await configGet(srv, "tls-ca-cert-file"), "");
      assertOk(await tlsPing(srv.tlsPort, GOOD_CLIENT), "client.crt, CA found in the directory");
      assertRefused(await tlsPing(srv.tlsPort, OTHER_CLIENT), "other-ca's client");
      assertRefused(await tlsPing(srv.tlsPort, NO_CERT), "no certificate");
      // An empty directory: OpenSSL accepts it, and no client certificate verifies.
      const empty = fs.mkdtempSync(path.join(os.tmpdir(), "valkyr-cadir-"));
      try {
        assert.equal(await config(srv, "SET", "tls-ca-cert-dir", empty), "OK");
        assertRefused(await tlsPing(srv.tlsPort, GOOD_CLIENT), "client.crt, no CA in the directory");
      } finally {
        fs.rmSync(empty, { recursive: true, force: true });
      }
    } finally {
      await srv.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
});

Deno.test({
  name: "tls-protocols limits the TLS versions the server accepts",
  ...opts,
  fn: async () => {
    const v12 = await startTlsServer(["--tls-protocols", "TLSv1.2"]);
    try {
      assert.equal(await configGet(v12, "tls-protocols"), "TLSv1.2");
      assertRefused(
        await tlsPing(v12.tlsPort, GOOD_CLIENT, { minVersion: "TLSv1.3" }),
        "a TLS 1.3-only client",
      );
      const p = await tlsPing(v12.tlsPort, GOOD_CLIENT, { maxVersion: "TLSv1.2" });
      assertOk(p, "a TLS 1.2 client");
      assert.equal(p.ok && p.protocol, "TLSv1.2");
      const any = await tlsPing(v12.tlsPort, GOOD_CLIENT);
      assert.equal(any.ok && any.protocol, "TLSv1.2");
    } finally {
      await v12.stop();
    }
    const v13 = await startTlsServer(["--tls-protocols", "TLSv1.3"]);
    try {
      assertRefused(
        await tlsPing(v13.tlsPort, GOOD_CLIENT, { maxVersion: "TLSv1.2" }),
        "a TLS 1.2-only client",
      );
      const p = await tlsPing(v13.tlsPort, GOOD_CLIENT);
      assertOk(p, "a TLS 1.3 client");
      assert.equal(p.ok && p.protocol, "TLSv1.3");
      // Both, in any case, separated by spaces; applied to new connections by CONFIG SET.
      assert.equal(await config(v13, "SET", "tls-protocols", "tlsv1.2 TLSv1.3"), "OK");
      assertOk(await tlsPing(v13.tlsPort, GOOD_CLIENT, { maxVersion: "TLSv1.2" }), "1.2 after CONFIG SET");
    } finally {
      await v13.stop();
    }
  },
});

Deno.test({
  name: "CONFIG SET tls-port moves the TLS listener; tls-port 0 closes it",
  ...opts,
  fn: async () => {
    const srv = await startTlsServer();
    const kept = await tlsRaw(srv.tlsPort);
    try {
      const old = srv.tlsPort;
      const next = await freePort();
      assert.equal(await config(srv, "SET", "tls-port", String(next)), "OK");
      assert.equal(await configGet(srv, "tls-port"), String(next));
      assertOk(await tlsPing(next, GOOD_CLIENT), "the new tls-port");
      assert.equal(await listening(old), false, "the old tls-port is closed");
      // The established connection on the old port is not closed.
      assert.equal(await kept.call("PING"), "PONG");
      assert.equal(await config(srv, "SET", "tls-port", "0"), "OK");
      assert.equal(await configGet(srv, "tls-port"), "0");
      assert.equal(await listening(next), false, "tls-port 0 closes the TLS listener");
      assert.equal(await withPlain(srv, (c) => c.call("PING")), "PONG");
      // A port something else listens on: refused, and tls-port stays 0.
      const taken = net.createServer();
      await new Promise<void>((r) => taken.listen(0, "127.0.0.1", () => r()));
      const takenPort = (taken.address() as net.AddressInfo).port;
      try {
        const mark = srv.output().length;
        const r = await config(srv, "SET", "tls-port", String(takenPort));
        assert.ok(r instanceof RespError, JSON.stringify(r));
        assert.equal(
          r.message,
          "ERR CONFIG SET failed (possibly related to argument 'tls-port') - Unable to listen on this port. Check server logs.",
        );
        await waitForLogAfter(
          srv.output,
          mark,
          new RegExp(
            `Warning: Could not create server TCP listening socket 127\\.0\\.0\\.1:${takenPort}: bind: Address already in use`,
          ),
        );
        await waitForLogAfter(srv.output, mark, restoringLine("tls-port"));
        assert.equal(await configGet(srv, "tls-port"), "0");
      } finally {
        await new Promise((r) => taken.close(r));
      }
      // And back on.
      const again = await freePort();
      assert.equal(await config(srv, "SET", "tls-port", String(again)), "OK");
      assertOk(await tlsPing(again, GOOD_CLIENT), "tls-port enabled again");
    } finally {
      kept.close();
      await srv.stop();
    }
  },
});

Deno.test({
  name: "INFO server lists the tls listener and the log says it is ready",
  ...opts,
  fn: async () => {
    const srv = await startTlsServer();
    try {
      if (isValkeyLike()) {
        await waitForLog(srv.output, /Ready to accept connections tcp\n/);
        await waitForLog(srv.output, /Ready to accept connections tls\n/);
      } else {
        // Redis 7.0 logs one line, without the connection types.
        await waitForLog(srv.output, /Ready to accept connections\n/);
      }
      const info = await withPlain(srv, (c) => c.call("INFO", "server")) as string;
      const listeners = info.split("\r\n").filter((l) => l.startsWith("listener"));
      if (isValkeyLike()) {
        // Index 1 is the unix socket's (listed only when there is one).
        assert.deepEqual(listeners, [
          `listener0:name=tcp,bind=127.0.0.1,port=${srv.port}`,
          `listener2:name=tls,bind=127.0.0.1,port=${srv.tlsPort}`,
        ]);
        // After CONFIG SET tls-port 0 the listener stays listed, with neither bind nor port.
        assert.equal(await config(srv, "SET", "tls-port", "0"), "OK");
        const after = await withPlain(srv, (c) => c.call("INFO", "server")) as string;
        assert.deepEqual(after.split("\r\n").filter((l) => l.startsWith("listener")), [
          `listener0:name=tcp,bind=127.0.0.1,port=${srv.port}`,
          "listener2:name=tls",
        ]);
      } else {
        assert.deepEqual(listeners, []); // Redis 7.0 has no listener lines
      }
    } finally {
      await srv.stop();
    }
  },
});

Deno.test({
  name: "CLIENT LIST and CLIENT INFO of a TLS client: the fields of a TCP client, laddr on the tls-port",
  ...opts,
  fn: async () => {
    const srv = await startTlsServer();
    const t = await tlsRaw(srv.tlsPort);
    const p = await RawConn.connect(srv.port);
    try {
      assert.equal(await t.call("CLIENT", "SETNAME", "tls-one"), "OK");
      const tInfo = await t.call("CLIENT", "INFO") as string;
      const pInfo = await p.call("CLIENT", "INFO") as string;
      const fields = (line: string) =>
        new Map(line.trim().split(" ").map((kv) => kv.split("=", 2) as [string, string]));
      const tf = fields(tInfo);
      const pf = fields(pInfo);
      assert.deepEqual([...tf.keys()], [...pf.keys()]);
      assert.equal(tf.get("addr"), `127.0.0.1:${t.socket.localPort}`);
      assert.equal(tf.get("laddr"), `127.0.0.1:${srv.tlsPort}`);
      assert.equal(pf.get("laddr"), `127.0.0.1:${srv.port}`);
      assert.equal(tf.get("name"), "tls-one");
      assert.equal(tf.get("flags"), "N");
      assert.equal(tf.get("cmd"), "client|info");
      const list = await p.call("CLIENT", "LIST") as string;
      const line = list.split("\n").find((l) => l.includes(" name=tls-one "));
      assert.ok(line !== undefined, list);
      assert.equal(fields(line).get("laddr"), `127.0.0.1:${srv.tlsPort}`);
      // CLIENT KILL by address works for it as for any client.
      assert.equal(await p.call("CLIENT", "KILL", "ADDR", `127.0.0.1:${t.socket.localPort}`), 1);
      assert.ok(await t.waitClosed());
      const kill = await p.call("CLIENT", "KILL", "LADDR", `127.0.0.1:${srv.tlsPort}`);
      assert.equal(kill, 0);
    } finally {
      t.close();
      p.close();
      await srv.stop();
    }
  },
});

Deno.test({
  name: "tls-ciphers with tls-protocols TLSv1.2: only the configured cipher is negotiated",
  ...opts,
  fn: async () => {
    const srv = await startTlsServer(["--tls-protocols", "TLSv1.2"]);
    try {
      // A runtime that cannot restrict its TLS 1.2 cipher suites (Deno's rustls) may refuse the directive:
      // then Valkyr replies with an error and this test has nothing to check. Valkey must accept it.
      const aes256 = { ciphers: "ECDHE-RSA-AES256-GCM-SHA384", maxVersion: "TLSv1.2" } as const;
      assertOk(
        await tlsPing(srv.tlsPort, GOOD_CLIENT, aes256),
        "ECDHE-RSA-AES256-GCM-SHA384 before tls-ciphers",
      );
      const set = await config(srv, "SET", "tls-ciphers", "ECDHE-RSA-AES128-GCM-SHA256");
      if (isValkyr() && set instanceof RespError) return;
      assert.equal(set, "OK");
      assert.equal(await configGet(srv, "tls-ciphers"), "ECDHE-RSA-AES128-GCM-SHA256");
      assertRefused(
        await tlsPing(srv.tlsPort, GOOD_CLIENT, aes256),
        "a client offering only ECDHE-RSA-AES256-GCM-SHA384",
      );
      const ok = await tlsPing(srv.tlsPort, GOOD_CLIENT, {
        ciphers: "ECDHE-RSA-AES128-GCM-SHA256",
        maxVersion: "TLSv1.2",
      });
      assertOk(ok, "a client offering ECDHE-RSA-AES128-GCM-SHA256");
      assert.equal(ok.ok && ok.cipher, "ECDHE-RSA-AES128-GCM-SHA256");
      // An unknown cipher list is refused, the old one stays.
      const mark = srv.output().length;
      const bad = await config(srv, "SET", "tls-ciphers", "NO-SUCH-CIPHER");
      assert.ok(bad instanceof RespError);
      assert.equal(bad.message, tlsUpdateError("tls-ciphers"));
      await waitForLogAfter(srv.output, mark, /Failed to configure ciphers: NO-SUCH-CIPHER/);
      await waitForLogAfter(srv.output, mark, restoringLine("tls-ciphers"));
      assert.equal(await configGet(srv, "tls-ciphers"), "ECDHE-RSA-AES128-GCM-SHA256");
    } finally {
      await srv.stop();
    }
  },
});

Deno.test({
  name: "garbage and half-done handshakes on the TLS port do not disturb other clients",
  ...opts,
  fn: async () => {
    const srv = await startTlsServer();
    const socks: net.Socket[] = [];
    try {
      // Plain RESP on the TLS port: no RESP reply, the connection is closed.
      const plain = await RawConn.connect(srv.tlsPort);
      plain.send("PING\r\n");
      assert.ok(await plain.waitClosed(), "the TLS port closes a plain-text connection");
      let got = "";
      try {
        got = await plain.readRaw(1, 100);
      } catch { /* nothing arrived */ }
      assert.ok(!got.includes("PONG"), JSON.stringify(got));
      // Random bytes.
      const junk = await RawConn.connect(srv.tlsPort);
      junk.send(Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 131 + 7) & 0xff)));
      assert.ok(await junk.waitClosed(), "the TLS port closes a connection sending junk");
      // A TLS record header that never gets its body, held open; and one cut off mid-handshake.
      for (let i = 0; i < 3; i++) {
        const s = net.connect({ host: "127.0.0.1", port: srv.tlsPort });
        s.on("error", () => {});
        s.write(Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01]));
        socks.push(s);
      }
      const cut = net.connect({ host: "127.0.0.1", port: srv.tlsPort });
      cut.on("error", () => {});
      cut.write(Buffer.from([0x16, 0x03, 0x01]), () => cut.destroy());
      // A real ClientHello: the server answers (ServerHello…), then the client vanishes, or stays silent.
      const hello = await captureClientHello();
      assert.equal(hello[0], 0x16, "a TLS handshake record");
      for (const hangUp of [true, true, false]) {
        const s = net.connect({ host: "127.0.0.1", port: srv.tlsPort });
        s.on("error", () => {});
        socks.push(s);
        const answer = new Promise<Buffer>((resolve) => s.once("data", resolve));
        s.write(hello);
        const first = await answer;
        assert.equal(first[0], 0x16, "the server's handshake record");
        if (hangUp) s.destroy();
      }
      await sleep(100);
      assert.equal(await withPlain(srv, (c) => c.call("PING")), "PONG");
      assertOk(await tlsPing(srv.tlsPort, GOOD_CLIENT), "a TLS client while handshakes hang");
      const t = await tlsRaw(srv.tlsPort);
      assert.equal(await t.call("SET", "still", "fine"), "OK");
      t.close();
      assert.equal(await withPlain(srv, (c) => c.call("GET", "still")), "fine");
    } finally {
      for (const s of socks) s.destroy();
      await srv.stop();
    }
  },
});
