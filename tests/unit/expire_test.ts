/**
 * Expiry commands over TCP: EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT (NX XX GT LT), TTL, PTTL, EXPIRETIME,
 * PEXPIRETIME, PERSIST, and lazy / active expiry as clients see it (after Valkey's tests/unit/expire.tcl).
 * Every test flushes the server first.
 */

import assert from "node:assert/strict";
import { Valkey } from "iovalkey";
import { startServer, valkeyOnly } from "../helpers/server.ts";
import { encodeRequest, type RawConn, RespError, withRaw } from "../helpers/raw.ts";
import { retryWhenSlow, within } from "../helpers/timing.ts";

const srv = await startServer();
const opts = { sanitizeOps: false, sanitizeResources: false };

function err(msg: string): RespError {
  return new RespError(msg);
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function fresh<T>(fn: (c: RawConn) => Promise<T>): Promise<T> {
  return withRaw(srv.port, async (c) => {
    assert.equal(await c.call("FLUSHALL"), "OK");
    return await fn(c);
  });
}

async function pipeline(c: RawConn, cmds: (string | number)[][]): Promise<unknown[]> {
  for (const a of cmds) c.send(encodeRequest(a));
  const out: unknown[] = [];
  for (let i = 0; i < cmds.length; i++) out.push(await c.read());
  return out;
}

async function infoField(c: RawConn, section: string, field: string): Promise<string> {
  const info = String(await c.call("INFO", section));
  const m = info.match(new RegExp(`(?:^|\\r\\n)${field}:([^\\r]*)`));
  if (m === null) throw new Error(`no ${field} in INFO ${section}`);
  return m[1]!;
}

async function supports(name: string): Promise<boolean> {
  return await withRaw(srv.port, async (c) => {
    const r = await c.call(name);
    return !(r instanceof RespError && r.message.startsWith("ERR unknown command"));
  });
}

const hasWatch = await supports("watch");

/** Keyspace events need PSUBSCRIBE (tests of events are skipped on a server without pub/sub). */
const hasPubSub = await supports("psubscribe");

/** Collects the keyspace events `fn` causes, as "event key". */
async function events(fn: (c: RawConn) => Promise<void>): Promise<string[]> {
  return await fresh(async (c) => {
    assert.equal(await c.call("CONFIG", "SET", "notify-keyspace-events", "KEA"), "OK");
    try {
      return await withRaw(srv.port, async (s) => {
        await s.call("PSUBSCRIBE", "__keyevent@*__:*");
        s.send(encodeRequest(["SUBSCRIBE", "e-test-end"]));
        await s.read();
        await fn(c);
        await c.call("PUBLISH", "e-test-end", "x");
        const got: string[] = [];
        for (;;) {
          const m = await s.read() as unknown[];
          if (m[0] === "message") break;
          const channel = String(m[2]);
          got.push(`${channel.slice(channel.indexOf(":") + 1)} ${m[3]}`);
        }
        return got;
      });
    } finally {
      await c.call("CONFIG", "SET", "notify-keyspace-events", "");
    }
  });
}

// ---------------------------------------------------------------------------------------------------------
// Setting TTLs
// ---------------------------------------------------------------------------------------------------------

Deno.test({
  name: "EXPIRE sets and resets timeouts",
  ...opts,
  fn: () =>
    fresh(async (c) => {
      await c.call("SET", "x", "foobar");
      // TTL rounds to the nearest second: 5 and 10 only while less than 500 ms passed.
      await retryWhenSlow(async () => {
        const t0 = Date.now();
        assert.equal(await c.call("EXPIRE", "x", "5"), 1);
        const v1 = await c.call("TTL", "x") as number;
        within(t0, 500);
        const t1 = Date.now();
        assert.equal(await c.call("EXPIRE", "x", "10"), 1);
        const v2 = await c.call("TTL", "x");
        within(t1, 500);
        assert.deepEqual([v1, v2], [5, 10]);
      });
      assert.equal(await c.call("EXPIRE", "x", "2"), 1);
      assert.equal(await c.call("GET", "x"), "foobar");
    }),
});

Deno.test({
  name: "a key is gone once its time has passed",
  ...opts,
  fn: () =>
    fresh(async (c) => {
      await retryWhenSlow(async () => {
        await c.call("SET", "x", "foo");
        const t0 = Date.now();
        assert.equal(await c.call("PEXPIRE", "x", "100"), 1);
        const v = await c.call("GET", "x");
        within(t0, 100, "GET after the TTL could have run out");
        assert.equal(v, "foo");
      });
      await sleep(200);
      assert.equal(await c.call("GET", "x"), null);
      assert.equal(await c.call("EXISTS", "x"), 0);
      assert.equal(await c.call("TTL", "x"), -2);
    }),
});

Deno.test({
  name: "writing to a volatile key keeps its TTL",
  ...opts,
  fn: () =>
    fresh(async (c) => {
      await c.call("SET", "x", "foo");
      await c.call("EXPIRE", "x", "1000");
      await c.call("APPEND", "x", "bar");
      assert.equal(await c.call("GET", "x"), "foobar");
      assert.ok((await c.call("TTL", "x") as number) > 990);
    }),
});

Deno.test({
  name: "EXPIREAT and PEXPIREAT set absolute times",
  ...opts,
  fn: () =>
    fresh(async (c) => {
      await c.call("SET", "x", "foo");
      const sec = Math.floor(Date.now() / 1000) + 100;
      assert.equal(await c.call("EXPIREAT", "x", String(sec)), 1);
      assert.equal(await c.call("EXPIRETIME", "x"), sec);
      assert.equal(await c.call("PEXPIRETIME", "x"), sec * 1000);
      const ms = Date.now() + 100_000;
      assert.equal(await c.call("PEXPIREAT", "x", String(ms)), 1);
      assert.equal(await c.call("PEXPIRETIME", "x"), ms);
      assert.equal(await c.call("EXPIRETIME", "x"), Math.floor((ms + 500) / 1000));
    }),
});

Deno.test({
  name: "PEXPIRE and PEXPIREAT work with millisecond precision",
  ...opts,
  fn: () =>
    fresh(async (c) => {
      // Both keys must still be there 100 ms in — which proves something only if the GETs came back within
      // the 250 ms (else the attempt is repeated, as Valkey's expire.tcl does).
      await retryWhenSlow(async () => {
        await c.call("SET", "x", "somevalue");
        await c.call("SET", "y", "somevalue");
        const t0 = Date.now();
        await c.call("PEXPIRE", "x", "250");
        const pttl = await c.call("PTTL", "x") as number;
        await c.call("PEXPIREAT", "y", String(t0 + 250));
        await sleep(100);
        const got = [await c.call("GET", "x"), await c.call("GET", "y")];
        within(t0, 250, "GETs after the TTL could have run out");
        assert.ok(pttl > 0 && pttl <= 250, `pttl ${pttl}`);
        assert.deepEqual(got, ["somevalue", "somevalue"]);
      });
      await sleep(250);
      assert.equal(await c.call("GET", "x"), null);
      assert.equal(await c.call("GET", "y"), null);
    }),
});

Deno.test({
  name: "TTL rounds to the nearest second and PTTL is in milliseconds",
  ...opts,
  fn: () =>
    fresh(async (c) => {
      await c.call("SET", "a", "v");
      // Each pair holds only while less than 300 ms passed between setting and reading the TTL.
      const ttlAfter = async (cmd: string[], margin: number): Promise<unknown> => {
        return await retryWhenSlow(async () => {
          const t0 = Date.now();
          await c.call(...cmd);
          const ttl = await c.call(cmd[0] === "SETEX" ? "PTTL" : "TTL", cmd[1]!);
          within(t0, margin);
          return ttl;
        });
      };
      assert.equal(await ttlAfter(["PEXPIRE", "a", "1800"], 300), 2);
      assert.equal(await ttlAfter(["PEXPIRE", "a", "1200"], 300), 1);
      assert.equal(await ttlAfter(["PEXPIRE", "a", "300"], 300), 0);
      const pttl = await ttlAfter(["SETEX", "b", "1", "v"], 500) as number;
      assert.ok(pttl > 500 && pttl <= 1000, `pttl ${pttl}`);
    }),
});

Deno.test({
  name: "TTL, PTTL, EXPIRETIME and PEXPIRETIME are -1 without TTL and -2 without key",
  ...opts,
  fn: () =>
    fresh(async (c) => {
      await c.call("SET", "x", "hello");
      assert.deepEqual(
        await pipeline(c, [["TTL", "x"], ["PTTL", "x"], ["EXPIRETIME", "x"], ["PEXPIRETIME", "x"]]),
        [-1, -1, -1, -1],
      );
      assert.deepEqual(
        await pipeline(c, [["TTL", "no"], ["PTTL", "no"], ["EXPIRETIME", "no"], ["PEXPIRETIME", "no"]]),
        [-2, -2, -2, -2],
      );
      for (const cmd of ["TTL", "PTTL", "EXPIRETIME", "PEXPIRETIME", "PERSIST"]) {
        assert.deepEqual(
          await c.call(cmd),
          err(`ERR wrong number of arguments for '${cmd.toLowerCase()}' command`),
        );
        assert.deepEqual(
          await c.call(cmd, "a", "b"),
          err(`ERR wrong number of arguments for '${cmd.toLowerCase()}' command`),
        );
      }
      for (const cmd of ["EXPIRE", "PEXPIRE", "EXPIREAT", "PEXPIREAT"]) {
        assert.deepEqual(
          await c.call(cmd, "x"),
          err(`ERR wrong number of arguments for '${cmd.toLowerCase()}' command`),
        );
      }
    }),
});

Deno.test({
  name: "EXPIRETIME and PEXPIRETIME return the absolute time",
  ...opts,
  fn: () =>
    fresh(async (c) => {
      const sec = Math.floor(Date.now() / 1000) + 100;
      await c.call("SET", "x", "v", "EXAT", String(sec));
      assert.equal(await c.call("EXPIRETIME", "x"), sec);
      const ms = Date.now() + 100_000;
      await c.call("SET", "y", "v", "PXAT", String(ms));
      assert.equal(await c.call("PEXPIRETIME", "y"), ms);
    }),
});

Deno.test({
  name: "PERSIST removes a TTL and replies 0 when there is none",
  ...opts,
  fn: () =>
    fresh(async (c) => {
      await c.call("SET", "x", "foo");
      await c.call("EXPIRE", "x", "50");
      assert.deepEqual([await c.call("PERSIST", "x"), await c.call("TTL", "x")], [1, -1]);
      assert.equal(await c.call("PERSIST", "x"), 0);
      assert.equal(await c.call("PERSIST", "nokey"), 0);
      assert.equal(await c.call("GET", "x"), "foo");
    }),
});

Deno.test({
  name: "a time in the past deletes the key and counts it as expired",
  ...opts,
  ...valkeyOnly(),
  fn: () =>
    fresh(async (c) => {
      await c.call("CONFIG", "RESETSTAT");
      await c.call("SET", "x", "somevalue");
      assert.equal(await c.call("EXPIRE", "x", "-1"), 1);
      assert.equal(await c.call("EXISTS", "x"), 0);
      await c.call("SET", "x", "somevalue");
      assert.equal(await c.call("EXPIREAT", "x", String(Math.floor(Date.now() / 1000) - 1)), 1);
      assert.equal(await c.call("EXISTS", "x"), 0);
      await c.call("SET", "x", "somevalue");
      assert.equal(await c.call("PEXPIRE", "x", "-1000"), 1);
      assert.equal(await c.call("EXISTS", "x"), 0);
      await c.call("SET", "x", "somevalue");
      assert.equal(await c.call("PEXPIREAT", "x", String(Date.now() - 1000)), 1);
      assert.equal(await c.call("EXISTS", "x"), 0);
      await c.call("SET", "x", "somevalue");
      assert.equal(await c.call("EXPIRE", "x", "0"), 1, "zero is now, which is already expired");
      assert.equal(await c.call("EXISTS", "x"), 0);
      assert.equal(await infoField(c, "stats", "expired_keys"), "5");
    }),
});

Deno.test({
  name: "setting a past time emits an expired event",
  ...opts,
  ignore: !hasPubSub || valkeyOnly().ignore,
  fn: async () => {
    const got = await events(async (c) => {
      await c.call("SET", "x", "v");
      await c.call("EXPIRE", "x", "-1");
    });
    assert.deepEqual(got, ["set x", "expired x"]);
  },
});

Deno.test({
  name: "EXPIRE and PERSIST emit expire and persist events, and nothing when they do nothing",
  ...opts,
  ignore: !hasPubSub,
  fn: async () => {
    const got = await events(async (c) => {
      await c.call("SET", "x", "v");
      await c.call("EXPIRE", "x", "100");
      await c.call("PEXPIRE", "x", "200000", "GT");
      await c.call("EXPIRE", "x", "100", "NX");
      await c.call("EXPIRE", "nokey", "100");
      await c.call("PERSIST", "x");
      await c.call("PERSIST", "x");
      await c.call("PEXPIREAT", "x", String(Date.now() + 100000));
      await c.call("EXPIREAT", "x", String(Math.floor(Date.now() / 1000) + 100));
    });
    assert.deepEqual(got, ["set x", "expire x", "expire x", "persist x", "expire x", "expire x"]);
  },
});

// ---------------------------------------------------------------------------------------------------------
// Lazy and active expiry
// ---------------------------------------------------------------------------------------------------------

Deno.test({
  name: "the server actively expires keys nobody reads",
  ...opts,
  fn: () =>
    fresh(async (c) => {
      await pipeline(c, [["PSETEX", "key1", "500", "a"], ["PSETEX", "key2", "500", "a"], [
        "PSETEX",
        "key3",
        "500",
        "a",
      ]]);
      assert.equal(await c.call("DBSIZE"), 3);
      const deadline = Date.now() + 10000;
      while ((await c.call("DBSIZE")) !== 0) {
        assert.ok(Date.now() < deadline, "keys did not actively expire");
        await sleep(100);
      }
    }),
});

Deno.test({
  name: "with active expiry off, expired keys stay counted until accessed",
  ...opts,
  fn: () =>
    fresh(async (c) => {
      await c.call("DEBUG", "SET-ACTIVE-EXPIRE", "0");
      try {
        await pipeline(c, [["PSETEX", "key1", "100", "a"], ["PSETEX", "key2", "100", "a"], [
          "PSETEX",
          "key3",
          "100",
          "a",
        ]]);
        const size1 = await c.call("DBSIZE");
        await sleep(200);
        const size2 = await c.call("DBSIZE");
        await c.call("MGET", "key1", "key2", "key3");
        assert.deepEqual([size1, size2, await c.call("DBSIZE")], [3, 3, 0]);
      } finally {
        await c.call("DEBUG", "SET-ACTIVE-EXPIRE", "1");
      }
    }),
});

Deno.test({
  name: "EXPIRE does not resurrect an expired key",
  ...opts,
  fn: () =>
    fresh(async (c) => {
      await c.call("DEBUG", "SET-ACTIVE-EXPIRE", "0");
      try {
        await c.call("SET", "foo", "bar");
        await c.call("PEXPIRE", "foo", "100");
        await sleep(200);
        assert.equal(await c.call("EXPIRE", "foo", "10"), 0);
        assert.equal(await c.call("EXISTS", "foo"), 0);
        assert.equal(await c.call("PERSIST", "foo"), 0);
      } finally {
        await c.call("DEBUG", "SET-ACTIVE-EXPIRE", "1");
      }
    }),
});

Deno.test({
  name: "volatile keys are listed like the others",
  ...opts,
  fn: () =>
    fresh(async (c) => {
      await pipeline(c, [["SET", "a", "c"], ["EXPIRE", "a", "5"], ["SET", "t", "c"], ["SET", "e", "c"], [
        "SET",
        "s",
        "c",
      ], ["SET", "foo", "b"]]);
      assert.deepEqual((await c.call("KEYS", "*") as string[]).sort(), ["a", "e", "foo", "s", "t"]);
    }),
});

// ---------------------------------------------------------------------------------------------------------
// Argument errors and limits
// ---------------------------------------------------------------------------------------------------------

Deno.test({
  name: "a non-integer time is an error, even for a missing key",
  ...opts,
  fn: () =>
    fresh(async (c) => {
      await c.call("SET", "foo", "bar");
      for (const bad of ["", "abc", "1.5", " 1", "01", "9223372036854775808"]) {
        assert.deepEqual(
          await c.call("EXPIRE", "foo", bad),
          err("ERR value is not an integer or out of range"),
          bad,
        );
      }
      assert.deepEqual(
        await c.call("PEXPIREAT", "nokey", "x"),
        err("ERR value is not an integer or out of range"),
      );
      assert.equal(await c.call("TTL", "foo"), -1);
    }),
});

Deno.test({
  name: "times that overflow in milliseconds are invalid expire times",
  ...opts,
  fn: () =>
    fresh(async (c) => {
      await c.call("SET", "foo", "bar");
      for (const t of ["9223370399119966", "9223372036854776", "10000000000000000", "18446744073709561"]) {
        assert.deepEqual(
          await c.call("EXPIRE", "foo", t),
          err("ERR invalid expire time in 'expire' command"),
          t,
        );
      }
      assert.deepEqual(
        await c.call("EXPIRE", "foo", "-9223372036854776"),
        err("ERR invalid expire time in 'expire' command"),
      );
      assert.deepEqual(
        await c.call("EXPIRE", "foo", "-9999999999999999"),
        err("ERR invalid expire time in 'expire' command"),
      );
      assert.deepEqual(
        await c.call("PEXPIRE", "foo", "9223372036854770000"),
        err("ERR invalid expire time in 'pexpire' command"),
      );
      assert.deepEqual(
        await c.call("EXPIREAT", "foo", "9223372036854776"),
        err("ERR invalid expire time in 'expireat' command"),
      );
      assert.deepEqual(
        await c.call("expire", "nokey", "9223372036854776"),
        err("ERR invalid expire time in 'expire' command"),
        "checked before the key",
      );
      assert.equal(await c.call("TTL", "foo"), -1);
    }),
});

Deno.test({
  name: "the largest times are accepted and read back",
  ...opts,
  fn: () =>
    fresh(async (c) => {
      await c.call("SET", "foo", "bar");
      assert.equal(await c.call("EXPIREAT", "foo", "9223372036854775"), 1);
      assert.equal(await c.call("EXPIRETIME", "foo"), 9223372036854775n);
      assert.equal(await c.call("PEXPIREAT", "foo", "9223372036854775807"), 1);
      assert.equal(await c.call("PEXPIRETIME", "foo"), 9223372036854775807n);
      assert.equal(await c.call("EXPIRETIME", "foo"), 9223372036854776n);
      const ttl = await c.call("TTL", "foo") as number;
      assert.ok(ttl > 9223370000000000, `ttl ${ttl}`);
    }),
});

Deno.test({
  name: "the most negative times delete the key",
  ...opts,
  fn: () =>
    fresh(async (c) => {
      await c.call("SET", "foo", "bar");
      assert.equal(await c.call("PEXPIREAT", "foo", "-9223372036854770000"), 1);
      assert.equal(await c.call("TTL", "foo"), -2);
      await c.call("SET", "foo", "bar");
      assert.equal(await c.call("EXPIRE", "foo", "-9223372036854775"), 1);
      assert.equal(await c.call("EXISTS", "foo"), 0);
      await c.call("SET", "foo", "bar");
      assert.equal(await c.call("PEXPIRE", "foo", "-9223372036854775808"), 1);
      assert.equal(await c.call("EXISTS", "foo"), 0);
    }),
});

Deno.test({
  name: "EXPIRE options: unknown ones and incompatible pairs are errors, checked first",
  ...opts,
  fn: () =>
    fresh(async (c) => {
      await c.call("SET", "foo", "bar");
      assert.deepEqual(await c.call("EXPIRE", "foo", "200", "AB"), err("ERR Unsupported option AB"));
      assert.deepEqual(await c.call("EXPIRE", "foo", "200", "XX", "AB"), err("ERR Unsupported option AB"));
      assert.deepEqual(await c.call("EXPIRE", "foo", "abc", "AB"), err("ERR Unsupported option AB"));
      assert.deepEqual(
        await c.call("PEXPIRE", "foo", "200", "nx", "xx", "AB"),
        err("ERR Unsupported option AB"),
      );
      const nxErr = err("ERR NX and XX, GT or LT options at the same time are not compatible");
      assert.deepEqual(await c.call("EXPIRE", "foo", "200", "NX", "XX"), nxErr);
      assert.deepEqual(await c.call("EXPIRE", "foo", "200", "NX", "GT"), nxErr);
      assert.deepEqual(await c.call("EXPIRE", "foo", "200", "LT", "NX"), nxErr);
      assert.deepEqual(await c.call("EXPIRE", "foo", "abc", "nx", "xx"), nxErr);
      const gtLt = err("ERR GT and LT options at the same time are not compatible");
      assert.deepEqual(await c.call("EXPIRE", "foo", "200", "LT", "GT"), gtLt);
      assert.deepEqual(await c.call("EXPIREAT", "foo", "200", "xx", "gt", "lt"), gtLt);
      assert.equal(await c.call("TTL", "foo"), -1);
    }),
});

Deno.test({
  name: "EXPIRE NX sets only keys without TTL",
  ...opts,
  fn: () =>
    fresh(async (c) => {
      await c.call("SET", "foo", "bar", "EX", "100");
      assert.equal(await c.call("EXPIRE", "foo", "200", "NX"), 0);
      assert.ok((await c.call("TTL", "foo") as number) <= 100);
      await c.call("SET", "bar", "x");
      assert.equal(await c.call("EXPIRE", "bar", "200", "nx"), 1);
      assert.equal(await c.call("EXPIRE", "bar", "200", "NX", "nx"), 0, "a repeated option is fine");
    }),
});

Deno.test({
  name: "EXPIRE XX sets only keys with a TTL",
  ...opts,
  fn: () =>
    fresh(async (c) => {
      await c.call("SET", "foo", "bar", "EX", "100");
      assert.equal(await c.call("EXPIRE", "foo", "200", "XX"), 1);
      const ttl = await c.call("TTL", "foo") as number;
      assert.ok(ttl > 100 && ttl <= 200);
      await c.call("SET", "bar", "x");
      assert.equal(await c.call("EXPIRE", "bar", "200", "XX"), 0);
      assert.equal(await c.call("TTL", "bar"), -1);
    }),
});

Deno.test({
  name: "EXPIRE GT raises a TTL only, and never sets one on a key without",
  ...opts,
  fn: () =>
    fresh(async (c) => {
      await c.call("SET", "foo", "bar", "EX", "100");
      assert.equal(await c.call("EXPIRE", "foo", "200", "GT"), 1);
      assert.ok((await c.call("TTL", "foo") as number) > 100);
      assert.equal(await c.call("EXPIRE", "foo", "50", "GT"), 0);
      await c.call("SET", "bar", "x");
      assert.equal(await c.call("EXPIRE", "bar", "200", "GT"), 0);
      assert.equal(await c.call("TTL", "bar"), -1);
      const when = Date.now() + 300000;
      await c.call("PEXPIREAT", "foo", String(when));
      assert.equal(await c.call("PEXPIREAT", "foo", String(when), "GT"), 0, "equal is not greater");
    }),
});

Deno.test({
  name: "EXPIRE LT lowers a TTL only, and always sets one on a key without",
  ...opts,
  fn: () =>
    fresh(async (c) => {
      await c.call("SET", "foo", "bar", "EX", "100");
      assert.equal(await c.call("EXPIRE", "foo", "200", "LT"), 0);
      assert.equal(await c.call("EXPIRE", "foo", "50", "LT"), 1);
      assert.ok((await c.call("TTL", "foo") as number) <= 50);
      await c.call("SET", "bar", "x");
      assert.equal(await c.call("EXPIRE", "bar", "100", "LT"), 1);
      assert.ok((await c.call("TTL", "bar") as number) <= 100);
      await c.call("SET", "baz", "x");
      assert.equal(await c.call("EXPIRE", "baz", "200", "LT", "XX"), 0);
      assert.equal(await c.call("TTL", "baz"), -1);
      await c.call("SET", "bar", "x", "EX", "100");
      assert.equal(await c.call("EXPIRE", "bar", "200", "LT", "XX"), 0);
      assert.equal(await c.call("EXPIRE", "bar", "50", "XX", "LT"), 1);
    }),
});

Deno.test({
  name: "EXPIRE with a negative time and LT deletes volatile and persistent keys",
  ...opts,
  fn: () =>
    fresh(async (c) => {
      await c.call("SET", "foo", "bar", "EX", "100");
      assert.equal(await c.call("EXPIRE", "foo", "-10", "LT"), 1);
      assert.equal(await c.call("TTL", "foo"), -2);
      await c.call("SET", "foo", "bar");
      assert.equal(await c.call("EXPIRE", "foo", "-10", "LT"), 1);
      assert.equal(await c.call("TTL", "foo"), -2);
      await c.call("SET", "foo", "bar");
      assert.equal(await c.call("EXPIRE", "foo", "-10", "GT"), 0, "GT never beats no TTL");
      assert.equal(await c.call("EXISTS", "foo"), 1);
    }),
});

Deno.test({
  name: "EXPIRE options on a missing key reply 0",
  ...opts,
  fn: () =>
    fresh(async (c) => {
      for (const o of ["NX", "XX", "GT", "LT"]) assert.equal(await c.call("EXPIRE", "none", "100", o), 0);
      assert.equal(await c.call("EXPIRE", "none", "-100"), 0);
      assert.equal(await c.call("DBSIZE"), 0);
    }),
});

Deno.test({
  name: "giving a TTL to an EMBSTR that no longer fits its allocation makes it RAW",
  ...opts,
  ...valkeyOnly(),
  fn: () =>
    fresh(async (c) => {
      await pipeline(c, [["SET", "k1", "x".repeat(31)], ["SET", "k2", "x".repeat(32)]]);
      assert.deepEqual(await pipeline(c, [["OBJECT", "ENCODING", "k1"], ["OBJECT", "ENCODING", "k2"]]), [
        "embstr",
        "embstr",
      ]);
      await pipeline(c, [["EXPIRE", "k1", "100"], ["EXPIRE", "k2", "100"]]);
      assert.deepEqual(await pipeline(c, [["OBJECT", "ENCODING", "k1"], ["OBJECT", "ENCODING", "k2"]]), [
        "embstr",
        "raw",
      ]);
      await c.call("PERSIST", "k2");
      assert.equal(await c.call("OBJECT", "ENCODING", "k2"), "raw", "and stays RAW");
      assert.equal(await c.call("GET", "k2"), "x".repeat(32));
    }),
});

Deno.test({
  name: "EXPIRE invalidates a WATCH on the key",
  ...opts,
  ignore: !hasWatch,
  fn: () =>
    fresh(async (c) => {
      await c.call("SET", "w", "v");
      await c.call("WATCH", "w");
      await withRaw(srv.port, async (o) => assert.equal(await o.call("EXPIRE", "w", "100"), 1));
      await c.call("MULTI");
      await c.call("PING");
      assert.equal(await c.call("EXEC"), null);
    }),
});

Deno.test({
  name: "iovalkey sees the expiry commands' replies",
  ...opts,
  fn: async () => {
    const c = new Valkey({ port: srv.port, host: srv.host, lazyConnect: true, maxRetriesPerRequest: 0 });
    await c.connect();
    try {
      await c.flushall();
      await c.set("k", "v");
      await retryWhenSlow(async () => {
        const t0 = Date.now();
        assert.equal(await c.expire("k", 100), 1);
        const [ttl, pttl] = [await c.ttl("k"), await c.pttl("k")];
        within(t0, 500);
        assert.equal(ttl, 100);
        assert.ok(pttl > 99000 && pttl <= 100000, `pttl ${pttl}`);
      });
      assert.equal(await c.persist("k"), 1);
      assert.equal(await c.ttl("k"), -1);
      assert.equal(await c.pexpireat("k", Date.now() + 5000), 1);
      assert.equal(await c.ttl("nokey"), -2);
      await assert.rejects(c.call("EXPIRE", "k", "10", "NX", "XX"), /NX and XX, GT or LT/);
      assert.equal(await c.expire("k", 10, "GT"), 1);
    } finally {
      c.disconnect();
    }
  },
});

Deno.test({ name: "stop server", ...opts, fn: () => srv.stop() });
