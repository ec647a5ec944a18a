/**
 * An example Valkyr module: `hellotype`, a data type holding a sorted list of 64-bit integers, with three
 * commands, a config and persistence callbacks. Load it at run time:
 *
 *     valkyr --loadmodule examples/modules/hellotype.ts
 *     MODULE LOAD /abs/path/examples/modules/hellotype.ts
 *     MODULE LOADEX /abs/path/examples/modules/hellotype.ts CONFIG hellotype.max-len 100
 *
 * Commands:
 * - `HELLOTYPE.INSERT key value [value ...]`: adds integers (kept sorted); replies the new length.
 * - `HELLOTYPE.RANGE key first count`: up to `count` elements from index `first`.
 * - `HELLOTYPE.LEN key`: the number of elements (0 for a missing key).
 *
 * Config: `hellotype.max-len` (numeric, default 1000, 1..1000000): an insert that would grow a list past
 * it fails with `ERR hellotype list is full`. Module arguments may set it (`max-len 100`, see
 * `argsAsConfig`).
 *
 * DEBUG DIGEST covers its values; active defrag shrinks lists whose array has much unused room.
 *
 * It imports only types from the module API, and gets the runtime values it needs (WRONG_TYPE, ModuleError,
 * number parsing) from `createModule(api)`, so the file works anywhere: from Valkyr's sources or in the
 * compiled executable. See docs/writing_a_module.md.
 *
 * @module
 */

import type {
  CommandContext,
  DataTypeHandle,
  DefragContext,
  DigestBuilder,
  ModuleManifest,
  ModuleRuntime,
  RdbInput,
  RdbOutput,
} from "../../core/module_api/mod.ts";

/** The value: integers in ascending order (duplicates kept), in a growable BigInt64Array. */
export class HelloList {
  items: BigInt64Array = new BigInt64Array(4);
  length = 0;

  /** Inserts `v` after every element ≤ v (binary search). */
  insert(v: bigint): void {
    let lo = 0;
    let hi = this.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.items[mid]! <= v) lo = mid + 1;
      else hi = mid;
    }
    if (this.length === this.items.length) {
      const bigger = new BigInt64Array(this.items.length * 2);
      bigger.set(this.items);
      this.items = bigger;
    }
    this.items.copyWithin(lo + 1, lo, this.length);
    this.items[lo] = v;
    this.length++;
  }

  range(first: number, count: number): bigint[] {
    const out: bigint[] = [];
    for (let i = Math.max(0, first); i < this.length && out.length < count; i++) out.push(this.items[i]!);
    return out;
  }
}

const ERR_FULL = "ERR hellotype list is full";
const ERR_NOT_INT = "ERR value is not an integer or out of range";
const ERR_WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value";

/** Builds the manifest with the server's runtime values (see the module comment). */
export function createModule(api: ModuleRuntime): ModuleManifest {
  let type: DataTypeHandle<HelloList>;
  /** Values inserted since the module loaded (INFO hellotype_stats). */
  let inserted = 0;
  /** Lists active defrag moved to a smaller array (INFO hellotype_stats). */
  let compacted = 0;

  /** The list under argv[1] for writing: null if missing; replies WRONGTYPE and returns undefined. */
  function open(ctx: CommandContext, mode: "read" | "write"): HelloList | null | undefined {
    const v = ctx.getValue(type, ctx.argv[1]!, mode);
    if (v === api.WRONG_TYPE) {
      ctx.replyWrongType();
      return undefined;
    }
    return v;
  }

  function insert(ctx: CommandContext): void {
    const values: bigint[] = [];
    for (const w of ctx.argv.slice(2)) {
      const n = api.parseI64(w);
      if (n === null) throw new api.ModuleError(ERR_NOT_INT);
      values.push(n);
    }
    const list = open(ctx, "write");
    if (list === undefined) return;
    const max = ctx.config("max-len") as number;
    if ((list?.length ?? 0) + values.length > max) throw new api.ModuleError(ERR_FULL);
    const key = ctx.argv[1]!;
    let target = list;
    if (target === null) {
      target = new HelloList();
      ctx.setValue(type, key, target);
    }
    for (const v of values) target.insert(v);
    inserted += values.length;
    ctx.signalModifiedKey(key);
    ctx.notifyKeyspaceEvent("g", "hellotype.insert", key);
    ctx.replicateVerbatim();
    ctx.reply.int(target.length);
  }

  function range(ctx: CommandContext): void {
    const first = api.parseInt64(ctx.argv[2]!);
    const count = api.parseInt64(ctx.argv[3]!);
    if (first === null || count === null) throw new api.ModuleError(ERR_NOT_INT);
    const list = open(ctx, "read");
    if (list === undefined) return;
    const items = list?.range(first, count) ?? [];
    ctx.reply.arrayHeader(items.length);
    for (const v of items) ctx.reply.int(v);
  }

  function len(ctx: CommandContext): void {
    const list = open(ctx, "read");
    if (list === undefined) return;
    ctx.reply.int(list?.length ?? 0);
  }

  return {
    name: "hellotype",
    version: 1,
    apiVersion: 1,
    aclCategories: ["hello"],
    dataTypes: [{
      name: "hellotype",
      encver: 0,
      rdbSave(io: RdbOutput, v: HelloList): void {
        io.saveUnsigned(v.length);
        for (let i = 0; i < v.length; i++) io.saveSigned(v.items[i]!);
      },
      rdbLoad(io: RdbInput, encver: number): HelloList {
        if (encver !== 0) throw new api.ModuleError(`hellotype: can't load encoding version ${encver}`);
        const v = new HelloList();
        const n = Number(io.loadUnsigned());
        for (let i = 0; i < n; i++) v.insert(io.loadSigned());
        return v;
      },
      aofRewrite(emit, key, v: HelloList): void {
        if (v.length === 0) return;
        emit("HELLOTYPE.INSERT", key, ...v.range(0, v.length).map(String));
      },
      memUsage: (v: HelloList) => 48 + v.items.byteLength,
      length: (v: HelloList) => v.length,
      copy(_from, _to, v: HelloList): HelloList {
        const c = new HelloList();
        c.items = v.items.slice();
        c.length = v.length;
        return c;
      },
      // DEBUG DIGEST: the elements in order, as one sequence.
      digest(d: DigestBuilder, v: HelloList): void {
        for (let i = 0; i < v.length; i++) d.addLongLong(v.items[i]!);
        d.endSequence();
      },
      // Active defrag: a list whose array has over a quarter of it unused (growth doubles the array)
      // moves to a right-sized one; the old array goes to the collector.
      defrag(_key, v: HelloList, ctx: DefragContext): 0 | 1 {
        const room = Math.max(4, v.length);
        if (v.items.length > room + (room >> 2)) {
          v.items = v.items.slice(0, room);
          ctx.moved();
          compacted++;
        }
        return 0;
      },
    }],
    configs: [{ name: "max-len", type: "numeric", default: 1000, min: 1, max: 1_000_000 }],
    // `--loadmodule hellotype.ts max-len 100` sets the config's default (valkeymodule-rs style).
    argsAsConfig: true,
    commands: [
      {
        name: "hellotype.insert",
        summary: "Inserts integers into a sorted hellotype list.",
        since: "1.0.0",
        arity: -3,
        flags: ["WRITE", "DENYOOM"],
        aclCategories: ["hello"],
        keySpecs: [{
          flags: ["RW", "INSERT"],
          beginSearch: { index: { pos: 1 } },
          findKeys: { range: { lastkey: 0, step: 1, limit: 0 } },
        }],
        arguments: [
          { name: "key", type: "key", keySpecIndex: 0 },
          { name: "value", type: "integer", multiple: true },
        ],
        handler: insert,
      },
      {
        name: "hellotype.range",
        summary: "Returns a range of a hellotype list.",
        since: "1.0.0",
        arity: 4,
        flags: ["READONLY"],
        aclCategories: ["hello"],
        keySpecs: [{
          flags: ["RO", "ACCESS"],
          beginSearch: { index: { pos: 1 } },
          findKeys: { range: { lastkey: 0, step: 1, limit: 0 } },
        }],
        arguments: [
          { name: "key", type: "key", keySpecIndex: 0 },
          { name: "first", type: "integer" },
          { name: "count", type: "integer" },
        ],
        handler: range,
      },
      {
        name: "hellotype.len",
        summary: "Returns the length of a hellotype list.",
        since: "1.0.0",
        arity: 2,
        flags: ["READONLY", "FAST"],
        aclCategories: ["hello"],
        keySpecs: [{
          flags: ["RO"],
          beginSearch: { index: { pos: 1 } },
          findKeys: { range: { lastkey: 0, step: 1, limit: 0 } },
        }],
        arguments: [{ name: "key", type: "key", keySpecIndex: 0 }],
        handler: len,
      },
    ],
    info(info): void {
      info.section("stats");
      info.field("inserted_values", inserted);
      info.field("defrag_compacted_lists", compacted);
    },
    onLoad(ctx, args): void {
      type = ctx.dataType<HelloList>("hellotype");
      ctx.log("notice", `hellotype loaded with ${args.length} argument(s)`);
    },
  };
}

export { ERR_FULL, ERR_WRONGTYPE };
