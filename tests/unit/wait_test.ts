/**
 * WAIT, WAITAOF and ROLE on a primary without replicas (after Valkey's tests/unit/wait.tcl, the cases that
 * need no replica), and the replication offset they read: INFO master_repl_offset counts the commands
 * propagated while the AOF is on. Valkey 8.1.1 and Redis 7.2+ behave the same; Redis 7.0 has no WAITAOF
 * and counts its offset only with replicas, so those tests are Valkey-only.
 */

import assert from "node:assert/strict";
import { isValkeyLike, startServer, valkeyOnly } from "../helpers/server.ts";
import { RawConn, RespError } from "../helpers/raw.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };
const plain = await startServer();
const aof = await startServer(["--appendonly", "yes", "--auto-aof-rewrite-percentage", "0"]);

async function conn(port: number): Promise<RawConn> {
  return await RawConn.connect(port);
}

function err(v: unknown): string {
  assert.ok(v instanceof RespError, `expected an error, got ${JSON.stringify(v)}`);
  return v.message;
}

async function info(c: RawConn, field: string): Promise<string> {
  const m = new RegExp(`\\r\\n${field}:([^\\r]*)\\r\\n`).exec(String(await c.call("INFO")));
  assert.ok(m !== null, field);
  return m[1]!;
}

async function waitBlocked(c: RawConn, n: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (Number(await info(c, "blocked_clients")) === n) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  assert.fail(`blocked_clients did not reach ${n}`);
}

Deno.test({
  name: "WAIT answers 0 at once for 0 replicas or inside MULTI, after the timeout otherwise",
  ...opts,
  fn: async () => {
    const c = await conn(plain.port);
    try {
      assert.equal(await c.call("SET", "w:x", "1"), "OK");
      assert.equal(await c.call("WAIT", "0", "0"), 0);
      assert.equal(await c.call("WAIT", "-3", "0"), 0);
      const t0 = Date.now();
      assert.equal(await c.call("WAIT", "1", "100"), 0);
      assert.ok(Date.now() - t0 >= 95, `WAIT returned after ${Date.now() - t0} ms`);
      assert.equal(await c.call("MULTI"), "OK");
      assert.equal(await c.call("WAIT", "1", "0"), "QUEUED");
      assert.deepEqual(await c.call("EXEC"), [0]);
      assert.equal(err(await c.call("WAIT", "x", "0")), "ERR value is not an integer or out of range");
      assert.equal(err(await c.call("WAIT", "1", "1.5")), "ERR timeout is not an integer or out of range");
      assert.equal(err(await c.call("WAIT", "1", "-1")), "ERR timeout is negative");
      if (isValkeyLike()) {
        // Redis 7.0 has no upper check: it blocks.
        assert.equal(err(await c.call("WAIT", "1", "9223372036854775807")), "ERR timeout is out of range");
      }
      assert.equal(err(await c.call("WAIT", "1")), "ERR wrong number of arguments for 'wait' command");
    } finally {
      c.close();
    }
  },
});

Deno.test({
  name: "a client blocked in WAIT counts in blocked_clients and is released by CLIENT UNBLOCK",
  ...opts,
  fn: async () => {
    const c = await conn(plain.port);
    const w = await conn(plain.port);
    try {
      const id = await w.call("CLIENT", "ID");
      w.send("*3\r\n$4\r\nWAIT\r\n$1\r\n1\r\n$1\r\n0\r\n");
      await waitBlocked(c, 1);
      assert.match(String(await c.call("CLIENT", "LIST", "ID", String(id))), / flags=b /);
      assert.equal(await c.call("CLIENT", "UNBLOCK", String(id)), 1);
      assert.equal(await w.read(), 0);
      w.send("*3\r\n$4\r\nWAIT\r\n$1\r\n2\r\n$1\r\n0\r\n");
      await waitBlocked(c, 1);
      assert.equal(await c.call("CLIENT", "UNBLOCK", String(id), "ERROR"), 1);
      assert.equal(err(await w.read()), "UNBLOCKED client unblocked via CLIENT UNBLOCK");
      await waitBlocked(c, 0);
    } finally {
      c.close();
      w.close();
    }
  },
});

Deno.test({
  name: "WAITAOF's arguments are checked as Valkey's, numlocal needs the AOF",
  ...opts,
  ...valkeyOnly(),
  fn: async () => {
    const c = await conn(plain.port);
    try {
      assert.equal(await c.call("INCR", "w:foo"), 1);
      assert.equal(
        err(await c.call("WAITAOF", "1", "0", "0")),
        "ERR WAITAOF cannot be used when numlocal is set but appendonly is disabled.",
      );
      assert.deepEqual(await c.call("WAITAOF", "0", "0", "0"), [0, 0]);
      assert.equal(
        err(await c.call("WAITAOF", "2", "0", "0")),
        "ERR value is out of range, value must between 0 and 1",
      );
      assert.equal(
        err(await c.call("WAITAOF", "x", "0", "0")),
        "ERR value is not an integer or out of range",
      );
      assert.equal(
        err(await c.call("WAITAOF", "0", "-1", "0")),
        "ERR value is out of range, must be positive",
      );
      assert.equal(
        err(await c.call("WAITAOF", "0", "x", "0")),
        "ERR value is out of range, must be positive",
      );
      assert.equal(err(await c.call("WAITAOF", "0", "0", "-1")), "ERR timeout is negative");
      const t0 = Date.now();
      assert.deepEqual(await c.call("WAITAOF", "0", "1", "50"), [0, 0]);
      assert.ok(Date.now() - t0 >= 45);
    } finally {
      c.close();
    }
  },
});

Deno.test({
  name: "WAITAOF local: everysec and always acknowledge a client's writes, no never does (wait.tcl)",
  ...opts,
  ...valkeyOnly(),
  fn: async () => {
    const c = await conn(aof.port);
    try {
      assert.equal(await c.call("CONFIG", "SET", "appendfsync", "no"), "OK");
      await c.call("INCR", "w:foo");
      assert.deepEqual(await c.call("WAITAOF", "1", "0", "50"), [0, 0]); // exits on timeout
      assert.equal(await c.call("CONFIG", "SET", "appendfsync", "everysec"), "OK");
      await c.call("INCR", "w:foo");
      assert.deepEqual(await c.call("WAITAOF", "1", "0", "0"), [1, 0]);
      assert.equal(await c.call("CONFIG", "SET", "appendfsync", "always"), "OK");
      await c.call("INCR", "w:foo");
      assert.deepEqual(await c.call("WAITAOF", "1", "0", "0"), [1, 0]);
      // A client that wrote nothing has nothing to wait for.
      const other = await conn(aof.port);
      assert.deepEqual(await other.call("WAITAOF", "1", "0", "0"), [1, 0]);
      other.close();
      // Inside MULTI it never blocks.
      assert.equal(await c.call("CONFIG", "SET", "appendfsync", "no"), "OK");
      await c.call("INCR", "w:foo");
      assert.equal(await c.call("MULTI"), "OK");
      assert.equal(await c.call("WAITAOF", "1", "0", "0"), "QUEUED");
      assert.deepEqual(await c.call("EXEC"), [[0, 0]]);
      assert.equal(await c.call("CONFIG", "SET", "appendfsync", "everysec"), "OK");
    } finally {
      c.close();
    }
  },
});

Deno.test({
  name: "WAITAOF local wait, then the AOF is turned off: the waiter gets the error (wait.tcl)",
  ...opts,
  ...valkeyOnly(),
  fn: async () => {
    const s = await startServer(["--appendonly", "yes", "--auto-aof-rewrite-percentage", "0"]);
    const c = await conn(s.port);
    const rd = await conn(s.port);
    try {
      assert.equal(await c.call("CONFIG", "SET", "appendfsync", "no"), "OK");
      assert.equal(await rd.call("INCR", "foo"), 1);
      rd.send("*4\r\n$7\r\nWAITAOF\r\n$1\r\n1\r\n$1\r\n0\r\n$1\r\n0\r\n");
      await waitBlocked(c, 1);
      assert.equal(await c.call("CONFIG", "SET", "appendonly", "no"), "OK");
      assert.equal(
        err(await rd.read()),
        "ERR WAITAOF cannot be used when numlocal is set but appendonly is disabled.",
      );
      assert.equal(await rd.call("INCR", "foo"), 2);
      assert.equal(
        err(await rd.call("WAITAOF", "1", "0", "0")),
        "ERR WAITAOF cannot be used when numlocal is set but appendonly is disabled.",
      );
    } finally {
      c.close();
      rd.close();
      await s.stop();
    }
  },
});

Deno.test({
  name: "a client that disconnects while blocked in WAITAOF leaves no waiter behind",
  ...opts,
  ...valkeyOnly(),
  fn: async () => {
    const s = await startServer(["--appendonly", "yes", "--auto-aof-rewrite-percentage", "0"]);
    const c = await conn(s.port);
    try {
      assert.equal(await c.call("CONFIG", "SET", "appendfsync", "no"), "OK");
      for (let i = 0; i < 3; i++) {
        const rd = await conn(s.port);
        assert.equal(typeof await rd.call("INCR", "gone"), "number");
        rd.send("*4\r\n$7\r\nWAITAOF\r\n$1\r\n1\r\n$1\r\n0\r\n$1\r\n0\r\n");
        await waitBlocked(c, 1);
        rd.close();
        await waitBlocked(c, 0);
      }
      assert.equal(await info(c, "connected_clients"), "1");
      // The next fsync pass finds nobody to answer; a new waiter is answered as usual.
      assert.equal(await c.call("CONFIG", "SET", "appendfsync", "everysec"), "OK");
      await c.call("INCR", "gone");
      assert.deepEqual(await c.call("WAITAOF", "1", "0", "0"), [1, 0]);
      assert.equal(await c.call("PING"), "PONG");
    } finally {
      c.close();
      await s.stop();
    }
  },
});

Deno.test({
  name: "WAITAOF local if the AOF rewrite was postponed: released when the first rewrite is done (wait.tcl)",
  ...opts,
  ...valkeyOnly(),
  fn: async () => {
    const s = await startServer(["--appendonly", "no", "--auto-aof-rewrite-percentage", "0"]);
    const c = await conn(s.port);
    try {
      assert.equal(await c.call("SET", "x", "y"), "OK");
      assert.equal(await c.call("CONFIG", "SET", "rdb-key-save-delay", "100000000"), "OK");
      assert.equal(await c.call("BGSAVE"), "Background saving started");
      assert.equal(await info(c, "rdb_bgsave_in_progress"), "1");
      assert.equal(await c.call("CONFIG", "SET", "appendonly", "yes"), "OK");
      assert.equal(await info(c, "aof_rewrite_scheduled"), "1");
      assert.equal(await c.call("SET", "x", "y"), "OK");
      assert.equal(await c.call("CONFIG", "SET", "rdb-key-save-delay", "0"), "OK");
      assert.equal(await c.call("BGSAVE", "CANCEL"), "Background saving cancelled");
      assert.deepEqual(await c.call("WAITAOF", "1", "0", "10000"), [1, 0]);
      assert.equal(await info(c, "aof_rewrite_in_progress"), "0");
      assert.equal(await info(c, "aof_rewrite_scheduled"), "0");
    } finally {
      c.close();
      await s.stop();
    }
  },
});

Deno.test({
  name: "ROLE and master_repl_offset count the commands propagated while the AOF is on",
  ...opts,
  ...valkeyOnly(),
  fn: async () => {
    const s = await startServer(["--appendonly", "yes", "--auto-aof-rewrite-percentage", "0"]);
    const c = await conn(s.port);
    try {
      const offset = async () => Number(await info(c, "master_repl_offset"));
      assert.equal(await offset(), 0);
      assert.deepEqual(await c.call("ROLE"), ["master", 0, []]);
      await c.call("SET", "a", "1");
      assert.equal(await offset(), 1);
      await c.call("GET", "a"); // reads propagate nothing
      await c.call("DEL", "missing"); // nor writes that change nothing
      assert.equal(await offset(), 1);
      assert.equal(await c.call("MULTI"), "OK");
      await c.call("SET", "a", "2");
      await c.call("SET", "b", "3");
      assert.deepEqual(await c.call("EXEC"), ["OK", "OK"]);
      assert.equal(await offset(), 5); // MULTI, SET, SET, EXEC
      assert.equal(await c.call("SELECT", "2"), "OK");
      await c.call("SET", "c", "1");
      assert.equal(await offset(), 6); // the stream's SELECT does not count
      await c.call("SET", "e", "1", "PX", "1");
      await new Promise((r) => setTimeout(r, 20));
      assert.equal(await c.call("GET", "e"), null); // its deletion is propagated
      assert.equal(await offset(), 8);
      assert.deepEqual(await c.call("ROLE"), ["master", 8, []]);
      assert.equal(await c.call("CONFIG", "SET", "appendonly", "no"), "OK");
      await c.call("SET", "a", "5");
      assert.equal(await offset(), 8); // nothing propagates without the AOF
    } finally {
      c.close();
      await s.stop();
    }
  },
});

Deno.test({
  name: "ROLE of a server without the AOF: master, the offset INFO shows, no replicas; writes do not move it",
  ...opts,
  fn: async () => {
    const c = await conn(plain.port);
    try {
      const before = Number(await info(c, "master_repl_offset"));
      await c.call("SET", "r:x", "1");
      assert.deepEqual(await c.call("ROLE"), ["master", before, []]);
      assert.equal(err(await c.call("ROLE", "x")), "ERR wrong number of arguments for 'role' command");
    } finally {
      c.close();
    }
  },
});

Deno.test({
  name:
    "a WAIT that blocks asks the (absent) replicas for an ACK once per event-loop turn: the offset moves by 1",
  ...opts,
  ...valkeyOnly(),
  fn: async () => {
    const s = await startServer();
    const c = await conn(s.port);
    const w1 = await conn(s.port);
    const w2 = await conn(s.port);
    try {
      assert.equal(Number(await info(c, "master_repl_offset")), 0);
      assert.equal(await c.call("WAIT", "1", "20"), 0);
      assert.equal(Number(await info(c, "master_repl_offset")), 1);
      // Two clients blocking in the same turn: one GETACK.
      const both = "*3\r\n$4\r\nWAIT\r\n$1\r\n1\r\n$2\r\n50\r\n";
      w1.send(both);
      w2.send(both);
      assert.equal(await w1.read(), 0);
      assert.equal(await w2.read(), 0);
      const after = Number(await info(c, "master_repl_offset"));
      assert.ok(after === 2 || after === 3, `offset ${after}`);
      // Answered at once: no GETACK.
      assert.equal(await c.call("WAIT", "0", "0"), 0);
      assert.equal(Number(await info(c, "master_repl_offset")), after);
    } finally {
      c.close();
      w1.close();
      w2.close();
      await s.stop();
    }
  },
});
