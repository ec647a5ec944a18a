/**
 * The wire protocol and the connection commands that shape it: PING, ECHO, HELLO and RESP3 reply shapes,
 * QUIT, RESET, inline commands, protocol errors (exact texts, connection closed after them), large
 * pipelines, requests split at every byte, and binary-safe arguments. Mirrors Valkey's
 * tests/unit/protocol.tcl and the PING/HELLO parts of introspection.tcl.
 */

import assert from "node:assert/strict";
import { createClient } from "redis";
import { isValkeyLike, startServer, valkeyOnly } from "../helpers/server.ts";
import { encodeRequest, RawConn, RespError, withRaw } from "../helpers/raw.ts";

const srv = await startServer();
const opts = { sanitizeOps: false, sanitizeResources: false };

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Bytes read past what an {@link expectRaw} call wanted, kept for the next call on the same connection. */
const leftovers = new WeakMap<RawConn, string>();

/** Reads exactly the bytes of `expected` (as Latin-1 text) and compares them. */
async function expectRaw(c: RawConn, expected: string): Promise<void> {
  let got = leftovers.get(c) ?? "";
  while (got.length < expected.length) got += await c.readRaw(1);
  leftovers.set(c, got.slice(expected.length));
  assert.equal(got.slice(0, expected.length), expected);
}

/** Reads one whole reply line-by-line as raw text: everything up to `n` bytes. */
async function readRawBytes(c: RawConn, n: number): Promise<string> {
  let got = leftovers.get(c) ?? "";
  while (got.length < n) got += await c.readRaw(1);
  leftovers.set(c, got.slice(n));
  return got.slice(0, n);
}

/** Bytes of a decoded bulk reply, as a plain Uint8Array (the reader hands out Buffers). */
function bytesOf(v: unknown): Uint8Array {
  assert.ok(v instanceof Uint8Array, `expected bytes, got ${String(v)}`);
  return new Uint8Array(v);
}

/** Sends raw bytes on a new connection; returns what arrives before the server closes it. */
async function rawUntilClosed(
  data: string | Uint8Array,
  timeoutMs = 3000,
): Promise<{ out: string; closed: boolean }> {
  const c = await RawConn.connect(srv.port);
  try {
    c.send(data);
    const closed = await c.waitClosed(timeoutMs);
    let out = "";
    try {
      out = await c.readRaw(1, 50);
    } catch {
      // nothing buffered
    }
    return { out, closed };
  } finally {
    c.close();
  }
}

function latin1(b: Uint8Array): string {
  let s = "";
  for (const x of b) s += String.fromCharCode(x);
  return s;
}

// ---- PING / ECHO ------------------------------------------------------------------------------------------

Deno.test({
  name: "PING replies PONG as a status and a message as a bulk string",
  ...opts,
  fn: () =>
    withRaw(srv.port, async (c) => {
      c.send(encodeRequest(["PING"]));
      await expectRaw(c, "+PONG\r\n");
      c.send(encodeRequest(["ping", "hello world"]));
      await expectRaw(c, "$11\r\nhello world\r\n");
      c.send(encodeRequest(["PING", ""]));
      await expectRaw(c, "$0\r\n\r\n");
    }),
});

Deno.test({
  name: "PING with two messages is an arity error naming the command",
  ...opts,
  fn: () =>
    withRaw(srv.port, async (c) => {
      c.send(encodeRequest(["PING", "a", "b"]));
      await expectRaw(c, "-ERR wrong number of arguments for 'ping' command\r\n");
      assert.equal(await c.call("PING"), "PONG");
    }),
});

Deno.test({
  name: "ECHO returns its argument byte for byte and needs exactly one",
  ...opts,
  fn: () =>
    withRaw(srv.port, async (c) => {
      const all = new Uint8Array(256);
      for (let i = 0; i < 256; i++) all[i] = i;
      assert.deepEqual(bytesOf(await c.callBytes("ECHO", all)), all);
      c.send(encodeRequest(["ECHO"]));
      await expectRaw(c, "-ERR wrong number of arguments for 'echo' command\r\n");
      c.send(encodeRequest(["ECHO", "a", "b"]));
      await expectRaw(c, "-ERR wrong number of arguments for 'echo' command\r\n");
    }),
});

// ---- HELLO ------------------------------------------------------------------------------------------------

/** The version redis-server reports (for the Redis 7.0 run of the HELLO shape tests). */
async function redisVersion(): Promise<string> {
  return await withRaw(srv.port, async (c) => {
    const info = String(await c.call("INFO", "server"));
    return info.match(/redis_version:([^\r\n]+)/)?.[1] ?? "";
  });
}

/** HELLO's exact reply bytes: a RESP3 map, or the flat RESP2 array. */
async function helloBytes(proto: 2 | 3, id: number): Promise<string> {
  const name = isValkeyLike() ? "valkey" : "redis";
  const version = isValkeyLike() ? "8.1.1" : await redisVersion();
  const b = (s: string) => `$${s.length}\r\n${s}\r\n`;
  return (proto === 3 ? "%7\r\n" : "*14\r\n") + b("server") + b(name) + b("version") + b(version) +
    b("proto") +
    `:${proto}\r\n` + b("id") + `:${id}\r\n` + b("mode") + b("standalone") + b("role") + b("master") +
    b("modules") + "*0\r\n";
}

Deno.test({
  name: "HELLO 3 switches to RESP3 and replies a map describing the server",
  ...opts,
  fn: () =>
    withRaw(srv.port, async (c) => {
      const id = await c.call("CLIENT", "ID") as number;
      c.send(encodeRequest(["HELLO", "3"]));
      await expectRaw(c, await helloBytes(3, id));
      c.send(encodeRequest(["HELLO", "2"]));
      await expectRaw(c, await helloBytes(2, id));
    }),
});

Deno.test({
  name: "HELLO without a version reports the current protocol and changes nothing",
  ...opts,
  fn: () =>
    withRaw(srv.port, async (c) => {
      const r2 = await c.call("HELLO") as unknown[];
      assert.equal(r2.length, 14);
      assert.equal(r2[4], "proto");
      assert.equal(r2[5], 2);
      const r3 = await c.call("HELLO", "3") as Map<string, unknown>;
      assert.equal(r3.get("proto"), 3);
      const again = await c.call("HELLO") as Map<string, unknown>;
      assert.ok(again instanceof Map);
      assert.equal(again.get("proto"), 3);
      const back = await c.call("HELLO", "2") as unknown[];
      assert.ok(Array.isArray(back));
      assert.equal(back[5], 2);
      assert.deepEqual(back.slice(0, 14).filter((_, i) => i % 2 === 0), [
        "server",
        "version",
        "proto",
        "id",
        "mode",
        "role",
        "modules",
      ]);
    }),
});

Deno.test({
  name: "HELLO rejects protocol versions other than 2 and 3 with NOPROTO",
  ...opts,
  fn: () =>
    withRaw(srv.port, async (c) => {
      for (const v of ["1", "4", "0", "-1", "9223372036854775807"]) {
        c.send(encodeRequest(["HELLO", v]));
        await expectRaw(c, "-NOPROTO unsupported protocol version\r\n");
      }
      for (const v of ["abc", "3.0", "", " 3", "99999999999999999999"]) {
        c.send(encodeRequest(["HELLO", v]));
        await expectRaw(c, "-ERR Protocol version is not an integer or out of range\r\n");
      }
      // Nothing changed: still RESP2.
      c.send(encodeRequest(["CLIENT", "GETNAME"]));
      await expectRaw(c, "$-1\r\n");
    }),
});

Deno.test({
  name: "HELLO names the first bad option, in the case it was typed",
  ...opts,
  fn: () =>
    withRaw(srv.port, async (c) => {
      const cases: [string[], string][] = [
        [["HELLO", "3", "foo"], "-ERR Syntax error in HELLO option 'foo'\r\n"],
        [["HELLO", "3", "AUTH", "a"], "-ERR Syntax error in HELLO option 'AUTH'\r\n"],
        [["HELLO", "3", "auth"], "-ERR Syntax error in HELLO option 'auth'\r\n"],
        [["HELLO", "3", "SetName"], "-ERR Syntax error in HELLO option 'SetName'\r\n"],
        [["HELLO", "2", "SETNAME", "x", "extra"], "-ERR Syntax error in HELLO option 'extra'\r\n"],
        [
          ["HELLO", "3", "SETNAME", "a b"],
          "-ERR Client names cannot contain spaces, newlines or special characters.\r\n",
        ],
        [["HELLO", "3", "bogus", "SETNAME", "a b"], "-ERR Syntax error in HELLO option 'bogus'\r\n"],
      ];
      for (const [req, err] of cases) {
        c.send(encodeRequest(req));
        await expectRaw(c, err);
      }
      // A failed HELLO did not switch protocol.
      c.send(encodeRequest(["PING"]));
      await expectRaw(c, "+PONG\r\n");
    }),
});

Deno.test({
  name: "HELLO rejects a bad SETNAME before reading the options after it",
  ...opts,
  ...valkeyOnly(),
  fn: () =>
    withRaw(srv.port, async (c) => {
      c.send(encodeRequest(["HELLO", "3", "SETNAME", "a b", "bogus"]));
      await expectRaw(c, "-ERR Client names cannot contain spaces, newlines or special characters.\r\n");
      c.send(encodeRequest(["HELLO", "3", "AUTH", "nosuchuser", "pw", "SETNAME", "a b"]));
      await expectRaw(c, "-ERR Client names cannot contain spaces, newlines or special characters.\r\n");
      // Nothing is applied when a later option fails, not even an earlier good name.
      c.send(encodeRequest(["HELLO", "3", "SETNAME", "ok", "SETNAME", "a\nb"]));
      await expectRaw(c, "-ERR Client names cannot contain spaces, newlines or special characters.\r\n");
      c.send(encodeRequest(["HELLO", "2", "SETNAME", "x", "extra"]));
      await expectRaw(c, "-ERR Syntax error in HELLO option 'extra'\r\n");
      c.send(encodeRequest(["CLIENT", "GETNAME"]));
      await expectRaw(c, "$-1\r\n");
    }),
});

Deno.test({
  name: "HELLO SETNAME names the connection and an empty name clears it",
  ...opts,
  fn: () =>
    withRaw(srv.port, async (c) => {
      await c.call("HELLO", "2", "SETNAME", "first");
      assert.equal(await c.call("CLIENT", "GETNAME"), "first");
      await c.call("HELLO", "2", "setname", "a", "SETNAME", "second");
      assert.equal(await c.call("CLIENT", "GETNAME"), "second");
      await c.call("HELLO", "2", "SETNAME", "");
      assert.equal(await c.call("CLIENT", "GETNAME"), null);
    }),
});

Deno.test({
  name: "HELLO AUTH with the default user and any password succeeds when no password is set",
  ...opts,
  fn: () =>
    withRaw(srv.port, async (c) => {
      const r = await c.call("HELLO", "3", "AUTH", "default", "whatever", "SETNAME", "authed") as Map<
        string,
        unknown
      >;
      assert.equal(r.get("proto"), 3);
      assert.equal(await c.call("CLIENT", "GETNAME"), "authed");
      c.send(encodeRequest(["HELLO", "2", "AUTH", "nosuchuser", "pw"]));
      await expectRaw(c, "-WRONGPASS invalid username-password pair or user is disabled.\r\n");
      // The failed HELLO did not switch back to RESP2.
      c.send(encodeRequest(["CLIENT", "GETNAME"]));
      await expectRaw(c, "$6\r\nauthed\r\n");
    }),
});

Deno.test({
  name: "HELLO reports availability_zone only when the config is set",
  ...opts,
  ...valkeyOnly(),
  fn: async () => {
    const zoned = await startServer(["--availability-zone", "zone-a"]);
    try {
      await withRaw(zoned.port, async (c) => {
        const r3 = await c.call("HELLO", "3") as Map<string, unknown>;
        assert.equal(r3.size, 8);
        assert.deepEqual([...r3.keys()].slice(-2), ["modules", "availability_zone"]);
        assert.equal(r3.get("availability_zone"), "zone-a");
        const r2 = await c.call("HELLO", "2") as unknown[];
        assert.deepEqual(r2.slice(-2), ["availability_zone", "zone-a"]);
      });
    } finally {
      await zoned.stop();
    }
    await withRaw(srv.port, async (c) => {
      const r = await c.call("HELLO", "3") as Map<string, unknown>;
      assert.equal(r.has("availability_zone"), false);
    });
  },
});

Deno.test({
  name: "RESP3 replies use their own types after HELLO 3",
  ...opts,
  fn: () =>
    withRaw(srv.port, async (c) => {
      const id = await c.call("CLIENT", "ID") as number;
      await c.call("HELLO", "3");
      c.send(encodeRequest(["CLIENT", "GETNAME"]));
      await expectRaw(c, "_\r\n");
      c.send(encodeRequest(["CLIENT", "INFO"]));
      await expectRaw(c, "=");
      let header = "";
      while (!header.endsWith("\r\n")) header += await readRawBytes(c, 1);
      const len = Number(header.slice(0, -2));
      const body = await readRawBytes(c, len + 2);
      assert.match(body, /^txt:id=\d+ .* resp=3( .*)?\n\r\n$/s);
      c.send(encodeRequest(["HELLO", "2"]));
      await expectRaw(c, await helloBytes(2, id));
      c.send(encodeRequest(["CLIENT", "GETNAME"]));
      await expectRaw(c, "$-1\r\n");
    }),
});

Deno.test({
  name: "node-redis connects with RESP3 and announces its library",
  ...opts,
  fn: async () => {
    const client = createClient({ socket: { host: srv.host, port: srv.port }, RESP: 3 });
    client.on("error", () => {});
    await client.connect();
    try {
      const info = String(await client.sendCommand(["CLIENT", "INFO"]));
      assert.match(info, / resp=3[ \n]/);
      // CLIENT SETINFO exists since 7.2: redis-server 7.0 refuses it and node-redis carries on.
      if (isValkeyLike()) {
        assert.match(info, / lib-name=node-redis /);
        assert.match(info, / lib-ver=\d+\.\d+\.\d+ /);
      }
      assert.equal(await client.ping(), "PONG");
    } finally {
      await client.close();
    }
  },
});

// ---- QUIT / RESET -----------------------------------------------------------------------------------------

Deno.test({
  name: "QUIT replies OK, closes the connection and runs nothing after it",
  ...opts,
  fn: async () => {
    const key = `quit:${Date.now()}`;
    const { out, closed } = await rawUntilClosed(
      latin1(encodeRequest(["QUIT"])) + latin1(encodeRequest(["SET", key, "1"])) + "PING\r\n",
    );
    assert.equal(out, "+OK\r\n");
    assert.equal(closed, true);
    await withRaw(srv.port, async (c) => assert.equal(await c.call("EXISTS", key), 0));
    const withArgs = await rawUntilClosed(encodeRequest(["quit", "extra", "words"]));
    assert.equal(withArgs.out, "+OK\r\n");
    assert.equal(withArgs.closed, true);
  },
});

Deno.test({
  name: "RESET restores a fresh connection's state but keeps the library name",
  ...opts,
  ...valkeyOnly(),
  fn: () =>
    withRaw(srv.port, async (c) => {
      const id = await c.call("CLIENT", "ID");
      await c.call("HELLO", "3", "SETNAME", "before-reset");
      await c.call("SELECT", "5");
      await c.call("CLIENT", "NO-TOUCH", "ON");
      await c.call("CLIENT", "NO-EVICT", "ON");
      await c.call("CLIENT", "SETINFO", "LIB-NAME", "mylib");
      await c.call("CLIENT", "SETINFO", "LIB-VER", "1.0");
      const before = String(await c.call("CLIENT", "INFO"));
      assert.match(before, / flags=eT /);
      assert.match(before, / db=5 /);
      c.send(encodeRequest(["RESET"]));
      await expectRaw(c, "+RESET\r\n");
      const after = String(await c.call("CLIENT", "INFO"));
      assert.match(after, new RegExp(`^id=${id} `));
      assert.match(after, / name= /);
      assert.match(after, / flags=N /);
      assert.match(after, / db=0 /);
      assert.match(after, / resp=2 /);
      assert.match(after, / lib-name=mylib lib-ver=1\.0 /);
      c.send(encodeRequest(["CLIENT", "GETNAME"]));
      await expectRaw(c, "$-1\r\n");
    }),
});

Deno.test({
  name: "RESET turns replies back on and takes no arguments",
  ...opts,
  fn: () =>
    withRaw(srv.port, async (c) => {
      c.send(encodeRequest(["CLIENT", "REPLY", "OFF"]));
      c.send(encodeRequest(["PING", "silenced"]));
      c.send(encodeRequest(["RESET"]));
      await expectRaw(c, "+RESET\r\n");
      c.send(encodeRequest(["RESET", "now"]));
      await expectRaw(c, "-ERR wrong number of arguments for 'reset' command\r\n");
    }),
});

Deno.test({
  name: "a RESET whose reply CLIENT REPLY SKIP suppresses sends nothing",
  ...opts,
  fn: () =>
    withRaw(srv.port, async (c) => {
      c.send(encodeRequest(["CLIENT", "REPLY", "SKIP"]));
      c.send(encodeRequest(["RESET"]));
      c.send(encodeRequest(["PING", "after"]));
      await expectRaw(c, "$5\r\nafter\r\n");
    }),
});

// ---- inline commands --------------------------------------------------------------------------------------

Deno.test({
  name: "inline commands split on spaces and understand quotes and escapes",
  ...opts,
  fn: () =>
    withRaw(srv.port, async (c) => {
      c.send("PING\r\n");
      await expectRaw(c, "+PONG\r\n");
      c.send("PING\n");
      await expectRaw(c, "+PONG\r\n");
      c.send("   PING   \r\n");
      await expectRaw(c, "+PONG\r\n");
      c.send('ECHO "a b\\x41\\n\\t"\r\n');
      await expectRaw(c, "$6\r\na bA\n\t\r\n");
      c.send("ECHO 'it\\'s'\r\n");
      await expectRaw(c, "$4\r\nit's\r\n");
      c.send('ECHO ""\r\n');
      await expectRaw(c, "$0\r\n\r\n");
      c.send('ECHO "\\xzz"\r\n');
      await expectRaw(c, "$3\r\nxzz\r\n");
      c.send("ECHO a\tb\r\n");
      await expectRaw(c, "-ERR wrong number of arguments for 'echo' command\r\n");
    }),
});

Deno.test({
  name: "empty lines and non-positive multibulk counts are ignored",
  ...opts,
  fn: () =>
    withRaw(srv.port, async (c) => {
      c.send("\r\nPING\r\n");
      await expectRaw(c, "+PONG\r\n");
      c.send("*-10\r\nPING\r\n");
      await expectRaw(c, "+PONG\r\n");
      c.send("*0\r\n*-1\r\nPING\r\n");
      await expectRaw(c, "+PONG\r\n");
    }),
});

Deno.test({
  name: "after a blank inline line the next request is read inline too",
  ...opts,
  ...valkeyOnly(),
  fn: () =>
    withRaw(srv.port, async (c) => {
      // A line of only spaces is an inline request without words; the parser stays in inline mode for the
      // following line, so a multibulk header there is taken as an inline command name.
      c.send(" \r\n*1\r\n$4\r\nPING\r\n");
      await expectRaw(
        c,
        "-ERR unknown command '*1', with args beginning with: \r\n" +
          "-ERR unknown command '$4', with args beginning with: \r\n+PONG\r\n",
      );
    }),
});

Deno.test({
  name: "an empty command name is an unknown command, not a protocol error",
  ...opts,
  ...valkeyOnly(),
  fn: () =>
    withRaw(srv.port, async (c) => {
      c.send("*1\r\n$0\r\n\r\nPING\r\n");
      await expectRaw(c, "-ERR unknown command '', with args beginning with: \r\n+PONG\r\n");
    }),
});

Deno.test({
  name: "a bulk argument is taken by its declared length whatever follows it",
  ...opts,
  fn: () =>
    withRaw(srv.port, async (c) => {
      c.send("*2\r\n$4\r\nECHO\r\n$3\r\nabcd\r\nPING\r\n");
      await expectRaw(c, "$3\r\nabc\r\n+PONG\r\n");
    }),
});

// ---- protocol errors --------------------------------------------------------------------------------------

const protocolErrors: [string, string, string][] = [
  ["an out of range multibulk length", "*3000000000\r\n", "invalid multibulk length"],
  ["a non-numeric multibulk length", "*abc\r\n", "invalid multibulk length"],
  ["a bad multibulk length after a valid request", "*1\r\n$4\r\nPING\r\n*1x\r\n", "invalid multibulk length"],
  ["a wrong multibulk payload header", "*3\r\n$3\r\nSET\r\n$1\r\nx\r\nfooz\r\n", "expected '$', got 'f'"],
  ["a negative bulk length", "*3\r\n$3\r\nSET\r\n$1\r\nx\r\n$-10\r\n", "invalid bulk length"],
  ["an out of range bulk length", "*3\r\n$3\r\nSET\r\n$1\r\nx\r\n$2000000000\r\n", "invalid bulk length"],
  ["a non-numeric bulk length", "*3\r\n$3\r\nSET\r\n$1\r\nx\r\n$blabla\r\n", "invalid bulk length"],
  ["a multibulk not followed by bulk arguments", "*1\r\nfoo\r\n", "expected '$', got 'f'"],
  ["unbalanced quotes", 'set """test-key""" test-value\r\nping\r\n', "unbalanced quotes in request"],
  ["a quote closed then followed by a letter", 'ECHO "a"b\r\n', "unbalanced quotes in request"],
  ["an unterminated quote", 'ECHO "a\r\n', "unbalanced quotes in request"],
];

for (const [what, input, message] of protocolErrors) {
  Deno.test({
    name: `${what} is a protocol error and the connection is closed`,
    ...opts,
    fn: async () => {
      const { out, closed } = await rawUntilClosed(input);
      const prefix = input.startsWith("*1\r\n$4\r\nPING") ? "+PONG\r\n" : "";
      assert.equal(out, `${prefix}-ERR Protocol error: ${message}\r\n`);
      assert.equal(closed, true);
    },
  });
}

const desync: [string, string][] = [
  ["\x00", "too big inline request"],
  ["*\x00", "too big mbulk count string"],
  ["$\x00", "too big inline request"],
  ["*1\r\n$\x00", "too big bulk count string"],
];

for (const [seq, message] of desync) {
  Deno.test({
    name: `a ${
      JSON.stringify(seq)
    } header followed by 64 KiB without a newline is refused (desync regression)`,
    ...opts,
    fn: async () => {
      const { out, closed } = await rawUntilClosed(seq + "A".repeat(66 * 1024));
      assert.equal(out, `-ERR Protocol error: ${message}\r\n`);
      assert.equal(closed, true);
    },
  });
}

// ---- pipelines, split requests, binary data ---------------------------------------------------------------

Deno.test({
  name: "a pipeline of 10000 commands sent at once gets 10000 replies in order",
  ...opts,
  fn: () =>
    withRaw(srv.port, async (c) => {
      const key = `pipe:${Date.now()}`;
      const parts: string[] = [];
      for (let i = 0; i < 10000; i++) {
        parts.push(
          i % 2 === 0 ? latin1(encodeRequest(["INCR", key])) : latin1(encodeRequest(["ECHO", `m${i}`])),
        );
      }
      c.send(parts.join(""));
      for (let i = 0; i < 10000; i++) {
        const r = await c.read();
        assert.equal(r, i % 2 === 0 ? i / 2 + 1 : `m${i}`);
      }
      assert.equal(await c.call("GET", key), "5000");
      await c.call("DEL", key);
    }),
});

Deno.test({
  name: "a pipeline of 10000 inline PINGs gets 10000 PONGs",
  ...opts,
  fn: () =>
    withRaw(srv.port, async (c) => {
      c.send("PING\r\n".repeat(10000));
      await expectRaw(c, "+PONG\r\n".repeat(10000));
    }),
});

Deno.test({
  name: "a request split at every byte boundary is executed once, whole",
  ...opts,
  fn: () =>
    withRaw(srv.port, async (c) => {
      c.socket.setNoDelay(true);
      const req = latin1(encodeRequest(["ECHO", "split\r\nvalue"])) + "ECHO inline-split\r\n";
      const expected = "$12\r\nsplit\r\nvalue\r\n$12\r\ninline-split\r\n";
      for (let cut = 1; cut < req.length; cut++) {
        c.send(req.slice(0, cut));
        await sleep(2);
        c.send(req.slice(cut));
        await expectRaw(c, expected);
      }
      // One byte per write.
      for (const ch of req) {
        c.send(ch);
        await sleep(1);
      }
      await expectRaw(c, expected);
    }),
});

Deno.test({
  name: "keys and values may hold every byte value",
  ...opts,
  fn: () =>
    withRaw(srv.port, async (c) => {
      const all = new Uint8Array(256);
      for (let i = 0; i < 256; i++) all[i] = i;
      assert.equal(await c.call("SET", all, all), "OK");
      assert.deepEqual(bytesOf(await c.callBytes("GET", all)), all);
      assert.equal(await c.call("DEL", all), 1);
      // Every single-byte key, pipelined.
      const parts: Uint8Array[] = [];
      for (let i = 0; i < 256; i++) {
        parts.push(encodeRequest(["SET", Uint8Array.of(i), Uint8Array.of(255 - i)]));
      }
      for (const p of parts) c.send(p);
      for (let i = 0; i < 256; i++) assert.equal(await c.read(), "OK");
      for (let i = 0; i < 256; i++) {
        assert.deepEqual(bytesOf(await c.callBytes("GET", Uint8Array.of(i))), Uint8Array.of(255 - i));
      }
      for (let i = 0; i < 256; i++) assert.equal(await c.call("DEL", Uint8Array.of(i)), 1);
    }),
});

Deno.test({
  name: "a request with thousands of arguments is parsed whole",
  ...opts,
  fn: () =>
    withRaw(srv.port, async (c) => {
      const args: string[] = ["MSET"];
      for (let i = 0; i < 10000; i++) args.push(`{k}many:${i}`, `v${i}`);
      assert.equal(await c.call(...args), "OK");
      assert.equal(await c.call("GET", "{k}many:9999"), "v9999");
      const del: string[] = ["DEL"];
      for (let i = 0; i < 10000; i++) del.push(`{k}many:${i}`);
      assert.equal(await c.call(...del), 10000);
    }),
});

Deno.test({
  name: "an error reply never breaks the connection for the commands after it",
  ...opts,
  fn: () =>
    withRaw(srv.port, async (c) => {
      c.send(encodeRequest(["NOSUCHCOMMAND", "a", "b"]));
      c.send(encodeRequest(["PING"]));
      const err = await c.read();
      assert.ok(err instanceof RespError);
      assert.equal(err.message, "ERR unknown command 'NOSUCHCOMMAND', with args beginning with: 'a' 'b' ");
      assert.equal(await c.read(), "PONG");
    }),
});

Deno.test({ name: "stop server", ...opts, fn: () => srv.stop() });
