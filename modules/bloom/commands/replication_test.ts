/**
 * What the Bloom commands propagate and notify, checked through a recording command context (the server
 * has no replicas or AOF yet, so this is where the replication form is proven).
 */

import assert from "node:assert/strict";
import type { CommandContext, DataTypeHandle, ModuleReply } from "../../../core/module_api/mod.ts";
import { WRONG_TYPE } from "../../../core/module_api/mod.ts";
import { BloomObject, FIXED_SEED } from "../bloom.ts";
import { bloomCommands } from "./mod.ts";
import { setBloomType } from "./common.ts";

const dec = new TextDecoder();
const enc = (s: string) => new TextEncoder().encode(s);
const HANDLE: DataTypeHandle<BloomObject> = { name: "bloomfltr", encver: 1, moduleId: 0n };
setBloomType(HANDLE);

const CONFIG: Record<string, number | string | boolean> = {
  "bloom-capacity": 100,
  "bloom-expansion": 2,
  "bloom-fp-rate": "0.01",
  "bloom-tightening-ratio": "0.5",
  "bloom-memory-usage-limit": 134217728,
  "bloom-use-random-seed": false,
};

/** A keyspace of Bloom objects (and one string key) plus a log of replies, propagation and events. */
class World {
  keys = new Map<string, BloomObject | "string">();
  log: string[] = [];
  replicated: (string | Uint8Array)[][] = [];
  fromPrimary = false;

  run(...words: (string | Uint8Array)[]): string {
    const argv = words.map((w) => typeof w === "string" ? enc(w) : w);
    const word = dec.decode(argv[0]!).toLowerCase();
    const spec = bloomCommands.find((c) => c.name.toLowerCase() === word)!;
    const out: string[] = [];
    const reply: ModuleReply = {
      simple: (s) => void out.push(`+${s}`),
      error: (m) => void out.push(`-${m}`),
      ok: () => void out.push("+OK"),
      int: (n) => void out.push(`:${n}`),
      bulk: (b) => void out.push(`$${dec.decode(b)}`),
      bulkStr: (s) => void out.push(`$${s}`),
      nullBulk: () => void out.push("nil"),
      nullArray: () => void out.push("nil"),
      null: () => void out.push("nil"),
      arrayHeader: (n) => void out.push(`*${n}`),
      mapHeader: (n) => void out.push(`%${n}`),
      setHeader: (n) => void out.push(`~${n}`),
      double: (d) => void out.push(`,${d}`),
      bool: (b) => void out.push(`#${b}`),
      verbatim: (s) => void out.push(`=${s}`),
      bigNumber: (s) => void out.push(`(${s}`),
      callReply: (r) => (out.push(`reply:${r.type}`), true),
    };
    const ctx = {
      argv,
      resp: 2,
      dbId: 0,
      clientId: 1,
      now: Date.now(),
      reply,
      wrongArity: () => out.push("-arity"),
      replyWrongType: () => out.push("-WRONGTYPE"),
      getValue: (_t: unknown, key: Uint8Array) => {
        const v = this.keys.get(dec.decode(key));
        return v === undefined ? null : v === "string" ? WRONG_TYPE : v;
      },
      setValue: (_t: unknown, key: Uint8Array, v: BloomObject) => void this.keys.set(dec.decode(key), v),
      signalModifiedKey: (key: Uint8Array) => void this.log.push(`modified ${dec.decode(key)}`),
      notifyKeyspaceEvent: (cls: string, event: string, key: Uint8Array) =>
        void this.log.push(`event ${cls} ${event} ${dec.decode(key)}`),
      replicateVerbatim: () => void this.replicated.push(argv),
      replicate: (cmd: string, args: (string | Uint8Array)[]) => void this.replicated.push([cmd, ...args]),
      isFromPrimaryOrAof: () => this.fromPrimary,
      config: (name: string) => CONFIG[name]!,
    } as unknown as CommandContext;
    spec.handler!(ctx);
    return out.join(" ");
  }

  /** The last propagated command as text (binary SEED shown as <seed>). */
  lastReplicated(): string {
    const cmd = this.replicated[this.replicated.length - 1];
    if (cmd === undefined) return "";
    return cmd.map((w, i) => {
      const s = typeof w === "string" ? w : dec.decode(w);
      const prev = cmd[i - 1];
      return prev !== undefined && (typeof prev === "string" ? prev : dec.decode(prev)) === "SEED"
        ? "<seed>"
        : s;
    }).join(" ");
  }
}

Deno.test("a creating BF.ADD propagates the object's exact properties as BF.INSERT, then fires add and reserve", () => {
  const w = new World();
  assert.equal(w.run("BF.ADD", "k", "a"), ":1");
  assert.equal(
    w.lastReplicated(),
    "BF.INSERT k CAPACITY 100 ERROR 0.01 TIGHTENING 0.5 SEED <seed> EXPANSION 2 ITEMS a",
  );
  assert.deepEqual(w.replicated[0]![9], FIXED_SEED);
  assert.deepEqual(w.log, ["modified k", "event g bloom.add k", "event g bloom.reserve k"]);
});

Deno.test("adds to an existing filter propagate verbatim, and not at all when nothing was new", () => {
  const w = new World();
  w.run("BF.ADD", "k", "a");
  w.replicated = [];
  w.log = [];
  assert.equal(w.run("BF.MADD", "k", "a", "b"), "*2 :0 :1");
  assert.equal(w.lastReplicated(), "BF.MADD k a b");
  assert.deepEqual(w.log, ["modified k", "event g bloom.add k"]);
  w.replicated = [];
  w.log = [];
  assert.equal(w.run("BF.ADD", "k", "a"), ":0");
  assert.equal(w.run("BF.EXISTS", "k", "a"), ":1");
  assert.deepEqual(w.replicated, []);
  assert.deepEqual(w.log, []);
});

Deno.test("BF.RESERVE NONSCALING and BF.INSERT with a small error rate propagate in Rust's float form", () => {
  const w = new World();
  assert.equal(w.run("BF.RESERVE", "r", "0.0000001", "1000", "NONSCALING"), "+OK");
  assert.equal(
    w.lastReplicated(),
    "BF.INSERT r CAPACITY 1000 ERROR 0.0000001 TIGHTENING 0.5 SEED <seed> NONSCALING",
  );
  assert.deepEqual(w.log, ["modified r", "event g bloom.reserve r"]);
  assert.equal(w.run("BF.INSERT", "i", "ERROR", "1e-10", "TIGHTENING", "0.25", "EXPANSION", "3"), "*0");
  assert.equal(
    w.lastReplicated(),
    "BF.INSERT i CAPACITY 100 ERROR 0.0000000001 TIGHTENING 0.25 SEED <seed> EXPANSION 3",
  );
});

Deno.test("a multi-item add stopped by an error propagates only the items it processed", () => {
  const w = new World();
  w.run("BF.RESERVE", "n", "0.01", "2", "NONSCALING");
  w.replicated = [];
  assert.equal(w.run("BF.MADD", "n", "a", "b", "c", "d"), "*3 :1 :1 -ERR non scaling filter is full");
  assert.equal(w.lastReplicated(), "BF.MADD n a b");
  assert.equal(w.run("BF.INSERT", "n", "ITEMS", "a", "z"), "*2 :0 -ERR non scaling filter is full");
  assert.equal(w.lastReplicated(), "BF.MADD n a b"); // nothing new: not propagated
  // A creating BF.INSERT that fills up: the creation carries only the processed items.
  assert.equal(
    w.run("BF.INSERT", "m", "CAPACITY", "1", "NONSCALING", "ITEMS", "x", "y"),
    "*2 :1 -ERR non scaling filter is full",
  );
  assert.equal(
    w.lastReplicated(),
    "BF.INSERT m CAPACITY 1 ERROR 0.01 TIGHTENING 0.5 SEED <seed> NONSCALING ITEMS x",
  );
});

Deno.test("the replicated BF.INSERT rebuilds the same object, skipping the size limit from the primary", () => {
  const primary = new World();
  primary.run(
    "BF.INSERT",
    "k",
    "CAPACITY",
    "50",
    "ERROR",
    "0.001",
    "ITEMS",
    ...Array.from({ length: 120 }, (_, i) => `v${i}`),
  );
  const replica = new World();
  replica.fromPrimary = true;
  CONFIG["bloom-memory-usage-limit"] = 10; // the replica's own limit does not apply to the primary's stream
  try {
    for (const cmd of primary.replicated) replica.run(...cmd);
  } finally {
    CONFIG["bloom-memory-usage-limit"] = 134217728;
  }
  assert.deepEqual(replica.keys.get("k"), primary.keys.get("k"));
  assert.deepEqual(
    (replica.keys.get("k") as BloomObject).encode(),
    (primary.keys.get("k") as BloomObject).encode(),
  );
});

Deno.test("BF.LOAD propagates verbatim and fires bloom.reserve", () => {
  const w = new World();
  w.run("BF.ADD", "src", "a");
  const blob = (w.keys.get("src") as BloomObject).encode();
  w.replicated = [];
  w.log = [];
  assert.equal(w.run("BF.LOAD", "dst", blob), "+OK");
  assert.equal(w.replicated.length, 1);
  assert.equal(dec.decode(w.replicated[0]![0] as Uint8Array), "BF.LOAD");
  assert.deepEqual(w.log, ["modified dst", "event g bloom.reserve dst"]);
  assert.equal(w.run("BF.EXISTS", "dst", "a"), ":1");
});

Deno.test("WRONGTYPE comes after argument parsing, as in valkey-bloom", () => {
  const w = new World();
  w.keys.set("s", "string");
  assert.equal(w.run("BF.RESERVE", "s", "2", "100"), "-ERR (0 < error rate range < 1)");
  assert.equal(
    w.run("BF.RESERVE", "s", "0.1", "100"),
    "-WRONGTYPE Operation against a key holding the wrong kind of value",
  );
  assert.equal(w.run("BF.INSERT", "s", "FOO"), "-ERR unknown argument received");
  assert.equal(
    w.run("BF.INSERT", "s", "ITEMS", "x"),
    "-WRONGTYPE Operation against a key holding the wrong kind of value",
  );
});
