import assert from "node:assert/strict";
import {
  Consumer,
  formatId,
  ID_MAX,
  IdMap,
  INVALID_ENTRIES_READ,
  lpBytes,
  makeId,
  parseStreamId,
  parseU64,
  type StreamId,
  StreamValue,
} from "./stream.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();
const b = (s: string) => enc.encode(s);

function add(s: StreamValue, id: string, ...kv: string[]): StreamId {
  const p = parseStreamId(b(id), 0n, true, true)!;
  const r = s.append(kv.map(b), p.id, p.seqGiven, 0, 100, 4096);
  if (typeof r === "string") throw new Error(r);
  return r;
}

function ids(s: StreamValue, rev = false, start = 0n, end = ID_MAX): string[] {
  const out: string[] = [];
  s.range(start, end, rev, (id) => {
    out.push(formatId(id));
  });
  return out;
}

Deno.test("stream IDs parse as Valkey's streamGenericParseIDOrReply does", () => {
  assert.equal(parseStreamId(b("-"), 0n, false)!.id, 0n);
  assert.equal(parseStreamId(b("+"), 0n, false)!.id, ID_MAX);
  assert.equal(parseStreamId(b("+"), 0n, true), null);
  assert.equal(formatId(parseStreamId(b("5"), 7n, true)!.id), "5-7");
  assert.equal(
    formatId(parseStreamId(b("18446744073709551615-18446744073709551615"), 0n, true)!.id),
    formatId(ID_MAX),
  );
  assert.equal(parseStreamId(b("18446744073709551616"), 0n, true), null);
  assert.equal(parseStreamId(b("1-*"), 0n, true), null);
  assert.deepEqual(parseStreamId(b("1-*"), 0n, true, true), { id: makeId(1n, 0n), seqGiven: false });
  assert.equal(parseStreamId(b("1-2-3"), 0n, true), null);
  assert.equal(parseStreamId(b(""), 0n, true), null);
  // string2ull falls back to strtoull: blanks, '+' and leading zeros pass, canonical negatives do not.
  assert.equal(parseU64(" +07"), 7n);
  assert.equal(parseU64("-1"), null);
  assert.equal(parseU64("-01"), (1n << 64n) - 1n);
  assert.equal(parseU64("1x"), null);
});

Deno.test("entries with the master's fields are stored as SAMEFIELDS and read back intact", () => {
  const s = new StreamValue();
  add(s, "1-1", "temp", "21", "hum", "40");
  add(s, "1-2", "temp", "22", "hum", "41");
  add(s, "2-0", "other", "x");
  add(s, "3-*", "temp", "-5", "hum", "");
  const seen: string[][] = [];
  s.range(0n, ID_MAX, false, (id, pairs) => {
    seen.push([formatId(id), ...pairs.map((v) => dec.decode(lpBytes(v)))]);
  });
  assert.deepEqual(seen, [
    ["1-1", "temp", "21", "hum", "40"],
    ["1-2", "temp", "22", "hum", "41"],
    ["2-0", "other", "x"],
    ["3-0", "temp", "-5", "hum", ""],
  ]);
  assert.deepEqual(ids(s, true), ["3-0", "2-0", "1-2", "1-1"]);
  assert.equal(s.length, 4);
  assert.equal(s.entriesAdded, 4);
  assert.equal(s.nodeCount, 1);
});

Deno.test("IDs far apart (deltas beyond 2^53) round-trip through a node", () => {
  const s = new StreamValue();
  add(s, "0-18446744073709551615", "a", "1");
  add(s, "18446744073709551615-0", "a", "2");
  assert.deepEqual(ids(s), ["0-18446744073709551615", "18446744073709551615-0"]);
});

Deno.test("nodes split at stream-node-max-entries and empty nodes are freed", () => {
  const s = new StreamValue();
  for (let i = 1; i <= 10; i++) {
    const r = s.append([b("f"), b(String(i))], makeId(BigInt(i), 0n), true, 0, 3, 4096);
    assert.equal(typeof r, "bigint");
  }
  assert.equal(s.nodeCount, 4);
  assert.deepEqual(s.masterIds().map(formatId), ["1-0", "4-0", "7-0", "10-0"]);
  assert.equal(s.deleteIds([makeId(4n, 0n), makeId(5n, 0n), makeId(6n, 0n)]), 3);
  assert.equal(s.nodeCount, 3);
  assert.deepEqual(ids(s, false, makeId(3n, 0n), makeId(8n, 0n)), ["3-0", "7-0", "8-0"]);
  assert.equal(formatId(s.maxDeletedId), "6-0");
});

Deno.test("append refuses IDs that do not grow", () => {
  const s = new StreamValue();
  add(s, "5-0", "a", "1");
  assert.equal(s.append([b("a"), b("1")], makeId(5n, 0n), true, 0, 100, 4096), "EDOM");
  assert.equal(s.append([b("a"), b("1")], makeId(4n, 0n), false, 0, 100, 4096), "EDOM");
  assert.equal(formatId(s.append([b("a"), b("1")], null, true, 3, 100, 4096) as bigint), "5-1");
  assert.equal(formatId(s.append([b("a"), b("1")], null, true, 9, 100, 4096) as bigint), "9-0");
});

Deno.test("exact trimming tombstones inside the head node, approximate trimming frees whole nodes", () => {
  const s = new StreamValue();
  for (let i = 1; i <= 25; i++) s.append([b("f"), b("v")], makeId(BigInt(i), 0n), true, 0, 10, 4096);
  assert.equal(s.trim({ strategy: "maxlen", maxlen: 12, minid: 0n, approx: true, limit: 0 }), 10);
  assert.equal(s.length, 15);
  assert.equal(s.trim({ strategy: "maxlen", maxlen: 12, minid: 0n, approx: false, limit: 0 }), 3);
  assert.equal(formatId(s.firstId), "14-0");
  assert.equal(s.trim({ strategy: "minid", maxlen: 0, minid: makeId(16n, 0n), approx: false, limit: 0 }), 2);
  assert.deepEqual(ids(s).slice(0, 2), ["16-0", "17-0"]);
});

Deno.test("the PEL map keeps IDs ordered through appends, inserts and head removals", () => {
  const m = new IdMap<number>();
  for (let i = 1; i <= 100; i++) m.set(BigInt(i * 2), i);
  m.set(3n, -1);
  assert.equal(m.size, 101);
  for (let i = 1; i <= 80; i++) assert.ok(m.delete(BigInt(i * 2)));
  assert.equal(m.first(), 3n);
  const seen: bigint[] = [];
  m.forEachFrom(150n, (id) => {
    seen.push(id);
    return seen.length < 3;
  });
  assert.deepEqual(seen, [162n, 164n, 166n]);
  assert.equal(m.ceilIndex(165n), 1 + (166 - 162) / 2);
  assert.equal(m.last(), 200n);
});

Deno.test("lag and entries-read follow Valkey's estimate", () => {
  const s = new StreamValue();
  for (let i = 1; i <= 5; i++) add(s, `${i}-0`, "f", "v");
  const g = s.createGroup(b("g"), 0n, INVALID_ENTRIES_READ)!;
  assert.equal(s.lag(g), 5);
  s.advanceGroup(g, makeId(1n, 0n));
  assert.equal(g.entriesRead, 1);
  assert.equal(s.lag(g), 4);
  s.deleteIds([makeId(3n, 0n)]);
  assert.equal(s.lag(g), null);
  s.advanceGroup(g, makeId(5n, 0n));
  assert.equal(g.entriesRead, 5);
  assert.equal(s.lag(g), 0);
});

Deno.test("dup copies entries and groups with shared NACKs re-linked", () => {
  const s = new StreamValue();
  add(s, "1-0", "f", "v");
  const g = s.createGroup(b("g"), 0n, 0)!;
  const c = new Consumer(b("c"), 0);
  g.consumers.set("c", c);
  const nack = { deliveryTime: 7, deliveryCount: 2, consumer: c };
  g.pel.set(makeId(1n, 0n), nack);
  c.pel.set(makeId(1n, 0n), nack);
  const copy = s.dup();
  add(s, "2-0", "f", "v");
  assert.equal(copy.length, 1);
  const cg = copy.group(b("g"))!;
  assert.notEqual(cg, g);
  const cn = cg.pel.get(makeId(1n, 0n))!;
  assert.equal(cn.deliveryCount, 2);
  assert.equal(cn.consumer, cg.consumers.get("c"));
  assert.equal(cg.consumers.get("c")!.pel.get(makeId(1n, 0n)), cn);
  assert.ok(cg.ack(makeId(1n, 0n)));
  assert.equal(g.pel.size, 1);
});
