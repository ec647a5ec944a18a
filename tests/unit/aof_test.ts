/**
 * The append-only file over TCP (after Valkey's tests/integration/aof.tcl, aof-multi-part.tcl and
 * tests/unit/expire.tcl's propagation cases): the multi-part layout and manifest, what each write becomes
 * in the AOF (the deterministic rewrites: relative TTLs → PEXPIREAT / SET PXAT, INCRBYFLOAT → SET, SPOP →
 * SREM, blocking pops → their non-blocking forms, MULTI/EXEC blocks, SELECT), restart after SIGKILL with
 * `appendfsync always` keeping every acknowledged write, BGREWRITEAOF while clients write, truncated files,
 * enabling AOF at run time, automatic rewrites, and loading an appendonlydir written by redis-server 7.0.
 *
 * Every server gets its own `dir`. The expectations hold for redis-server 7.0 too (`VALKYR_TEST_TARGET=redis`).
 */

import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { spawn, spawnSync } from "node:child_process";
import { freePort, isValkeyLike, isValkyr, startServer, target, waitReady } from "../helpers/server.ts";
import { encodeRequest, RawConn, RespError } from "../helpers/raw.ts";
import { field, tempDir as persistenceTempDir, withServer } from "../helpers/persistence.ts";
import { waitForLog, waitUntil } from "../helpers/timing.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };
const ownTarget = target() !== "external";

const tempDir = () => persistenceTempDir("valkyr-aof-");

const AOF = ["--appendonly", "yes", "--appendfsync", "always"];

async function persistence(c: RawConn): Promise<string> {
  return String(await c.call("INFO", "persistence"));
}

async function waitFor(what: string, cond: () => Promise<boolean>, timeoutMs = 60000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function waitRewriteDone(c: RawConn): Promise<void> {
  await waitFor("the AOF rewrite", async () => {
    const i = await persistence(c);
    return field(i, "aof_rewrite_in_progress") === "0" && field(i, "aof_rewrite_scheduled") === "0";
  });
}

function manifestText(dir: string): string {
  return fs.readFileSync(path.join(dir, "appendonlydir", "appendonly.aof.manifest"), "latin1");
}

/** The manifest's lines as [name, seq, type]. */
function manifest(dir: string): [string, number, string][] {
  return manifestText(dir).split("\n").filter((l) => l !== "").map((l) => {
    const w = l.split(" ");
    return [w[1]!, Number(w[3]), w[5]!];
  });
}

/** Parses RESP commands (and skips `#` annotations). */
function parseCommands(buf: Uint8Array): string[][] {
  const text = new TextDecoder("latin1").decode(buf);
  const out: string[][] = [];
  let i = 0;
  const line = () => {
    const nl = text.indexOf("\r\n", i);
    const s = text.slice(i, nl);
    i = nl + 2;
    return s;
  };
  while (i < text.length) {
    const head = line();
    if (head.startsWith("#")) continue;
    assert.equal(head[0], "*", `bad AOF record at ${i}: ${head}`);
    const argc = Number(head.slice(1));
    const argv: string[] = [];
    for (let j = 0; j < argc; j++) {
      const len = Number(line().slice(1));
      argv.push(text.slice(i, i + len));
      i += len + 2;
    }
    out.push(argv);
  }
  return out;
}

/** The commands of the last incr file, command names upper-cased. */
function incrCommands(dir: string): string[][] {
  const incr = manifest(dir).filter((f) => f[2] === "i");
  const name = incr[incr.length - 1]![0];
  const cmds = parseCommands(fs.readFileSync(path.join(dir, "appendonlydir", name)));
  return cmds.map(([c, ...rest]) => [c!.toUpperCase(), ...rest]);
}

async function pipeline(c: RawConn, cmds: (string | number)[][]): Promise<unknown[]> {
  for (const a of cmds) c.send(encodeRequest(a));
  const out: unknown[] = [];
  for (let i = 0; i < cmds.length; i++) out.push(await c.read());
  return out;
}

Deno.test({
  ...opts,
  name: "a command-form rewrite writes streams as Valkey does and they come back whole (groups, PEL, IDs)",
  ignore: !ownTarget,
  fn: async () => {
    const dir = tempDir();
    const snapshot = async (c: RawConn) => [
      await c.call("XRANGE", "s", "-", "+"),
      await c.call("XINFO", "GROUPS", "s"),
      await c.call("XPENDING", "s", "g1", "-", "+", "10"),
      await c.call("XINFO", "CONSUMERS", "s", "g1"),
      await c.call("XLEN", "e"),
      (await c.call("XINFO", "STREAM", "e") as unknown[]).slice(0, 16),
    ];
    const before = await withServer(dir, [...AOF, "--aof-use-rdb-preamble", "no"], async (c) => {
      await c.call("XADD", "s", "1-1", "a", "1", "b", "2");
      await c.call("XADD", "s", "2-1", "a", "3");
      await c.call("XADD", "s", "3-1", "c", "4");
      await c.call("XDEL", "s", "2-1");
      await c.call("XGROUP", "CREATE", "s", "g1", "0");
      await c.call("XGROUP", "CREATE", "s", "g2", "$");
      await c.call("XREADGROUP", "GROUP", "g1", "alice", "COUNT", "1", "STREAMS", "s", ">");
      await c.call("XGROUP", "CREATECONSUMER", "s", "g1", "bob");
      await c.call("XADD", "e", "MAXLEN", "0", "5-5", "x", "y");
      assert.match(String(await c.call("BGREWRITEAOF")), /rewriting started/);
      await waitRewriteDone(c);
      assert.equal(field(await persistence(c), "aof_last_bgrewrite_status"), "ok");
      const base = fs.readFileSync(path.join(dir, "appendonlydir", "appendonly.aof.2.base.aof"));
      const cmds = parseCommands(base);
      assert.deepEqual(cmds.find((x) => x[0] === "XADD" && x[1] === "e"), [
        "XADD",
        "e",
        "MAXLEN",
        "0",
        "0-1",
        "x",
        "y",
      ]);
      assert.ok(cmds.some((x) => x.join(" ") === "XSETID s 3-1 ENTRIESADDED 3 MAXDELETEDID 2-1"));
      assert.ok(cmds.some((x) => x[0] === "XCLAIM" && x.slice(1, 6).join(" ") === "s g1 alice 0 1-1"));
      assert.ok(cmds.some((x) => x.join(" ") === "XGROUP CREATECONSUMER s g1 bob"));
      return await snapshot(c);
    });
    const after = await withServer(dir, [...AOF, "--aof-use-rdb-preamble", "no"], (c) => snapshot(c));
    // Idle times in XPENDING / XINFO CONSUMERS move on; compare the rest.
    const strip = (v: unknown[]) =>
      JSON.stringify(v).replace(/"(idle|inactive)",\d+/g, '"$1",0').replace(/,\d+,1\]/g, ",0,1]");
    assert.equal(strip(after), strip(before));
  },
});

Deno.test({
  ...opts,
  name:
    "RESTORE with a relative TTL is propagated with the absolute time and ABSTTL; an expired one as a deletion",
  ignore: !ownTarget,
  fn: async () => {
    const dir = tempDir();
    await withServer(dir, AOF, async (c) => {
      assert.equal(await c.call("SET", "src", "v"), "OK");
      const payload = await c.callBytes("DUMP", "src") as Uint8Array;
      const before = Date.now();
      assert.equal(await c.call("RESTORE", "r1", "100000", payload), "OK");
      const after = Date.now();
      assert.equal(await c.call("RESTORE", "r2", "0", payload), "OK");
      assert.equal(await c.call("RESTORE", "r2", String(before - 1000), payload, "REPLACE", "ABSTTL"), "OK");
      const cmds = incrCommands(dir);
      const r1 = cmds.find((x) => x[0] === "RESTORE" && x[1] === "r1")!;
      assert.equal(r1.length, 5);
      assert.equal(r1[4], "ABSTTL");
      const at = Number(r1[2]);
      // The server converts its monotonic clock to unix time: allow a little drift against Date.now().
      assert.ok(
        at >= before + 100000 - 2000 && at <= after + 100000 + 2000,
        `${at} not near ${before + 100000}`,
      );
      const r2 = cmds.filter((x) => x[1] === "r2").map((x) => x[0]);
      // DEL or UNLINK as lazyfree-lazy-server-del says (yes by default in Valkey 8.1, no in Redis 7.0).
      const lazy = (await c.call("CONFIG", "GET", "lazyfree-lazy-server-del") as string[])[1] === "yes";
      assert.deepEqual(r2, ["RESTORE", lazy ? "UNLINK" : "DEL"]);
    });
  },
});

Deno.test({
  ...opts,
  name: "appendonly yes creates the multi-part layout: base, incr and Valkey's manifest",
  ignore: !ownTarget,
  fn: async () => {
    const dir = tempDir();
    await withServer(dir, AOF, async (c) => {
      assert.equal(await c.call("SET", "k", "v"), "OK");
      assert.equal(
        manifestText(dir),
        "file appendonly.aof.1.base.rdb seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n",
      );
      const base = fs.readFileSync(path.join(dir, "appendonlydir", "appendonly.aof.1.base.rdb"));
      assert.equal(new TextDecoder().decode(base.subarray(0, 5)), "REDIS");
      assert.deepEqual(incrCommands(dir), [["SELECT", "0"], ["SET", "k", "v"]]);
      const i = await persistence(c);
      assert.equal(field(i, "aof_enabled"), "1");
      assert.equal(field(i, "aof_last_write_status"), "ok");
      assert.equal(field(i, "aof_last_bgrewrite_status"), "ok");
      // A base created at start-up is not counted (Valkey 8.1 and Redis 7.0 alike): the size is the incr file's.
      const incrSize = fs.statSync(path.join(dir, "appendonlydir", "appendonly.aof.1.incr.aof")).size;
      assert.equal(field(i, "aof_current_size"), String(incrSize));
      assert.equal(field(i, "aof_base_size"), "0");
      assert.equal(field(i, "aof_buffer_length"), "0");
    });
  },
});

Deno.test({
  ...opts,
  name: "relative expiries are propagated as absolute PEXPIREAT / SET PXAT",
  ignore: !ownTarget,
  fn: async () => {
    const dir = tempDir();
    await withServer(dir, AOF, async (c) => {
      const before = Date.now();
      await c.call("SET", "a", "1");
      await c.call("EXPIRE", "a", "100");
      await c.call("PEXPIRE", "a", "200000", "GT");
      await c.call("EXPIREAT", "a", String(Math.floor(before / 1000) + 1000));
      await c.call("SET", "b", "2", "EX", "100");
      await c.call("SETEX", "c", "100", "3");
      await c.call("PSETEX", "d", "100000", "4");
      await c.call("GETEX", "d", "EX", "50");
      await c.call("GETEX", "d", "PERSIST");
      await c.call("SET", "e", "5", "PXAT", String(before + 500000));
      await c.call("PEXPIREAT", "e", String(before + 600000));
      const after = Date.now();
      const cmds = incrCommands(dir);
      const inRange = (ms: string, rel: number) => {
        const n = Number(ms);
        assert.ok(
          n >= before + rel && n <= after + rel,
          `${ms} not within [${before + rel}, ${after + rel}]`,
        );
      };
      assert.deepEqual(cmds.map((x) => x[0]), [
        "SELECT",
        "SET",
        "PEXPIREAT",
        "PEXPIREAT",
        "PEXPIREAT",
        "SET",
        "SET",
        "SET",
        "PEXPIREAT",
        "PERSIST",
        "SET",
        "PEXPIREAT",
      ]);
      inRange(cmds[2]![2]!, 100000);
      assert.equal(cmds[3]![3], "GT");
      inRange(cmds[3]![2]!, 200000);
      assert.equal(cmds[4]![2], String((Math.floor(before / 1000) + 1000) * 1000));
      for (
        const [i, key, val, rel] of [[5, "b", "2", 100000], [6, "c", "3", 100000], [
          7,
          "d",
          "4",
          100000,
        ]] as const
      ) {
        assert.deepEqual(cmds[i]!.slice(0, 4), ["SET", key, val, "PXAT"]);
        assert.equal(cmds[i]!.length, 5);
        inRange(cmds[i]![4]!, rel);
      }
      inRange(cmds[8]![2]!, 50000);
      assert.deepEqual(cmds[9], ["PERSIST", "d"]);
      assert.deepEqual(cmds[10], ["SET", "e", "5", "PXAT", String(before + 500000)]);
      assert.deepEqual(cmds[11], ["PEXPIREAT", "e", String(before + 600000)]);
    });
  },
});

Deno.test({
  ...opts,
  name: "non-deterministic writes are propagated as their effects",
  ignore: !ownTarget,
  fn: async () => {
    const dir = tempDir();
    await withServer(dir, [...AOF, "--lazyfree-lazy-server-del", "no"], async (c) => {
      await c.call("INCRBYFLOAT", "f", "10.5");
      await c.call("HINCRBYFLOAT", "h", "x", "1.25");
      await c.call("SADD", "s", "m1");
      const popped = await c.call("SPOP", "s");
      await c.call("SADD", "s3", "a", "b");
      await c.call("SPOP", "s3", "10");
      await c.call("RPUSH", "l", "x", "y", "z");
      await c.call("BLPOP", "l", "0");
      await c.call("BRPOP", "l", "0");
      await c.call("RPUSH", "l", "q", "w");
      await c.call("BLMOVE", "l", "l2", "LEFT", "RIGHT", "0");
      await c.call("BRPOPLPUSH", "l", "l2", "0");
      await c.call("ZADD", "z", "1", "a", "2", "b", "3", "c");
      await c.call("BZPOPMIN", "z", "0");
      await c.call("GETSET", "g", "v");
      await c.call("GETDEL", "g");
      const cmds = incrCommands(dir);
      assert.deepEqual(cmds, [
        ["SELECT", "0"],
        ["SET", "f", "10.5", "KEEPTTL"],
        ["HSET", "h", "x", "1.25"],
        ["SADD", "s", "m1"],
        ["SREM", "s", String(popped)],
        ["SADD", "s3", "a", "b"],
        ["DEL", "s3"],
        ["RPUSH", "l", "x", "y", "z"],
        ["LPOP", "l"],
        ["RPOP", "l"],
        ["RPUSH", "l", "q", "w"],
        ["LMOVE", "l", "l2", "LEFT", "RIGHT"],
        ["RPOPLPUSH", "l", "l2"],
        ["ZADD", "z", "1", "a", "2", "b", "3", "c"],
        ["ZPOPMIN", "z"],
        ["SET", "g", "v"],
        ["DEL", "g"],
      ]);
    });
  },
});

Deno.test({
  ...opts,
  name: "SPOP with a count is propagated as one SREM of the popped members (Valkey 8.1)",
  ignore: !ownTarget || !isValkeyLike(),
  fn: async () => {
    const dir = tempDir();
    await withServer(dir, AOF, async (c) => {
      await c.call("SADD", "s", "a", "b", "c", "d", "e", "f");
      const two = await c.call("SPOP", "s", "2") as string[];
      const cmds = incrCommands(dir);
      assert.equal(cmds.length, 3);
      assert.deepEqual(cmds[2]!.slice(0, 2), ["SREM", "s"]);
      assert.deepEqual(cmds[2]!.slice(2).sort(), [...two].sort());
    });
  },
});

Deno.test({
  ...opts,
  // Redis 7.0 writes the SELECT before MULTI; Valkey 8.1 inside it, with the first command.
  name: "MULTI/EXEC blocks are propagated inside MULTI ... EXEC, a single write alone, with SELECT",
  ignore: !ownTarget || !isValkeyLike(),
  fn: async () => {
    const dir = tempDir();
    await withServer(dir, AOF, async (c) => {
      assert.deepEqual(
        await pipeline(c, [["MULTI"], ["SET", "a", "1"], ["INCR", "n"], ["GET", "a"], ["EXEC"]]),
        ["OK", "QUEUED", "QUEUED", "QUEUED", ["OK", 1, "1"]],
      );
      await pipeline(c, [["MULTI"], ["SET", "b", "2"], ["GET", "b"], ["EXEC"]]);
      await pipeline(c, [["MULTI"], ["GET", "b"], ["EXEC"]]);
      await c.call("SELECT", "3");
      await c.call("SET", "c", "3");
      await pipeline(c, [["MULTI"], ["SET", "d", "4"], ["SELECT", "0"], ["SET", "e", "5"], ["EXEC"]]);
      assert.deepEqual(incrCommands(dir), [
        ["MULTI"],
        ["SELECT", "0"],
        ["SET", "a", "1"],
        ["INCR", "n"],
        ["EXEC"],
        ["SET", "b", "2"],
        ["SELECT", "3"],
        ["SET", "c", "3"],
        ["MULTI"],
        ["SET", "d", "4"],
        ["SELECT", "0"],
        ["SET", "e", "5"],
        ["EXEC"],
      ]);
    });
  },
});

Deno.test({
  ...opts,
  name: "keys removed by expiry are propagated as DEL (lazy and active expiry)",
  ignore: !ownTarget,
  fn: async () => {
    const dir = tempDir();
    await withServer(dir, [...AOF, "--lazyfree-lazy-expire", "no"], async (c) => {
      await c.call("DEBUG", "SET-ACTIVE-EXPIRE", "0");
      await c.call("SET", "lazy", "v", "PX", "30");
      await new Promise((r) => setTimeout(r, 100));
      assert.equal(await c.call("GET", "lazy"), null);
      await c.call("SET", "active", "v", "PX", "30");
      await c.call("DEBUG", "SET-ACTIVE-EXPIRE", "1");
      await waitFor("active expiry", async () => (await c.call("DBSIZE")) === 0);
      const cmds = incrCommands(dir).filter((x) => x[0] === "DEL");
      assert.deepEqual(cmds, [["DEL", "lazy"], ["DEL", "active"]]);
    });
  },
});

Deno.test({
  ...opts,
  name: "with appendfsync always every acknowledged write survives SIGKILL",
  ignore: !ownTarget,
  fn: async () => {
    const dir = tempDir();
    const s = await startServer(["--dir", dir, ...AOF]);
    const c = await RawConn.connect(s.port);
    const N = 3000;
    const cmds: (string | number)[][] = [];
    for (let i = 0; i < N; i++) {
      cmds.push(i % 3 === 0 ? ["INCR", "counter"] : ["SET", `key:${i}`, `value:${i}`]);
    }
    cmds.push(["HSET", "h", "f", "v"], ["RPUSH", "list", "a", "b"], ["EXPIRE", "list", "1000"]);
    await pipeline(c, cmds);
    // Every reply arrived: the writes are acknowledged. Kill without any chance to flush.
    const exited = s.exited;
    spawnSync("kill", ["-9", String(await pidOf(c))]);
    await exited;
    c.close();
    await withServer(dir, AOF, async (c2) => {
      assert.equal(await c2.call("GET", "counter"), String(N / 3));
      assert.equal(await c2.call("DBSIZE"), N - N / 3 + 3);
      assert.equal(await c2.call("GET", "key:2999"), "value:2999");
      assert.equal(await c2.call("HGET", "h", "f"), "v");
      assert.deepEqual(await c2.call("LRANGE", "list", "0", "-1"), ["a", "b"]);
      const ttl = Number(await c2.call("TTL", "list"));
      assert.ok(ttl > 900 && ttl <= 1000, `ttl ${ttl}`);
    });
  },
});

async function pidOf(c: RawConn): Promise<number> {
  return Number(field(String(await c.call("INFO", "server")), "process_id"));
}

Deno.test({
  ...opts,
  name: "BGREWRITEAOF while clients write loses nothing",
  ignore: !ownTarget,
  fn: async () => {
    const dir = tempDir();
    await withServer(dir, [...AOF, "--appendfsync", "everysec"], async (c) => {
      const fill: (string | number)[][] = [];
      for (let i = 0; i < 5000; i++) fill.push(["SET", `k${i}`, `v${i}`]);
      await pipeline(c, fill);
      await c.call("CONFIG", "SET", "rdb-key-save-delay", "200");
      assert.equal(await c.call("BGREWRITEAOF"), "Background append only file rewriting started");
      assert.equal(field(await persistence(c), "aof_rewrite_in_progress"), "1");
      // Writes during the rewrite: new keys, overwrites of keys not yet written, deletes, and a counter.
      const during: (string | number)[][] = [];
      for (let i = 0; i < 1000; i++) {
        during.push(["SET", `new${i}`, `n${i}`], ["SET", `k${i * 5}`, `changed${i}`], ["INCR", "ctr"]);
        during.push(["DEL", `k${i * 5 + 1}`]);
      }
      await pipeline(c, during);
      assert.equal(field(await persistence(c), "aof_rewrite_in_progress"), "1");
      await c.call("CONFIG", "SET", "rdb-key-save-delay", "0");
      await waitRewriteDone(c);
      assert.equal(field(await persistence(c), "aof_last_bgrewrite_status"), "ok");
      assert.deepEqual(
        manifest(dir).map((f) => f.slice(1)),
        [[2, "b"], [2, "i"]],
      );
      await c.call("SET", "after", "1");
    });
    await withServer(dir, AOF, async (c) => {
      assert.equal(await c.call("DBSIZE"), 5000 + 1000 + 1 + 1 - 1000);
      assert.equal(await c.call("GET", "ctr"), "1000");
      assert.equal(await c.call("GET", "k5"), "changed1");
      assert.equal(await c.call("GET", "k6"), null);
      assert.equal(await c.call("GET", "k7"), "v7");
      assert.equal(await c.call("GET", "new999"), "n999");
      assert.equal(await c.call("GET", "after"), "1");
    });
  },
});

Deno.test({
  ...opts,
  name: "a truncated last command is dropped with aof-load-truncated yes, and refused with no",
  ignore: !ownTarget,
  fn: async () => {
    const dir = tempDir();
    await withServer(dir, AOF, async (c) => {
      await c.call("SET", "k1", "v1");
      await c.call("SET", "k2", "v2");
    });
    const incr = path.join(dir, "appendonlydir", "appendonly.aof.1.incr.aof");
    const full = fs.readFileSync(incr);
    fs.writeFileSync(incr, full.subarray(0, full.length - 5));
    const lenBefore = fs.statSync(incr).size;
    const s = await startServer(["--dir", dir, ...AOF, "--aof-load-truncated", "no"]).then(
      () => null,
      (e: Error) => e,
    );
    assert.ok(s instanceof Error, "the server must not start on a truncated AOF with aof-load-truncated no");
    if (isValkyr()) assert.match(s.message, /Unexpected end of file reading the append only file/);
    assert.equal(fs.statSync(incr).size, lenBefore);
    await withServer(dir, AOF, async (c, srv) => {
      assert.equal(await c.call("GET", "k1"), "v1");
      assert.equal(await c.call("GET", "k2"), null);
      assert.match(
        srv.output(),
        /Warning: short read while loading the AOF file appendonly\.aof\.1\.incr\.aof/,
      );
      assert.match(
        srv.output(),
        /AOF appendonly\.aof\.1\.incr\.aof loaded anyway because aof-load-truncated is enabled/,
      );
      await c.call("SET", "k3", "v3");
    });
    await withServer(dir, AOF, async (c) => {
      assert.deepEqual(await c.call("MGET", "k1", "k2", "k3"), ["v1", null, "v3"]);
    });
  },
});

Deno.test({
  ...opts,
  name: "an incomplete MULTI at the end of the AOF is reverted",
  ignore: !ownTarget,
  fn: async () => {
    const dir = tempDir();
    await withServer(dir, AOF, async (c) => {
      await c.call("SET", "k1", "v1");
    });
    const incr = path.join(dir, "appendonlydir", "appendonly.aof.1.incr.aof");
    fs.appendFileSync(incr, "*1\r\n$5\r\nMULTI\r\n*3\r\n$3\r\nSET\r\n$2\r\nk2\r\n$2\r\nv2\r\n");
    await withServer(dir, AOF, async (c, srv) => {
      assert.deepEqual(await c.call("MGET", "k1", "k2"), ["v1", null]);
      assert.match(
        srv.output(),
        /Revert incomplete MULTI\/EXEC transaction in AOF file appendonly\.aof\.1\.incr\.aof/,
      );
    });
  },
});

Deno.test({
  ...opts,
  name: "CONFIG SET appendonly yes rewrites the dataset into a new AOF, and the AOF wins over dump.rdb",
  ignore: !ownTarget,
  fn: async () => {
    const dir = tempDir();
    await withServer(dir, [], async (c) => {
      await c.call("SET", "before", "1");
      await c.call("RPUSH", "l", "a", "b");
      await c.call("SAVE");
      assert.equal(await c.call("CONFIG", "SET", "appendonly", "yes"), "OK");
      await waitRewriteDone(c);
      await c.call("SET", "after", "2");
      await c.call("DEL", "l");
      assert.deepEqual(
        manifest(dir).map((f) => f.slice(1)),
        [[1, "b"], [1, "i"]],
      );
      assert.equal(field(await persistence(c), "aof_enabled"), "1");
    });
    // dump.rdb still holds `l`; the AOF (which does not) is what loads.
    await withServer(dir, ["--appendonly", "yes"], async (c) => {
      assert.deepEqual(await c.call("MGET", "before", "after"), ["1", "2"]);
      assert.equal(await c.call("EXISTS", "l"), 0);
    });
  },
});

Deno.test({
  ...opts,
  name: "automatic rewrite after auto-aof-rewrite-percentage growth",
  ignore: !ownTarget,
  fn: async () => {
    const dir = tempDir();
    await withServer(
      dir,
      [...AOF, "--auto-aof-rewrite-min-size", "1", "--auto-aof-rewrite-percentage", "100"],
      async (c) => {
        const cmds: (string | number)[][] = [];
        for (let i = 0; i < 200; i++) cmds.push(["SET", `key${i}`, "x".repeat(100)]);
        await pipeline(c, cmds);
        await waitFor(
          "an automatic rewrite",
          async () => Number(field(await persistence(c), "aof_rewrites")) >= 1,
        );
        await waitRewriteDone(c);
        assert.ok(manifest(dir)[0]![1] >= 2);
        assert.equal(await c.call("DBSIZE"), 200);
      },
    );
  },
});

Deno.test({
  ...opts,
  name: "BGREWRITEAOF errors and scheduling replies",
  ignore: !ownTarget,
  fn: async () => {
    const dir = tempDir();
    await withServer(dir, AOF, async (c) => {
      const fill: (string | number)[][] = [];
      for (let i = 0; i < 2000; i++) fill.push(["SET", `k${i}`, "v"]);
      await pipeline(c, fill);
      await c.call("CONFIG", "SET", "rdb-key-save-delay", "1000");
      assert.equal(await c.call("BGREWRITEAOF"), "Background append only file rewriting started");
      const again = await c.call("BGREWRITEAOF");
      assert.equal(
        String((again as { message?: string }).message),
        "ERR Background append only file rewriting already in progress",
      );
      // One background job at a time: BGSAVE waits for the rewrite (or is refused without SCHEDULE).
      assert.equal(
        String((await c.call("BGSAVE") as { message?: string }).message),
        "ERR Another child process is active (AOF?): can't BGSAVE right now. " +
          "Use BGSAVE SCHEDULE in order to schedule a BGSAVE whenever possible.",
      );
      assert.equal(await c.call("BGSAVE", "SCHEDULE"), "Background saving scheduled");
      await c.call("CONFIG", "SET", "rdb-key-save-delay", "0");
      await waitRewriteDone(c);
      await waitFor("the scheduled BGSAVE", async () => {
        const i = await persistence(c);
        return field(i, "rdb_bgsave_in_progress") === "0" && Number(field(i, "rdb_saves")) >= 1;
      });
      // And a rewrite asked for during a BGSAVE is scheduled after it.
      await c.call("CONFIG", "SET", "rdb-key-save-delay", "1000");
      assert.equal(await c.call("BGSAVE"), "Background saving started");
      assert.equal(await c.call("BGREWRITEAOF"), "Background append only file rewriting scheduled");
      assert.equal(field(await persistence(c), "aof_rewrite_scheduled"), "1");
      await c.call("CONFIG", "SET", "rdb-key-save-delay", "0");
      await waitRewriteDone(c);
      assert.equal(field(await persistence(c), "aof_rewrites"), "2");
      assert.deepEqual(
        await pipeline(c, [["MULTI"], ["BGREWRITEAOF"], ["EXEC"]]),
        ["OK", "QUEUED", ["Background append only file rewriting scheduled"]],
      );
      await waitRewriteDone(c);
      assert.equal(field(await persistence(c), "aof_rewrites"), "3");
    });
  },
});

/** The path of a server binary, or "" when it is not installed. */
function which(bin: string): string {
  return spawnSync("sh", ["-c", `command -v ${bin}`]).stdout?.toString().trim() ?? "";
}

const redisBin = which("redis-server");
/** A local Valkey 8.1 build (VALKEY_SERVER or the path the project builds it at), for the cross checks. */
const valkeyBin = [Deno.env.get("VALKEY_SERVER") ?? "", "/tmp/valkey-src/valkey-8.1.1/src/valkey-server"]
  .find((p) => p !== "" && fs.existsSync(p)) ?? "";

/** Runs another server binary on `dir` with AOF on while `fn` talks to it, then kills it (SIGKILL). */
async function withForeign(bin: string, dir: string, extra: string[], fn: (c: RawConn) => Promise<void>) {
  const port = await freePort();
  const args = ["--port", String(port), "--dir", dir, "--save", "", "--appendonly", "yes", ...extra];
  const child = spawn(bin, args, { stdio: "ignore" });
  try {
    await waitReady("127.0.0.1", port);
    const c = await RawConn.connect(port);
    try {
      await fn(c);
    } finally {
      c.close();
    }
  } finally {
    child.kill("SIGKILL");
    await new Promise((r) => child.once("exit", r));
  }
}

/** Writes every core type, a rewrite in the middle, so the AOF has a base and an incr part. */
async function writeMixed(c: RawConn): Promise<void> {
  await c.call("SET", "s", "v");
  await c.call("RPUSH", "l", "1", "2", "3");
  await c.call("HSET", "h", "f", "1");
  await c.call("ZADD", "zb", "2.5", "x", "-1", "y");
  await c.call("SET", "tb", "v", "EX", "1000");
  assert.equal(await c.call("BGREWRITEAOF"), "Background append only file rewriting started");
  await waitRewriteDone(c);
  await c.call("SADD", "set", "x", "y");
  await c.call("ZADD", "z", "1.5", "m");
  await c.call("INCRBYFLOAT", "f", "2.5");
  await c.call("SET", "t", "v", "EX", "1000");
  await pipeline(c, [["MULTI"], ["INCR", "n"], ["INCR", "n"], ["EXEC"]]);
  await c.call("SELECT", "5");
  await c.call("SET", "in5", "yes");
}

async function checkMixed(c: RawConn): Promise<void> {
  assert.equal(await c.call("GET", "s"), "v");
  assert.deepEqual(await c.call("LRANGE", "l", "0", "-1"), ["1", "2", "3"]);
  assert.equal(await c.call("HGET", "h", "f"), "1");
  assert.deepEqual(await c.call("ZRANGE", "zb", "0", "-1", "WITHSCORES"), ["y", "-1", "x", "2.5"]);
  assert.deepEqual(((await c.call("SMEMBERS", "set")) as string[]).sort(), ["x", "y"]);
  assert.equal(await c.call("ZSCORE", "z", "m"), "1.5");
  assert.equal(await c.call("GET", "f"), "2.5");
  assert.equal(await c.call("GET", "n"), "2");
  for (const k of ["t", "tb"]) {
    const ttl = Number(await c.call("TTL", k));
    assert.ok(ttl > 900 && ttl <= 1000, `${k} ttl ${ttl}`);
  }
  await c.call("SELECT", "5");
  assert.equal(await c.call("GET", "in5"), "yes");
}

Deno.test({
  ...opts,
  name: "an appendonlydir written by redis-server 7.0 loads (base + incr, after a rewrite)",
  ignore: !ownTarget || redisBin === "" || target() === "redis",
  fn: async () => {
    const dir = tempDir();
    await withForeign(redisBin, dir, ["--appendfsync", "always"], writeMixed);
    await withServer(dir, ["--appendonly", "yes"], (c) => checkMixed(c));
  },
});

for (const preamble of ["yes", "no"]) {
  Deno.test({
    ...opts,
    name: `Valkey 8.1 and Valkyr load each other's appendonlydir (aof-use-rdb-preamble ${preamble})`,
    ignore: !ownTarget || valkeyBin === "" || !isValkyr(),
    fn: async () => {
      const mine = tempDir();
      await withServer(mine, [...AOF, "--aof-use-rdb-preamble", preamble], async (c, s) => {
        await writeMixed(c);
        spawnSync("kill", ["-9", String(await pidOf(c))]);
        await s.exited;
      });
      const suffix = preamble === "yes" ? "rdb" : "aof";
      assert.equal(manifest(mine)[0]![0], `appendonly.aof.2.base.${suffix}`);
      await withForeign(valkeyBin, mine, [], (c) => checkMixed(c));
      const theirs = tempDir();
      await withForeign(
        valkeyBin,
        theirs,
        ["--appendfsync", "always", "--aof-use-rdb-preamble", preamble],
        writeMixed,
      );
      await withServer(theirs, ["--appendonly", "yes"], (c) => checkMixed(c));
    },
  });
}

Deno.test({
  ...opts,
  name: "module types: commands propagate what the module replicates, and rewrite through aofRewrite",
  ignore: !ownTarget || !isValkyr(),
  fn: async () => {
    const dir = tempDir();
    await withServer(dir, [...AOF, "--aof-use-rdb-preamble", "no"], async (c) => {
      assert.equal(await c.call("BF.ADD", "bf", "item1"), 1);
      assert.equal(await c.call("JSON.SET", "doc", "$", '{"a":[1,2],"b":"x"}'), "OK");
      const names = incrCommands(dir).map((x) => x[0]);
      assert.deepEqual(names, ["SELECT", "BF.INSERT", "JSON.SET"]);
      assert.equal(await c.call("BGREWRITEAOF"), "Background append only file rewriting started");
      await waitRewriteDone(c);
      const base = manifest(dir)[0]![0];
      assert.equal(base, "appendonly.aof.2.base.aof");
      const cmds = parseCommands(fs.readFileSync(path.join(dir, "appendonlydir", base)));
      const kinds = cmds.map((x) => x[0]!.toUpperCase()).sort();
      assert.ok(kinds.includes("BF.LOAD") && kinds.includes("JSON.SET"), kinds.join(","));
      await c.call("BF.ADD", "bf", "item2");
    });
    await withServer(dir, ["--appendonly", "yes"], async (c) => {
      assert.equal(await c.call("BF.EXISTS", "bf", "item1"), 1);
      assert.equal(await c.call("BF.EXISTS", "bf", "item2"), 1);
      assert.equal(await c.call("JSON.GET", "doc", "$.b"), '["x"]');
    });
  },
});

Deno.test({
  ...opts,
  name: "SIGKILL in the middle of a write load: every acknowledged INCR is in the AOF (appendfsync always)",
  ignore: !ownTarget,
  fn: async () => {
    const dir = tempDir();
    const s = await startServer(["--dir", dir, ...AOF]);
    const pid = await RawConn.connect(s.port).then(async (c) => {
      const p = await pidOf(c);
      c.close();
      return p;
    });
    // Four clients each send INCRs in pipelined batches and count the replies they got.
    let acked = 0;
    let sent = 0;
    let stop = false;
    const workers = [0, 1, 2, 3].map(async () => {
      const c = await RawConn.connect(s.port);
      try {
        while (!stop) {
          const batch: (string | number)[][] = [];
          for (let i = 0; i < 20; i++) batch.push(["INCR", "ctr"]);
          for (const a of batch) c.send(encodeRequest(a));
          sent += batch.length;
          for (let i = 0; i < batch.length; i++) {
            await c.read();
            acked++;
          }
        }
      } catch { /* the connection dies with the server */ }
    });
    await waitFor("some acknowledged writes", () => Promise.resolve(acked >= 2000));
    const ackedAtKill = acked;
    spawnSync("kill", ["-9", String(pid)]);
    stop = true;
    await s.exited;
    await Promise.all(workers);
    await withServer(dir, AOF, async (c) => {
      const n = Number(await c.call("GET", "ctr"));
      assert.ok(n >= ackedAtKill, `${n} < ${ackedAtKill} acknowledged`);
      assert.ok(n <= sent, `${n} > ${sent} sent`);
    });
  },
});

Deno.test({
  ...opts,
  name: "appendfsync everysec: writes older than a second survive SIGKILL",
  ignore: !ownTarget,
  fn: async () => {
    const dir = tempDir();
    const s = await startServer(["--dir", dir, "--appendonly", "yes", "--appendfsync", "everysec"]);
    const c = await RawConn.connect(s.port);
    const cmds: (string | number)[][] = [];
    for (let i = 0; i < 500; i++) cmds.push(["SET", `k${i}`, `v${i}`]);
    await pipeline(c, cmds);
    await new Promise((r) => setTimeout(r, 1500));
    spawnSync("kill", ["-9", String(await pidOf(c))]);
    await s.exited;
    c.close();
    await withServer(dir, ["--appendonly", "yes"], async (c2) => {
      assert.equal(await c2.call("DBSIZE"), 500);
    });
  },
});

Deno.test({
  ...opts,
  name: "CONFIG SET appendonly no stops appending; the files stay as they were",
  ignore: !ownTarget,
  fn: async () => {
    const dir = tempDir();
    await withServer(dir, AOF, async (c) => {
      await c.call("SET", "a", "1");
      assert.equal(await c.call("CONFIG", "SET", "appendonly", "no"), "OK");
      assert.equal(field(await persistence(c), "aof_enabled"), "0");
      await c.call("SET", "b", "2");
      assert.deepEqual(incrCommands(dir), [["SELECT", "0"], ["SET", "a", "1"]]);
    });
  },
});

Deno.test({
  ...opts,
  name: "aof-timestamp-enabled writes #TS annotations, which loading skips",
  ignore: !ownTarget,
  fn: async () => {
    const dir = tempDir();
    await withServer(dir, [...AOF, "--aof-timestamp-enabled", "yes"], async (c) => {
      const before = Math.floor(Date.now() / 1000);
      await c.call("SET", "a", "1");
      const text = fs.readFileSync(path.join(dir, "appendonlydir", "appendonly.aof.1.incr.aof"), "latin1");
      const m = /^#TS:(\d+)\r\n\*2\r\n\$6\r\nSELECT/.exec(text);
      assert.ok(m !== null, JSON.stringify(text.slice(0, 40)));
      assert.ok(Number(m[1]) >= before && Number(m[1]) <= before + 2);
    });
    await withServer(dir, ["--appendonly", "yes"], async (c) => {
      assert.equal(await c.call("GET", "a"), "1");
    });
  },
});

Deno.test({
  ...opts,
  name: "an unknown command in the AOF stops the start with Valkey's error",
  ignore: !ownTarget,
  fn: async () => {
    const dir = tempDir();
    await withServer(dir, AOF, async (c) => {
      await c.call("SET", "a", "1");
    });
    fs.appendFileSync(
      path.join(dir, "appendonlydir", "appendonly.aof.1.incr.aof"),
      "*2\r\n$10\r\nNOSUCHCMD1\r\n$1\r\nx\r\n",
    );
    const err = await startServer(["--dir", dir, "--appendonly", "yes"]).then(() => null, (e: Error) => e);
    assert.ok(err instanceof Error);
    if (isValkyr()) {
      assert.match(
        err.message,
        /Error reading the append only file appendonly\.aof\.1\.incr\.aof, error: unknown command 'NOSUCHCMD1'/,
      );
    }
  },
});

Deno.test({
  ...opts,
  name: "a command-form rewrite (aof-use-rdb-preamble no) while clients write loses nothing",
  ignore: !ownTarget,
  fn: async () => {
    const dir = tempDir();
    await withServer(dir, [...AOF, "--aof-use-rdb-preamble", "no"], async (c) => {
      const fill: (string | number)[][] = [];
      for (let i = 0; i < 3000; i++) {
        fill.push(["SET", `k${i}`, `v${i}`], ["RPUSH", `l${i % 50}`, `e${i}`], ["ZADD", "z", i, `m${i}`]);
      }
      fill.push(["HSET", "h", "a", "1", "b", "2"], ["SADD", "s", "x", "y"], ["PEXPIRE", "k1", "1000000"]);
      await pipeline(c, fill);
      await c.call("CONFIG", "SET", "rdb-key-save-delay", "300");
      assert.equal(await c.call("BGREWRITEAOF"), "Background append only file rewriting started");
      const during: (string | number)[][] = [];
      for (let i = 0; i < 500; i++) {
        during.push(["SET", `k${i * 3}`, "changed"], ["DEL", `k${i * 3 + 1}`], [
          "LPUSH",
          `l${i % 50}`,
          "new",
        ]);
      }
      during.push(["HDEL", "h", "a"], ["ZINCRBY", "z", "0.5", "m7"]);
      await pipeline(c, during);
      assert.equal(field(await persistence(c), "aof_rewrite_in_progress"), "1");
      await c.call("CONFIG", "SET", "rdb-key-save-delay", "0");
      await waitRewriteDone(c);
      assert.equal(field(await persistence(c), "aof_last_bgrewrite_status"), "ok");
      assert.equal(manifest(dir)[0]![0], "appendonly.aof.2.base.aof");
    });
    await withServer(dir, ["--appendonly", "yes"], async (c) => {
      assert.equal(await c.call("GET", "k0"), "changed");
      assert.equal(await c.call("GET", "k1"), null);
      assert.equal(await c.call("GET", "k2"), "v2");
      assert.equal(await c.call("GET", "k1502"), "v1502");
      assert.equal(await c.call("LLEN", "l0"), 60 + 10);
      assert.equal(await c.call("LINDEX", "l0", "0"), "new");
      assert.equal(await c.call("ZCARD", "z"), 3000);
      assert.equal(await c.call("ZSCORE", "z", "m7"), "7.5");
      assert.deepEqual(await c.call("HGETALL", "h"), ["b", "2"]);
      assert.equal(await c.call("SCARD", "s"), 2);
      assert.equal(await c.call("DBSIZE"), 3000 - 500 + 50 + 3);
    });
  },
});

Deno.test({
  ...opts,
  name: "commands replayed from the AOF are not refused by module limits lowered since (isFromPrimaryOrAof)",
  ignore: !ownTarget || !isValkyr(),
  fn: async () => {
    const dir = tempDir();
    const big = JSON.stringify({ items: Array.from({ length: 200 }, (_, i) => `value-${i}`) });
    await withServer(dir, AOF, async (c) => {
      assert.equal(await c.call("JSON.SET", "doc", "$", big), "OK");
    });
    await withServer(dir, [...AOF, "--json.max-document-size", "100"], async (c) => {
      assert.equal(await c.call("JSON.GET", "doc", "$.items[199]"), '["value-199"]');
      // A client's write over the limit is still refused.
      const r = await c.call("JSON.SET", "doc2", "$", big);
      assert.ok(r instanceof RespError, String(r));
    });
  },
});

/** RESP commands, as an AOF holds them. */
function respCommands(cmds: string[][]): Uint8Array {
  const parts = cmds.map((a) => encodeRequest(a));
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) (out.set(p, off), off += p.length);
  return out;
}

const MIGRATED =
  "Successfully migrated an old-style AOF file (appendonly.aof) into the AOF directory (appendonlydir).";

Deno.test({
  ...opts,
  name: "an appendonly.aof from before 7.0 (no appenddirname) is migrated into appendonlydir at start",
  ignore: !ownTarget,
  fn: async () => {
    const dir = tempDir();
    fs.writeFileSync(
      path.join(dir, "appendonly.aof"),
      respCommands([
        ["SELECT", "0"],
        ["SET", "s", "v"],
        ["RPUSH", "l", "1", "2", "3"],
        ["MULTI"],
        ["INCR", "n"],
        ["INCR", "n"],
        ["EXEC"],
        ["SELECT", "5"],
        ["SET", "in5", "yes"],
      ]),
    );
    await withServer(dir, AOF, async (c, s) => {
      assert.equal(await c.call("GET", "s"), "v");
      assert.deepEqual(await c.call("LRANGE", "l", "0", "-1"), ["1", "2", "3"]);
      assert.equal(await c.call("GET", "n"), "2");
      await c.call("SELECT", "5");
      assert.equal(await c.call("GET", "in5"), "yes");
      assert.ok(s.output().includes(MIGRATED), s.output());
      assert.ok(!fs.existsSync(path.join(dir, "appendonly.aof")));
      assert.ok(fs.existsSync(path.join(dir, "appendonlydir", "appendonly.aof")));
      assert.equal(
        manifestText(dir),
        "file appendonly.aof seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n",
      );
      await c.call("SELECT", "0");
      await c.call("SET", "after", "1");
      // The next rewrite makes a numbered base; the old file is history, then deleted.
      assert.equal(await c.call("BGREWRITEAOF"), "Background append only file rewriting started");
      await waitRewriteDone(c);
      assert.deepEqual(manifest(dir), [["appendonly.aof.2.base.rdb", 2, "b"], [
        "appendonly.aof.2.incr.aof",
        2,
        "i",
      ]]);
      await waitFor(
        "the old file's removal",
        () => Promise.resolve(!fs.existsSync(path.join(dir, "appendonlydir", "appendonly.aof"))),
      );
      await c.call("SET", "after2", "2");
    });
    await withServer(dir, AOF, async (c, s) => {
      assert.ok(!s.output().includes(MIGRATED));
      assert.equal(await c.call("GET", "s"), "v");
      assert.equal(await c.call("GET", "after"), "1");
      assert.equal(await c.call("GET", "after2"), "2");
      assert.equal(await c.call("GET", "n"), "2");
    });
  },
});

Deno.test({
  ...opts,
  name: "an old single-file AOF with an RDB preamble and a command tail loads and is migrated",
  ignore: !ownTarget,
  fn: async () => {
    const src = tempDir();
    await withServer(src, [], async (c) => {
      await c.call("SET", "s", "from-rdb");
      await c.call("RPUSH", "l", "1", "2");
      await c.call("HSET", "h", "f", "v");
      await c.call("SET", "t", "v", "EX", "1000");
      assert.equal(await c.call("SAVE"), "OK");
    });
    const rdb = fs.readFileSync(path.join(src, "dump.rdb"));
    const dir = tempDir();
    const tail = respCommands([["SELECT", "0"], ["RPUSH", "l", "3"], ["SET", "tail", "yes"], ["DEL", "h"]]);
    const file = new Uint8Array(rdb.length + tail.length);
    file.set(rdb, 0);
    file.set(tail, rdb.length);
    fs.writeFileSync(path.join(dir, "appendonly.aof"), file);
    await withServer(dir, AOF, async (c, s) => {
      assert.equal(await c.call("GET", "s"), "from-rdb");
      assert.deepEqual(await c.call("LRANGE", "l", "0", "-1"), ["1", "2", "3"]);
      assert.equal(await c.call("GET", "tail"), "yes");
      assert.equal(await c.call("EXISTS", "h"), 0);
      const ttl = Number(await c.call("TTL", "t"));
      assert.ok(ttl > 900 && ttl <= 1000, `ttl ${ttl}`);
      const out = s.output();
      assert.ok(out.includes(MIGRATED), out);
      assert.ok(out.includes("Reading RDB preamble from AOF file..."), out);
      assert.ok(out.includes("Reading the remaining AOF tail..."), out);
      assert.ok(out.includes("DB loaded from base file appendonly.aof: "), out);
    });
  },
});

Deno.test({
  ...opts,
  name: "DEBUG LOADAOF: flushes the buffer, empties the dataset and loads the AOF on disk back",
  ignore: !ownTarget,
  fn: async () => {
    const dir = tempDir();
    await withServer(dir, ["--appendonly", "yes", "--appendfsync", "everysec"], async (c, s) => {
      await c.call("SET", "a", "1");
      await c.call("RPUSH", "l", "x", "y");
      await c.call("SELECT", "3");
      await c.call("SET", "b", "2");
      // A command put in the incr file behind the server's back is there after the reload: it reads the disk.
      // With everysec, redis-server 7.0 may postpone writing its buffer while a background fsync runs: wait
      // until SET b is in the file, and give the injected command its own SELECT.
      const incr = manifest(dir).filter((f) => f[2] === "i").pop()![0];
      const incrPath = path.join(dir, "appendonlydir", incr);
      await waitUntil(
        () => fs.readFileSync(incrPath, "latin1").includes("$1\r\nb\r\n$1\r\n2\r\n"),
        "SET b in the incr file",
      );
      fs.appendFileSync(incrPath, respCommands([["SELECT", "3"], ["SET", "injected", "yes"]]));
      assert.equal(await c.call("DEBUG", "LOADAOF"), "OK");
      assert.equal(await c.call("GET", "b"), "2");
      assert.equal(await c.call("GET", "injected"), "yes");
      await c.call("SELECT", "0");
      assert.equal(await c.call("GET", "a"), "1");
      assert.deepEqual(await c.call("LRANGE", "l", "0", "-1"), ["x", "y"]);
      assert.equal(await c.call("DBSIZE"), 2);
      await waitForLog(s.output, /Append Only File loaded by DEBUG LOADAOF/);
      // The reload did not write anything to the AOF: a restart has the same data.
      assert.equal(await c.call("SET", "c", "3"), "OK");
    });
    await withServer(dir, ["--appendonly", "yes"], async (c) => {
      assert.equal(await c.call("DBSIZE"), 3);
      await c.call("SELECT", "3");
      assert.equal(await c.call("DBSIZE"), 2);
    });
    // No AOF on disk: an error, and the dataset was emptied first (redis-server 7.0 crashes on an assertion).
    if (!isValkeyLike()) return;
    await withServer(tempDir(), [], async (c) => {
      await c.call("SET", "k", "v");
      const r = await c.call("DEBUG", "LOADAOF");
      assert.ok(r instanceof RespError);
      assert.equal(r.message, "ERR Error trying to load the AOF files, check server logs.");
      assert.equal(await c.call("DBSIZE"), 0);
    });
  },
});
