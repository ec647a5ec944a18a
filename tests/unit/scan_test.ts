/**
 * SCAN over TCP (after Valkey's tests/unit/scan.tcl): full iterations with COUNT, MATCH and TYPE, the
 * cursor's accepted forms and errors, expired keys, and the guarantee that keys present for the whole
 * iteration are returned while the table grows and shrinks. Every test flushes the server first.
 */

import assert from "node:assert/strict";
import { Valkey } from "iovalkey";
import { createClient } from "redis";
import { startServer, valkeyOnly } from "../helpers/server.ts";
import { encodeRequest, type RawConn, RespError, withRaw } from "../helpers/raw.ts";

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

/** SET key:0 .. key:n-1 (values 0..n-1). */
async function populate(c: RawConn, n: number, prefix = "key:"): Promise<void> {
  const cmds: string[][] = [];
  for (let i = 0; i < n; i++) cmds.push(["SET", `${prefix}${i}`, String(i)]);
  await pipeline(c, cmds);
}

async function supports(name: string): Promise<boolean> {
  return await withRaw(srv.port, async (c) => {
    const r = await c.call(name);
    return !(r instanceof RespError && r.message.startsWith("ERR unknown command"));
  });
}

const hasLists = await supports("lpush");
const hasHashes = await supports("hset");

/** A whole SCAN iteration with the given options; returns every key returned (with repeats). */
async function scanAll(c: RawConn, ...options: string[]): Promise<string[]> {
  let cursor = "0";
  const keys: string[] = [];
  let calls = 0;
  do {
    const r = await c.call("SCAN", cursor, ...options) as [string, string[]];
    assert.ok(Array.isArray(r) && r.length === 2, `bad reply ${JSON.stringify(r)}`);
    cursor = r[0];
    keys.push(...r[1]);
    assert.ok(++calls < 100000, "SCAN did not terminate");
  } while (cursor !== "0");
  return keys;
}

async function keyCount(c: RawConn): Promise<number> {
  const info = String(await c.call("INFO", "keyspace"));
  const m = info.match(/db0:keys=(\d+)/);
  return m === null ? 0 : Number(m[1]);
}

Deno.test({
  name: "SCAN returns every key of a full iteration",
  ...opts,
  fn: () =>
    fresh(async (c) => {
      await populate(c, 1000);
      const keys = new Set(await scanAll(c));
      assert.equal(keys.size, 1000);
      for (let i = 0; i < 1000; i++) assert.ok(keys.has(`key:${i}`));
    }),
});

Deno.test({
  name: "SCAN with COUNT returns every key",
  ...opts,
  fn: () =>
    fresh(async (c) => {
      await populate(c, 1000);
      assert.equal(new Set(await scanAll(c, "COUNT", "5")).size, 1000);
      assert.equal(new Set(await scanAll(c, "count", "1")).size, 1000);
      const big = await c.call("SCAN", "0", "COUNT", "100000") as [string, string[]];
      assert.deepEqual([big[0], new Set(big[1]).size], ["0", 1000], "a large COUNT finishes in one call");
    }),
});

Deno.test({
  name: "SCAN COUNT is a hint for entries visited per call",
  ...opts,
  fn: () =>
    fresh(async (c) => {
      await populate(c, 1000);
      const r = await c.call("SCAN", "0") as [string, string[]];
      assert.notEqual(r[0], "0");
      assert.ok(r[1].length >= 10 && r[1].length < 40, `returned ${r[1].length}`);
    }),
});

Deno.test({
  name: "SCAN MATCH filters the keys",
  ...opts,
  fn: () =>
    fresh(async (c) => {
      await populate(c, 1000);
      const keys = new Set(await scanAll(c, "MATCH", "key:1??"));
      assert.equal(keys.size, 100);
      for (const k of keys) assert.match(k, /^key:1\d\d$/);
      assert.equal(new Set(await scanAll(c, "match", "*")).size, 1000);
      assert.equal((await scanAll(c, "MATCH", "nomatch*")).length, 0);
    }),
});

Deno.test({
  name: "SCAN TYPE filters by type, in any case, together with MATCH and COUNT",
  ...opts,
  fn: () =>
    fresh(async (c) => {
      await populate(c, 1000);
      assert.equal((await scanAll(c, "TYPE", "list")).length, 0);
      assert.equal(new Set(await scanAll(c, "TYPE", "string")).size, 1000);
      assert.equal(new Set(await scanAll(c, "type", "STRING")).size, 1000);
      assert.equal(new Set(await scanAll(c, "TYPE", "string", "MATCH", "key:*", "COUNT", "10")).size, 1000);
      assert.equal(new Set(await scanAll(c, "COUNT", "7", "TYPE", "string", "MATCH", "key:9*")).size, 111);
      for (const t of ["hash", "set", "zset", "stream"]) {
        assert.equal((await scanAll(c, "TYPE", t)).length, 0);
      }
    }),
});

Deno.test({
  name: "SCAN TYPE tells strings from lists",
  ...opts,
  ignore: !hasLists,
  fn: () =>
    fresh(async (c) => {
      await populate(c, 100);
      await pipeline(c, [["LPUSH", "l1", "a"], ["RPUSH", "l2", "b"]]);
      assert.deepEqual((await scanAll(c, "TYPE", "list")).sort(), ["l1", "l2"]);
      assert.equal(new Set(await scanAll(c, "TYPE", "string")).size, 100);
    }),
});

Deno.test({
  name: "SCAN with an unknown TYPE is an error that touches no key",
  ...opts,
  ...valkeyOnly(),
  fn: () =>
    fresh(async (c) => {
      await c.call("DEBUG", "SET-ACTIVE-EXPIRE", "0");
      try {
        await populate(c, 100);
        await c.call("SET", "exp", "v", "PX", "1");
        await sleep(10);
        assert.deepEqual(
          await c.call("SCAN", "0", "TYPE", "string1"),
          err("ERR unknown type name 'string1'"),
        );
        assert.deepEqual(await c.call("SCAN", "0", "TYPE", "none"), err("ERR unknown type name 'none'"));
        assert.deepEqual(
          await c.call("SCAN", "0", "TYPE", "foo", "COUNT", "0"),
          err("ERR unknown type name 'foo'"),
          "the TYPE error comes first when TYPE comes first",
        );
        assert.equal(await keyCount(c), 101, "the expired key was not touched");
      } finally {
        await c.call("DEBUG", "SET-ACTIVE-EXPIRE", "1");
      }
    }),
});

Deno.test({
  name: "SCAN option errors",
  ...opts,
  fn: () =>
    fresh(async (c) => {
      await populate(c, 10);
      const syntax = err("ERR syntax error");
      assert.deepEqual(await c.call("SCAN", "0", "COUNT", "0"), syntax);
      assert.deepEqual(await c.call("SCAN", "0", "COUNT", "-1"), syntax);
      assert.deepEqual(
        await c.call("SCAN", "0", "COUNT", "abc"),
        err("ERR value is not an integer or out of range"),
      );
      assert.deepEqual(
        await c.call("SCAN", "0", "COUNT", "9223372036854775808"),
        err("ERR value is not an integer or out of range"),
      );
      assert.deepEqual(await c.call("SCAN", "0", "COUNT"), syntax);
      assert.deepEqual(await c.call("SCAN", "0", "MATCH"), syntax);
      assert.deepEqual(await c.call("SCAN", "0", "TYPE"), syntax);
      assert.deepEqual(await c.call("SCAN", "0", "foo"), syntax);
      assert.deepEqual(await c.call("SCAN", "0", "COUNT", "0", "TYPE", "foo"), syntax);
      assert.deepEqual(await c.call("SCAN"), err("ERR wrong number of arguments for 'scan' command"));
    }),
});

Deno.test({
  name: "SCAN refuses NOVALUES and NOSCORES",
  ...opts,
  ...valkeyOnly(),
  fn: () =>
    fresh(async (c) => {
      assert.deepEqual(
        await c.call("SCAN", "0", "NOVALUES"),
        err("ERR NOVALUES option can only be used in HSCAN"),
      );
      assert.deepEqual(
        await c.call("SCAN", "0", "noscores"),
        err("ERR NOSCORES option can only be used in ZSCAN"),
      );
    }),
});

Deno.test({
  name: "SCAN accepts the last of repeated options",
  ...opts,
  fn: () =>
    fresh(async (c) => {
      await populate(c, 20);
      assert.deepEqual(await scanAll(c, "TYPE", "string", "TYPE", "list"), []);
      assert.deepEqual(await scanAll(c, "MATCH", "key:1", "MATCH", "key:2"), ["key:2"]);
    }),
});

Deno.test({
  name: "SCAN cursors are unsigned 64-bit decimals",
  ...opts,
  ...valkeyOnly(),
  fn: () =>
    fresh(async (c) => {
      await c.call("SET", "a", "1");
      for (const cur of ["0", "18446744073709551615", " 5", "+5", "007", "4294967296"]) {
        const r = await c.call("SCAN", cur, "COUNT", "1000") as [string, string[]];
        assert.ok(Array.isArray(r), `cursor '${cur}' accepted`);
      }
      for (const cur of ["-1", "abc", "18446744073709551616", "", "1.5", "5 "]) {
        assert.deepEqual(await c.call("SCAN", cur), err("ERR invalid cursor"), `cursor '${cur}'`);
      }
    }),
});

Deno.test({
  name: "SCAN replies a bulk cursor and an array of bulk keys",
  ...opts,
  fn: () =>
    fresh(async (c) => {
      await c.call("SET", "only", "1");
      c.send(encodeRequest(["SCAN", "0"]));
      const one = "*2\r\n$1\r\n0\r\n*1\r\n$4\r\nonly\r\n";
      assert.equal(await c.readRaw(one.length), one);
      await c.call("FLUSHALL");
      c.send(encodeRequest(["SCAN", "0"]));
      const none = "*2\r\n$1\r\n0\r\n*0\r\n";
      assert.equal(await c.readRaw(none.length), none);
    }),
});

Deno.test({
  name: "SCAN skips expired keys and deletes them",
  ...opts,
  fn: () =>
    fresh(async (c) => {
      await c.call("DEBUG", "SET-ACTIVE-EXPIRE", "0");
      try {
        await populate(c, 1000);
        await pipeline(c, [["SET", "foo", "bar", "PX", "1"]]);
        await sleep(10);
        const keys = await scanAll(c, "COUNT", "10");
        assert.equal(new Set(keys).size, 1000);
        assert.ok(!keys.includes("foo"));
        assert.equal(await keyCount(c), 1000, "the expired key was deleted by SCAN");
      } finally {
        await c.call("DEBUG", "SET-ACTIVE-EXPIRE", "1");
      }
    }),
});

Deno.test({
  name: "SCAN leaves alone expired keys that its filters skip",
  ...opts,
  ignore: !hasHashes,
  fn: () =>
    fresh(async (c) => {
      await c.call("DEBUG", "SET-ACTIVE-EXPIRE", "0");
      try {
        await populate(c, 1000);
        await pipeline(c, [
          ["SET", "foo", "bar", "PX", "1"],
          ["HSET", "hash", "f", "v"],
          ["PEXPIRE", "hash", "1"],
          ["SET", "other", "v", "PX", "1"],
        ]);
        await sleep(10);
        const keys = await scanAll(c, "TYPE", "string", "MATCH", "[kf]*", "COUNT", "10");
        assert.equal(new Set(keys).size, 1000);
        assert.equal(await keyCount(c), 1002, "only foo (string, matching) was deleted");
      } finally {
        await c.call("DEBUG", "SET-ACTIVE-EXPIRE", "1");
      }
    }),
});

Deno.test({
  name: "SCAN returns keys present for the whole iteration while the table grows and shrinks",
  ...opts,
  fn: () =>
    fresh(async (c) => {
      await populate(c, 500, "stable:");
      let cursor = "0";
      const seen = new Set<string>();
      let step = 0;
      do {
        const r = await c.call("SCAN", cursor, "COUNT", "20") as [string, string[]];
        cursor = r[0];
        for (const k of r[1]) seen.add(k);
        step++;
        if (step === 3) await populate(c, 5000, "grow:");
        if (step === 10) {
          const dels: string[][] = [];
          for (let i = 0; i < 5000; i++) dels.push(["DEL", `grow:${i}`]);
          await pipeline(c, dels);
        }
        if (step === 15) await populate(c, 3000, "again:");
      } while (cursor !== "0");
      for (let i = 0; i < 500; i++) assert.ok(seen.has(`stable:${i}`), `stable:${i} missing`);
    }),
});

Deno.test({
  name: "iovalkey's scanStream and node-redis' scanIterator walk the keyspace",
  ...opts,
  fn: async () => {
    await fresh(async (c) => await populate(c, 300));
    const v = new Valkey({ port: srv.port, host: srv.host, lazyConnect: true, maxRetriesPerRequest: 0 });
    await v.connect();
    try {
      const got = new Set<string>();
      await new Promise<void>((resolve, reject) => {
        const s = v.scanStream({ match: "key:*", count: 50 });
        s.on("data", (keys: string[]) => keys.forEach((k) => got.add(k)));
        s.on("end", () => resolve());
        s.on("error", reject);
      });
      assert.equal(got.size, 300);
    } finally {
      v.disconnect();
    }
    const r = createClient({ socket: { port: srv.port, host: srv.host } });
    await r.connect();
    try {
      const got = new Set<string>();
      for await (const batch of r.scanIterator({ MATCH: "key:1*", COUNT: 100 })) {
        for (const k of Array.isArray(batch) ? batch : [batch]) got.add(String(k));
      }
      assert.equal(got.size, 111);
    } finally {
      await r.quit();
    }
  },
});

Deno.test({ name: "stop server", ...opts, fn: () => srv.stop() });
