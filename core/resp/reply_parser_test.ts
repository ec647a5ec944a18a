import assert from "node:assert/strict";
import { isResp3, parseReply, ReplyParseError, type RespReply } from "./reply_parser.ts";
import { ReplyWriter } from "./writer.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

/** A reply as plain JS values, for comparisons. */
function plain(r: RespReply): unknown {
  switch (r.type) {
    case "string":
    case "verbatim":
      return dec.decode(r.value);
    case "array":
    case "set":
    case "push":
      return r.value.map(plain);
    case "map":
      return r.value.map(([k, v]) => [plain(k), plain(v)]);
    case "null":
      return null;
    default:
      return r.value;
  }
}

function parse(s: string): RespReply {
  const b = enc.encode(s);
  const { reply, end } = parseReply(b);
  assert.equal(end, b.length, "the whole reply is read");
  return reply;
}

Deno.test("RESP2 replies: strings, errors, integers, nulls and nested arrays, each with its own bytes", () => {
  assert.equal(plain(parse("+OK\r\n")), "OK");
  const e = parse("-ERR bad\r\n");
  assert.deepEqual([e.type, plain(e)], ["error", "ERR bad"]);
  assert.equal(plain(parse(":-9223372036854775808\r\n")), -9223372036854775808n);
  assert.equal(plain(parse("$4\r\na\r\nb\r\n")), "a\r\nb");
  assert.equal(parse("$-1\r\n").type, "null");
  assert.equal(parse("*-1\r\n").type, "null");
  const a = parse("*3\r\n:1\r\n*1\r\n$0\r\n\r\n-E x\r\n");
  assert.deepEqual(plain(a), [1n, [""], "E x"]);
  assert.equal(a.type === "array" && dec.decode(a.value[1]!.proto), "*1\r\n$0\r\n\r\n");
  assert.equal(isResp3(a), false);
});

Deno.test("RESP3 replies: map, set, push, bool, double, big number, verbatim, blob error, attributes", () => {
  const m = parse("%2\r\n+a\r\n:1\r\n+b\r\n_\r\n");
  assert.deepEqual(plain(m), [["a", 1n], ["b", null]]);
  assert.equal(isResp3(m), true);
  assert.deepEqual(plain(parse("~2\r\n#t\r\n#f\r\n")), [true, false]);
  assert.deepEqual(plain(parse(">2\r\n+invalidate\r\n*0\r\n")), ["invalidate", []]);
  assert.equal(plain(parse(",3.5\r\n")), 3.5);
  assert.equal(plain(parse(",-inf\r\n")), -Infinity);
  assert.ok(Number.isNaN(plain(parse(",nan\r\n"))));
  assert.equal(plain(parse("(12345678901234567890\r\n")), "12345678901234567890");
  const v = parse("=8\r\ntxt:abcd\r\n");
  assert.deepEqual(v.type === "verbatim" && [v.format, dec.decode(v.value)], ["txt", "abcd"]);
  assert.equal(plain(parse("!5\r\nERR x\r\n")), "ERR x");
  const withAttr = parse("|1\r\n+ttl\r\n:3\r\n+v\r\n");
  assert.deepEqual(plain(withAttr), "v");
  assert.deepEqual(withAttr.attribute?.map(([k, val]) => [plain(k), plain(val)]), [["ttl", 3n]]);
  assert.equal(dec.decode(withAttr.proto), "|1\r\n+ttl\r\n:3\r\n+v\r\n");
  assert.equal(isResp3(parse("*1\r\n_\r\n")), true);
});

Deno.test("what the server's writer writes parses back", () => {
  for (const resp of [2, 3] as const) {
    const w = new ReplyWriter();
    w.proto = resp;
    w.mapHeader(2);
    w.bulkStr("k");
    w.double(1.5);
    w.bulkStr("n");
    w.nullBulk();
    const r = parse(dec.decode(w.take()));
    assert.deepEqual(plain(r), resp === 3 ? [["k", 1.5], ["n", null]] : ["k", "1.5", "n", null]);
  }
});

Deno.test("malformed replies throw ReplyParseError", () => {
  for (const bad of ["+OK", "$5\r\nab\r\n", "?x\r\n", ":1x\r\n", "#x\r\n"]) {
    assert.throws(() => parseReply(enc.encode(bad)), ReplyParseError, bad);
  }
});
