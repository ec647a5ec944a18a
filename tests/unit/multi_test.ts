/**
 * MULTI / EXEC / DISCARD / WATCH / UNWATCH over TCP, after Valkey's tests/unit/multi.tcl: queueing,
 * queueing errors, run-time errors, WATCH invalidation by writes, expiry, FLUSHDB/FLUSHALL/SWAPDB, the
 * RESP2/RESP3 shapes of an aborted EXEC, CLIENT LIST fields, CLIENT PAUSE WRITE, and real clients.
 */

import assert from "node:assert/strict";
import { Valkey } from "iovalkey";
import { isValkeyLike, isValkyr, startServer, valkeyOnly } from "../helpers/server.ts";
import { encodeRequest, type RawConn, RespError, withRaw } from "../helpers/raw.ts";
import { retryWhenSlow, waitUntil, within } from "../helpers/timing.ts";

const srv = await startServer();
const opts = { sanitizeOps: false, sanitizeResources: false };

function err(msg: string): RespError {
  return new RespError(msg);
}

/** True when the server knows the command (probed with no arguments: only an arity error comes back). */
async function supports(name: string): Promise<boolean> {
  return await withRaw(srv.port, async (c) => {
    const r = await c.call(name);
    return !(r instanceof RespError && r.message.startsWith("ERR unknown command"));
  });
}

const hasBlpop = await supports("BLPOP");
const hasSpop = await supports("SPOP");

const EXECABORT = err("EXECABORT Transaction discarded because of previous errors.");

/** Runs `fn` on a fresh connection after FLUSHALL (in db 0). */
function fresh<T>(fn: (c: RawConn) => Promise<T>): Promise<T> {
  return withRaw(srv.port, async (c) => {
    assert.equal(await c.call("FLUSHALL"), "OK");
    return await fn(c);
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Sends many commands in one write and returns their replies. */
async function pipeline(c: RawConn, cmds: (string | number)[][]): Promise<unknown[]> {
  const parts = cmds.map((a) => encodeRequest(a));
  let n = 0;
  for (const p of parts) n += p.length;
  const all = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    all.set(p, o);
    o += p.length;
  }
  c.send(all);
  const out: unknown[] = [];
  for (let i = 0; i < cmds.length; i++) out.push(await c.read());
  return out;
}

/** The CLIENT INFO fields of a connection, as a map. */
async function clientInfo(c: RawConn): Promise<Map<string, string>> {
  const line = String(await c.call("CLIENT", "INFO")).trim();
  return new Map(
    line.split(" ").map((kv) => {
      const i = kv.indexOf("=");
      return [kv.slice(0, i), kv.slice(i + 1)] as [string, string];
    }),
  );
}

Deno.test({
  name: "MULTI queues commands and EXEC replies their replies in order",
  ...opts,
  fn: () =>
    fresh(async (c) => {
      assert.equal(await c.call("MULTI"), "OK");
      assert.equal(await c.call("RPUSH", "mylist", "a"), "QUEUED");
      assert.equal(await c.call("SET", "k", "v"), "QUEUED");
      assert.equal(await c.call("GET", "k"), "QUEUED");
      assert.equal(await c.call("PING"), "QUEUED");
      const r = await c.call("EXEC") as unknown[];
      assert.equal(r.length, 4);
      assert.deepEqual(r.slice(1), ["OK", "v", "PONG"]);
    }),
});

Deno.test({
  name: "an empty transaction replies an empty array",
  ...opts,
  fn: () =>
    fresh(async (c) => {
      assert.equal(await c.call("MULTI"), "OK");
      c.send(encodeRequest(["EXEC"]));
      assert.equal(await c.readRaw(4), "*0\r\n");
    }),
});

Deno.test({
  name: "DISCARD drops the queued commands",
  ...opts,
  fn: () =>
    fresh(async (c) => {
      await c.call("SET", "foo", "1");
      assert.equal(await c.call("MULTI"), "OK");
      assert.equal(await c.call("SET", "foo", "2"), "QUEUED");
      assert.equal(await c.call("DISCARD"), "OK");
      assert.equal(await c.call("GET", "foo"), "1");
      assert.equal(await c.call("PING"), "PONG");
    }),
});

Deno.test({
  name: "EXEC and DISCARD without MULTI are errors",
  ...opts,
  fn: () =>
    fresh(async (c) => {
      assert.deepEqual(await c.call("EXEC"), err("ERR EXEC without MULTI"));
      assert.deepEqual(await c.call("DISCARD"), err("ERR DISCARD without MULTI"));
      assert.deepEqual(await c.call("MULTI", "x"), err("ERR wrong number of arguments for 'multi' command"));
      assert.deepEqual(
        await c.call("DISCARD", "x"),
        err("ERR wrong number of arguments for 'discard' command"),
      );
      assert.deepEqual(
        await c.call("UNWATCH", "x"),
        err("ERR wrong number of arguments for 'unwatch' command"),
      );
      assert.deepEqual(await c.call("WATCH"), err("ERR wrong number of arguments for 'watch' command"));
    }),
});

Deno.test({
  name: "a rejected EXEC replies EXECABORT with the reason and discards the transaction",
  ...opts,
  ...valkeyOnly(),
  // Valkyr: the dispatcher rejects arity errors before any transaction hook runs (reported to the lead:
  // route EXEC rejections through execRejection()).
  ignore: isValkyr() || !isValkeyLike(),
  fn: () =>
    fresh(async (c) => {
      const abort = err(
        "EXECABORT Transaction discarded because of: wrong number of arguments for 'exec' command",
      );
      assert.deepEqual(await c.call("EXEC", "x"), abort);
      await c.call("MULTI");
      await c.call("SET", "k", "v");
      assert.deepEqual(await c.call("EXEC", "x"), abort);
      assert.deepEqual(await c.call("EXEC"), err("ERR EXEC without MULTI"));
      assert.equal(await c.call("EXISTS", "k"), 0);
    }),
});

Deno.test({
  name: "nested MULTI is rejected and aborts the transaction",
  ...opts,
  ...valkeyOnly(),
  fn: () =>
    fresh(async (c) => {
      assert.equal(await c.call("MULTI"), "OK");
      assert.deepEqual(await c.call("MULTI"), err("ERR Command not allowed inside a transaction"));
      assert.deepEqual(await c.call("EXEC"), EXECABORT);
    }),
});

Deno.test({
  name: "WATCH inside MULTI is rejected and aborts the transaction",
  ...opts,
  ...valkeyOnly(),
  fn: () =>
    fresh(async (c) => {
      assert.equal(await c.call("MULTI"), "OK");
      assert.deepEqual(await c.call("WATCH", "x"), err("ERR Command not allowed inside a transaction"));
      assert.deepEqual(await c.call("EXEC"), EXECABORT);
      assert.equal(await c.call("MULTI"), "OK");
      assert.deepEqual(await c.call("WATCH"), err("ERR wrong number of arguments for 'watch' command"));
      assert.deepEqual(await c.call("EXEC"), EXECABORT);
    }),
});

Deno.test({
  name: "an unknown command while queueing makes EXEC fail with EXECABORT and nothing runs",
  ...opts,
  fn: () =>
    fresh(async (c) => {
      assert.equal(await c.call("MULTI"), "OK");
      assert.equal(await c.call("SET", "foo1", "bar1"), "QUEUED");
      assert.deepEqual(
        await c.call("non-existing-command"),
        err("ERR unknown command 'non-existing-command', with args beginning with: "),
      );
      assert.equal(await c.call("SET", "foo2", "bar2"), "QUEUED");
      assert.deepEqual(await c.call("EXEC"), EXECABORT);
      assert.equal(await c.call("EXISTS", "foo1", "foo2"), 0);
      // The MULTI state is cleared after the abort.
      assert.equal(await c.call("PING"), "PONG");
    }),
});

Deno.test({
  name: "a wrong arity or unknown subcommand while queueing aborts the transaction",
  ...opts,
  fn: () =>
    fresh(async (c) => {
      assert.equal(await c.call("MULTI"), "OK");
      assert.deepEqual(await c.call("GET"), err("ERR wrong number of arguments for 'get' command"));
      assert.deepEqual(await c.call("EXEC"), EXECABORT);
      assert.equal(await c.call("MULTI"), "OK");
      assert.deepEqual(
        await c.call("CONFIG", "NOSUCH"),
        err("ERR unknown subcommand 'NOSUCH'. Try CONFIG HELP."),
      );
      assert.deepEqual(await c.call("EXEC"), EXECABORT);
    }),
});

Deno.test({
  name: "run-time errors inside EXEC do not stop the other commands",
  ...opts,
  fn: () =>
    fresh(async (c) => {
      assert.equal(await c.call("MULTI"), "OK");
      assert.equal(await c.call("SET", "a", "abc"), "QUEUED");
      assert.equal(await c.call("INCR", "a"), "QUEUED");
      assert.equal(await c.call("SET", "b", "2"), "QUEUED");
      assert.equal(await c.call("INCRBY", "b", "x"), "QUEUED");
      assert.equal(await c.call("INCR", "b"), "QUEUED");
      assert.deepEqual(await c.call("EXEC"), [
        "OK",
        err("ERR value is not an integer or out of range"),
        "OK",
        err("ERR value is not an integer or out of range"),
        3,
      ]);
    }),
});

Deno.test({
  name: "a pipelined transaction after a queueing error is still answered QUEUED",
  ...opts,
  fn: () =>
    fresh(async (c) => {
      const r = await pipeline(c, [["MULTI"], ["SET", "x", "1"], ["NOPE"], ["SET", "y", "2"], ["EXEC"], [
        "EXISTS",
        "x",
        "y",
      ]]);
      assert.deepEqual(r, [
        "OK",
        "QUEUED",
        err("ERR unknown command 'NOPE', with args beginning with: "),
        "QUEUED",
        EXECABORT,
        0,
      ]);
    }),
});

Deno.test({
  name: "EXEC works on WATCHed keys that were not modified",
  ...opts,
  fn: () =>
    fresh(async (c) => {
      assert.equal(await c.call("WATCH", "x", "y", "z"), "OK");
      assert.equal(await c.call("WATCH", "k"), "OK");
      assert.equal(await c.call("MULTI"), "OK");
      assert.equal(await c.call("PING"), "QUEUED");
      assert.deepEqual(await c.call("EXEC"), ["PONG"]);
    }),
});

Deno.test({
  name: "EXEC fails with a null array when a WATCHed key was modified (1 of 1, 1 of 5)",
  ...opts,
  fn: () =>
    fresh(async (c) => {
      await c.call("SET", "x", "30");
      await c.call("WATCH", "x");
      await c.call("SET", "x", "40");
      await c.call("MULTI");
      await c.call("PING");
      c.send(encodeRequest(["EXEC"]));
      assert.equal(await c.readRaw(5), "*-1\r\n");

      await c.call("SET", "x", "30");
      await c.call("WATCH", "a", "b", "x", "k", "z");
      await c.call("SET", "x", "40");
      await c.call("MULTI");
      await c.call("PING");
      assert.equal(await c.call("EXEC"), null);
    }),
});

Deno.test({
  name: "a modification by another client invalidates the WATCH",
  ...opts,
  fn: () =>
    fresh(async (c) => {
      await c.call("SET", "x", "1");
      await c.call("WATCH", "x");
      await withRaw(srv.port, async (o) => assert.equal(await o.call("INCR", "x"), 2));
      await c.call("MULTI");
      await c.call("SET", "x", "100");
      assert.equal(await c.call("EXEC"), null);
      assert.equal(await c.call("GET", "x"), "2");
    }),
});

Deno.test({
  name: "an aborted EXEC replies the RESP3 null in RESP3",
  ...opts,
  ...valkeyOnly(),
  fn: () =>
    fresh(async (c) => {
      await c.call("HELLO", "3");
      await c.call("SET", "x", "1");
      await c.call("WATCH", "x");
      await c.call("DEL", "x");
      await c.call("MULTI");
      await c.call("PING");
      c.send(encodeRequest(["EXEC"]));
      assert.equal(await c.readRaw(3), "_\r\n");
    }),
});

Deno.test({
  name: "EXEC fails on a WATCHed key that expired lazily before EXEC",
  ...opts,
  fn: () =>
    fresh(async (c) => {
      await c.call("DEBUG", "SET-ACTIVE-EXPIRE", "0");
      try {
        let res: unknown = "";
        for (let j = 0; j < 10; j++) {
          await c.call("SET", "key", "1", "PX", "100");
          await c.call("WATCH", "key");
          await sleep(110);
          await c.call("MULTI");
          await c.call("INCR", "key");
          res = await c.call("EXEC");
          if (res === null) break;
        }
        assert.equal(res, null);
      } finally {
        await c.call("DEBUG", "SET-ACTIVE-EXPIRE", "1");
      }
    }),
});

Deno.test({
  name: "WATCHing an already expired key does not fail EXEC, nor does its deletion or a FLUSHDB",
  ...opts,
  fn: () =>
    fresh(async (c) => {
      await c.call("DEBUG", "SET-ACTIVE-EXPIRE", "0");
      try {
        await c.call("SET", "x", "foo", "PX", "1");
        await sleep(5);
        await c.call("WATCH", "x");
        await c.call("MULTI");
        await c.call("PING");
        assert.deepEqual(await c.call("EXEC"), ["PONG"]);

        await c.call("SET", "x", "foo", "PX", "1");
        await sleep(5);
        await c.call("WATCH", "x");
        assert.equal(await c.call("EXISTS", "x"), 0); // lazy expiry deletes it
        await c.call("MULTI");
        await c.call("PING");
        assert.deepEqual(await c.call("EXEC"), ["PONG"]);

        await c.call("SET", "x", "foo", "PX", "1");
        await sleep(5);
        await c.call("WATCH", "x");
        await c.call("FLUSHDB");
        await c.call("MULTI");
        await c.call("PING");
        assert.deepEqual(await c.call("EXEC"), ["PONG"]);
      } finally {
        await c.call("DEBUG", "SET-ACTIVE-EXPIRE", "1");
      }
    }),
});

Deno.test({
  name: "an expired WATCHed key that is set again fails EXEC",
  ...opts,
  fn: () =>
    fresh(async (c) => {
      await c.call("DEBUG", "SET-ACTIVE-EXPIRE", "0");
      try {
        await c.call("SET", "x", "foo", "PX", "1");
        await sleep(5);
        await c.call("WATCH", "x");
        await c.call("SET", "x", "bar");
        await c.call("MULTI");
        await c.call("PING");
        assert.equal(await c.call("EXEC"), null);
      } finally {
        await c.call("DEBUG", "SET-ACTIVE-EXPIRE", "1");
      }
    }),
});

Deno.test({
  name: "after EXEC, successful or not, the key is no longer watched",
  ...opts,
  fn: () =>
    fresh(async (c) => {
      await c.call("SET", "x", "30");
      await c.call("WATCH", "x");
      await c.call("MULTI");
      await c.call("PING");
      assert.deepEqual(await c.call("EXEC"), ["PONG"]);
      await c.call("SET", "x", "40");
      await c.call("MULTI");
      await c.call("PING");
      assert.deepEqual(await c.call("EXEC"), ["PONG"]);

      await c.call("WATCH", "x");
      await c.call("SET", "x", "40");
      await c.call("MULTI");
      await c.call("PING");
      assert.equal(await c.call("EXEC"), null);
      await c.call("SET", "x", "40");
      await c.call("MULTI");
      await c.call("PING");
      assert.deepEqual(await c.call("EXEC"), ["PONG"]);
    }),
});

Deno.test({
  name: "UNWATCH forgets the watched keys and works when nothing is watched",
  ...opts,
  fn: () =>
    fresh(async (c) => {
      assert.equal(await c.call("UNWATCH"), "OK");
      await c.call("SET", "x", "30");
      await c.call("WATCH", "x");
      await c.call("SET", "x", "40");
      assert.equal(await c.call("UNWATCH"), "OK");
      await c.call("MULTI");
      await c.call("PING");
      assert.deepEqual(await c.call("EXEC"), ["PONG"]);
    }),
});

Deno.test({
  name: "FLUSHALL and FLUSHDB touch watched keys that exist, and only those",
  ...opts,
  fn: () =>
    fresh(async (c) => {
      for (const flush of ["FLUSHALL", "FLUSHDB"]) {
        await c.call("SET", "x", "30");
        await c.call("WATCH", "x");
        await c.call(flush);
        await c.call("MULTI");
        await c.call("PING");
        assert.equal(await c.call("EXEC"), null, flush);

        await c.call("DEL", "x");
        await c.call("WATCH", "x");
        await c.call(flush);
        await c.call("MULTI");
        await c.call("PING");
        assert.deepEqual(await c.call("EXEC"), ["PONG"], flush);
      }
    }),
});

Deno.test({
  name: "FLUSHDB with a bad argument touches nothing",
  ...opts,
  fn: () =>
    fresh(async (c) => {
      await c.call("SET", "x", "30");
      await c.call("WATCH", "x");
      assert.deepEqual(await c.call("FLUSHDB", "NOPE"), err("ERR syntax error"));
      await c.call("MULTI");
      await c.call("PING");
      assert.deepEqual(await c.call("EXEC"), ["PONG"]);
    }),
});

Deno.test({
  name: "SWAPDB touches watched keys that exist on either side",
  ...opts,
  fn: () =>
    fresh(async (c) => {
      await c.call("SET", "x", "30");
      await c.call("WATCH", "x");
      await c.call("SWAPDB", "0", "1");
      await c.call("MULTI");
      await c.call("PING");
      assert.equal(await c.call("EXEC"), null);

      await c.call("FLUSHALL");
      await c.call("SELECT", "1");
      await c.call("SET", "x", "30");
      await c.call("SELECT", "0");
      await c.call("WATCH", "x");
      await c.call("SWAPDB", "0", "1");
      await c.call("MULTI");
      await c.call("PING");
      assert.equal(await c.call("EXEC"), null);
    }),
});

Deno.test({
  name: "SWAPDB does not touch stale watched keys (Valkey's three cases)",
  ...opts,
  fn: () =>
    fresh(async (c) => {
      await c.call("DEBUG", "SET-ACTIVE-EXPIRE", "0");
      try {
        // An expired key replaced with no key: no change.
        await c.call("SELECT", "1");
        await c.call("SET", "x", "foo", "PX", "1");
        await sleep(5);
        await c.call("WATCH", "x");
        await c.call("SWAPDB", "0", "1");
        await c.call("MULTI");
        await c.call("PING");
        assert.deepEqual(await c.call("EXEC"), ["PONG"]);

        // No key replaced with an expired key: no change.
        await c.call("FLUSHALL");
        await c.call("SELECT", "0");
        await c.call("SET", "x", "foo", "PX", "1");
        await sleep(5);
        await c.call("SELECT", "1");
        await c.call("WATCH", "x");
        await c.call("SWAPDB", "0", "1");
        await c.call("MULTI");
        await c.call("PING");
        assert.deepEqual(await c.call("EXEC"), ["PONG"]);

        // An expired key replaced with another expired key: no change.
        await c.call("FLUSHALL");
        await c.call("SELECT", "1");
        await c.call("SET", "x", "foo", "PX", "1");
        await c.call("SELECT", "0");
        await c.call("SET", "x", "bar", "PX", "1");
        await sleep(5);
        await c.call("SELECT", "1");
        await c.call("WATCH", "x");
        await c.call("SWAPDB", "0", "1");
        await c.call("MULTI");
        await c.call("PING");
        assert.deepEqual(await c.call("EXEC"), ["PONG"]);
      } finally {
        await c.call("DEBUG", "SET-ACTIVE-EXPIRE", "1");
        await c.call("SELECT", "0");
      }
    }),
});

Deno.test({
  name: "WATCH remembers the database a key belongs to",
  ...opts,
  fn: () =>
    fresh(async (c) => {
      await c.call("SELECT", "5");
      await c.call("SET", "x", "30");
      await c.call("WATCH", "x");
      await c.call("SELECT", "1");
      await c.call("SET", "x", "10");
      await c.call("SELECT", "5");
      await c.call("MULTI");
      await c.call("PING");
      assert.deepEqual(await c.call("EXEC"), ["PONG"]);
      await c.call("SELECT", "0");
    }),
});

Deno.test({
  name: "EXPIRE on a watched key, and its active expiry, touch it",
  ...opts,
  fn: () =>
    fresh(async (c) => {
      await c.call("SET", "x", "foo");
      await c.call("WATCH", "x");
      await c.call("EXPIRE", "x", "10");
      await c.call("MULTI");
      await c.call("PING");
      assert.equal(await c.call("EXEC"), null);

      // WATCH must see the key still alive (a key already expired when watched does not fail EXEC), so
      // the attempt counts only when WATCH's reply came back within the TTL.
      await retryWhenSlow(async () => {
        await c.call("UNWATCH");
        await c.call("FLUSHALL");
        await c.call("SET", "x", "foo");
        const t0 = Date.now();
        await c.call("PEXPIRE", "x", "100");
        await c.call("WATCH", "x");
        within(t0, 100, "WATCH after the key could have expired");
      });
      await waitUntil(async () => await c.call("DBSIZE") === 0, "active expiry of the watched key");
      await c.call("MULTI");
      await c.call("PING");
      assert.equal(await c.call("EXEC"), null);
    }),
});

Deno.test({
  name: "DISCARD clears the dirty flag and unwatches all keys",
  ...opts,
  fn: () =>
    fresh(async (c) => {
      await c.call("WATCH", "x");
      await c.call("SET", "x", "10");
      await c.call("MULTI");
      await c.call("DISCARD");
      await c.call("MULTI");
      await c.call("INCR", "x");
      assert.deepEqual(await c.call("EXEC"), [11]);

      await c.call("WATCH", "x");
      await c.call("SET", "x", "10");
      await c.call("MULTI");
      await c.call("DISCARD");
      await c.call("SET", "x", "10");
      await c.call("MULTI");
      await c.call("INCR", "x");
      assert.deepEqual(await c.call("EXEC"), [11]);
    }),
});

Deno.test({
  name: "a write inside the transaction to a key watched by another client aborts that client's EXEC",
  ...opts,
  fn: () =>
    fresh(async (c) => {
      await withRaw(srv.port, async (o) => {
        await o.call("WATCH", "shared");
        await c.call("MULTI");
        await c.call("SET", "shared", "1");
        assert.deepEqual(await c.call("EXEC"), ["OK"]);
        await o.call("MULTI");
        await o.call("GET", "shared");
        assert.equal(await o.call("EXEC"), null);
      });
    }),
});

Deno.test({
  name: "SELECT inside a transaction changes the database of the following commands",
  ...opts,
  fn: () =>
    fresh(async (c) => {
      await c.call("MULTI");
      await c.call("SELECT", "2");
      await c.call("SET", "k", "in2");
      await c.call("SELECT", "0");
      assert.deepEqual(await c.call("EXEC"), ["OK", "OK", "OK"]);
      assert.equal(await c.call("EXISTS", "k"), 0);
      await c.call("SELECT", "2");
      assert.equal(await c.call("GET", "k"), "in2");
      await c.call("SELECT", "0");
    }),
});

Deno.test({
  name: "QUIT inside MULTI is not queued and closes the connection",
  ...opts,
  fn: () =>
    fresh(async (c) => {
      await c.call("MULTI");
      await c.call("SET", "k", "v");
      assert.equal(await c.call("QUIT"), "OK");
      assert.equal(await c.waitClosed(), true);
      await withRaw(srv.port, async (o) => assert.equal(await o.call("EXISTS", "k"), 0));
    }),
});

Deno.test({
  name: "RESET inside MULTI discards the transaction and the watches",
  ...opts,
  ...valkeyOnly(),
  fn: () =>
    fresh(async (c) => {
      await c.call("SET", "x", "1");
      await c.call("WATCH", "x");
      await c.call("MULTI");
      await c.call("SET", "k", "v");
      assert.equal(await c.call("RESET"), "RESET");
      assert.deepEqual(await c.call("EXEC"), err("ERR EXEC without MULTI"));
      await c.call("SET", "x", "2");
      await c.call("MULTI");
      await c.call("PING");
      assert.deepEqual(await c.call("EXEC"), ["PONG"]);
      assert.equal(await c.call("EXISTS", "k"), 0);
    }),
});

Deno.test({
  name: "CLIENT INFO shows multi, watch, multi-mem and the x and d flags",
  ...opts,
  ...valkeyOnly(),
  fn: () =>
    fresh(async (c) => {
      let info = await clientInfo(c);
      assert.equal(info.get("multi"), "-1");
      assert.equal(info.get("watch"), "0");
      assert.equal(info.get("flags"), "N");
      await c.call("WATCH", "a", "b", "a");
      info = await clientInfo(c);
      assert.equal(info.get("multi"), "0");
      assert.equal(info.get("watch"), "2");
      await c.call("SET", "a", "1");
      info = await clientInfo(c);
      assert.equal(info.get("flags"), "d");
      assert.equal(info.get("watch"), "0");
      await c.call("UNWATCH");
      // CLIENT INFO itself is queued inside MULTI: read the fields from its reply in EXEC.
      await c.call("MULTI");
      await c.call("SET", "foo", "bar");
      await c.call("GET", "foo");
      await c.call("CLIENT", "INFO");
      const r2 = await c.call("EXEC") as unknown[];
      const f = new Map(
        String(r2[2]).trim().split(" ").map((kv) => {
          const i = kv.indexOf("=");
          return [kv.slice(0, i), kv.slice(i + 1)] as [string, string];
        }),
      );
      // While EXEC runs, the transaction is still accounted: 3 commands queued.
      assert.equal(f.get("flags"), "x");
      assert.equal(f.get("multi"), "3");
      // SET foo bar (9 bytes + 3 pointers) + GET foo (6 + 2) + CLIENT INFO (10 + 2) pointers of 8 bytes.
      assert.equal(f.get("multi-mem"), String(9 + 24 + 6 + 16 + 10 + 16));
      info = await clientInfo(c);
      assert.equal(info.get("multi"), "0");
      assert.equal(info.get("multi-mem"), "0");
      assert.equal(info.get("flags"), "N");
    }),
});

Deno.test({
  name: "CLIENT PAUSE WRITE holds an EXEC with queued writes but not a read-only one",
  ...opts,
  fn: () =>
    fresh(async (c) => {
      await withRaw(srv.port, async (admin) => {
        await c.call("MULTI");
        await c.call("SET", "k", "v");
        // Timed from before the PAUSE: the pause ends no earlier than 300 ms after that.
        let t0 = Date.now();
        assert.equal(await admin.call("CLIENT", "PAUSE", "300", "WRITE"), "OK");
        assert.deepEqual(await c.call("EXEC"), ["OK"]);
        assert.ok(Date.now() - t0 >= 290, "EXEC with writes waits for the pause to end");

        await c.call("MULTI");
        await c.call("GET", "k");
        assert.equal(await admin.call("CLIENT", "PAUSE", "2000", "WRITE"), "OK");
        t0 = Date.now();
        assert.deepEqual(await c.call("EXEC"), ["v"]);
        assert.ok(Date.now() - t0 < 1000, "a read-only EXEC is not held");
        assert.equal(await admin.call("CLIENT", "UNPAUSE"), "OK");
      });
    }),
});

Deno.test({
  name: "commandstats count queued commands when EXEC runs them and errorstats count EXECABORT",
  ...opts,
  fn: () =>
    fresh(async (c) => {
      await c.call("CONFIG", "RESETSTAT");
      await c.call("MULTI");
      await c.call("SET", "a", "x");
      await c.call("INCR", "a");
      await c.call("EXEC");
      await c.call("MULTI");
      await c.call("NOPE");
      await c.call("EXEC");
      const info = String(await c.call("INFO", "commandstats"));
      assert.match(info, /cmdstat_set:calls=1,/);
      assert.match(info, /cmdstat_incr:calls=1,.*failed_calls=1/);
      assert.match(info, /cmdstat_exec:calls=2,.*rejected_calls=0,failed_calls=1/);
      assert.match(info, /cmdstat_multi:calls=2,/);
      const errs = String(await c.call("INFO", "errorstats"));
      assert.match(errs, /errorstat_EXECABORT:count=1/);
      assert.match(errs, /errorstat_ERR:count=2/);
    }),
});

Deno.test({
  name: "iovalkey multi/exec and watch work end to end",
  ...opts,
  fn: async () => {
    const r = new Valkey({ port: srv.port, lazyConnect: true });
    await r.connect();
    try {
      await r.flushall();
      const res = await r.multi().set("a", "1").incr("a").get("a").exec();
      assert.deepEqual(res, [[null, "OK"], [null, 2], [null, "2"]]);
      await r.watch("a");
      await r.set("a", "5");
      const aborted = await r.multi().incr("a").exec();
      assert.equal(aborted, null);
      assert.equal(await r.get("a"), "5");
    } finally {
      r.disconnect();
    }
  },
});

Deno.test({
  name: "blocking commands inside MULTI do not block and reply as on timeout",
  ...opts,
  ignore: !hasBlpop,
  fn: () =>
    fresh(async (c) => {
      await c.call("MULTI");
      assert.equal(await c.call("BLPOP", "empty_list", "0"), "QUEUED");
      assert.equal(await c.call("BRPOP", "empty_list", "0"), "QUEUED");
      assert.equal(await c.call("PING"), "QUEUED");
      assert.deepEqual(await c.call("EXEC"), [null, null, "PONG"]);
    }),
});

Deno.test({
  name: "commands that change the keyspace inside MULTI (SPOP) run as queued",
  ...opts,
  ignore: !hasSpop,
  fn: () =>
    fresh(async (c) => {
      await c.call("SADD", "myset", "a");
      await c.call("MULTI");
      await c.call("SPOP", "myset");
      assert.deepEqual(await c.call("EXEC"), ["a"]);
      assert.equal(await c.call("EXISTS", "myset"), 0);
    }),
});

Deno.test({ name: "stop server", ...opts, fn: () => srv.stop() });
