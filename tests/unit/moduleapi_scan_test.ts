/**
 * The module API's keyspace walk (`ctx.createScanCursor()` / `ctx.scan()`, Valkey's RM_ScanCursorCreate /
 * RM_Scan) over TCP, through a user's module loaded with MODULE LOAD: a full walk reports every key once
 * with its type; module values come back for the module's own type and WRONG_TYPE for others; a walk
 * kept across commands reports every key that stayed, while the table grows or shrinks in between; a
 * callback may delete the key it is given; logically expired keys are skipped; a bad cursor is an error,
 * never a dead server. Valkyr only (its modules are TypeScript / JavaScript files).
 */

import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { isValkyr, startServer } from "../helpers/server.ts";
import { assertError, connTest } from "../helpers/suite.ts";
import type { RawConn } from "../helpers/raw.ts";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "valkyr-modscan-"));
const SCANMOD = path.join(dir, "scanmod.js");
fs.writeFileSync(
  SCANMOD,
  `const td = new TextDecoder();
let type = null;
let slice = null;
const WRONG = Symbol.for("valkyr.module_api.WRONGTYPE");
function replyKeys(ctx, keys) {
  ctx.reply.arrayHeader(keys.length);
  for (const k of keys) ctx.reply.bulk(k);
}
export const manifest = {
  name: "scanmod", version: 1, apiVersion: 1,
  dataTypes: [{
    name: "scanmtype", encver: 0,
    rdbSave(io, v) { io.saveSigned(v.n); },
    rdbLoad: (io) => ({ n: Number(io.loadSigned()) }),
    aofRewrite(emit, key, v) { emit("scanmod.set", key, String(v.n)); },
    memUsage: () => 16,
  }],
  commands: [
    { name: "scanmod.set", arity: 3, flags: ["WRITE"], keySpecs: [], handler(ctx) {
      ctx.setValue(type, ctx.argv[1], { n: Number(td.decode(ctx.argv[2])) });
      ctx.reply.ok();
    } },
    // every key with its type, in one walk; also counts the steps it took
    { name: "scanmod.all", arity: 1, flags: ["READONLY"], handler(ctx) {
      const out = [];
      const c = ctx.createScanCursor();
      let steps = 0;
      while (ctx.scan(c, (key, e) => { out.push(td.decode(key) + ":" + e.type); })) steps++;
      if (!c.done || ctx.scan(c, () => { throw new Error("walked past the end"); })) {
        return ctx.reply.error("ERR cursor not done");
      }
      ctx.reply.arrayHeader(2);
      ctx.reply.int(steps);
      ctx.reply.arrayHeader(out.length);
      for (const s of out) ctx.reply.bulkStr(s);
    } },
    // the sum of n over the keys holding scanmtype values, and how many keys were of another type
    { name: "scanmod.sum", arity: 1, flags: ["READONLY"], handler(ctx) {
      let sum = 0, other = 0;
      const c = ctx.createScanCursor();
      while (ctx.scan(c, (_k, e) => { const v = e.value(type); if (v === WRONG) other++; else sum += v.n; }));
      ctx.reply.arrayHeader(2);
      ctx.reply.int(sum);
      ctx.reply.int(other);
    } },
    // a walk kept across commands: start, then steps of N scan calls each
    { name: "scanmod.start", arity: 1, flags: ["READONLY"], handler(ctx) {
      slice = ctx.createScanCursor();
      ctx.reply.ok();
    } },
    { name: "scanmod.steps", arity: 2, flags: ["READONLY"], handler(ctx) {
      const keys = [];
      let more = true;
      for (let i = Number(td.decode(ctx.argv[1])); i > 0 && more; i--) {
        more = ctx.scan(slice, (key) => { keys.push(key); });
      }
      ctx.reply.arrayHeader(2);
      ctx.reply.int(more ? 1 : 0);
      replyKeys(ctx, keys);
    } },
    { name: "scanmod.restart", arity: 1, flags: ["READONLY"], handler(ctx) {
      slice.restart();
      ctx.reply.int(slice.done ? 1 : 0);
    } },
    // deletes, from the callback, each key it is given whose type is string
    { name: "scanmod.delstrings", arity: 1, flags: ["WRITE"], handler(ctx) {
      let n = 0;
      const c = ctx.createScanCursor();
      while (ctx.scan(c, (key, e) => { if (e.type === "string" && ctx.deleteKey(key)) n++; }));
      ctx.reply.int(n);
    } },
    // overwrites every scanmtype value it meets with n + 1 (a write to the key being reported)
    { name: "scanmod.incrall", arity: 1, flags: ["WRITE"], handler(ctx) {
      let n = 0;
      const c = ctx.createScanCursor();
      while (ctx.scan(c, (key, e) => {
        const v = e.value(type);
        if (v !== WRONG) { ctx.setValue(type, key, { n: v.n + 1 }); n++; }
      }));
      ctx.reply.int(n);
    } },
    { name: "scanmod.expireat", arity: 2, flags: ["READONLY"], handler(ctx) {
      let at = -2;
      const c = ctx.createScanCursor();
      while (ctx.scan(c, (key, e) => { if (td.decode(key) === td.decode(ctx.argv[1])) at = e.expireAt; }));
      ctx.reply.int(at);
    } },
    { name: "scanmod.badcursor", arity: 1, flags: ["READONLY"], handler(ctx) {
      ctx.scan({ done: false, restart() {} }, () => {});
      ctx.reply.ok();
    } },
  ],
  onLoad(ctx) { type = ctx.dataType("scanmtype"); },
};
`,
);

const srv = await startServer(isValkyr() ? ["--loadmodule", SCANMOD] : []);
const t = connTest(srv, { before: (c) => c.call("FLUSHALL"), defaults: { ignore: !isValkyr() } });

/** Sets `n` string keys `<prefix><i>` with MSET batches. */
async function fill(c: RawConn, prefix: string, n: number): Promise<void> {
  for (let i = 0; i < n; i += 500) {
    const args: string[] = [];
    for (let j = i; j < Math.min(n, i + 500); j++) args.push(`${prefix}${j}`, "v");
    assert.equal(await c.call("MSET", ...args), "OK");
  }
}

/** Runs a sliced walk to its end; returns how many times each key was reported. */
async function finishWalk(c: RawConn, seen: Map<string, number>, stepsPerCall = 16): Promise<void> {
  for (;;) {
    const [more, keys] = await c.call("scanmod.steps", String(stepsPerCall)) as [number, string[]];
    for (const k of keys) seen.set(k, (seen.get(k) ?? 0) + 1);
    if (more === 0) return;
  }
}

t("a full walk reports every key of the selected database once, with its type", async (c) => {
  assert.deepEqual(await c.call("scanmod.all"), [0, []], "an empty database: no key, no step");
  await fill(c, "s", 300);
  assert.equal(await c.call("RPUSH", "list", "a"), 1);
  assert.equal(await c.call("HSET", "hash", "f", "v"), 1);
  assert.equal(await c.call("scanmod.set", "mine", "7"), "OK");
  assert.equal(await c.call("SELECT", "1"), "OK");
  assert.equal(await c.call("SET", "elsewhere", "x"), "OK");
  assert.deepEqual(await c.call("scanmod.all"), [0, ["elsewhere:string"]]);
  assert.equal(await c.call("SELECT", "0"), "OK");
  const [steps, all] = await c.call("scanmod.all") as [number, string[]];
  assert.equal(all.length, 303);
  assert.equal(new Set(all).size, 303, "no key twice in a walk without resizes");
  assert.ok(all.includes("list:list") && all.includes("hash:hash") && all.includes("mine:scanmtype"));
  assert.ok(all.includes("s299:string"));
  assert.ok(steps > 10, `one bucket per step (${steps} steps for 303 keys)`);
});

t("entry.value gives the module's own values, WRONG_TYPE for other types", async (c) => {
  for (let i = 1; i <= 20; i++) assert.equal(await c.call("scanmod.set", `m${i}`, String(i)), "OK");
  await fill(c, "s", 30);
  assert.equal(await c.call("SADD", "set", "x"), 1);
  assert.deepEqual(await c.call("scanmod.sum"), [210, 31]);
  assert.equal(await c.call("scanmod.incrall"), 20, "each value reported once even when overwritten");
  assert.deepEqual(await c.call("scanmod.sum"), [230, 31]);
});

t("a walk kept across commands reports every key that stayed while the table grows", async (c) => {
  await fill(c, "keep", 200);
  assert.equal(await c.call("scanmod.start"), "OK");
  const seen = new Map<string, number>();
  const [more, keys] = await c.call("scanmod.steps", "8") as [number, string[]];
  assert.equal(more, 1);
  for (const k of keys) seen.set(k, 1);
  await fill(c, "grow", 20000); // the keyspace table doubles several times between two steps
  await finishWalk(c, seen, 64);
  for (let i = 0; i < 200; i++) assert.ok(seen.has(`keep${i}`), `keep${i} reported`);
  for (const [k, n] of seen) assert.ok(n <= 2, `${k} reported ${n} times`);
});

t("a walk kept across commands reports every key that stayed while the table shrinks", async (c) => {
  await fill(c, "keep", 200);
  await fill(c, "tmp", 20000);
  assert.equal(await c.call("scanmod.start"), "OK");
  const seen = new Map<string, number>();
  const [, keys] = await c.call("scanmod.steps", "300") as [number, string[]];
  for (const k of keys) seen.set(k, 1);
  for (let i = 0; i < 20000; i += 1000) {
    const args = Array.from({ length: 1000 }, (_, j) => `tmp${i + j}`);
    assert.equal(await c.call("DEL", ...args), 1000);
  }
  await new Promise((r) => setTimeout(r, 300)); // cron ticks: the table may shrink now
  await finishWalk(c, seen, 64);
  for (let i = 0; i < 200; i++) assert.ok(seen.has(`keep${i}`), `keep${i} reported`);
  assert.equal(await c.call("scanmod.restart"), 0, "restart: not done any more");
  const again = new Map<string, number>();
  await finishWalk(c, again);
  assert.equal(again.size, 200);
  assert.deepEqual(await c.call("scanmod.steps", "1"), [0, []], "a finished cursor stays finished");
});

t("a callback may delete the key it is given", async (c) => {
  await fill(c, "s", 1000);
  for (let i = 0; i < 10; i++) assert.equal(await c.call("scanmod.set", `m${i}`, "1"), "OK");
  assert.equal(await c.call("scanmod.delstrings"), 1000);
  assert.equal(await c.call("DBSIZE"), 10);
  assert.deepEqual(await c.call("scanmod.sum"), [10, 0]);
});

t("logically expired keys are skipped; entry.expireAt is the absolute expiry", async (c) => {
  assert.equal(await c.call("DEBUG", "SET-ACTIVE-EXPIRE", "0"), "OK");
  try {
    assert.equal(await c.call("SET", "gone", "v", "PX", "1"), "OK");
    assert.equal(await c.call("SET", "later", "v", "PXAT", "99999999999999"), "OK");
    assert.equal(await c.call("SET", "forever", "v"), "OK");
    await new Promise((r) => setTimeout(r, 30));
    const [, all] = await c.call("scanmod.all") as [number, string[]];
    assert.deepEqual(all.sort(), ["forever:string", "later:string"]);
    assert.equal(await c.call("scanmod.expireat", "later"), 99999999999999);
    assert.equal(await c.call("scanmod.expireat", "forever"), -1);
  } finally {
    await c.call("DEBUG", "SET-ACTIVE-EXPIRE", "1");
  }
});

t("a cursor the server did not make is an error reply, and the server lives on", async (c) => {
  assertError(await c.call("scanmod.badcursor"), "ERR not a scan cursor of this server");
  assert.equal(await c.call("PING"), "PONG");
});

Deno.test({
  name: "stop the server",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    await srv.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  },
});
