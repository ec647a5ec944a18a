/**
 * Client limits: maxclients, idle timeout, query buffer limit, proto-max-bulk-len, output buffer limits,
 * and that a client which stops reading its replies does not grow the server's memory without bound.
 */

import assert from "node:assert/strict";
import { isValkeyLike, isValkyr, startServer } from "../helpers/server.ts";
import { encodeRequest, RawConn, RespError } from "../helpers/raw.ts";
import { waitUntil } from "../helpers/timing.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

async function infoField(c: RawConn, section: string, name: string): Promise<number> {
  const text = String(await c.call("INFO", section));
  const m = text.match(new RegExp(`${name}:(\\d+)`));
  return m ? Number(m[1]) : NaN;
}

Deno.test({
  name: "maxclients refuses the next connection with Valkey's error and closes it",
  ...opts,
  fn: async () => {
    const srv = await startServer(["--maxclients", "2"]);
    const a = await RawConn.connect(srv.port);
    // The readiness probe's connection may still be closing on the server: wait until `a` is alone.
    await waitUntil(async () => await infoField(a, "clients", "connected_clients") === 1, "`a` to be alone");
    const b = await RawConn.connect(srv.port);
    try {
      assert.equal(await a.call("PING"), "PONG");
      assert.equal(await b.call("PING"), "PONG");
      const c = await RawConn.connect(srv.port);
      assert.equal(await c.readRaw(1), "-ERR max number of clients reached\r\n");
      assert.ok(await c.waitClosed());
      assert.equal(await infoField(a, "stats", "rejected_connections"), 1);
    } finally {
      a.close();
      b.close();
      await srv.stop();
    }
  },
});

Deno.test({
  name: "an idle client is closed after `timeout` seconds, an active one is not",
  ...opts,
  fn: async () => {
    const srv = await startServer(["--timeout", "1"]);
    const idle = await RawConn.connect(srv.port);
    const active = await RawConn.connect(srv.port);
    try {
      assert.equal(await idle.call("PING"), "PONG");
      // 3 s in all; a command every 100 ms keeps the active client far from the 1 s limit even when the
      // loaded machine stalls this loop for a while.
      for (let i = 0; i < 30; i++) {
        assert.equal(await active.call("PING"), "PONG");
        await sleep(100);
      }
      assert.ok(idle.isClosed || await idle.waitClosed(2000), "the idle client was closed");
      assert.equal(active.isClosed, false);
    } finally {
      idle.close();
      active.close();
      await srv.stop();
    }
  },
});

Deno.test({
  name: "a request larger than client-query-buffer-limit closes the connection",
  ...opts,
  fn: async () => {
    const srv = await startServer(["--client-query-buffer-limit", "1mb"]);
    const c = await RawConn.connect(srv.port);
    const control = await RawConn.connect(srv.port);
    try {
      c.send(`*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$${3 * 1024 * 1024}\r\n`);
      c.send(new Uint8Array(2 * 1024 * 1024));
      assert.ok(await c.waitClosed(5000), "closed for its query buffer");
      assert.equal(await control.call("PING"), "PONG");
      assert.equal(await control.call("EXISTS", "k"), 0);
    } finally {
      c.close();
      control.close();
      await srv.stop();
    }
  },
});

Deno.test({
  name: "a bulk longer than proto-max-bulk-len is a protocol error",
  ...opts,
  fn: async () => {
    const srv = await startServer(["--proto-max-bulk-len", "1mb"]);
    const c = await RawConn.connect(srv.port);
    try {
      c.send(`*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$${1024 * 1024 + 1}\r\n`);
      assert.equal(await c.readRaw(1), "-ERR Protocol error: invalid bulk length\r\n");
      assert.ok(await c.waitClosed());
      const d = await RawConn.connect(srv.port);
      assert.equal(await d.call("SET", "k", "x".repeat(1024 * 1024)), "OK");
      const big = await d.call("SETRANGE", "k", 1024 * 1024, "y");
      assert.ok(big instanceof RespError);
      assert.equal(big.message, "ERR string exceeds maximum allowed size (proto-max-bulk-len)");
      d.close();
    } finally {
      c.close();
      await srv.stop();
    }
  },
});

Deno.test({
  name: "a client over its hard output-buffer limit is closed, others are served",
  ...opts,
  fn: async () => {
    const srv = await startServer(["--client-output-buffer-limit", "normal 1mb 0 0"]);
    const c = await RawConn.connect(srv.port);
    const control = await RawConn.connect(srv.port);
    try {
      assert.equal(await control.call("SET", "big", "x".repeat(256 * 1024)), "OK");
      c.socket.pause(); // stop reading replies
      const req = encodeRequest(["GET", "big"]);
      for (let i = 0; i < 200; i++) c.send(req);
      await sleep(500);
      c.socket.resume();
      assert.ok(await c.waitClosed(5000), "closed for its output buffer");
      assert.equal(await control.call("PING"), "PONG");
      if (isValkeyLike()) { // the counter is new in Redis 7.2 / Valkey
        assert.ok(await infoField(control, "stats", "client_output_buffer_limit_disconnections") >= 1);
      }
    } finally {
      c.close();
      control.close();
      await srv.stop();
    }
  },
});

Deno.test({
  name: "a client that stops reading does not grow the server's memory without bound",
  ...opts,
  // Valkyr's own guarantee: Valkey and Redis buffer such replies without bound when no limit is set.
  ignore: !isValkyr(),
  fn: async () => {
    const srv = await startServer();
    const c = await RawConn.connect(srv.port);
    const control = await RawConn.connect(srv.port);
    try {
      assert.equal(await control.call("SET", "big", "x".repeat(1024 * 1024)), "OK");
      const rssBefore = await infoField(control, "memory", "used_memory_rss");
      c.socket.pause();
      // 400 MB of replies requested; with no output limit (the default for normal clients) the server must
      // stop reading this client instead of buffering them all.
      const req = encodeRequest(["GET", "big"]);
      for (let i = 0; i < 400; i++) c.send(req);
      await sleep(1500);
      assert.equal(await control.call("PING"), "PONG");
      const rssAfter = await infoField(control, "memory", "used_memory_rss");
      assert.ok(rssAfter - rssBefore < 200 * 1024 * 1024, `RSS grew by ${rssAfter - rssBefore}`);
    } finally {
      c.close();
      control.close();
      await srv.stop();
    }
  },
});

/** A server with a 100000-byte hard limit for normal clients, and two connections to it. */
async function withObufLimit(fn: (r: RawConn, c: RawConn) => Promise<void>): Promise<void> {
  const srv = await startServer(["--client-output-buffer-limit", "normal 100000 0 0"]);
  const r = await RawConn.connect(srv.port);
  const c = await RawConn.connect(srv.port);
  try {
    await fn(r, c);
  } finally {
    r.close();
    c.close();
    await srv.stop();
  }
}

Deno.test({
  name: "a reply that crosses the hard output limit is never sent: the client is closed (obuf-limits.tcl)",
  ...opts,
  fn: () =>
    withObufLimit(async (r, rd) => {
      // Valkey allocates a latency histogram for each command on its first call.
      assert.equal(await r.call("CONFIG", "SET", "latency-tracking", "no"), "OK");
      const item = "x".repeat(1000);
      for (let i = 0; i < 150; i++) await r.call("LPUSH", "mylist", item);
      const before = await infoField(r, "memory", "used_memory");
      assert.equal(await rd.call("CLIENT", "SETNAME", "mybiglist"), "OK");
      rd.send(encodeRequest(["LRANGE", "mylist", "0", "-1"]));
      assert.ok(await rd.waitClosed(5000), "closed for its output buffer");
      assert.equal(await rd.readRaw(0, 100), "", "nothing of the reply was sent");
      assert.doesNotMatch(String(await r.call("CLIENT", "LIST")), /name=mybiglist/);
      assert.ok(await infoField(r, "memory", "used_memory") < before + 10000);
    }),
});

Deno.test({
  name: "a pipeline whose replies cross the hard output limit gets no reply at all (obuf-limits.tcl)",
  ...opts,
  fn: () =>
    withObufLimit(async (r, rd) => {
      assert.equal(await r.call("SET", "bigkey", "x".repeat(10000)), "OK");
      assert.equal(await rd.call("CLIENT", "SETNAME", "multicommands"), "OK");
      let buf = "";
      for (let i = 0; i < 15; i++) buf += `set ${i} ${i}\r\nget ${i}\r\ndel ${i}\r\nget bigkey\r\n`;
      rd.send(buf);
      assert.ok(await rd.waitClosed(5000), "closed for its output buffer");
      assert.equal(await rd.readRaw(0, 100), "");
      assert.equal(await r.call("PING"), "PONG");
      assert.doesNotMatch(String(await r.call("CLIENT", "LIST")), /name=multicommands/);
    }),
});

Deno.test({
  name: "HRANDFIELD, SRANDMEMBER and ZRANDMEMBER with a huge negative count stop at the output limit",
  ...opts,
  fn: async () => {
    const srv = await startServer(["--client-output-buffer-limit", "normal 1000000 0 0"]);
    const r = await RawConn.connect(srv.port);
    try {
      assert.equal(await r.call("HSET", "rh", "a", "b"), 1);
      assert.equal(await r.call("SADD", "rs", "a"), 1);
      assert.equal(await r.call("ZADD", "rz", "1", "a"), 1);
      const cmds = [
        ["HRANDFIELD", "rh", "-999999999"],
        ["HRANDFIELD", "rh", "-999999999", "WITHVALUES"],
        ["SRANDMEMBER", "rs", "-9223372036854775807"],
        ["ZRANDMEMBER", "rz", "-999999999"],
        ["ZRANDMEMBER", "rz", "-999999999", "WITHSCORES"],
      ];
      for (const cmd of cmds) {
        const c = await RawConn.connect(srv.port);
        try {
          c.send(encodeRequest(cmd));
          assert.ok(await c.waitClosed(10000), `${cmd.join(" ")}: closed for its output buffer`);
          assert.equal(await c.readRaw(0, 100), "", `${cmd.join(" ")}: nothing was sent`);
        } finally {
          c.close();
        }
        assert.equal(await r.call("PING"), "PONG");
      }
      // Within the limit, the samples are all there.
      const few = await r.call("SRANDMEMBER", "rs", "-5");
      assert.deepEqual(few, ["a", "a", "a", "a", "a"]);
    } finally {
      r.close();
      await srv.stop();
    }
  },
});

Deno.test({
  name: "without a hard output limit Valkyr refuses a sampled reply of over 2^24 elements",
  ...opts,
  ignore: !isValkyr(),
  fn: async () => {
    const srv = await startServer();
    const r = await RawConn.connect(srv.port);
    try {
      assert.equal(await r.call("HSET", "rh", "a", "b"), 1);
      assert.equal(await r.call("SADD", "rs", "a"), 1);
      assert.equal(await r.call("ZADD", "rz", "1", "a"), 1);
      for (
        const cmd of [
          ["HRANDFIELD", "rh", "-16777217"],
          ["HRANDFIELD", "rh", "-8388609", "WITHVALUES"],
          ["SRANDMEMBER", "rs", "-16777217"],
          ["ZRANDMEMBER", "rz", "-999999999"],
        ]
      ) {
        const e = await r.call(...cmd);
        assert.ok(e instanceof RespError, cmd.join(" "));
        assert.equal(e.message, "ERR value is out of range");
      }
      assert.equal((await r.call("ZRANDMEMBER", "rz", "-1000") as unknown[]).length, 1000);
    } finally {
      r.close();
      await srv.stop();
    }
  },
});

Deno.test({
  name: "a transaction runs to its end even when its replies cross the output limit (obuf-limits.tcl)",
  ...opts,
  fn: () =>
    withObufLimit(async (r, c) => {
      const item = "x".repeat(1000);
      for (let i = 0; i < 150; i++) await r.call("LPUSH", "mylist2", item);
      assert.equal(await c.call("CLIENT", "SETNAME", "transactionclient"), "OK");
      assert.equal(await c.call("SET", "k1", "v1"), "OK");
      assert.equal(await c.call("MULTI"), "OK");
      for (
        const cmd of [["SET", "k2", "v2"], ["GET", "k2"], ["LRANGE", "mylist2", "0", "-1"], [
          "SET",
          "k3",
          "v3",
        ], [
          "DEL",
          "k1",
        ]]
      ) {
        assert.equal(await c.call(...cmd), "QUEUED");
      }
      c.send(encodeRequest(["EXEC"]));
      assert.ok(await c.waitClosed(5000), "closed for its output buffer");
      assert.doesNotMatch(String(await r.call("CLIENT", "LIST")), /name=transactionclient/);
      assert.equal(await r.call("GET", "k1"), null);
      assert.equal(await r.call("GET", "k2"), "v2");
      assert.equal(await r.call("GET", "k3"), "v3");
    }),
});
