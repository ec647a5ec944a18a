import assert from "node:assert/strict";
import { Db, ExpireIndex, NO_ENTRY, StrEnc } from "./db.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();
const b = (s: string): Uint8Array => enc.encode(s);
const str = (u: Uint8Array): string => dec.decode(u);

/** A Db with a settable clock. */
function fakeDb(start = 1_000_000): { db: Db; clock: { now: number } } {
  const clock = { now: start };
  return { db: new Db(0, () => clock.now), clock };
}

class FakeList {
  readonly type = "list";
  constructor(readonly items: string[]) {}
  memoryUsage(): number {
    return 1000;
  }
}

Deno.test("a string is stored, found and read back with its key and encoding", () => {
  const { db } = fakeDb();
  assert.equal(db.id, 0);
  const ref = db.setString(b("name"), b("valkyr"), StrEnc.EMBSTR, false);
  assert.notEqual(ref, NO_ENTRY);
  assert.equal(db.size, 1);
  assert.equal(db.find(b("name")), ref);
  assert.equal(db.lookup(b("name")), ref);
  assert.equal(db.find(b("nam")), NO_ENTRY);
  assert.equal(db.find(b("namex")), NO_ENTRY);
  assert.ok(db.isString(ref));
  assert.equal(str(db.getString(ref)), "valkyr");
  assert.equal(str(db.getKey(ref)), "name");
  assert.equal(db.getEncoding(ref), StrEnc.EMBSTR);
  assert.equal(db.getExpire(ref), -1);
  const n = db.setString(b("n"), b("12345"), StrEnc.INT, false);
  assert.equal(db.getEncoding(n), StrEnc.INT);
  assert.equal(str(db.getString(n)), "12345");
});

Deno.test("binary keys and values with every byte value round-trip, including empty ones", () => {
  const { db } = fakeDb();
  const refs: number[] = [];
  for (let i = 0; i < 256; i++) {
    refs.push(db.setString(Uint8Array.of(i), Uint8Array.of(255 - i, i), StrEnc.RAW, false));
  }
  const empty = db.setString(new Uint8Array(0), new Uint8Array(0), StrEnc.EMBSTR, false);
  assert.equal(db.size, 257);
  for (let i = 0; i < 256; i++) {
    const ref = db.find(Uint8Array.of(i));
    assert.equal(ref, refs[i]);
    assert.deepEqual(db.getString(ref), Uint8Array.of(255 - i, i));
    assert.deepEqual(db.getKey(ref), Uint8Array.of(i));
  }
  assert.equal(db.find(new Uint8Array(0)), empty);
  assert.equal(db.getString(empty).length, 0);
  assert.equal(db.getKey(empty).length, 0);
});

Deno.test("keys given as views into a larger buffer are copied, not referenced", () => {
  const { db } = fakeDb();
  const recv = b("xxSET:keyyy");
  const ref = db.setString(recv.subarray(2, 9), recv.subarray(0, 2), StrEnc.EMBSTR, false);
  recv.fill(0);
  assert.equal(str(db.getKey(ref)), "SET:key");
  assert.equal(str(db.getString(ref)), "xx");
  assert.equal(db.find(b("SET:key")), ref);
});

Deno.test("overwriting a string keeps other keys intact for growing and shrinking values", () => {
  const { db } = fakeDb();
  db.setString(b("other"), b("o"), StrEnc.EMBSTR, false);
  let ref = db.setString(b("k"), b("v"), StrEnc.EMBSTR, false);
  db.setLru(ref, 777);
  for (const size of [1, 3, 7, 8, 20, 100, 5000, 16370, 16380, 70000, 200000, 10, 0]) {
    const value = new Uint8Array(size).fill(size & 0xff);
    ref = db.setString(b("k"), value, size <= 44 ? StrEnc.EMBSTR : StrEnc.RAW, false);
    assert.equal(db.find(b("k")), ref);
    assert.deepEqual(db.getString(ref), value);
    assert.equal(str(db.getKey(ref)), "k");
    assert.equal(db.getLru(ref), 777, "overwrite keeps the LRU field");
    assert.equal(db.size, 2);
  }
  assert.equal(str(db.getString(db.find(b("other")))), "o");
  // A same-size overwrite happens in place.
  const a = db.setString(b("k"), b("abcd"), StrEnc.EMBSTR, false);
  assert.equal(db.setString(b("k"), b("wxyz"), StrEnc.EMBSTR, false), a);
  assert.equal(str(db.getString(a)), "wxyz");
});

Deno.test("long keys and values (64 KiB and more) use the long header form", () => {
  const { db } = fakeDb();
  const key = new Uint8Array(70000).map((_, i) => i & 0xff);
  const value = new Uint8Array(100000).map((_, i) => (i * 3) & 0xff);
  let ref = db.setString(key, value, StrEnc.RAW, false);
  assert.ok(ref <= -2, "a large entry lives in its own buffer");
  assert.equal(db.find(key), ref);
  assert.deepEqual(db.getKey(ref), key);
  assert.deepEqual(db.getString(ref), value);
  ref = db.setExpire(ref, 5_000_000);
  assert.equal(db.getExpire(ref), 5_000_000);
  assert.deepEqual(db.getString(ref), value);
  ref = db.updateString(ref, b("small now"), StrEnc.EMBSTR);
  assert.equal(str(db.getString(ref)), "small now");
  assert.deepEqual(db.getKey(ref), key);
  assert.equal(db.getExpire(ref), 5_000_000);
  assert.ok(db.delete(key));
  assert.equal(db.stats().slabUsedBytes, 0);
});

Deno.test("objects are stored by reference and can replace or be replaced by strings", () => {
  const { db } = fakeDb();
  const list = new FakeList(["a", "b"]);
  let ref = db.setObject(b("mylist"), list, false);
  assert.equal(db.isString(ref), false);
  assert.equal(db.getObject(ref), list);
  assert.equal(str(db.getKey(ref)), "mylist");
  assert.equal(db.getString(ref).length, 0);
  const list2 = new FakeList(["c"]);
  ref = db.setObject(b("mylist"), list2, false);
  assert.equal(db.getObject(ref), list2);
  ref = db.setString(b("mylist"), b("now a string"), StrEnc.EMBSTR, false);
  assert.ok(db.isString(ref));
  assert.equal(str(db.getString(ref)), "now a string");
  assert.throws(() => db.getObject(ref), TypeError);
  ref = db.setObject(b("mylist"), list, false);
  assert.equal(db.getObject(ref), list);
  ref = db.updateString(ref, b("string again"), StrEnc.RAW);
  assert.equal(str(db.getString(ref)), "string again");
  assert.equal(db.size, 1);
  // Object slots are recycled.
  const o1 = db.setObject(b("o1"), new FakeList([]), false);
  db.deleteRef(o1);
  const o2 = db.setObject(b("o2"), list2, false);
  assert.equal(db.getObject(o2), list2);
});

Deno.test("setting and removing a TTL keeps the key and value", () => {
  const { db } = fakeDb();
  let ref = db.setString(b("k"), b("value"), StrEnc.EMBSTR, false);
  db.setLru(ref, 0xabcdef);
  ref = db.setExpire(ref, 2_000_000);
  assert.equal(db.find(b("k")), ref);
  assert.equal(db.getExpire(ref), 2_000_000);
  assert.equal(db.volatileCount, 1);
  assert.equal(str(db.getString(ref)), "value");
  assert.equal(db.getLru(ref), 0xabcdef);
  // Changing an existing TTL does not move the entry.
  assert.equal(db.setExpire(ref, 3_000_000), ref);
  assert.equal(db.getExpire(ref), 3_000_000);
  ref = db.removeExpire(ref);
  assert.equal(db.find(b("k")), ref);
  assert.equal(db.getExpire(ref), -1);
  assert.equal(db.volatileCount, 0);
  assert.equal(str(db.getString(ref)), "value");
  assert.equal(str(db.getKey(ref)), "k");
  assert.equal(db.getLru(ref), 0xabcdef);
  assert.equal(db.removeExpire(ref), ref);
  // Objects too.
  const list = new FakeList(["x"]);
  let o = db.setObject(b("l"), list, false);
  o = db.setExpire(o, 9_000_000);
  assert.equal(db.getObject(o), list);
  assert.equal(db.getExpire(o), 9_000_000);
  o = db.removeExpire(o);
  assert.equal(db.getObject(o), list);
  assert.equal(db.getExpire(o), -1);
});

Deno.test("overwrites drop the TTL unless keepTtl is set; updateString always keeps it", () => {
  const { db } = fakeDb();
  let ref = db.setExpire(db.setString(b("k"), b("1"), StrEnc.INT, false), 5_000_000);
  ref = db.setString(b("k"), b("2"), StrEnc.INT, true);
  assert.equal(db.getExpire(ref), 5_000_000);
  ref = db.setString(b("k"), b("a longer value than before"), StrEnc.EMBSTR, true);
  assert.equal(db.getExpire(ref), 5_000_000);
  ref = db.updateString(ref, b("3"), StrEnc.INT);
  assert.equal(db.getExpire(ref), 5_000_000);
  ref = db.setObject(b("k"), new FakeList([]), true);
  assert.equal(db.getExpire(ref), 5_000_000);
  ref = db.setObject(b("k"), new FakeList([]), false);
  assert.equal(db.getExpire(ref), -1);
  assert.equal(db.volatileCount, 0);
  ref = db.setExpire(ref, 6_000_000);
  ref = db.setString(b("k"), b("x"), StrEnc.EMBSTR, false);
  assert.equal(db.getExpire(ref), -1);
  assert.equal(db.volatileCount, 0);
});

Deno.test("the expire index stays consistent while entries move, get overwritten and deleted", () => {
  const { db } = fakeDb();
  const n = 3000;
  const expected = new Map<string, number>();
  const rand = (() => {
    let x = 7;
    return () => (x = (Math.imul(x, 1103515245) + 12345) >>> 0) / 4294967296;
  })();
  for (let i = 0; i < n; i++) db.setString(b(`key:${i}`), b(`v${i}`), StrEnc.EMBSTR, false);
  for (let step = 0; step < 30000; step++) {
    const i = Math.floor(rand() * n);
    const k = b(`key:${i}`);
    const op = Math.floor(rand() * 7);
    let ref = db.find(k);
    if (ref === NO_ENTRY) {
      db.setString(k, b(`v${i}`), StrEnc.EMBSTR, false);
      expected.delete(`key:${i}`);
      continue;
    }
    if (op === 0 || op === 1) {
      const when = 2_000_000 + step;
      ref = db.setExpire(ref, when);
      expected.set(`key:${i}`, when);
    } else if (op === 2) {
      db.removeExpire(ref);
      expected.delete(`key:${i}`);
    } else if (op === 3) {
      db.setString(k, b(`v${i}-${"x".repeat(step % 60)}`), StrEnc.RAW, true);
    } else if (op === 4) {
      db.setString(k, b(`v${i}`), StrEnc.EMBSTR, false);
      expected.delete(`key:${i}`);
    } else if (op === 5) {
      db.updateString(ref, b(`u${step}`), StrEnc.EMBSTR);
    } else {
      assert.ok(db.delete(k));
      expected.delete(`key:${i}`);
    }
  }
  assert.equal(db.volatileCount, expected.size);
  for (let i = 0; i < n; i++) {
    const ref = db.find(b(`key:${i}`));
    if (ref === NO_ENTRY) continue;
    assert.equal(db.getExpire(ref), expected.get(`key:${i}`) ?? -1, `key:${i}`);
    assert.equal(str(db.getKey(ref)), `key:${i}`);
  }
});

Deno.test("lazy expiry deletes a key only once the clock passes its expire time", () => {
  const { db, clock } = fakeDb(1000);
  const events: string[] = [];
  db.onExpire = (d, key) => {
    assert.equal(d, db);
    events.push(str(key));
  };
  const ref = db.setExpire(db.setString(b("session"), b("data"), StrEnc.EMBSTR, false), 1500);
  db.setString(b("plain"), b("data"), StrEnc.EMBSTR, false);
  clock.now = 1500; // expire time reached but not passed: Valkey keeps the key (now > when)
  assert.equal(db.lookup(b("session")), db.find(b("session")));
  assert.notEqual(db.lookup(b("session")), NO_ENTRY);
  clock.now = 1501;
  assert.notEqual(db.find(b("session")), NO_ENTRY, "find ignores expiry");
  assert.equal(db.lookup(b("session")), NO_ENTRY);
  assert.equal(db.find(b("session")), NO_ENTRY);
  assert.deepEqual(events, ["session"]);
  assert.equal(db.expiredKeys, 1);
  assert.equal(db.size, 1);
  assert.equal(db.volatileCount, 0);
  assert.notEqual(db.lookup(b("plain")), NO_ENTRY);
  assert.ok(ref !== NO_ENTRY);
});

Deno.test("active expiry reclaims keys that are never accessed again", () => {
  const { db, clock } = fakeDb(10_000);
  let hooked = 0;
  db.onExpire = () => hooked++;
  for (let i = 0; i < 20000; i++) {
    const ref = db.setString(b(`k${i}`), b("v"), StrEnc.EMBSTR, false);
    if (i % 2 === 0) db.setExpire(ref, 10_500); // will expire
    else if (i % 4 === 1) db.setExpire(ref, 99_999_999); // stays
  }
  assert.equal(db.volatileCount, 15000);
  clock.now = 11_000;
  let rounds = 0;
  let total = 0;
  while (db.volatileCount > 5000) {
    const r = db.activeExpireCycle(20, 1000);
    assert.ok(r.expired <= r.sampled);
    total += r.expired;
    assert.ok(++rounds < 100000);
  }
  assert.equal(total, 10000);
  assert.equal(hooked, 10000);
  assert.equal(db.expiredKeys, 10000);
  assert.equal(db.size, 10000);
  for (let i = 0; i < 20000; i += 2) assert.equal(db.find(b(`k${i}`)), NO_ENTRY);
  for (let i = 1; i < 20000; i += 2) assert.notEqual(db.find(b(`k${i}`)), NO_ENTRY);
  // Nothing left to expire: one pass over the index finds nothing.
  const quiet = db.activeExpireCycle(20, 1000);
  assert.equal(quiet.expired, 0);
});

Deno.test("an active expire cycle repeats while many sampled keys were expired, within its time budget", () => {
  const { db, clock } = fakeDb(0);
  for (let i = 0; i < 5000; i++) db.setExpire(db.setString(b(`k${i}`), b("v"), StrEnc.EMBSTR, false), 10);
  clock.now = 100;
  const r = db.activeExpireCycle(20, 1_000_000);
  assert.equal(r.expired, 5000, "all expired keys go in one call when time allows");
  assert.equal(db.size, 0);
  // With few expired keys, the cycle stops after one sample.
  for (let i = 0; i < 1000; i++) {
    db.setExpire(db.setString(b(`s${i}`), b("v"), StrEnc.EMBSTR, false), i < 10 ? 50 : 1_000_000);
  }
  const r2 = db.activeExpireCycle(20, 1_000_000);
  assert.ok(r2.sampled <= 40, `sampled ${r2.sampled}`);
  assert.equal(db.activeExpireCycle(20, 0).sampled > 0, true);
  assert.deepEqual(new Db(1, () => 0).activeExpireCycle(20, 1000), { sampled: 0, expired: 0 });
});

Deno.test("the expire hook sees the key, and the Db can be used from inside it", () => {
  const { db, clock } = fakeDb(0);
  db.setExpire(db.setString(b("a"), b("1"), StrEnc.INT, false), 5);
  db.setExpire(db.setString(b("b"), b("2"), StrEnc.INT, false), 5);
  const seen: string[] = [];
  db.onExpire = (d, key) => {
    seen.push(str(key));
    d.setString(b(`expired:${str(key)}`), key, StrEnc.EMBSTR, false);
  };
  clock.now = 10;
  db.activeExpireCycle(20, 1000);
  assert.deepEqual(seen.sort(), ["a", "b"]);
  assert.equal(str(db.getString(db.find(b("expired:a")))), "a");
  assert.equal(db.size, 2);
});

Deno.test("delete and deleteRef remove keys and free their memory", () => {
  const { db } = fakeDb();
  for (let i = 0; i < 1000; i++) db.setString(b(`k${i}`), b(`value-${i}`), StrEnc.EMBSTR, false);
  db.setExpire(db.find(b("k5")), 9_999_999);
  db.setObject(b("obj"), new FakeList([]), false);
  assert.equal(db.delete(b("k5")), true);
  assert.equal(db.delete(b("k5")), false);
  assert.equal(db.volatileCount, 0);
  db.deleteRef(db.find(b("k6")));
  db.deleteRef(db.find(b("obj")));
  assert.equal(db.size, 998);
  for (let i = 0; i < 1000; i++) db.delete(b(`k${i}`));
  assert.equal(db.size, 0);
  assert.equal(db.stats().slabUsedBytes, 0);
});

Deno.test("scan through the Db returns every key exactly once when nothing changes", () => {
  const { db } = fakeDb();
  for (let i = 0; i < 5000; i++) db.setString(b(`key:${i}`), b("v"), StrEnc.EMBSTR, false);
  const names = new Set<string>();
  let cursor = 0;
  let calls = 0;
  do {
    cursor = db.scan(cursor, (ref) => {
      const k = str(db.getKey(ref));
      assert.ok(!names.has(k));
      names.add(k);
    });
    calls++;
  } while (cursor !== 0);
  assert.equal(names.size, 5000);
  assert.ok(calls > 100);
});

Deno.test("randomKey returns live entries and NO_ENTRY when empty", () => {
  const { db } = fakeDb();
  assert.equal(db.randomKey(), NO_ENTRY);
  for (let i = 0; i < 300; i++) db.setString(b(`k${i}`), b("v"), StrEnc.EMBSTR, false);
  for (let i = 0; i < 300; i += 3) db.delete(b(`k${i}`));
  for (let i = 0; i < 500; i++) {
    const ref = db.randomKey();
    const k = str(db.getKey(ref));
    assert.equal(db.find(b(k)), ref);
  }
});

Deno.test("the LRU field holds 24 bits and survives value updates", () => {
  const { db } = fakeDb();
  let ref = db.setString(b("k"), b("v"), StrEnc.EMBSTR, false);
  assert.equal(db.getLru(ref), 0);
  db.setLru(ref, 0xffffff);
  assert.equal(db.getLru(ref), 0xffffff);
  assert.equal(db.getEncoding(ref), StrEnc.EMBSTR, "flags untouched");
  db.setLru(ref, 0x1234567);
  assert.equal(db.getLru(ref), 0x234567);
  ref = db.updateString(ref, new Uint8Array(500), StrEnc.RAW);
  assert.equal(db.getLru(ref), 0x234567);
});

Deno.test("memoryUsage counts the entry, its table share, its TTL row and its object", () => {
  const { db } = fakeDb();
  const small = db.setString(b("small"), b("v"), StrEnc.EMBSTR, false);
  const big = db.setString(b("big"), new Uint8Array(1000), StrEnc.RAW, false);
  assert.ok(db.memoryUsage(small) > 0);
  assert.ok(db.memoryUsage(big) >= db.memoryUsage(small) + 990);
  const before = db.memoryUsage(small);
  const withTtl = db.setExpire(small, 5_000_000);
  assert.ok(db.memoryUsage(withTtl) > before);
  const obj = db.setObject(b("o"), new FakeList([]), false);
  const plain = db.setObject(b("p"), { type: "set" }, false);
  assert.ok(db.memoryUsage(obj) >= 1000);
  assert.ok(db.memoryUsage(plain) > 0 && db.memoryUsage(plain) < 1000);
});

Deno.test("clear drops every key and the Db stays usable", () => {
  const { db } = fakeDb();
  for (let i = 0; i < 10000; i++) {
    const ref = db.setString(b(`k${i}`), b("v"), StrEnc.EMBSTR, false);
    if (i % 10 === 0) db.setExpire(ref, 5_000_000);
  }
  db.setObject(b("o"), new FakeList([]), false);
  assert.equal(db.clear(), 10001);
  assert.equal(db.size, 0);
  assert.equal(db.volatileCount, 0);
  const s = db.stats();
  assert.equal(s.slabBytes, 0);
  assert.equal(s.tableBytes, 0);
  assert.equal(db.find(b("k1")), NO_ENTRY);
  const ref = db.setString(b("k1"), b("again"), StrEnc.EMBSTR, false);
  assert.equal(str(db.getString(ref)), "again");
  assert.equal(db.clear(), 1);
});

Deno.test("stats report keys, memory and rehashing, and the cron step returns empty pages", () => {
  const { db } = fakeDb();
  for (let i = 0; i < 100000; i++) db.setString(b(`key:${i}`), b("0123456789abcdef"), StrEnc.EMBSTR, false);
  db.setExpire(db.find(b("key:1")), 5_000_000);
  let s = db.stats();
  assert.equal(s.keys, 100000);
  assert.equal(s.volatile, 1);
  assert.ok(s.slabUsedBytes <= s.slabBytes);
  assert.ok(s.tableBytes > 0 && s.buckets > 0);
  while (db.stats().rehashing) db.rehashStep(1000);
  const full = db.stats().slabBytes;
  for (let i = 0; i < 100000; i++) db.delete(b(`key:${i}`));
  for (let i = 0; i < 10; i++) db.rehashStep(1000);
  s = db.stats();
  assert.equal(s.keys, 0);
  assert.equal(s.slabUsedBytes, 0);
  assert.ok(s.slabBytes <= 1024 * 1024, `${s.slabBytes} of ${full} bytes still held`);
  assert.ok(s.buckets <= 2);
});

Deno.test("the expire index removes rows by moving the last one into the hole", () => {
  const idx = new ExpireIndex();
  for (let i = 0; i < 10000; i++) assert.equal(idx.add(i * 10, i + 0.5), i);
  assert.equal(idx.size, 10000);
  assert.equal(idx.remove(3), 99990);
  assert.equal(idx.refAt(3), 99990);
  assert.equal(idx.whenAt(3), 9999.5);
  assert.equal(idx.remove(idx.size - 1), NO_ENTRY);
  idx.setRef(0, 42);
  idx.setWhen(0, 7);
  assert.equal(idx.refAt(0), 42);
  assert.equal(idx.whenAt(0), 7);
  const bytesFull = idx.memoryBytes();
  while (idx.size > 0) idx.remove(0);
  assert.ok(idx.memoryBytes() < bytesFull);
  idx.clear();
  assert.equal(idx.memoryBytes(), 0);
});

Deno.test("addString inserts a key its lookup just missed, hashing once, and is setString under deferred expiry", () => {
  const { db, clock } = fakeDb(1000);
  for (let i = 0; i < 2000; i++) {
    const key = b(`user:${i}`);
    assert.equal(db.lookup(key, true), NO_ENTRY);
    db.addString(key, b(`v${i}`), StrEnc.EMBSTR);
  }
  // A key other than the one last looked up is hashed afresh.
  db.lookup(b("user:0"), true);
  db.addString(b("other"), b("x"), StrEnc.EMBSTR);
  assert.equal(db.size, 2001);
  for (let i = 0; i < 2000; i++) assert.equal(str(db.getString(db.find(b(`user:${i}`)))), `v${i}`);
  assert.equal(str(db.getString(db.find(b("other")))), "x");
  // Expiry deferred (CLIENT PAUSE WRITE): an expired key reads as absent but stays; adding it overwrites.
  db.setExpire(db.find(b("user:7")), 1500);
  clock.now = 2000;
  db.expiry = { deferred: true, deferredWrites: true, visible: false };
  assert.equal(db.lookup(b("user:7"), true), NO_ENTRY);
  const ref = db.addString(b("user:7"), b("new"), StrEnc.EMBSTR);
  assert.equal(db.find(b("user:7")), ref);
  assert.equal(str(db.getString(ref)), "new");
  assert.equal(db.getExpire(ref), -1);
  assert.equal(db.size, 2001);
});
