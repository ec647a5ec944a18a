/**
 * MIGRATE between two servers over TCP (after Valkey's tests/unit/dump.tcl): moving, copying, REPLACE and
 * BUSYKEY, TTLs, large and aggregate values, KEYS, only acknowledged keys deleted, AUTH/AUTH2, timeouts,
 * the connection cache (INFO migrate_cached_sockets, reconnecting when a cached connection was closed),
 * Valkey's exact errors, propagation to the AOF as DEL, MULTI/EXEC, a write sent while MIGRATE waits, and
 * a round trip Valkyr → redis-server 7.0 → Valkyr.
 *
 * Both servers are of the target under test, so everything also holds for redis-server 7.0
 * (`VALKYR_TEST_TARGET=redis`).
 */

import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import {
  freePort,
  isValkeyLike,
  startServer,
  target,
  type TestServer,
  waitReady,
} from "../helpers/server.ts";
import { encodeRequest, RawConn, RespError } from "../helpers/raw.ts";
import { tempDir } from "../helpers/persistence.ts";
import { sleep, waitUntil } from "../helpers/timing.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };
const own = target() !== "external";

/** Runs `fn` with a source and a target server (and a connection to each). */
async function pair(
  fn: (src: RawConn, dst: RawConn, dstSrv: TestServer, srcSrv: TestServer) => Promise<void>,
  srcArgs: string[] = [],
): Promise<void> {
  const a = await startServer(srcArgs);
  const b = await startServer();
  const ca = await RawConn.connect(a.port);
  const cb = await RawConn.connect(b.port);
  try {
    await fn(ca, cb, b, a);
  } finally {
    ca.close();
    cb.close();
    await a.stop();
    await b.stop();
  }
}

function errorOf(r: unknown): string {
  assert.ok(r instanceof RespError, `expected an error, got ${JSON.stringify(r)}`);
  return r.message;
}

async function field(c: RawConn, section: string, name: string): Promise<string | undefined> {
  const info = String(await c.call("INFO", section));
  return new RegExp(`^${name}:(.*)$`, "m").exec(info)?.[1]?.trim();
}

Deno.test({
  ...opts,
  name: "MIGRATE moves a key (and its TTL), COPY keeps it, REPLACE overwrites, BUSYKEY otherwise",
  ignore: !own,
  fn: () =>
    pair(async (src, dst, b) => {
      const port = String(b.port);
      assert.equal(await src.call("SET", "key", "Some Value"), "OK");
      assert.equal(await src.call("MIGRATE", "127.0.0.1", port, "key", "9", "5000"), "OK");
      assert.equal(await src.call("EXISTS", "key"), 0);
      await dst.call("SELECT", "9");
      assert.equal(await dst.call("GET", "key"), "Some Value");
      assert.equal(await dst.call("TTL", "key"), -1);

      assert.equal(await src.call("SET", "key", "Copied"), "OK");
      const busy = await src.call("MIGRATE", "127.0.0.1", port, "key", "9", "5000", "COPY");
      assert.equal(
        errorOf(busy),
        "ERR Target instance replied with error: BUSYKEY Target key name already exists.",
      );
      assert.equal(await src.call("GET", "key"), "Copied");
      assert.equal(await src.call("MIGRATE", "127.0.0.1", port, "key", "9", "5000", "COPY", "REPLACE"), "OK");
      assert.equal(await src.call("GET", "key"), "Copied");
      assert.equal(await dst.call("GET", "key"), "Copied");

      assert.equal(await src.call("SET", "ttl", "v", "PX", "100000"), "OK");
      assert.equal(await src.call("MIGRATE", "127.0.0.1", port, "ttl", "9", "5000"), "OK");
      const pttl = Number(await dst.call("PTTL", "ttl"));
      assert.ok(pttl > 90_000 && pttl <= 100_000, `pttl ${pttl}`);
      assert.equal(await src.call("MIGRATE", "127.0.0.1", port, "nosuchkey", "9", "5000"), "NOKEY");
    }),
});

Deno.test({
  ...opts,
  name: "MIGRATE transfers large and aggregate values exactly",
  ignore: !own,
  fn: () =>
    pair(async (src, dst, b) => {
      const big = "x".repeat(3 * 1024 * 1024) + "end";
      await src.call("SET", "big", big);
      const items = Array.from({ length: 5000 }, (_, i) => `item-${i}`);
      await src.call("RPUSH", "list", ...items);
      await src.call("HSET", "hash", ...items.slice(0, 400).flatMap((x, i) => [x, String(i)]));
      await src.call("SADD", "set", "1", "2", "3");
      await src.call("ZADD", "zset", "1.5", "a", "-2", "b");
      await src.call("XADD", "stream", "1-1", "f", "v");
      const digest = await src.call("DEBUG", "DIGEST");
      const r = await src.call(
        "MIGRATE",
        "127.0.0.1",
        String(b.port),
        "",
        "0",
        "10000",
        "KEYS",
        "big",
        "list",
        "hash",
        "set",
        "zset",
        "stream",
      );
      assert.equal(r, "OK");
      assert.equal(await src.call("DBSIZE"), 0);
      assert.equal(await dst.call("DEBUG", "DIGEST"), digest);
      assert.equal(await dst.call("STRLEN", "big"), big.length);
      assert.equal(await dst.call("LINDEX", "list", "4999"), "item-4999");
    }),
});

Deno.test({
  ...opts,
  name: "MIGRATE KEYS: only existing keys move; only the keys the target acknowledged are deleted",
  ignore: !own,
  fn: () =>
    pair(async (src, dst, b) => {
      const port = String(b.port);
      await src.call("MSET", "a", "1", "b", "2", "c", "3", "d", "4", "e", "5");
      assert.equal(
        await src.call("MIGRATE", "127.0.0.1", port, "", "0", "5000", "KEYS", "a", "nothere", "b"),
        "OK",
      );
      assert.deepEqual(await dst.call("MGET", "a", "b"), ["1", "2"]);
      assert.equal(await src.call("MIGRATE", "127.0.0.1", port, "", "0", "5000", "KEYS", "x", "y"), "NOKEY");
      await dst.call("MSET", "d", "_");
      const r = await src.call("MIGRATE", "127.0.0.1", port, "", "0", "5000", "KEYS", "c", "d", "e");
      assert.equal(
        errorOf(r),
        "ERR Target instance replied with error: BUSYKEY Target key name already exists.",
      );
      assert.deepEqual(await src.call("KEYS", "*"), ["d"]);
      assert.deepEqual(await dst.call("MGET", "c", "d", "e"), ["3", "_", "5"]);
    }),
});

Deno.test({
  ...opts,
  name: "MIGRATE errors: syntax, KEYS with a key, integers, refused and unresolvable targets, timeout",
  ignore: !own,
  fn: () =>
    pair(async (src, dst, b) => {
      const port = String(b.port);
      await src.call("SET", "k", "v");
      const e = async (...args: string[]) => errorOf(await src.call("MIGRATE", ...args));
      assert.equal(await e("127.0.0.1", port, "k", "0", "1000", "bogus"), "ERR syntax error");
      assert.equal(await e("127.0.0.1", port, "k", "0", "1000", "AUTH"), "ERR syntax error");
      assert.equal(await e("127.0.0.1", port, "k", "0", "1000", "AUTH2", "u"), "ERR syntax error");
      assert.equal(
        await e("127.0.0.1", port, "k", "0", "1000", "KEYS", "k"),
        "ERR When using MIGRATE KEYS option, the key argument must be set to the empty string",
      );
      assert.equal(await e("127.0.0.1", port, "k", "0", "x"), "ERR value is not an integer or out of range");
      assert.equal(
        await e("127.0.0.1", port, "k", "x", "1000"),
        "ERR value is not an integer or out of range",
      );
      assert.equal(
        await e("127.0.0.1", port, "k", "99999", "1000"),
        "ERR Target instance replied with error: ERR DB index is out of range",
      );
      const closed = String(await freePort());
      assert.equal(
        await e("127.0.0.1", closed, "k", "0", "1000"),
        "IOERR error or timeout writing to target instance",
      );
      assert.equal(
        await e("no-such-host.invalid", port, "k", "0", "1000"),
        "IOERR error or timeout connecting to the client",
      );
      // A target that does not answer in time: its writes are paused (in effect once CLIENT PAUSE replied),
      // so the RESTORE waits there, unanswered, until the pause ends.
      assert.equal(await dst.call("CLIENT", "PAUSE", "20000", "WRITE"), "OK");
      assert.match(
        await e("127.0.0.1", port, "k", "0", "300"),
        /^IOERR error or timeout (reading|writing) to target instance$/,
      );
      assert.equal(await dst.call("CLIENT", "UNPAUSE"), "OK");
      // The key stays here (the target may still apply the RESTORE once awake, as with Valkey).
      assert.equal(await src.call("GET", "k"), "v");
      assert.deepEqual(
        await src.call(
          "COMMAND",
          "GETKEYS",
          "MIGRATE",
          "h",
          "1",
          "",
          "0",
          "5",
          "AUTH2",
          "u",
          "p",
          "KEYS",
          "k1",
          "k2",
        ),
        ["k1", "k2"],
      );
    }),
});

Deno.test({
  ...opts,
  name: "MIGRATE AUTH and AUTH2: correct and wrong passwords",
  ignore: !own,
  fn: () =>
    pair(async (src, dst, b) => {
      const port = String(b.port);
      assert.equal(await dst.call("CONFIG", "SET", "requirepass", "foobar"), "OK");
      assert.equal(await dst.call("AUTH", "foobar"), "OK");
      await src.call("LPUSH", "list", "a", "b", "c", "d");
      assert.equal(await src.call("MIGRATE", "127.0.0.1", port, "list", "9", "5000", "AUTH", "foobar"), "OK");
      await dst.call("SELECT", "9");
      assert.deepEqual(await dst.call("LRANGE", "list", "0", "-1"), ["d", "c", "b", "a"]);
      await src.call("SET", "s", "1");
      assert.equal(
        await src.call("MIGRATE", "127.0.0.1", port, "s", "9", "5000", "AUTH2", "default", "foobar"),
        "OK",
      );
      assert.equal(await dst.call("GET", "s"), "1");
      assert.equal(await dst.call("CONFIG", "SET", "requirepass", "foobar2"), "OK");
      await src.call("LPUSH", "list", "a");
      const r = errorOf(await src.call("MIGRATE", "127.0.0.1", port, "list", "9", "5000", "AUTH", "foobar"));
      assert.match(r, /^ERR Target instance replied with error: WRONGPASS/);
      assert.equal(await src.call("EXISTS", "list"), 1);
    }),
});

Deno.test({
  ...opts,
  name: "MIGRATE caches its connection, reconnects when it was closed, and releases it after 10 s",
  ignore: !own,
  fn: () =>
    pair(async (src, dst, b) => {
      const port = String(b.port);
      assert.equal(await field(src, "stats", "migrate_cached_sockets"), "0");
      await src.call("SET", "k1", "1");
      assert.equal(await src.call("MIGRATE", "127.0.0.1", port, "k1", "3", "5000"), "OK");
      assert.equal(await field(src, "stats", "migrate_cached_sockets"), "1");
      assert.equal(await field(dst, "clients", "connected_clients"), "2");
      // The target closes the cached connection: the next MIGRATE reconnects and sends again.
      const killed = Number(await dst.call("CLIENT", "KILL", "SKIPME", "yes"));
      assert.equal(killed, 1);
      // The target has closed it (not merely marked it to close) before the next MIGRATE uses it.
      await waitUntil(
        async () => await field(dst, "clients", "connected_clients") === "1",
        "the target to close the killed connection",
      );
      await src.call("SET", "k2", "2");
      assert.equal(await src.call("MIGRATE", "127.0.0.1", port, "k2", "3", "5000"), "OK");
      await dst.call("SELECT", "3");
      assert.deepEqual(await dst.call("MGET", "k1", "k2"), ["1", "2"]);
      assert.equal(await field(src, "stats", "migrate_cached_sockets"), "1");
      // Valkey closes a connection unused for more than 10 seconds (checked in its cron).
      const deadline = Date.now() + 20_000;
      while (await field(src, "stats", "migrate_cached_sockets") !== "0") {
        assert.ok(Date.now() < deadline, "the cached connection was not released");
        await new Promise((r) => setTimeout(r, 250));
      }
    }),
});

Deno.test({
  ...opts,
  name: "MIGRATE is atomic: a write sent while it waits for the target runs after it and is kept",
  ignore: !own,
  fn: () =>
    pair(async (src, dst, b, a) => {
      const port = String(b.port);
      await src.call("SET", "key", "old");
      // The target holds the RESTORE until CLIENT UNPAUSE (its writes are paused), so the write below
      // reaches the source while MIGRATE waits for the target.
      assert.equal(await dst.call("CLIENT", "PAUSE", "20000", "WRITE"), "OK");
      const writer = await RawConn.connect(a.port);
      src.send(encodeRequest(["MIGRATE", "127.0.0.1", port, "key", "0", "20000"]));
      await waitUntil(
        async () => /^.* flags=b .* cmd=restore(-asking)? /m.test(String(await dst.call("CLIENT", "LIST"))),
        "the RESTORE of MIGRATE held by the paused target",
      );
      writer.send(encodeRequest(["SET", "key", "new"]));
      // Time for a source that would not wait to run the SET first (a correct one runs it after MIGRATE
      // however long this is).
      await sleep(300);
      assert.equal(await dst.call("CLIENT", "UNPAUSE"), "OK");
      assert.equal(await src.read(), "OK");
      assert.equal(await writer.read(), "OK");
      assert.equal(await src.call("GET", "key"), "new");
      assert.equal(await dst.call("GET", "key"), "old");
      writer.close();
    }),
});

Deno.test({
  ...opts,
  name: "MIGRATE inside MULTI/EXEC, and its propagation to the AOF as DEL of the acknowledged keys",
  ignore: !own,
  fn: async () => {
    const dir = tempDir("valkyr-migrate-aof-");
    await pair(async (src, dst, b) => {
      const port = String(b.port);
      await src.call("MSET", "a", "1", "b", "2", "c", "3");
      await dst.call("SET", "b", "busy");
      assert.equal(await src.call("MULTI"), "OK");
      assert.equal(await src.call("MIGRATE", "127.0.0.1", port, "", "0", "5000", "KEYS", "a", "b"), "QUEUED");
      assert.equal(await src.call("MIGRATE", "127.0.0.1", port, "c", "0", "5000", "COPY"), "QUEUED");
      const res = await src.call("EXEC") as unknown[];
      assert.equal(
        errorOf(res[0]),
        "ERR Target instance replied with error: BUSYKEY Target key name already exists.",
      );
      assert.equal(res[1], "OK");
      assert.deepEqual(await src.call("MGET", "a", "b", "c"), [null, "2", "3"]);
      assert.deepEqual(await dst.call("MGET", "a", "b", "c"), ["1", "busy", "3"]);
    }, ["--dir", dir, "--appendonly", "yes", "--appendfsync", "always"]);
    const adir = path.join(dir, "appendonlydir");
    const incr = fs.readdirSync(adir).find((f) => f.endsWith(".incr.aof"))!;
    const text = fs.readFileSync(path.join(adir, incr), "latin1");
    assert.ok(text.includes("*2\r\n$3\r\nDEL\r\n$1\r\na\r\n"), JSON.stringify(text));
    assert.ok(!/MIGRATE/i.test(text), JSON.stringify(text));
  },
});

/** A redis-server 7.0 binary, for the round trip (skipped without one). */
const redisBin = spawnSync("sh", ["-c", "command -v redis-server"]).stdout?.toString().trim() ?? "";

/**
 * Starts redis-server on a free port, in a directory of its own (from the working directory it would load
 * any dump.rdb left there, and fail on one of RDB version 11). A test file running in parallel may take the
 * free port first: then "Failed listening on port" and another port, as startServer does.
 */
async function startRedis(): Promise<{ redis: ChildProcess; rport: number }> {
  for (let attempt = 1;; attempt++) {
    const rport = await freePort();
    const redis = spawn(redisBin, [
      "--port",
      String(rport),
      "--bind",
      "127.0.0.1",
      "--dir",
      tempDir("valkyr-migrate-redis-"),
      "--save",
      "",
      "--appendonly",
      "no",
      "--enable-debug-command",
      "yes",
    ], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    redis.stdout?.on("data", (d: Uint8Array) => (out += new TextDecoder().decode(d)));
    redis.stderr?.on("data", (d: Uint8Array) => (out += new TextDecoder().decode(d)));
    let exited = false;
    redis.once("exit", () => (exited = true));
    try {
      await waitUntil(
        () => exited || /Ready to accept connections/.test(out),
        `redis-server on port ${rport} to log that it is ready`,
        20000,
      );
    } catch (e) {
      redis.kill("SIGKILL");
      throw e;
    }
    if (!exited) return { redis, rport };
    if (attempt < 5 && /Failed listening on port \d+ \(tcp\)/i.test(out)) continue;
    throw new Error(`redis-server exited before it was ready:\n${out}`);
  }
}

Deno.test({
  ...opts,
  name:
    "MIGRATE round trip: redis-server 7.0 → this server → another, every type; back to 7.0 refused as Valkey",
  ignore: !own || redisBin === "",
  fn: async () => {
    const { redis, rport } = await startRedis();
    try {
      await waitReady("127.0.0.1", rport);
      const r = await RawConn.connect(rport);
      await pair(async (a, b, bSrv, aSrv) => {
        await r.call("SET", "s", "v", "EX", "1000");
        await r.call("SET", "n", "12345");
        await r.call("RPUSH", "l", ...Array.from({ length: 300 }, (_, i) => `e${i}`));
        await r.call("RPUSH", "ls", "x", "y");
        await r.call("HSET", "h", "f1", "v1", "f2", "v2");
        await r.call("HSET", "hb", ...Array.from({ length: 300 }, (_, i) => [`f${i}`, `v${i}`]).flat());
        await r.call("SADD", "si", "1", "2", "3");
        await r.call("SADD", "ss", "a", "b");
        await r.call("ZADD", "z", "1", "one", "2.5", "two");
        await r.call("ZADD", "zb", ...Array.from({ length: 300 }, (_, i) => [String(i), `m${i}`]).flat());
        await r.call("XADD", "x", "1-1", "a", "b");
        await r.call("XGROUP", "CREATE", "x", "g", "0");
        await r.call("XREADGROUP", "GROUP", "g", "c", "STREAMS", "x", ">");
        const keys = ["s", "n", "l", "ls", "h", "hb", "si", "ss", "z", "zb", "x"];
        const digest = await r.call("DEBUG", "DIGEST");
        // redis-server 7.0's payloads (RDB 10) restore here.
        assert.equal(
          await r.call("MIGRATE", "127.0.0.1", String(aSrv.port), "", "0", "5000", "KEYS", ...keys),
          "OK",
        );
        assert.equal(await r.call("DBSIZE"), 0);
        assert.equal(await a.call("DEBUG", "DIGEST"), digest);
        // This server's payloads carry RDB version 11, as Valkey 8.1's: redis-server 7.0 refuses them the
        // way it refuses Valkey's, and the keys stay.
        const back = await a.call("MIGRATE", "127.0.0.1", String(rport), "", "0", "5000", "KEYS", ...keys);
        if (isValkeyLike()) {
          assert.equal(
            errorOf(back),
            "ERR Target instance replied with error: ERR DUMP payload version or checksum are wrong",
          );
          assert.equal(await a.call("DBSIZE"), keys.length);
          assert.equal(await r.call("DBSIZE"), 0);
          // Onwards to another server of ours, every type intact.
          assert.equal(
            await a.call("MIGRATE", "127.0.0.1", String(bSrv.port), "", "0", "5000", "KEYS", ...keys),
            "OK",
          );
          assert.equal(await a.call("DBSIZE"), 0);
        } else {
          assert.equal(back, "OK");
          assert.equal(
            await r.call("MIGRATE", "127.0.0.1", String(bSrv.port), "", "0", "5000", "KEYS", ...keys),
            "OK",
          );
        }
        assert.equal(await b.call("DEBUG", "DIGEST"), digest);
        const ttl = Number(await b.call("TTL", "s"));
        assert.ok(ttl > 900 && ttl <= 1000, `ttl ${ttl}`);
        assert.deepEqual(await b.call("XPENDING", "x", "g"), [1, "1-1", "1-1", [["c", "1"]]]);
        // redis-server goes first: its cached connection would hold our servers' shutdown.
        r.close();
        redis.kill("SIGKILL");
        await new Promise((res) => redis.once("exit", res));
      });
    } finally {
      if (redis.exitCode === null && redis.signalCode === null) {
        redis.kill("SIGKILL");
        await new Promise((res) => redis.once("exit", res));
      }
    }
  },
});

Deno.test({
  ...opts,
  name: "MIGRATE with the target's error on SELECT fails every key and keeps them",
  ignore: !own,
  fn: () =>
    pair(async (src, dst, b) => {
      await src.call("MSET", "a", "1", "b", "2");
      const r = await src.call("MIGRATE", "127.0.0.1", String(b.port), "", "16", "5000", "KEYS", "a", "b");
      assert.equal(errorOf(r), "ERR Target instance replied with error: ERR DB index is out of range");
      assert.equal(await src.call("DBSIZE"), 2);
      // As with Valkey, the RESTOREs sent after the failed SELECT ran in the target's current database.
      assert.deepEqual(await dst.call("MGET", "a", "b"), ["1", "2"]);
      // The next transfer SELECTs again (the target's database is unknown after an error).
      assert.equal(
        await src.call("MIGRATE", "127.0.0.1", String(b.port), "", "3", "5000", "KEYS", "a"),
        "OK",
      );
      assert.equal(await src.call("DBSIZE"), 1);
      await dst.call("SELECT", "3");
      assert.equal(await dst.call("GET", "a"), "1");
    }),
});
