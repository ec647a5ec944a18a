/**
 * MONITOR over TCP: the line format and escaping, what is shown (commands inside MULTI/EXEC, redacted
 * AUTH/HELLO/CONFIG SET) and what is not (admin commands, MONITOR itself, rejected commands), the 'O' client
 * flag, and how monitoring ends (RESET, closing).
 */

import assert from "node:assert/strict";
import { startServer, valkeyOnly } from "../helpers/server.ts";
import { RawConn, RespError } from "../helpers/raw.ts";

const srv = await startServer();
const opts = { sanitizeOps: false, sanitizeResources: false };

const LINE = /^\+(\d+)\.(\d{6}) \[(\d+) ([^\]]+)\] (.*)$/;

async function addr(c: RawConn): Promise<string> {
  const info = String(await c.call("CLIENT", "INFO"));
  return /addr=(\S+)/.exec(info)![1]!;
}

/** Reads `n` status lines from a monitor and returns [db, where, words] for each. */
async function lines(m: RawConn, n: number): Promise<[string, string, string][]> {
  const out: [string, string, string][] = [];
  for (let i = 0; i < n; i++) {
    const l = await m.read();
    assert.equal(typeof l, "string", `line ${i}: ${l}`);
    const match = LINE.exec(`+${l as string}`);
    assert.ok(match !== null, `not a monitor line: ${l}`);
    out.push([match[3]!, match[4]!, match[5]!]);
  }
  return out;
}

async function pair(): Promise<[RawConn, RawConn]> {
  const m = await RawConn.connect(srv.port, srv.host);
  const c = await RawConn.connect(srv.port, srv.host);
  assert.equal(await m.call("MONITOR"), "OK");
  return [m, c];
}

Deno.test({
  name: "MONITOR streams each executed command with time, db, address and quoted words",
  ...opts,
  // Valkey 8.1 copies printable quotes and backslashes unescaped; Redis 7.0 escapes them.
  ...valkeyOnly(),
  fn: async () => {
    const [m, c] = await pair();
    try {
      const before = Date.now() / 1000;
      assert.equal(await c.call("SET", "mon:k", 'va"l\\ue\n\r\t\x07\x08\x00\xff x'), "OK");
      assert.equal(await c.call("SELECT", "3"), "OK");
      assert.equal(await c.call("GET", "mon:none"), null);
      const raw = await m.readRaw(1);
      const first = raw.split("\r\n")[0]!;
      const t = Number(/^\+(\d+\.\d{6}) /.exec(first)![1]);
      assert.ok(Math.abs(t - before) < 5);
      const me = await addr(c);
      const rest = raw.split("\r\n").filter((l) => l !== "");
      const more = rest.length < 3 ? await lines(m, 3 - rest.length) : [];
      const parsed = rest.map((l) => {
        const x = LINE.exec(l)!;
        return [x[3]!, x[4]!, x[5]!] as [string, string, string];
      }).concat(more);
      assert.deepEqual(parsed, [
        ["0", me, '"SET" "mon:k" "va"l\\ue\\n\\r\\t\\a\\b\\x00\\xc3\\xbf x"'],
        ["3", me, '"SELECT" "3"'],
        ["3", me, '"GET" "mon:none"'],
      ]);
      await c.call("SELECT", "0");
      await c.call("DEL", "mon:k");
    } finally {
      m.close();
      c.close();
    }
  },
});

Deno.test({
  name:
    "admin commands, rejected commands and queued commands are not shown; MULTI, inner commands and EXEC are",
  ...opts,
  fn: async () => {
    const [m, c] = await pair();
    try {
      await c.call("CONFIG", "GET", "maxmemory");
      await c.call("CLIENT", "LIST");
      assert.ok((await c.call("NOSUCHCOMMAND")) instanceof RespError);
      assert.ok((await c.call("GET")) instanceof RespError);
      assert.equal(await c.call("MULTI"), "OK");
      assert.equal(await c.call("SET", "mon:m", "1"), "QUEUED");
      assert.equal(await c.call("INCR", "mon:m"), "QUEUED");
      assert.deepEqual(await c.call("EXEC"), ["OK", 2]);
      assert.equal(await c.call("ECHO", "end"), "end");
      const got = await lines(m, 5);
      assert.deepEqual(got.map((l) => l[2]), [
        '"MULTI"',
        '"SET" "mon:m" "1"',
        '"INCR" "mon:m"',
        '"EXEC"',
        '"ECHO" "end"',
      ]);
      await c.call("DEL", "mon:m");
    } finally {
      m.close();
      c.close();
    }
  },
});

Deno.test({
  name: "AUTH and HELLO AUTH are shown redacted (CONFIG SET, an admin command, is not shown at all)",
  ...opts,
  fn: async () => {
    const [m, c] = await pair();
    try {
      assert.ok((await c.call("AUTH", "secret-pw")) instanceof RespError);
      assert.ok((await c.call("AUTH", "someone", "secret-pw")) instanceof RespError);
      assert.ok((await c.call("HELLO", "3", "AUTH", "someone", "secret-pw")) instanceof RespError);
      assert.equal(await c.call("ECHO", "end"), "end");
      const got = await lines(m, 4);
      assert.deepEqual(got.map((l) => l[2]), [
        '"AUTH" "(redacted)"',
        '"AUTH" "(redacted)" "(redacted)"',
        '"HELLO" "3" "AUTH" "(redacted)" "(redacted)"',
        '"ECHO" "end"',
      ]);
    } finally {
      m.close();
      c.close();
    }
  },
});

Deno.test({
  name:
    "a monitoring client sees its own commands after their replies, but not MONITOR, and a second MONITOR is ignored",
  ...opts,
  fn: async () => {
    const m = await RawConn.connect(srv.port, srv.host);
    try {
      const me = await addr(m);
      assert.equal(await m.call("MONITOR"), "OK");
      m.send("*1\r\n$7\r\nMONITOR\r\n*2\r\n$4\r\nECHO\r\n$2\r\nhi\r\n");
      // No reply to the second MONITOR: the ECHO reply comes first, then its monitor line.
      assert.equal(await m.read(), "hi");
      const got = await lines(m, 1);
      assert.deepEqual(got[0], ["0", me, '"ECHO" "hi"']);
    } finally {
      m.close();
    }
  },
});

Deno.test({
  name: "CLIENT LIST shows flag O for a monitor, and RESET ends monitoring",
  ...opts,
  fn: async () => {
    const [m, c] = await pair();
    try {
      const list = String(await c.call("CLIENT", "LIST"));
      assert.match(list, /flags=O /);
      assert.equal(await m.call("RESET"), "RESET");
      await c.call("ECHO", "after-reset");
      assert.equal(await m.call("PING"), "PONG");
      assert.doesNotMatch(String(await c.call("CLIENT", "LIST")), /flags=O /);
    } finally {
      m.close();
      c.close();
    }
  },
});

Deno.test({
  name: "a closed monitor stops receiving and others keep theirs",
  ...opts,
  fn: async () => {
    const m1 = await RawConn.connect(srv.port, srv.host);
    const [m2, c] = await pair();
    try {
      assert.equal(await m1.call("MONITOR"), "OK");
      m1.close();
      await new Promise((r) => setTimeout(r, 50));
      await c.call("ECHO", "still");
      const got = await lines(m2, 1);
      assert.equal(got[0]![2], '"ECHO" "still"');
    } finally {
      m2.close();
      c.close();
    }
  },
});

Deno.test({
  name: "MONITOR inside MULTI fails at EXEC",
  ...opts,
  fn: async () => {
    const c = await RawConn.connect(srv.port, srv.host);
    try {
      assert.equal(await c.call("MULTI"), "OK");
      assert.equal(await c.call("MONITOR"), "QUEUED");
      const r = (await c.call("EXEC")) as unknown[];
      assert.equal(r.length, 1);
      assert.ok(r[0] instanceof RespError);
      assert.equal((r[0] as RespError).message, "ERR MONITOR isn't allowed for DENY BLOCKING client");
      assert.equal(await c.call("MONITOR", "x") instanceof RespError, true);
    } finally {
      c.close();
    }
  },
});

Deno.test({ name: "stop server", sanitizeOps: false, sanitizeResources: false, fn: () => srv.stop() });
