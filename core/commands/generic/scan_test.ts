import assert from "node:assert/strict";
import { ReplyError } from "../errors.ts";
import { parseScanCursor, parseScanOptions } from "./scan.ts";

const te = new TextEncoder();
const words = (...s: string[]) => s.map((x) => te.encode(x));
const dec = new TextDecoder();

function replyOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof ReplyError) return e.reply;
    throw e;
  }
  throw new Error("no error thrown");
}

Deno.test("parseScanCursor accepts unsigned 64-bit decimals as string2ull does", () => {
  assert.equal(parseScanCursor(te.encode("0")), 0n);
  assert.equal(parseScanCursor(te.encode("18446744073709551615")), 18446744073709551615n);
  assert.equal(parseScanCursor(te.encode("007")), 7n);
  assert.equal(parseScanCursor(te.encode(" 5")), 5n);
  assert.equal(parseScanCursor(te.encode("+5")), 5n);
});

Deno.test("parseScanCursor rejects what string2ull rejects", () => {
  for (const bad of ["-1", "abc", "18446744073709551616", "", "1 ", "1.5"]) {
    assert.equal(replyOf(() => parseScanCursor(te.encode(bad))), "ERR invalid cursor", bad);
  }
});

Deno.test("parseScanOptions has COUNT 10 and no filters by default", () => {
  assert.deepEqual(parseScanOptions(words("scan", "0"), 2, "keys"), {
    count: 10,
    pattern: null,
    type: null,
    onlyKeys: false,
  });
});

Deno.test("parseScanOptions takes options in any order, the last repeat winning", () => {
  const o = parseScanOptions(
    words("scan", "0", "TYPE", "List", "count", "5", "match", "a*", "MATCH", "b*"),
    2,
    "keys",
  );
  assert.equal(o.count, 5);
  assert.equal(dec.decode(o.pattern!), "b*");
  assert.equal(o.type, "list");
  assert.equal(parseScanOptions(words("scan", "0", "match", "*"), 2, "keys").pattern, null, "* is no filter");
});

Deno.test("parseScanOptions reports COUNT, TYPE and syntax errors with Valkey's texts", () => {
  const err = (...w: string[]) => replyOf(() => parseScanOptions(words("scan", "0", ...w), 2, "keys"));
  assert.equal(err("count", "0"), "ERR syntax error");
  assert.equal(err("count", "-1"), "ERR syntax error");
  assert.equal(err("count", "x"), "ERR value is not an integer or out of range");
  assert.equal(err("count"), "ERR syntax error");
  assert.equal(err("match"), "ERR syntax error");
  assert.equal(err("type", "foo"), "ERR unknown type name 'foo'");
  assert.equal(err("type", "none"), "ERR unknown type name 'none'");
  assert.equal(err("foo"), "ERR syntax error");
  assert.equal(err("novalues"), "ERR NOVALUES option can only be used in HSCAN");
  assert.equal(err("noscores"), "ERR NOSCORES option can only be used in ZSCAN");
  assert.equal(err("type", "foo", "count", "0"), "ERR unknown type name 'foo'");
  assert.equal(err("count", "0", "type", "foo"), "ERR syntax error");
});

Deno.test("parseScanOptions allows NOVALUES in HSCAN and NOSCORES in ZSCAN only", () => {
  assert.equal(parseScanOptions(words("hscan", "k", "0", "NOVALUES"), 3, "hash").onlyKeys, true);
  assert.equal(parseScanOptions(words("zscan", "k", "0", "noscores"), 3, "zset").onlyKeys, true);
  assert.equal(
    replyOf(() => parseScanOptions(words("sscan", "k", "0", "novalues"), 3, "set")),
    "ERR NOVALUES option can only be used in HSCAN",
  );
  assert.equal(
    replyOf(() => parseScanOptions(words("hscan", "k", "0", "type", "string"), 3, "hash")),
    "ERR syntax error",
  );
});
