import assert from "node:assert/strict";
import { encodeCommand, ReplyWriter } from "./writer.ts";
import { formatLongDouble } from "../util/numbers.ts";

const text = (a: Uint8Array) => {
  let s = "";
  for (const c of a) s += String.fromCharCode(c);
  return s;
};

/** The bytes `fill` writes, for RESP2 and RESP3, as Latin-1 strings. */
function both(fill: (w: ReplyWriter) => void): [string, string] {
  const out: string[] = [];
  for (const proto of [2, 3] as const) {
    const w = new ReplyWriter();
    w.proto = proto;
    fill(w);
    const pending = w.length;
    const bytes = w.take();
    assert.equal(bytes.length, pending);
    assert.equal(w.length, 0);
    out.push(text(bytes));
  }
  return [out[0]!, out[1]!];
}

Deno.test("simple replies are identical in both protocols", () => {
  assert.deepEqual(both((w) => w.ok()), ["+OK\r\n", "+OK\r\n"]);
  assert.deepEqual(both((w) => w.simple("PONG")), ["+PONG\r\n", "+PONG\r\n"]);
  assert.deepEqual(both((w) => w.simple("é")), ["+\u00c3\u00a9\r\n", "+\u00c3\u00a9\r\n"]);
  assert.deepEqual(both((w) => w.int(0)), [":0\r\n", ":0\r\n"]);
  assert.deepEqual(both((w) => w.arrayHeader(3)), ["*3\r\n", "*3\r\n"]);
  assert.deepEqual(both((w) => w.arrayHeader(-1)), ["*-1\r\n", "*-1\r\n"]);
  assert.deepEqual(both((w) => w.arrayHeader(1234567)), ["*1234567\r\n", "*1234567\r\n"]);
  assert.deepEqual(both((w) => w.bulk(new Uint8Array([104, 105]))), ["$2\r\nhi\r\n", "$2\r\nhi\r\n"]);
  assert.deepEqual(both((w) => w.bulk(new Uint8Array(0))), ["$0\r\n\r\n", "$0\r\n\r\n"]);
  assert.deepEqual(both((w) => w.raw(new Uint8Array([43, 81, 13, 10]))), ["+Q\r\n", "+Q\r\n"]);
});

Deno.test("integers cover the whole int64 range", () => {
  const cases: [number | bigint, string][] = [
    [1, ":1\r\n"],
    [9, ":9\r\n"],
    [10, ":10\r\n"],
    [99, ":99\r\n"],
    [100, ":100\r\n"],
    [12345, ":12345\r\n"],
    [1000000, ":1000000\r\n"],
    [-1, ":-1\r\n"],
    [-1000, ":-1000\r\n"],
    [9007199254740991, ":9007199254740991\r\n"],
    [-9007199254740991, ":-9007199254740991\r\n"],
    [2 ** 60, ":1152921504606846976\r\n"],
    [9223372036854775807n, ":9223372036854775807\r\n"],
    [-9223372036854775808n, ":-9223372036854775808\r\n"],
    [0n, ":0\r\n"],
  ];
  for (const [n, s] of cases) assert.deepEqual(both((w) => w.int(n)), [s, s], String(n));
  for (let i = 0; i < 5000; i += 37) assert.deepEqual(both((w) => w.int(i))[0], `:${i}\r\n`);
});

Deno.test("errors get one dash, stay on one line and keep raw bytes", () => {
  const e = (m: string | Uint8Array) => both((w) => w.error(m));
  assert.deepEqual(e("ERR syntax error"), ["-ERR syntax error\r\n", "-ERR syntax error\r\n"]);
  assert.deepEqual(e("-WRONGTYPE x")[0], "-WRONGTYPE x\r\n");
  assert.deepEqual(e("ERR a\r\nb\nc\r")[0], "-ERR a  b c\r\n");
  assert.deepEqual(e("\r\nERR x\n\n")[0], "-ERR x\r\n");
  assert.deepEqual(e("ERR unknown command 'é'")[0], "-ERR unknown command '\u00c3\u00a9'\r\n");
  assert.deepEqual(e(new Uint8Array([69, 82, 82, 32, 0xe9]))[0], "-ERR \u00e9\r\n");
  assert.deepEqual(e(new Uint8Array([45, 69, 32, 0]))[0], "-E \u0000\r\n");
});

Deno.test("bulk strings are UTF-8 with the right byte length", () => {
  const s = (v: string) => both((w) => w.bulkStr(v))[0];
  assert.equal(s(""), "$0\r\n\r\n");
  assert.equal(s("hello"), "$5\r\nhello\r\n");
  assert.equal(s("é"), "$2\r\n\u00c3\u00a9\r\n");
  assert.equal(s("ééééé"), "$10\r\n" + "\u00c3\u00a9".repeat(5) + "\r\n"); // header grows a digit
  assert.equal(s("€".repeat(40)), "$120\r\n" + "\u00e2\u0082\u00ac".repeat(40) + "\r\n");
  assert.equal(s("😀"), "$4\r\n\u00f0\u009f\u0098\u0080\r\n");
  assert.equal(s("x".repeat(10)), "$10\r\n" + "x".repeat(10) + "\r\n");
  const long = "é".repeat(70000);
  assert.equal(s(long), "$140000\r\n" + "\u00c3\u00a9".repeat(70000) + "\r\n");
  assert.equal(both((w) => w.simple("s".repeat(70000)))[1], "+" + "s".repeat(70000) + "\r\n");
  // mixed with other replies: the fix-up must not disturb neighbours
  const w = new ReplyWriter();
  w.int(7);
  w.bulkStr("ééééé");
  w.ok();
  assert.equal(text(w.take()), ":7\r\n$10\r\n" + "\u00c3\u00a9".repeat(5) + "\r\n+OK\r\n");
});

Deno.test("nulls, aggregates and booleans differ between RESP2 and RESP3", () => {
  assert.deepEqual(both((w) => w.nullBulk()), ["$-1\r\n", "_\r\n"]);
  assert.deepEqual(both((w) => w.nullArray()), ["*-1\r\n", "_\r\n"]);
  assert.deepEqual(both((w) => w.mapHeader(2)), ["*4\r\n", "%2\r\n"]);
  assert.deepEqual(both((w) => w.mapHeader(0)), ["*0\r\n", "%0\r\n"]);
  assert.deepEqual(both((w) => w.setHeader(3)), ["*3\r\n", "~3\r\n"]);
  assert.deepEqual(both((w) => w.pushHeader(3)), ["*3\r\n", ">3\r\n"]);
  assert.deepEqual(both((w) => w.attributeHeader(1)), ["", "|1\r\n"]);
  assert.deepEqual(both((w) => w.bool(true)), [":1\r\n", "#t\r\n"]);
  assert.deepEqual(both((w) => w.bool(false)), [":0\r\n", "#f\r\n"]);
  assert.deepEqual(both((w) => w.bigNumber("1234567890123456789012345678901234567890")), [
    "$40\r\n1234567890123456789012345678901234567890\r\n",
    "(1234567890123456789012345678901234567890\r\n",
  ]);
});

Deno.test("doubles use d2string text as a RESP3 double or a RESP2 bulk", () => {
  assert.deepEqual(both((w) => w.double(1.5)), ["$3\r\n1.5\r\n", ",1.5\r\n"]);
  assert.deepEqual(both((w) => w.double(3)), ["$1\r\n3\r\n", ",3\r\n"]);
  assert.deepEqual(both((w) => w.double(0.1)), ["$3\r\n0.1\r\n", ",0.1\r\n"]);
  assert.deepEqual(both((w) => w.double(-Infinity)), ["$4\r\n-inf\r\n", ",-inf\r\n"]);
  assert.deepEqual(both((w) => w.double(NaN)), ["$3\r\nnan\r\n", ",nan\r\n"]);
  assert.deepEqual(both((w) => w.double(1.5e-7)), ["$6\r\n1.5e-7\r\n", ",1.5e-7\r\n"]);
  assert.deepEqual(both((w) => w.double(3.141)), ["$5\r\n3.141\r\n", ",3.141\r\n"]);
  // addReplyHumanLongDouble (GEOPOS)
  assert.deepEqual(both((w) => w.doubleText(formatLongDouble(13.361389338970184, true))), [
    "$20\r\n13.36138933897018433\r\n",
    ",13.36138933897018433\r\n",
  ]);
});

Deno.test("verbatim strings carry a three-byte format in RESP3", () => {
  assert.deepEqual(both((w) => w.verbatim("Some string", "txt")), [
    "$11\r\nSome string\r\n",
    "=15\r\ntxt:Some string\r\n",
  ]);
  assert.deepEqual(both((w) => w.verbatim("# x\n", "mkd"))[1], "=8\r\nmkd:# x\n\r\n");
  assert.deepEqual(both((w) => w.verbatim("a", "t"))[1], "=5\r\nt  :a\r\n");
  assert.deepEqual(both((w) => w.verbatim("a", "text"))[1], "=5\r\ntex:a\r\n");
  assert.deepEqual(both((w) => w.verbatim(new Uint8Array([0xff]), "txt")), [
    "$1\r\n\u00ff\r\n",
    "=5\r\ntxt:\u00ff\r\n",
  ]);
  assert.deepEqual(both((w) => w.verbatim("é", "txt"))[1], "=6\r\ntxt:\u00c3\u00a9\r\n");
});

Deno.test("replies accumulate in order and grow past the initial buffer", () => {
  const w = new ReplyWriter();
  const n = 5000;
  w.arrayHeader(n);
  for (let i = 0; i < n; i++) w.bulkStr("member:" + i);
  let expected = `*${n}\r\n`;
  for (let i = 0; i < n; i++) expected += `$${("member:" + i).length}\r\nmember:${i}\r\n`;
  assert.equal(w.length, expected.length);
  assert.equal(text(w.take()), expected);
  assert.equal(w.length, 0);
  const big = new Uint8Array(1 << 20).fill(97);
  w.bulk(big);
  const out = w.take();
  assert.equal(out.length, (1 << 20) + 12);
  assert.equal(text(out.subarray(0, 9)), "$1048576\r");
});

Deno.test("take hands over bytes the writer never touches again", () => {
  const w = new ReplyWriter();
  w.simple("first");
  const a = w.take();
  w.simple("second");
  assert.equal(text(a), "+first\r\n");
  const big = new Uint8Array(100000).fill(120);
  w.bulk(big);
  const b = w.take();
  w.bulk(new Uint8Array(100000).fill(121));
  w.simple("x");
  assert.equal(text(b.subarray(0, 18)), "+second\r\n$100000\r\n");
  assert.equal(b[18], 120);
  assert.equal(b[b.length - 3], 120);
  assert.equal(b.length, "+second\r\n".length + 100000 + 11);
  w.clear();
  assert.equal(w.length, 0);
  assert.equal(text(w.take()), "");
});

Deno.test("encodeCommand produces multibulk requests", () => {
  assert.equal(text(encodeCommand(["SET", "k", "v"])), "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n");
  assert.equal(text(encodeCommand([])), "*0\r\n");
  assert.equal(
    text(encodeCommand(["SELECT", new Uint8Array([0, 13, 10]), "é", "x".repeat(12)])),
    "*4\r\n$6\r\nSELECT\r\n$3\r\n\u0000\r\n\r\n$2\r\n\u00c3\u00a9\r\n$12\r\n" + "x".repeat(12) + "\r\n",
  );
});

Deno.test("peek lends the pending bytes; clear empties the writer and drops a big buffer", () => {
  const w = new ReplyWriter();
  w.simple("OK");
  const view = w.peek();
  assert.equal(text(view), "+OK\r\n");
  w.clear();
  assert.equal(w.length, 0);
  assert.equal(w.peek().length, 0);
  w.bulk(new Uint8Array(200000).fill(97));
  const big = w.peek();
  assert.equal(big.length, 200000 + 11);
  w.clear();
  w.simple("x");
  // The big buffer was let go: what was lent before is not overwritten by later replies.
  assert.equal(text(big.subarray(0, 9)), "$200000\r\n");
  assert.equal(text(w.peek()), "+x\r\n");
});
