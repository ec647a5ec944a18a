import assert from "node:assert/strict";
import type { CommandSpec, KeySpec, KeySpecFlag } from "../spec.ts";
import { commandKeys, hasKeys, keysFromSpecs, keysWithFlags, legacyRange } from "./keys_from_spec.ts";

const enc = new TextEncoder();
const argv = (...words: string[]) => words.map((w) => enc.encode(w));

function cmd(
  name: string,
  arity: number,
  keySpecs: KeySpec[],
  extra: Partial<CommandSpec> = {},
): CommandSpec {
  return { name, summary: "", since: "1.0.0", group: "generic", arity, flags: [], keySpecs, ...extra };
}

const index = (pos: number) => ({ index: { pos } });
const keyword = (kw: string, startFrom: number) => ({ keyword: { keyword: kw, startFrom } });
const range = (lastkey: number, step = 1, limit = 0) => ({ range: { lastkey, step, limit } });
const keynum = (keynumidx: number, firstkey: number, step = 1) => ({ keynum: { keynumidx, firstkey, step } });
const ks = (
  flags: KeySpecFlag[],
  beginSearch: KeySpec["beginSearch"],
  findKeys: KeySpec["findKeys"],
): KeySpec => ({
  flags,
  beginSearch,
  findKeys,
});

const GET = cmd("get", 2, [ks(["RO", "ACCESS"], index(1), range(0))]);
const MSET = cmd("mset", -3, [ks(["OW", "UPDATE"], index(1), range(-1, 2))]);
const ZUNIONSTORE = cmd("zunionstore", -4, [
  ks(["OW", "UPDATE"], index(1), range(0)),
  ks(["RO", "ACCESS"], index(2), keynum(0, 1)),
]);
const XREAD = cmd("xread", -4, [ks(["RO", "ACCESS"], keyword("STREAMS", 1), range(-1, 1, 2))]);
const MIGRATE = cmd("migrate", -6, [
  ks(["RW", "ACCESS", "DELETE"], index(3), range(0)),
  ks(["RW", "ACCESS", "DELETE", "INCOMPLETE"], keyword("KEYS", -2), range(-1)),
]);
const SORT = cmd("sort", -2, [
  ks(["RO", "ACCESS"], index(1), range(0)),
  ks(["RO", "ACCESS"], { unknown: null }, { unknown: null }),
  ks(["OW", "UPDATE"], { unknown: null }, { unknown: null }),
], {
  getKeys: (a) => {
    const out = [1];
    for (let i = 2; i < a.length - 1; i++) {
      if (new TextDecoder().decode(a[i]).toLowerCase() === "store") out.push(i + 1);
    }
    return out;
  },
});
const EVAL = cmd("eval", -3, [ks(["RW", "ACCESS", "UPDATE"], index(2), keynum(0, 1))], {
  flags: ["NO_MANDATORY_KEYS"],
  getKeys: () => [],
});
const SET = cmd("set", -3, [ks(["RW", "ACCESS", "UPDATE", "VARIABLE_FLAGS"], index(1), range(0))], {
  getKeys: (a) =>
    keysWithFlags([1], [
      a.slice(3).some((w) => new TextDecoder().decode(w).toLowerCase() === "get")
        ? ["RW", "ACCESS", "UPDATE"]
        : ["OW", "UPDATE"],
    ]),
});
const MEMORY_USAGE = cmd("usage", -3, [ks(["RO"], index(2), range(0))]);
const PUBLISH = cmd("spublish", 3, [ks(["NOT_KEY"], index(1), range(0))]);

const positions = (keys: { pos: number }[] | null) => keys?.map((k) => k.pos) ?? null;

Deno.test("a single index+range spec finds the key at its position", () => {
  assert.deepEqual(keysFromSpecs(GET, argv("get", "k")), [{ pos: 1, flags: ["RO", "ACCESS"] }]);
});

Deno.test("a range with a negative last key and a step finds every other word to the end", () => {
  assert.deepEqual(positions(keysFromSpecs(MSET, argv("mset", "a", "1", "b", "2", "c", "3"))), [1, 3, 5]);
});

Deno.test("a keynum spec reads the number of keys and finds them after it", () => {
  const keys = keysFromSpecs(ZUNIONSTORE, argv("zunionstore", "d", "2", "a", "b", "WEIGHTS", "1", "2"));
  assert.deepEqual(keys, [
    { pos: 1, flags: ["OW", "UPDATE"] },
    { pos: 3, flags: ["RO", "ACCESS"] },
    { pos: 4, flags: ["RO", "ACCESS"] },
  ]);
});

Deno.test("a keynum spec fails on a bad, negative, zero or too large key count", () => {
  assert.equal(keysFromSpecs(ZUNIONSTORE, argv("zunionstore", "d", "x", "a")), null);
  assert.equal(keysFromSpecs(ZUNIONSTORE, argv("zunionstore", "d", "-1", "a")), null);
  assert.equal(keysFromSpecs(ZUNIONSTORE, argv("zunionstore", "d", "0", "a")), null);
  assert.equal(keysFromSpecs(ZUNIONSTORE, argv("zunionstore", "d", "3", "a", "b")), null);
});

Deno.test("a keynum count is truncated to 32 bits as Valkey's C int addition does", () => {
  // 2^32 + 1 wraps to 1.
  assert.deepEqual(positions(keysFromSpecs(ZUNIONSTORE, argv("zunionstore", "d", "4294967297", "a", "b"))), [
    1,
    3,
  ]);
});

Deno.test("a keyword spec with a limit takes half of the words after STREAMS", () => {
  const keys = keysFromSpecs(XREAD, argv("xread", "COUNT", "2", "streams", "a", "b", "0", "0"));
  assert.deepEqual(positions(keys), [4, 5]);
});

Deno.test("a keyword spec whose keyword is absent finds nothing but does not fail", () => {
  assert.deepEqual(keysFromSpecs(XREAD, argv("xread", "COUNT", "2", "a", "b")), []);
});

Deno.test("the keyword compare stops at a NUL byte like C strcasecmp", () => {
  const a = argv("xread", "x", "a", "0");
  a[1] = new Uint8Array([...enc.encode("STREAMS"), 0, 65]);
  assert.deepEqual(positions(keysFromSpecs(XREAD, a)), [2]);
});

Deno.test("a backward keyword search from the end finds MIGRATE's KEYS but the spec is incomplete", () => {
  const a = argv("migrate", "h", "6379", "", "0", "5000", "KEYS", "k1", "k2");
  assert.equal(keysFromSpecs(MIGRATE, a), null);
  assert.deepEqual(positions(keysFromSpecs(MIGRATE, a, { partial: true })), [3, 7, 8]);
  assert.deepEqual(positions(keysFromSpecs(MIGRATE, argv("migrate", "h", "6379", "k", "0", "5000"))), [3]);
});

Deno.test("unknown specs fail, or are skipped when partial results are allowed", () => {
  const a = argv("sort", "k", "STORE", "d");
  assert.equal(keysFromSpecs(SORT, a), null);
  assert.deepEqual(positions(keysFromSpecs(SORT, a, { partial: true })), [1]);
});

Deno.test("NOT_KEY specs are skipped unless asked for", () => {
  assert.deepEqual(keysFromSpecs(PUBLISH, argv("spublish", "ch", "msg")), []);
  assert.deepEqual(
    positions(keysFromSpecs(PUBLISH, argv("spublish", "ch", "msg"), { includeNotKeys: true })),
    [1],
  );
  assert.equal(hasKeys(PUBLISH), false);
});

Deno.test("subcommand key positions count from the container word", () => {
  assert.deepEqual(positions(keysFromSpecs(MEMORY_USAGE, argv("memory", "usage", "k"))), [2]);
});

Deno.test("commandKeys falls back to getKeys when the specs fail, with flags from matching specs", () => {
  assert.deepEqual(commandKeys(SORT, argv("sort", "k", "store", "d")), [
    { pos: 1, flags: ["RO", "ACCESS"] },
    { pos: 3, flags: [] },
  ]);
  assert.deepEqual(commandKeys(EVAL, argv("eval", "return 1", "0")), []);
  assert.deepEqual(positions(commandKeys(EVAL, argv("eval", "s", "2", "a", "b", "x"))), [3, 4]);
});

Deno.test("commandKeys prefers getKeys with its own flags over VARIABLE_FLAGS specs", () => {
  assert.deepEqual(commandKeys(SET, argv("set", "k", "v", "GET")), [{
    pos: 1,
    flags: ["RW", "ACCESS", "UPDATE"],
  }]);
  assert.deepEqual(commandKeys(SET, argv("set", "k", "v")), [{ pos: 1, flags: ["OW", "UPDATE"] }]);
});

Deno.test("hasKeys is true for key specs or a getKeys function", () => {
  assert.equal(hasKeys(GET), true);
  assert.equal(hasKeys(cmd("ping", -1, [])), false);
  assert.equal(hasKeys(cmd("x", -1, [], { getKeys: () => [] })), true);
});

Deno.test("the legacy range of one plain spec is that spec", () => {
  assert.deepEqual(legacyRange(GET), { first: 1, last: 1, step: 1, movable: false });
  assert.deepEqual(legacyRange(MSET), { first: 1, last: -1, step: 2, movable: false });
  assert.deepEqual(legacyRange(MEMORY_USAGE), { first: 2, last: 2, step: 1, movable: false });
  assert.deepEqual(legacyRange(cmd("ping", -1, [])), { first: 0, last: 0, step: 0, movable: false });
});

Deno.test("the legacy range glues consecutive range specs and flags the others movable", () => {
  // SMOVE: source (index 1) and destination (index 2) glue into 1..2.
  const smove = cmd("smove", 4, [ks(["RW"], index(1), range(0)), ks(["RW"], index(2), range(0))]);
  assert.deepEqual(legacyRange(smove), { first: 1, last: 2, step: 1, movable: false });
  assert.deepEqual(legacyRange(ZUNIONSTORE), { first: 1, last: 1, step: 1, movable: true });
  assert.deepEqual(legacyRange(MIGRATE), { first: 3, last: 3, step: 1, movable: true });
  assert.deepEqual(legacyRange(SORT), { first: 1, last: 1, step: 1, movable: true });
  assert.deepEqual(legacyRange(XREAD), { first: 0, last: 0, step: 0, movable: true });
  // A negative last key wins the unsigned comparison (LMOVE-like: 1 then 2..-1).
  const rest = cmd("x", -3, [ks(["RW"], index(1), range(0)), ks(["RW"], index(2), range(-1))]);
  assert.deepEqual(legacyRange(rest), { first: 1, last: -1, step: 1, movable: false });
});

Deno.test("an incomplete single spec makes the command movable", () => {
  const c = cmd("x", -2, [ks(["RO", "INCOMPLETE"], index(1), range(0))]);
  assert.deepEqual(legacyRange(c), { first: 1, last: 1, step: 1, movable: true });
});
