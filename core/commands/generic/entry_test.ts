import assert from "node:assert/strict";
import { Db, StrEnc } from "../../keyspace/db.ts";
import { ReplyError } from "../errors.ts";
import { dupEntry, readEntry, writeEntry } from "./entry.ts";

const te = new TextEncoder();
const b = (s: string) => te.encode(s);
const dec = new TextDecoder();

Deno.test("an entry read out keeps value, encoding, TTL and LRU and survives writes", () => {
  const db = new Db(0, () => 1000);
  let ref = db.setString(b("src"), b("hello"), StrEnc.RAW, false);
  ref = db.setExpire(ref, 99_000);
  db.setLru(ref, 1234);
  const v = readEntry(db, ref);
  db.delete(b("src"));
  db.setString(b("other"), b("zzzzzzzzzzzzzzzzz"), StrEnc.EMBSTR, false);
  assert.equal(dec.decode(v.str!), "hello");
  assert.equal(v.enc, StrEnc.RAW);
  assert.equal(v.expire, 99_000);
  assert.equal(v.lru, 1234);
  const dst = writeEntry(db, b("dst"), v, 77);
  assert.equal(dec.decode(db.getString(dst)), "hello");
  assert.equal(db.getEncoding(dst), StrEnc.RAW);
  assert.equal(db.getExpire(dst), 99_000);
  assert.equal(db.getLru(dst), 77);
});

Deno.test("an entry written over an existing key drops that key's TTL", () => {
  const db = new Db(0, () => 1000);
  const old = db.setExpire(db.setString(b("k"), b("old"), StrEnc.EMBSTR, false), 50_000);
  assert.equal(db.getExpire(old), 50_000);
  const src = db.setString(b("s"), b("new"), StrEnc.EMBSTR, false);
  const ref = writeEntry(db, b("k"), readEntry(db, src), 0);
  assert.equal(db.getExpire(ref), -1);
  assert.equal(db.volatileCount, 0);
});

class Box {
  readonly type = "list";
  constructor(public items: string[]) {}
  dup(): Box {
    return new Box([...this.items]);
  }
}

Deno.test("dupEntry deep-copies objects through dup()", () => {
  const db = new Db(0, () => 1000);
  const box = new Box(["a"]);
  const ref = db.setObject(b("l"), box, false);
  const copy = dupEntry(readEntry(db, ref));
  assert.notEqual(copy.obj, box);
  (copy.obj as Box).items.push("b");
  assert.deepEqual(box.items, ["a"]);
});

Deno.test("dupEntry refuses an object type that cannot be copied", () => {
  const db = new Db(0, () => 1000);
  const ref = db.setObject(b("o"), { type: "mystery" }, false);
  assert.throws(
    () => dupEntry(readEntry(db, ref)),
    (e) => e instanceof ReplyError && e.reply === "ERR unknown type object",
  );
});

Deno.test("an EMBSTR value that no longer fits with its new key or its TTL is written as RAW", () => {
  const db = new Db(0, () => 1000);
  const src = db.setString(b("s"), b("x".repeat(30)), StrEnc.EMBSTR, false);
  const v = readEntry(db, src);
  assert.equal(db.getEncoding(writeEntry(db, b("short"), v, 0)), StrEnc.EMBSTR);
  assert.equal(db.getEncoding(writeEntry(db, b("k".repeat(12)), v, 0)), StrEnc.RAW, "12 + 30 > 41");
  const volatile = { ...v, expire: 50_000 };
  assert.equal(db.getEncoding(writeEntry(db, b("abc"), volatile, 0)), StrEnc.EMBSTR, "3 + 30 <= 33");
  assert.equal(db.getEncoding(writeEntry(db, b("abcd"), volatile, 0)), StrEnc.RAW, "4 + 30 > 33");
  const int = db.setString(b("i"), b("12345"), StrEnc.INT, false);
  assert.equal(db.getEncoding(writeEntry(db, b("k".repeat(100)), readEntry(db, int), 0)), StrEnc.INT);
});
