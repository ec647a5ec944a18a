/**
 * Client-side caching over TCP, after Valkey's tests/unit/tracking.tcl: CLIENT TRACKING's options and
 * errors, RESP3 invalidation pushes, RESP2 redirection to `__redis__:invalidate`, flushes, BCAST prefixes,
 * NOLOOP, OPTIN/OPTOUT with CLIENT CACHING, invalidations held until after the command's (or EXEC's)
 * reply, tracking-redir-broken, CLIENT LIST/TRACKINGINFO/GETREDIR, INFO, tracking-table-max-keys, and
 * real clients (node-redis' RESP3 client-side cache, iovalkey and redis-py redirecting in RESP2).
 */

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { Valkey } from "iovalkey";
import { BasicClientSideCache, createClient } from "redis";
import { isValkyr, startServer, valkeyOnly } from "../helpers/server.ts";
import { Push, RawConn } from "../helpers/raw.ts";
import { assertError } from "../helpers/suite.ts";
import { message, sub } from "../helpers/pubsub.ts";
import { sleep, waitUntil } from "../helpers/timing.ts";

const srv = await startServer();
const opts = { sanitizeOps: false, sanitizeResources: false };

/** Runs `fn` with `n` fresh connections (the first flushes the server first), all closed after. */
async function conns(n: number, fn: (...cs: RawConn[]) => Promise<void>): Promise<void> {
  const cs: RawConn[] = [];
  try {
    for (let i = 0; i < n; i++) cs.push(await RawConn.connect(srv.port));
    assert.equal(await cs[0]!.call("FLUSHALL"), "OK");
    // The previous test's tracking clients are gone (their close can lag on a loaded machine: a CI run
    // counted one too many in INFO).
    await waitUntil(
      async () => info(await cs[0]!.call("INFO", "clients"), "tracking_clients") === "0",
      "no tracking client left from the previous test",
    );
    await fn(...cs);
  } finally {
    for (const c of cs) c.close();
  }
}

function test(name: string, fn: () => Promise<void>, more: { ignore?: boolean } = {}): void {
  Deno.test({ name, ...opts, ...more, fn });
}

async function clientId(c: RawConn): Promise<number> {
  return Number(await c.call("CLIENT", "ID"));
}

async function hello3(c: RawConn): Promise<void> {
  const r = await c.call("HELLO", "3");
  assert.ok(r instanceof Map);
}

/** A RESP2 connection subscribed to the invalidation channel; returns its id. */
async function redirectTarget(r: RawConn): Promise<number> {
  const id = await clientId(r);
  assert.deepEqual(await sub(r, ["SUBSCRIBE", "__redis__:invalidate"]), [[
    "subscribe",
    "__redis__:invalidate",
    1,
  ]]);
  return id;
}

/** Asserts that nothing is waiting on a RESP3 connection: the next reply is PING's. */
async function nothingPending(c: RawConn): Promise<void> {
  assert.equal(await c.call("PING"), "PONG");
}

/** Reads exactly the bytes of `expected` and compares them. */
async function expectRaw(c: RawConn, expected: string): Promise<void> {
  assert.equal(await c.readRaw(expected.length), expected);
}

/** The next push, as its items. */
async function push(c: RawConn): Promise<unknown[]> {
  const r = await c.read();
  assert.ok(r instanceof Push, `expected a push, got ${JSON.stringify(r)}`);
  return r.items;
}

function info(text: unknown, field: string): string | undefined {
  return String(text).match(new RegExp(`^${field}:(.*)\r?$`, "m"))?.[1]?.trim();
}

async function clientFields(c: RawConn): Promise<Map<string, string>> {
  const line = String(await c.call("CLIENT", "INFO")).trim();
  return new Map(line.split(" ").map((kv) => [kv.slice(0, kv.indexOf("=")), kv.slice(kv.indexOf("=") + 1)]));
}

// ---- options and errors ---------------------------------------------------------------------------------

test("CLIENT TRACKING checks its options as Valkey does, with its error strings", () =>
  conns(2, async (c, other) => {
    const otherId = await clientId(other);
    const cases: [string[], string][] = [
      [["ON", "OPTIN", "OPTOUT"], "ERR You can't specify both OPTIN mode and OPTOUT mode"],
      [["ON", "PREFIX", "a"], "ERR PREFIX option requires BCAST mode to be enabled"],
      [["ON", "REDIRECT", "999999"], "ERR The client ID you want redirect to does not exist"],
      [["ON", "REDIRECT", "0"], "ERR The client ID you want redirect to does not exist"],
      [["ON", "REDIRECT", "-1"], "ERR The client ID you want redirect to does not exist"],
      [["ON", "REDIRECT", "x"], "ERR value is not an integer or out of range"],
      [
        ["ON", "REDIRECT", String(otherId), "REDIRECT", String(otherId)],
        "ERR A client can only redirect to a single other client",
      ],
      [["ON", "BCAST", "OPTIN"], "ERR OPTIN and OPTOUT are not compatible with BCAST"],
      [["ON", "BCAST", "OPTOUT"], "ERR OPTIN and OPTOUT are not compatible with BCAST"],
      [["maybe"], "ERR syntax error"],
      [["ON", "FOO"], "ERR syntax error"],
      [["ON", "REDIRECT"], "ERR syntax error"],
      [["ON", "PREFIX"], "ERR syntax error"],
      [["OFF", "FOO"], "ERR syntax error"],
      [
        ["ON", "BCAST", "PREFIX", "FOOBAR", "PREFIX", "FOO"],
        "ERR Prefix 'FOOBAR' overlaps with another provided prefix 'FOO'. Prefixes for a single client must not overlap.",
      ],
    ];
    for (const [args, err] of cases) assertError(await c.call("CLIENT", "TRACKING", ...args), err);
    assert.equal(await c.call("CLIENT", "TRACKING", "OFF", "PREFIX", "x"), "OK");
    assert.equal(await c.call("CLIENT", "GETREDIR"), -1);
    assertError(
      await c.call("CLIENT", "CACHING", "yes"),
      "ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT mode enabled",
    );
    assert.equal(await c.call("CLIENT", "TRACKING", "on"), "OK");
    assertError(
      await c.call("CLIENT", "CACHING", "yes"),
      "ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.",
    );
    assertError(
      await c.call("CLIENT", "CACHING", "no"),
      "ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.",
    );
    assertError(await c.call("CLIENT", "CACHING", "maybe"), "ERR syntax error");
    const bcastSwitch = "ERR You can't switch BCAST mode on/off before disabling tracking for this client, " +
      "and then re-enabling it with a different mode.";
    assertError(await c.call("CLIENT", "TRACKING", "on", "BCAST"), bcastSwitch);
    assert.equal(await c.call("CLIENT", "TRACKING", "on", "OPTIN"), "OK");
    assertError(
      await c.call("CLIENT", "TRACKING", "on", "OPTOUT"),
      "ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, and then " +
        "re-enabling it with a different mode.",
    );
    assert.equal(await c.call("CLIENT", "TRACKING", "off"), "OK");
    assert.equal(await c.call("CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "FOO", "PREFIX", "BAR"), "OK");
    assertError(await c.call("CLIENT", "TRACKING", "on"), bcastSwitch);
    assertError(
      await c.call("CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "FO"),
      "ERR Prefix 'FO' overlaps with an existing prefix 'FOO'. Prefixes for a single client must not overlap.",
    );
    assertError(
      await c.call("CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "BARB"),
      "ERR Prefix 'BARB' overlaps with an existing prefix 'BAR'. Prefixes for a single client must not overlap.",
    );
    assertError(
      await c.call("CLIENT", "GETREDIR", "x"),
      "ERR wrong number of arguments for 'client|getredir' command",
    );
    assertError(
      await c.call("CLIENT", "CACHING"),
      "ERR wrong number of arguments for 'client|caching' command",
    );
  }));

test("CLIENT TRACKINGINFO and GETREDIR describe the mode, in RESP2 and RESP3", () =>
  conns(2, async (c, r) => {
    const rid = await clientId(r);
    assert.deepEqual(await c.call("CLIENT", "TRACKINGINFO"), [
      "flags",
      ["off"],
      "redirect",
      -1,
      "prefixes",
      [],
    ]);
    assert.equal(await c.call("CLIENT", "TRACKING", "on", "REDIRECT", String(rid), "NOLOOP"), "OK");
    assert.deepEqual(await c.call("CLIENT", "TRACKINGINFO"), [
      "flags",
      ["on", "noloop"],
      "redirect",
      rid,
      "prefixes",
      [],
    ]);
    assert.equal(await c.call("CLIENT", "GETREDIR"), rid);
    assert.equal(await c.call("CLIENT", "TRACKING", "off"), "OK");
    assert.equal(await c.call("CLIENT", "TRACKING", "on", "OPTIN"), "OK");
    assert.equal(await c.call("CLIENT", "CACHING", "yes"), "OK");
    assert.deepEqual((await c.call("CLIENT", "TRACKINGINFO") as unknown[])[1], [
      "on",
      "optin",
      "caching-yes",
    ]);
    assert.equal(await c.call("CLIENT", "GETREDIR"), 0);
    assert.equal(await c.call("CLIENT", "TRACKING", "off"), "OK");
    assert.equal(await c.call("CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "foo", "PREFIX", "bar"), "OK");
    // Prefixes in Valkey's (radix tree) order; in RESP3 the flags are a set and the whole reply a map.
    await hello3(c);
    c.send("*2\r\n$6\r\nCLIENT\r\n$12\r\nTRACKINGINFO\r\n");
    await expectRaw(
      c,
      "%3\r\n$5\r\nflags\r\n~2\r\n$2\r\non\r\n$5\r\nbcast\r\n$8\r\nredirect\r\n:0\r\n$8\r\nprefixes\r\n" +
        "*2\r\n$3\r\nbar\r\n$3\r\nfoo\r\n",
    );
    assert.equal(await c.call("CLIENT", "TRACKING", "off"), "OK");
    assert.equal(await c.call("CLIENT", "TRACKING", "on", "BCAST"), "OK");
    assert.deepEqual((await c.call("CLIENT", "TRACKINGINFO") as Map<string, unknown>).get("prefixes"), [""]);
  }));

test("CLIENT LIST shows the tracking flags t, B and R and the redir field", () =>
  conns(3, async (c, r, w) => {
    const rid = await clientId(r);
    let f = await clientFields(c);
    assert.equal(f.get("flags"), "N");
    assert.equal(f.get("redir"), "-1");
    assert.equal(await c.call("CLIENT", "TRACKING", "on"), "OK");
    f = await clientFields(c);
    assert.equal(f.get("flags"), "t");
    assert.equal(f.get("redir"), "0");
    assert.equal(await c.call("CLIENT", "TRACKING", "off"), "OK");
    assert.equal(await c.call("CLIENT", "TRACKING", "on", "BCAST", "REDIRECT", String(rid)), "OK");
    f = await clientFields(c);
    assert.equal(f.get("flags"), "tB");
    assert.equal(f.get("redir"), String(rid));
    assert.equal(await c.call("CLIENT", "TRACKING", "off"), "OK");
    // The redirect client goes away: the next invalidation finds it missing.
    await hello3(c);
    assert.equal(await c.call("CLIENT", "TRACKING", "on", "REDIRECT", String(rid)), "OK");
    assert.equal(await c.call("GET", "k"), null);
    r.close();
    await waitUntil(
      async () => !String(await w.call("CLIENT", "LIST")).includes(`id=${rid} `),
      "the redirect client gone",
    );
    assert.equal(await w.call("SET", "k", "1"), "OK");
    assert.deepEqual(await push(c), ["tracking-redir-broken", rid]);
    f = await clientFields(c);
    assert.equal(f.get("flags"), "tR");
    assert.deepEqual((await c.call("CLIENT", "TRACKINGINFO") as Map<string, unknown>).get("flags"), [
      "on",
      "broken_redirect",
    ]);
    // Turning it on again clears the broken flag (a new redirection is checked then).
    assert.equal(await c.call("CLIENT", "TRACKING", "on"), "OK");
    assert.equal((await clientFields(c)).get("flags"), "t");
  }));

test(
  "BCAST prefixes count in the client's memory (tot-mem), as Valkey estimates them",
  () =>
    conns(1, async (c) => {
      const before = Number((await clientFields(c)).get("tot-mem"));
      assert.equal(await c.call("CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "a", "PREFIX", "b"), "OK");
      const after = Number((await clientFields(c)).get("tot-mem"));
      assert.equal(after - before, 3 * 32);
    }),
  valkeyOnly(),
);

// ---- default mode -----------------------------------------------------------------------------------------

test("RESP3: a key read is invalidated once when another client changes it", () =>
  conns(2, async (c, w) => {
    await hello3(c);
    assert.equal(await c.call("CLIENT", "TRACKING", "on"), "OK");
    assert.equal(await w.call("MSET", "a", "1", "b", "2"), "OK");
    assert.equal(await c.call("GET", "a"), "1");
    assert.equal(await w.call("INCR", "b"), 3); // never read: no message
    assert.equal(await w.call("INCR", "a"), 2);
    await expectRaw(c, ">2\r\n$10\r\ninvalidate\r\n*1\r\n$1\r\na\r\n");
    assert.equal(await w.call("INCR", "a"), 3); // forgotten after the first invalidation
    await nothingPending(c);
  }));

test("keys of every read-only command are tracked through its key specs, writes track nothing", () =>
  conns(2, async (c, w) => {
    await hello3(c);
    assert.equal(await c.call("CLIENT", "TRACKING", "on"), "OK");
    await w.call("ZADD", "z1", "1", "m");
    assert.deepEqual(await c.call("MGET", "m1", "m2"), [null, null]);
    assert.deepEqual(await c.call("ZUNION", "2", "z1", "z2"), ["m"]);
    assert.equal(await c.call("STRLEN", "s"), 0);
    assert.equal(await c.call("SET", "written", "x"), "OK");
    for (const k of ["m1", "m2", "z2", "s", "written", "z1"]) await w.call("SET", k, "v");
    const got: unknown[] = [];
    for (let i = 0; i < 5; i++) got.push((await push(c))[1]);
    assert.deepEqual(got, [["m1"], ["m2"], ["z2"], ["s"], ["z1"]]);
    await nothingPending(c);
  }));

test("an invalidation caused by the client itself comes after its reply (HDEL, MGET of an expired key)", () =>
  conns(1, async (c) => {
    await hello3(c);
    assert.equal(await c.call("CLIENT", "TRACKING", "on"), "OK");
    assert.equal(await c.call("HSET", "h", "f", "1"), 1);
    assert.equal(await c.call("HGET", "h", "f"), "1");
    c.send("*3\r\n$4\r\nHDEL\r\n$1\r\nh\r\n$1\r\nf\r\n");
    await expectRaw(c, ":1\r\n>2\r\n$10\r\ninvalidate\r\n*1\r\n$1\r\nh\r\n");
    assert.equal(await c.call("DEBUG", "SET-ACTIVE-EXPIRE", "0"), "OK");
    try {
      assert.equal(await c.call("MSET", "x", "1", "y", "2"), "OK");
      assert.equal(await c.call("PEXPIRE", "y", "300"), 1);
      assert.equal(await c.call("GET", "y"), "2");
      await sleep(350);
      c.send("*3\r\n$4\r\nMGET\r\n$1\r\nx\r\n$1\r\ny\r\n");
      await expectRaw(c, "*2\r\n$1\r\n1\r\n_\r\n>2\r\n$10\r\ninvalidate\r\n*1\r\n$1\r\ny\r\n");
    } finally {
      await c.call("DEBUG", "SET-ACTIVE-EXPIRE", "1");
    }
  }));

test("invalidations of a transaction's keys come after EXEC's reply; queued reads are tracked", () =>
  conns(2, async (c, w) => {
    await hello3(c);
    assert.equal(await c.call("CLIENT", "TRACKING", "on"), "OK");
    assert.equal(await c.call("MSET", "a", "1", "b", "2"), "OK");
    assert.equal(await c.call("GET", "a"), "1");
    assert.equal(await c.call("MULTI"), "OK");
    assert.equal(await c.call("INCR", "a"), "QUEUED");
    assert.equal(await c.call("GET", "b"), "QUEUED");
    c.send("*1\r\n$4\r\nEXEC\r\n");
    await expectRaw(c, "*2\r\n:2\r\n$1\r\n2\r\n>2\r\n$10\r\ninvalidate\r\n*1\r\n$1\r\na\r\n");
    assert.equal(await w.call("SET", "b", "3"), "OK");
    assert.deepEqual(await push(c), ["invalidate", ["b"]]);
    // A flush inside the transaction: the null invalidation follows EXEC's reply.
    assert.equal(await c.call("GET", "a"), "2");
    assert.equal(await c.call("MULTI"), "OK");
    assert.equal(await c.call("FLUSHDB"), "QUEUED");
    c.send("*1\r\n$4\r\nEXEC\r\n");
    await expectRaw(c, "*1\r\n+OK\r\n>2\r\n$10\r\ninvalidate\r\n_\r\n");
  }));

test("a client unblocked by another's write gets its reply, then the invalidation", () =>
  conns(2, async (c, w) => {
    await hello3(c);
    assert.equal(await w.call("RPUSH", "list2", "a"), 1);
    assert.equal(await c.call("CLIENT", "TRACKING", "on"), "OK");
    assert.deepEqual(await c.call("LRANGE", "list2", "0", "-1"), ["a"]);
    c.send("*6\r\n$6\r\nBLMOVE\r\n$5\r\nlist1\r\n$5\r\nlist2\r\n$4\r\nLEFT\r\n$4\r\nLEFT\r\n$1\r\n0\r\n");
    await waitUntil(
      async () => info(await w.call("INFO", "clients"), "blocked_clients") === "1",
      "the client blocked",
    );
    assert.equal(await w.call("RPUSH", "list1", "foo"), 1);
    assert.equal(await c.read(), "foo");
    assert.deepEqual(await push(c), ["invalidate", ["list2"]]);
  }));

test("NOLOOP: no message about keys the client changed itself", () =>
  conns(2, async (c, w) => {
    await hello3(c);
    assert.equal(await c.call("CLIENT", "TRACKING", "on", "NOLOOP"), "OK");
    assert.deepEqual(await c.call("MGET", "k1", "loop", "k2"), [null, null, null]);
    assert.equal(await w.call("SET", "k1", "1"), "OK");
    assert.deepEqual(await push(c), ["invalidate", ["k1"]]);
    assert.equal(await c.call("SET", "loop", "1"), "OK");
    assert.equal(await w.call("SET", "k2", "1"), "OK");
    assert.deepEqual(await push(c), ["invalidate", ["k2"]]);
    await nothingPending(c);
  }));

test("OPTIN tracks only after CLIENT CACHING YES, OPTOUT all but after CLIENT CACHING NO; it lasts one command", () =>
  conns(2, async (c, w) => {
    await hello3(c);
    assert.equal(await c.call("CLIENT", "TRACKING", "on", "OPTIN"), "OK");
    assert.equal(await c.call("GET", "a"), null); // not tracked
    assert.equal(await c.call("CLIENT", "CACHING", "yes"), "OK");
    assert.equal(typeof await c.call("CLIENT", "ID"), "number"); // CLIENT commands do not use it up
    assert.equal(await c.call("GET", "b"), null); // tracked
    assert.equal(await c.call("GET", "c"), null); // not tracked: CACHING was for one command
    assert.equal(await c.call("CLIENT", "CACHING", "yes"), "OK");
    assert.equal(await c.call("MULTI"), "OK"); // for a whole transaction
    assert.equal(await c.call("GET", "d"), "QUEUED");
    assert.equal(await c.call("GET", "e"), "QUEUED");
    assert.deepEqual(await c.call("EXEC"), [null, null]);
    assert.equal(await c.call("GET", "f"), null);
    await w.call("MSET", "a", "1", "b", "1", "c", "1", "d", "1", "e", "1", "f", "1");
    assert.deepEqual(await push(c), ["invalidate", ["b"]]);
    assert.deepEqual(await push(c), ["invalidate", ["d"]]);
    assert.deepEqual(await push(c), ["invalidate", ["e"]]);
    await nothingPending(c);
    assert.equal(await c.call("CLIENT", "TRACKING", "off"), "OK");
    assert.equal(await c.call("CLIENT", "TRACKING", "on", "OPTOUT"), "OK");
    assert.equal(await c.call("GET", "a"), "1");
    assert.equal(await c.call("CLIENT", "CACHING", "no"), "OK");
    assert.equal(await c.call("GET", "b"), "1");
    assert.equal(await c.call("GET", "c"), "1");
    await w.call("MSET", "a", "2", "b", "2", "c", "2");
    assert.deepEqual(await push(c), ["invalidate", ["a"]]);
    assert.deepEqual(await push(c), ["invalidate", ["c"]]);
    await nothingPending(c);
  }));

test("keys are global: a change in another database invalidates; SWAPDB does not", () =>
  conns(2, async (c, w) => {
    await hello3(c);
    assert.equal(await c.call("CLIENT", "TRACKING", "on"), "OK");
    assert.equal(await c.call("GET", "k"), null);
    assert.equal(await w.call("SELECT", "1"), "OK");
    assert.equal(await w.call("SET", "k", "db1"), "OK");
    assert.deepEqual(await push(c), ["invalidate", ["k"]]);
    assert.equal(await c.call("GET", "k"), null);
    assert.equal(await w.call("SWAPDB", "0", "1"), "OK");
    await nothingPending(c);
    assert.equal(await c.call("GET", "k"), "db1");
    assert.equal(await w.call("FLUSHALL"), "OK");
  }));

test("expired keys are invalidated by the active expiry cycle", () =>
  conns(2, async (c, w) => {
    await hello3(c);
    assert.equal(await c.call("CLIENT", "TRACKING", "on"), "OK");
    assert.equal(await w.call("SET", "exp", "v", "PX", "200"), "OK");
    assert.equal(await c.call("GET", "exp"), "v");
    assert.deepEqual(await push(c), ["invalidate", ["exp"]]);
  }));

test("CLIENT REPLY OFF does not silence invalidations", () =>
  conns(2, async (c, w) => {
    await hello3(c);
    assert.equal(await c.call("CLIENT", "TRACKING", "on"), "OK");
    assert.equal(await w.call("SET", "foo", "bar"), "OK");
    assert.equal(await c.call("GET", "foo"), "bar");
    c.send("*3\r\n$6\r\nCLIENT\r\n$5\r\nREPLY\r\n$3\r\nOFF\r\n");
    await sleep(20);
    assert.equal(await w.call("SET", "foo", "bar2"), "OK");
    assert.deepEqual(await push(c), ["invalidate", ["foo"]]);
    // The client's own write while silenced: no reply, but the invalidation.
    assert.equal(await w.call("GET", "foo"), "bar2");
    c.send("*2\r\n$3\r\nGET\r\n$3\r\nfoo\r\n*3\r\n$3\r\nSET\r\n$3\r\nfoo\r\n$1\r\n3\r\n");
    assert.deepEqual(await push(c), ["invalidate", ["foo"]]);
    assert.equal(await c.call("CLIENT", "REPLY", "ON"), "OK");
    await nothingPending(c);
  }));

// ---- redirection --------------------------------------------------------------------------------------------

test("RESP2: invalidations redirected to a subscriber of __redis__:invalidate arrive as messages", () =>
  conns(3, async (c, r, w) => {
    const rid = await redirectTarget(r);
    assert.equal(await c.call("CLIENT", "TRACKING", "on", "REDIRECT", String(rid)), "OK");
    assert.equal(await c.call("GET", "a"), null);
    assert.equal(await w.call("SET", "a", "1"), "OK");
    await expectRaw(r, "*3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n*1\r\n$1\r\na\r\n");
    // A flush: the null of the tracking client's protocol, inside the message.
    assert.equal(await c.call("GET", "a"), "1");
    assert.equal(await w.call("FLUSHDB"), "OK");
    await expectRaw(r, "*3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n$-1\r\n");
    await hello3(c);
    assert.equal(await w.call("FLUSHALL"), "OK");
    await expectRaw(r, "*3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n_\r\n");
  }));

test("RESP3 redirect targets get pushes; several clients can redirect to one", () =>
  conns(4, async (a, b, r, w) => {
    await hello3(r);
    const rid = await clientId(r);
    assert.equal(await a.call("CLIENT", "TRACKING", "on", "REDIRECT", String(rid)), "OK");
    assert.equal(await b.call("CLIENT", "TRACKING", "on", "REDIRECT", String(rid)), "OK");
    assert.equal(await a.call("GET", "k1"), null);
    assert.equal(await b.call("GET", "k2"), null);
    assert.equal(await w.call("SET", "k1", "1"), "OK");
    assert.equal(await w.call("SET", "k2", "1"), "OK");
    assert.deepEqual(await push(r), ["invalidate", ["k1"]]);
    assert.deepEqual(await push(r), ["invalidate", ["k2"]]);
    // A RESP2 tracking client without redirection gets nothing (RESP2 has no pushes).
    assert.equal(await a.call("CLIENT", "TRACKING", "on"), "OK");
    assert.equal(await a.call("GET", "k1"), "1");
    assert.equal(await w.call("SET", "k1", "2"), "OK");
    assert.equal(await a.call("PING"), "PONG");
    await nothingPending(r);
  }));

// ---- flushes ------------------------------------------------------------------------------------------------

test("FLUSHALL and FLUSHDB send one null invalidation and empty the table", () =>
  conns(2, async (c, w) => {
    await hello3(c);
    assert.equal(await c.call("CLIENT", "TRACKING", "on"), "OK");
    assert.deepEqual(await c.call("MGET", "a", "b"), [null, null]);
    assert.equal(info(await w.call("INFO", "stats"), "tracking_total_keys"), "2");
    assert.equal(await w.call("FLUSHALL", "ASYNC"), "OK");
    assert.equal(info(await w.call("INFO", "stats"), "tracking_total_keys"), "0");
    assert.deepEqual(await push(c), ["invalidate", null]);
    assert.equal(await w.call("FLUSHDB"), "OK"); // even with nothing tracked
    assert.deepEqual(await push(c), ["invalidate", null]);
    await nothingPending(c);
  }));

// ---- BCAST --------------------------------------------------------------------------------------------------

test("BCAST: one message per prefix with the keys modified in the event-loop turn", () =>
  conns(3, async (c, r, w) => {
    const rid = await redirectTarget(r);
    assert.equal(await c.call("CLIENT", "TRACKING", "on", "BCAST", "REDIRECT", String(rid)), "OK");
    assert.equal(await w.call("MSET", "a", "1", "b", "2", "c", "3"), "OK");
    assert.deepEqual(await message(r), ["message", "__redis__:invalidate", ["a", "b", "c"]]);
    assert.equal(await c.call("CLIENT", "TRACKING", "off"), "OK");
    assert.equal(
      await c.call(
        "CLIENT",
        "TRACKING",
        "on",
        "BCAST",
        "REDIRECT",
        String(rid),
        "PREFIX",
        "a:",
        "PREFIX",
        "b:",
      ),
      "OK",
    );
    assert.equal(await w.call("MULTI"), "OK");
    for (const k of ["a:1", "a:2", "b:1", "b:2", "c:1"]) assert.equal(await w.call("INCR", k), "QUEUED");
    assert.deepEqual(await w.call("EXEC"), [1, 1, 1, 1, 1]);
    const got = [await message(r), await message(r)].map((m) => (m as unknown[])[2]);
    assert.deepEqual(got.sort(), [["a:1", "a:2"], ["b:1", "b:2"]]);
    // More prefixes can be added.
    assert.equal(
      await c.call("CLIENT", "TRACKING", "on", "BCAST", "REDIRECT", String(rid), "PREFIX", "c:"),
      "OK",
    );
    assert.equal(await w.call("INCR", "c:1234"), 1);
    assert.deepEqual(await message(r), ["message", "__redis__:invalidate", ["c:1234"]]);
  }));

test("BCAST with NOLOOP leaves out the keys the client changed last; RESP3 pushes", () =>
  conns(2, async (c, w) => {
    await hello3(c);
    assert.equal(await c.call("CLIENT", "TRACKING", "on", "BCAST", "NOLOOP"), "OK");
    assert.equal(await w.call("SET", "other1", "1"), "OK");
    assert.deepEqual(await push(c), ["invalidate", ["other1"]]);
    assert.equal(await c.call("SET", "loop", "1"), "OK");
    assert.equal(await w.call("SET", "other2", "1"), "OK");
    assert.deepEqual(await push(c), ["invalidate", ["other2"]]);
    await nothingPending(c);
    // Without NOLOOP the client hears of its own writes, after its reply.
    assert.equal(await c.call("CLIENT", "TRACKING", "off"), "OK");
    assert.equal(await c.call("CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "mi"), "OK");
    c.send("*3\r\n$3\r\nSET\r\n$4\r\nmine\r\n$1\r\n1\r\n");
    await expectRaw(c, "+OK\r\n>2\r\n$10\r\ninvalidate\r\n*1\r\n$4\r\nmine\r\n");
  }));

test("switching from default tracking to BCAST drops the keys read before", () =>
  conns(2, async (c, w) => {
    await hello3(c);
    assert.equal(await c.call("CLIENT", "TRACKING", "on"), "OK");
    assert.equal(await c.call("GET", "key1"), null);
    assert.equal(await c.call("CLIENT", "TRACKING", "off"), "OK");
    assert.equal(await c.call("CLIENT", "TRACKING", "on", "BCAST"), "OK");
    assert.equal(await w.call("INCR", "key1"), 1);
    assert.deepEqual(await push(c), ["invalidate", ["key1"]]);
    await nothingPending(c);
  }));

// ---- INFO, limit, RESET -------------------------------------------------------------------------------------

test("INFO counts tracking clients, keys, items and prefixes", () =>
  conns(3, async (c, b, w) => {
    assert.equal(await c.call("CLIENT", "TRACKING", "on"), "OK");
    assert.deepEqual(await c.call("MGET", "key1", "key2"), [null, null]);
    assert.equal(await b.call("CLIENT", "TRACKING", "on"), "OK");
    assert.equal(await b.call("GET", "key1"), null);
    const d = await RawConn.connect(srv.port);
    try {
      assert.equal(await d.call("CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "p:", "PREFIX", "q:"), "OK");
      const text = await w.call("INFO");
      assert.equal(info(text, "tracking_clients"), "3");
      assert.equal(info(text, "tracking_total_keys"), "2");
      assert.equal(info(text, "tracking_total_items"), "3");
      assert.equal(info(text, "tracking_total_prefixes"), "2");
    } finally {
      d.close();
    }
    assert.equal(await c.call("CLIENT", "TRACKING", "off"), "OK");
    await waitUntil(
      async () => info(await w.call("INFO", "clients"), "tracking_clients") === "1",
      "one tracking client",
    );
    assert.equal(info(await w.call("INFO", "stats"), "tracking_total_prefixes"), "0");
  }));

test(
  "a client turning tracking off or leaving is forgotten at once (Valkyr)",
  () =>
    conns(2, async (c, w) => {
      assert.equal(await c.call("CLIENT", "TRACKING", "on"), "OK");
      assert.deepEqual(await c.call("MGET", "a", "b", "c"), [null, null, null]);
      assert.equal(info(await w.call("INFO", "stats"), "tracking_total_items"), "3");
      assert.equal(await c.call("CLIENT", "TRACKING", "off"), "OK");
      assert.equal(info(await w.call("INFO", "stats"), "tracking_total_keys"), "0");
      assert.equal(await c.call("CLIENT", "TRACKING", "on"), "OK");
      assert.deepEqual(await c.call("MGET", "a", "b"), [null, null]);
      c.close();
      await waitUntil(
        async () => info(await w.call("INFO", "clients"), "tracking_clients") === "0",
        "no tracking client",
      );
      assert.equal(info(await w.call("INFO", "stats"), "tracking_total_keys"), "0");
      assert.equal(info(await w.call("INFO", "stats"), "tracking_total_items"), "0");
    }),
  { ignore: !isValkyr() },
);

test("tracking-table-max-keys: keys over the limit are dropped and their readers invalidated", () =>
  conns(3, async (c, r, w) => {
    assert.deepEqual(await w.call("CONFIG", "GET", "tracking-table-max-keys"), [
      "tracking-table-max-keys",
      "1000000",
    ]);
    assertError(
      await w.call("CONFIG", "SET", "tracking-table-max-keys", "-1"),
      "ERR CONFIG SET failed (possibly related to argument 'tracking-table-max-keys') - argument must be between 0 and 9223372036854775807 inclusive",
    );
    const rid = await redirectTarget(r);
    assert.equal(await c.call("CLIENT", "TRACKING", "on", "REDIRECT", String(rid)), "OK");
    const n = 250;
    for (let i = 0; i < n; i++) assert.equal(await c.call("GET", `key${i}`), null);
    try {
      assert.equal(await w.call("CONFIG", "SET", "tracking-table-max-keys", "1"), "OK");
      const seen = new Set<string>();
      for (let i = 0; i < n - 1; i++) {
        const m = await message(r) as unknown[];
        seen.add((m[2] as string[])[0]!);
      }
      assert.equal(seen.size, n - 1);
      await waitUntil(
        async () => info(await w.call("INFO", "stats"), "tracking_total_keys") === "1",
        "one key left",
      );
      assert.deepEqual(await r.call("PING"), ["pong", ""]);
    } finally {
      await w.call("CONFIG", "SET", "tracking-table-max-keys", "1000000");
    }
  }));

test("RESET turns tracking off", () =>
  conns(1, async (c) => {
    assert.equal(await c.call("CLIENT", "TRACKING", "on", "BCAST"), "OK");
    assert.equal(await c.call("RESET"), "RESET");
    assert.equal(await c.call("CLIENT", "GETREDIR"), -1);
    assert.equal((await clientFields(c)).get("flags"), "N");
  }));

test("COMMAND DOCS describes the tracking subcommands as Valkey 8.1 does", () =>
  conns(1, async (c) => {
    const docs = await c.call("COMMAND", "DOCS", "CLIENT") as unknown[];
    const sub = (docs[1] as unknown[])[(docs[1] as unknown[]).indexOf("subcommands") + 1] as unknown[];
    const doc = (name: string) => {
      const i = sub.indexOf(name);
      assert.ok(i >= 0, name);
      const d = sub[i + 1] as unknown[];
      return new Map(
        d.reduce<[unknown, unknown][]>((acc, v, j) => (j % 2 === 0 ? [...acc, [v, d[j + 1]]] : acc), []),
      );
    };
    const tracking = doc("client|tracking");
    assert.equal(tracking.get("summary"), "Controls server-assisted client-side caching for the connection.");
    assert.equal(tracking.get("since"), "6.0.0");
    const args = (tracking.get("arguments") as unknown[][]).map((a) => a[1]);
    assert.deepEqual(args, ["status", "client-id", "prefix", "bcast", "optin", "optout", "noloop"]);
    const prefix = (tracking.get("arguments") as unknown[][])[2]!;
    assert.deepEqual(prefix[prefix.indexOf("flags") + 1], ["optional", "multiple", "multiple_token"]);
    assert.equal(
      doc("client|caching").get("summary"),
      "Instructs the server whether to track the keys in the next request.",
    );
    assert.equal(doc("client|getredir").get("complexity"), "O(1)");
    assert.equal(doc("client|trackinginfo").get("since"), "6.2.0");
  }), valkeyOnly());

// ---- real clients -------------------------------------------------------------------------------------------

test("node-redis' RESP3 client-side cache serves hits and drops what the server invalidates", async () => {
  const cache = new BasicClientSideCache({ ttl: 0, maxEntries: 0 });
  const client = createClient({
    socket: { port: srv.port, host: "127.0.0.1" },
    RESP: 3,
    clientSideCache: cache,
  });
  const writer = createClient({ socket: { port: srv.port, host: "127.0.0.1" } });
  await client.connect();
  await writer.connect();
  try {
    await writer.set("csc:k", "v1");
    assert.equal(await client.get("csc:k"), "v1");
    assert.equal(await client.get("csc:k"), "v1");
    assert.equal(cache.stats().hitCount, 1);
    await writer.set("csc:k", "v2");
    await waitUntil(() => cache.size() === 0, "the cache emptied");
    assert.equal(await client.get("csc:k"), "v2");
    assert.equal(cache.stats().missCount, 2);
    await writer.flushAll();
    await waitUntil(() => cache.size() === 0, "the cache emptied");
  } finally {
    await client.quit();
    await writer.quit();
  }
});

test("iovalkey (RESP2): a subscriber connection receives the redirected invalidations", async () => {
  const subscriber = new Valkey({ port: srv.port, host: "127.0.0.1" });
  const tracker = new Valkey({ port: srv.port, host: "127.0.0.1" });
  try {
    const rid = await subscriber.client("ID") as number;
    const got = new Promise<unknown>((resolve) =>
      subscriber.on("messageBuffer", (ch: Buffer, msg: unknown) => resolve([ch.toString(), msg]))
    );
    await subscriber.subscribe("__redis__:invalidate");
    assert.equal(await tracker.call("CLIENT", "TRACKING", "ON", "REDIRECT", String(rid)), "OK");
    await tracker.get("io:k");
    await tracker.set("io:k", "1");
    const [channel, keys] = await got as [string, Buffer[]];
    assert.equal(channel, "__redis__:invalidate");
    assert.deepEqual(keys.map(String), ["io:k"]);
  } finally {
    subscriber.disconnect();
    tracker.disconnect();
  }
});

const python = "/usr/bin/python3";
const hasRedisPy = existsSync(python) && spawnSync(python, ["-c", "import redis"]).status === 0;

test("redis-py (RESP2): client_tracking_on with a redirecting PubSub connection", () => {
  const script = `
import redis, sys, time
port = int(sys.argv[1])
r = redis.Redis(host="127.0.0.1", port=port)
s = redis.Redis(host="127.0.0.1", port=port, client_name="py-invalidations")
p = s.pubsub()
p.subscribe("__redis__:invalidate")
assert p.get_message(timeout=2)["type"] == "subscribe"
rid = next(int(c["id"]) for c in r.client_list() if c["name"] == "py-invalidations")
t = redis.Redis(host="127.0.0.1", port=port, single_connection_client=True)
assert t.client_tracking_on(clientid=rid) in (True, b"OK")
t.get("py:k")
r.set("py:k", "1")
m = p.get_message(timeout=2)
assert m["channel"] == b"__redis__:invalidate", m
assert m["data"] == [b"py:k"], m
print("ok")
`;
  const out = spawnSync(python, ["-c", script, String(srv.port)], { encoding: "utf8" });
  assert.equal(out.status, 0, out.stderr);
  assert.equal(out.stdout.trim(), "ok");
  return Promise.resolve();
}, { ignore: !hasRedisPy });

/**
 * Sets maxmemory just above what is used, evicting only volatile keys, runs `fn` with the cron paused,
 * and restores all three.
 * (tracking.tcl's "eviction keys should be before response" setup.)
 */
async function nearMaxmemory(admin: RawConn, fn: () => Promise<void>): Promise<void> {
  const info = String(await admin.call("INFO", "memory"));
  const field = (n: string) => Number(new RegExp(`\\r\\n${n}:(\\d+)`).exec(info)![1]);
  const used = field("used_memory") - field("mem_not_counted_for_evict");
  const policy = (await admin.call("CONFIG", "GET", "maxmemory-policy") as string[])[1]!;
  assert.equal(await admin.call("CONFIG", "SET", "maxmemory", String(used + 256 * 1024)), "OK");
  assert.equal(await admin.call("CONFIG", "SET", "maxmemory-policy", "volatile-random"), "OK");
  // No cron meanwhile: over the limit, Valkyr's cron evicts too, and on a loaded machine a tick between
  // two commands evicted the key for nobody's command (a CI run got the NOLOOP client an invalidation).
  assert.equal(await admin.call("DEBUG", "PAUSE-CRON", "1"), "OK");
  try {
    await fn();
  } finally {
    await admin.call("DEBUG", "PAUSE-CRON", "0");
    await admin.call("CONFIG", "SET", "maxmemory", "0");
    await admin.call("CONFIG", "SET", "maxmemory-policy", policy);
  }
}

test("a key evicted for a tracking client's command: invalidated before its reply; not at all with NOLOOP", () =>
  conns(3, async (admin, c, noloop) => {
    await hello3(c);
    await hello3(noloop);
    assert.equal(await c.call("CLIENT", "TRACKING", "on"), "OK");
    assert.equal(await noloop.call("CLIENT", "TRACKING", "on", "NOLOOP"), "OK");
    await nearMaxmemory(admin, async () => {
      assert.equal(await admin.call("SETEX", "volatile-key", "10000", "x"), "OK");
      assert.equal(await c.call("GET", "volatile-key"), "x");
      assert.equal(await noloop.call("GET", "volatile-key"), "x");
      // About 500 KB: over the limit, so the next command's admission evicts the volatile key.
      assert.equal(await admin.call("SETBIT", "big-key", "4000000", "0"), 0);
      // NOLOOP: the eviction was for its own command, so no message; its reply comes alone.
      noloop.send("*3\r\n$6\r\nGETBIT\r\n$7\r\nbig-key\r\n$1\r\n0\r\n");
      await expectRaw(noloop, ":0\r\n");
      assert.equal(await admin.call("EXISTS", "volatile-key"), 0);
      // The other tracking client learns of it (the key was evicted before its command).
      await expectRaw(c, ">2\r\n$10\r\ninvalidate\r\n*1\r\n$12\r\nvolatile-key\r\n");
      await nothingPending(noloop);
    });
  }));

test("the invalidation of a key evicted for the client's own command comes before its reply", () =>
  conns(2, async (admin, c) => {
    await hello3(c);
    assert.equal(await c.call("CLIENT", "TRACKING", "on"), "OK");
    await nearMaxmemory(admin, async () => {
      assert.equal(await c.call("SETEX", "volatile-key", "10000", "x"), "OK");
      assert.equal(await c.call("GET", "volatile-key"), "x");
      assert.equal(await c.call("SETBIT", "big-key", "4000000", "0"), 0);
      c.send("*3\r\n$6\r\nGETBIT\r\n$7\r\nbig-key\r\n$1\r\n0\r\n");
      await expectRaw(c, ">2\r\n$10\r\ninvalidate\r\n*1\r\n$12\r\nvolatile-key\r\n:0\r\n");
    });
  }));

Deno.test({ name: "stop server", ...opts, fn: () => srv.stop() });
