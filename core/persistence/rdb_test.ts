import assert from "node:assert/strict";
import { Db } from "../keyspace/db.ts";
import { StrEnc } from "../keyspace/db.ts";
import { HashValue } from "../types/hash.ts";
import { ListValue } from "../types/list.ts";
import { TAIL } from "../types/quicklist.ts";
import { SetValue } from "../types/set.ts";
import { ZSet } from "../types/zset.ts";
import type { ValueObject } from "../types/value.ts";
import { Consumer, ConsumerGroup, ID_MAX, makeId, StreamValue } from "../types/stream.ts";
import {
  decodeIntset,
  decodeListpack,
  decodeZiplist,
  encodeIntset,
  encodeListpack,
  FormatError,
} from "./encodings.ts";
import { type LoadOptions, loadRdb, RdbLoadError, serializeAll } from "./rdb_file.ts";
import { RdbReader, RdbWriter } from "./rdb_io.ts";
import { readValue, writeValue } from "./rdb_value.ts";
import { DEFAULT_LIMITS } from "./test_limits.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();
const b = (s: string) => enc.encode(s);

const LIMITS = DEFAULT_LIMITS;
const SET_LIMITS = { maxIntsetEntries: 512, maxListpackEntries: 128, maxListpackValue: 64 };
const HASH_LIMITS = { maxEntries: 128, maxValue: 64 };

function makeHash(n: number, vlen = 5): HashValue {
  const h = new HashValue();
  for (let i = 0; i < n; i++) {
    h.set(b(`f${i}`), b(i % 3 === 0 ? String(i * 1000) : "v".repeat(vlen) + i), HASH_LIMITS);
  }
  return h;
}
function makeSet(members: string[]): SetValue {
  const s = SetValue.create(b(members[0]!), members.length, SET_LIMITS);
  for (const m of members) s.add(b(m), SET_LIMITS);
  return s;
}
function makeZset(n: number): ZSet {
  const z = new ZSet(n <= 128, n);
  for (let i = 0; i < n; i++) z.insert(b(`m${i}`), i % 5 === 0 ? i : i / 7);
  return z;
}
function makeList(items: string[]): ListValue {
  const l = new ListValue();
  for (const it of items) {
    l.growing(-2, it.length, 1);
    l.ql.push(b(it), TAIL);
  }
  return l;
}

function dump(v: Uint8Array | ValueObject): unknown {
  if (v instanceof Uint8Array) return dec.decode(v);
  if (v instanceof HashValue) {
    const out: string[] = [];
    v.forEach((f, val) => out.push(`${dec.decode(f)}=${dec.decode(val)}`));
    return [v.encoding, out.sort()];
  }
  if (v instanceof SetValue) return [v.encoding, v.toArray().map((m) => dec.decode(m)).sort()];
  if (v instanceof ZSet) {
    const out: string[] = [];
    v.forEach((r) => out.push(`${dec.decode(v.memberOf(r))}:${v.scoreOf(r)}`));
    return [v.encoding, out];
  }
  if (v instanceof ListValue) return [v.encoding, v.ql.toArray().map((m) => dec.decode(m))];
  throw new Error("unknown");
}

function roundTrip(v: Uint8Array | ValueObject, compress = true): Uint8Array | ValueObject {
  const w = new RdbWriter(compress);
  writeValue(w, v);
  const r = new RdbReader(w.view());
  const out = readValue(r, r.byte(), LIMITS);
  assert.equal(r.pos, w.len);
  return out;
}

Deno.test("every type and encoding survives a value round trip", () => {
  const values: (Uint8Array | ValueObject)[] = [
    b(""),
    b("12345"),
    b("-2147483648"),
    b("9223372036854775807"),
    b("x".repeat(1000)),
    b("not compressible enough"),
    makeHash(10),
    makeHash(300),
    makeHash(3, 100),
    makeSet(["1", "2", "-70000", "5000000000"]),
    makeSet(["a", "b", "17"]),
    makeSet(Array.from({ length: 700 }, (_, i) => `m${i}`)),
    makeZset(10),
    makeZset(500),
    makeList(["a", "1", "-5", "x".repeat(100)]),
    makeList(Array.from({ length: 5000 }, (_, i) => `item-${i}`)),
    makeList(["small", "y".repeat(20000), "z"]),
  ];
  for (const v of values) {
    for (const compress of [true, false]) assert.deepEqual(dump(roundTrip(v, compress)), dump(v));
  }
});

Deno.test("zset scores keep their exact doubles, infinities included", () => {
  const z = new ZSet(true);
  const scores = [0.1, -1.5e-7, 1e21, 3, -4096, 123456789012, Infinity, -Infinity, 2 ** 62, 1 / 3];
  scores.forEach((s, i) => z.insert(b(`k${i}`), s));
  assert.deepEqual(dump(roundTrip(z)), dump(z));
  const big = new ZSet(false, 200);
  for (let i = 0; i < 200; i++) big.insert(b(`k${i}`), scores[i % scores.length]! + i);
  assert.deepEqual(dump(roundTrip(big)), dump(big));
});

Deno.test("listpack encoding matches Valkey's bytes", () => {
  // lpNew + lpAppend "a", 1, 200, -1, 70000 as Valkey's listpack.c lays them out.
  const lp = encodeListpack([b("a"), b("1"), b("200"), b("-1"), b("70000")]);
  assert.deepEqual(
    [...lp],
    [23, 0, 0, 0, 5, 0, 0x81, 0x61, 2, 1, 1, 0xc0, 200, 2, 0xdf, 0xff, 2, 0xf2, 0x70, 0x11, 0x01, 4, 0xff],
  );
  assert.equal(lp.length, lp[0]);
  assert.deepEqual(decodeListpack(lp).map((x) => dec.decode(x)), ["a", "1", "200", "-1", "70000"]);
});

Deno.test("listpack entries of every width decode back", () => {
  const items = [
    "0",
    "127",
    "128",
    "-4096",
    "4095",
    "32767",
    "-32768",
    "8388607",
    "2147483647",
    "-9223372036854775808",
    "9223372036854775807",
    "01",
    "x".repeat(63),
    "y".repeat(64),
    "z".repeat(5000),
    "",
  ];
  assert.deepEqual(decodeListpack(encodeListpack(items.map(b))).map((x) => dec.decode(x)), items);
});

Deno.test("intset blobs round-trip and pick the narrowest width", () => {
  const blob = encodeIntset([5n, -3n, 100000n]);
  assert.equal(blob[0], 4);
  assert.deepEqual(decodeIntset(blob).map((x) => dec.decode(x)), ["-3", "5", "100000"]);
});

Deno.test("ziplists from Redis 6 decode", () => {
  // A ziplist of "hello", 12 (immediate), -2 (int8... stored as 0xfe), 1000 (int16).
  const entries = [
    [0x00, 0x05, ...b("hello")],
    [0x07, 0xfd],
    [0x02, 0xfe, 0xfe],
    [0x03, 0xc0, 0xe8, 0x03],
  ];
  const body = entries.flat();
  const total = 10 + body.length + 1;
  const tail = 10 + body.length - entries[entries.length - 1]!.length;
  const zl = new Uint8Array([total, 0, 0, 0, tail, 0, 0, 0, entries.length, 0, ...body, 0xff]);
  assert.deepEqual(decodeZiplist(zl).map((x) => dec.decode(x)), ["hello", "12", "-2", "1000"]);
  // Checked whole, as Valkey's deep validation: the tail offset, the count (65535: unknown) and each
  // entry's prevlen.
  const unknownCount = zl.slice();
  unknownCount[8] = 0xff;
  unknownCount[9] = 0xff;
  assert.equal(decodeZiplist(unknownCount).length, 4);
  for (const [at, v, why] of [[4, 10, "tail"], [8, 3, "count"], [17, 6, "prevlen"]] as const) {
    const bad = zl.slice();
    bad[at] = v;
    assert.throws(() => decodeZiplist(bad), FormatError, why);
  }
});

Deno.test("a listpack entry whose backlen does not record its size is refused", () => {
  const lp = encodeListpack([b("ab"), b("cd")]);
  assert.equal(decodeListpack(lp).length, 2);
  const bad = lp.slice();
  bad[6 + 3] = 2; // the first entry's backlen ("ab": encoding + 2 bytes = 3)
  assert.throws(() => decodeListpack(bad), FormatError);
});

function loadOpts(dbs: Db[], now: number, lines: string[] = []): LoadOptions {
  return {
    dbs,
    limits: LIMITS,
    nowMs: now,
    checksum: true,
    access: "none",
    dropExpired: true,
    notice: (m) => lines.push(m),
    warning: (m) => lines.push(m),
  };
}

Deno.test("a whole file with several databases and expiries loads back", () => {
  const now = Date.now();
  const src = [new Db(0, () => now), new Db(1, () => now), new Db(2, () => now)];
  src[0]!.setString(b("plain"), b("value"), StrEnc.EMBSTR, false);
  const r = src[0]!.setString(b("ttl"), b("v"), StrEnc.EMBSTR, false);
  src[0]!.setExpire(r, now + 100000);
  const gone = src[0]!.setString(b("gone"), b("v"), StrEnc.EMBSTR, false);
  src[0]!.setExpire(gone, now - 1000);
  src[2]!.setObject(b("h"), makeHash(200), false);
  src[2]!.setObject(b("z"), makeZset(5), false);
  const image = serializeAll(new RdbWriter(true), src, [["valkey-ver", "8.1.1"]], "none", now, true).slice();
  assert.equal(dec.decode(image.subarray(0, 9)), "REDIS0011");
  const dst = [new Db(0, () => now), new Db(1, () => now), new Db(2, () => now)];
  const lines: string[] = [];
  const res = loadRdb(image, loadOpts(dst, now, lines));
  assert.equal(res.keysLoaded, 4);
  assert.equal(res.keysExpired, 1);
  assert.ok(lines.includes("Loading RDB produced by Valkey version 8.1.1"));
  assert.ok(lines.includes("Done loading RDB, keys loaded: 4, keys expired: 1."));
  assert.equal(dst[0]!.getExpire(dst[0]!.find(b("ttl"))), now + 100000);
  assert.equal(dec.decode(dst[0]!.getString(dst[0]!.find(b("plain")))), "value");
  assert.deepEqual(dump(dst[2]!.getObject(dst[2]!.find(b("h"))) as ValueObject), dump(makeHash(200)));
});

Deno.test("the aux fields come back (replication history), and each key dropped for its TTL is told", () => {
  const now = Date.now();
  const src = [new Db(0, () => now), new Db(1, () => now)];
  src[0]!.setString(b("live"), b("v"), StrEnc.EMBSTR, false);
  const gone = src[1]!.setString(b("gone"), b("v"), StrEnc.EMBSTR, false);
  src[1]!.setExpire(gone, now - 1000);
  const aux: [string, string][] = [["valkey-ver", "8.1.1"], ["repl-stream-db", "1"], [
    "repl-id",
    "a".repeat(40),
  ], [
    "repl-offset",
    "12345",
  ]];
  const image = serializeAll(new RdbWriter(true), src, aux, "none", now, true).slice();
  const dropped: [number, string][] = [];
  const opts = loadOpts([new Db(0, () => now), new Db(1, () => now)], now);
  const res = loadRdb(image, { ...opts, onExpired: (db, key) => dropped.push([db, dec.decode(key)]) });
  assert.equal(res.aux.get("repl-id"), "a".repeat(40));
  assert.equal(res.aux.get("repl-offset"), "12345");
  assert.equal(res.aux.get("repl-stream-db"), "1");
  assert.deepEqual(dropped, [[1, "gone"]]);
  // A replica keeps them: nothing is dropped, nothing told.
  dropped.length = 0;
  const kept = loadRdb(image, {
    ...loadOpts([new Db(0, () => now), new Db(1, () => now)], now),
    dropExpired: false,
    onExpired: (db, key) => dropped.push([db, dec.decode(key)]),
  });
  assert.equal(kept.keysLoaded, 2);
  assert.deepEqual(dropped, []);
});

Deno.test("a corrupted file is refused with Valkey's reasons", () => {
  const now = Date.now();
  const src = [new Db(0, () => now)];
  src[0]!.setString(b("k"), b("v".repeat(100)), StrEnc.RAW, false);
  const image = serializeAll(new RdbWriter(true), src, [], "none", now, true).slice();
  const bad = image.slice();
  bad[bad.length - 12] = bad[bad.length - 12]! ^ 0xff;
  assert.throws(() => loadRdb(bad, loadOpts([new Db(0, () => now)], now)), RdbLoadError);
  assert.throws(
    () => loadRdb(image.subarray(0, image.length - 15), loadOpts([new Db(0, () => now)], now)),
    RdbLoadError,
  );
  const lines: string[] = [];
  assert.throws(
    () => loadRdb(b("REDIS0012xxxx"), loadOpts([new Db(0, () => now)], now, lines)),
    RdbLoadError,
  );
  assert.deepEqual(lines, ["Can't handle RDB format version 12"]);
});

Deno.test("streams survive a round trip with tombstones, groups, PELs and consumers", () => {
  const s = new StreamValue();
  for (let i = 1; i <= 250; i++) {
    const pairs = i % 7 === 0
      ? [b("other"), b(String(i))]
      : [b("f"), b(String(i)), b("g"), b("x".repeat(i % 30))];
    assert.equal(typeof s.append(pairs, makeId(BigInt(i), 0n), true, Date.now(), 100, 4096), "bigint");
  }
  const g = new ConsumerGroup(b("grp"), makeId(10n, 0n), 10);
  const alice = new Consumer(b("alice"), 1000);
  alice.activeTime = 2000;
  for (const ms of [3n, 5n, 8n]) {
    const nack = { deliveryTime: 1234, deliveryCount: Number(ms), consumer: alice };
    g.pel.set(makeId(ms, 0n), nack);
    alice.pel.set(makeId(ms, 0n), nack);
  }
  g.consumers.set("alice", alice);
  g.consumers.set("idle", new Consumer(b("idle"), 500));
  s.groups = new Map([["grp", g]]);
  s.maxDeletedId = makeId(2n, 0n);
  const w = new RdbWriter(true);
  writeValue(w, s);
  const r = new RdbReader(w.view());
  const back = readValue(r, r.byte(), LIMITS) as StreamValue;
  const entries = (x: StreamValue) => {
    const out: string[] = [];
    x.range(0n, ID_MAX, false, (id, pairs) => {
      out.push(`${id}:${pairs.map((p) => (typeof p === "number" ? String(p) : dec.decode(p))).join(",")}`);
    });
    return out;
  };
  assert.deepEqual(entries(back), entries(s));
  assert.equal(back.length, 250);
  assert.equal(back.lastId, s.lastId);
  assert.equal(back.entriesAdded, s.entriesAdded);
  assert.equal(back.maxDeletedId, s.maxDeletedId);
  const bg = back.groups!.get("grp")!;
  assert.equal(bg.lastId, makeId(10n, 0n));
  assert.equal(bg.entriesRead, 10);
  assert.equal(bg.pel.size, 3);
  const ba = bg.consumers.get("alice")!;
  assert.equal(ba.activeTime, 2000);
  assert.equal(ba.seenTime, 1000);
  assert.equal(ba.pel.size, 3);
  assert.equal(bg.pel.get(makeId(8n, 0n))!.consumer, ba);
  assert.equal(bg.pel.get(makeId(8n, 0n))!.deliveryCount, 8);
  assert.equal(bg.consumers.get("idle")!.pel.size, 0);
});
