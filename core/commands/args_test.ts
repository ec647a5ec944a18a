import assert from "node:assert/strict";
import { parseArgs } from "./args.ts";
import { ReplyError } from "./errors.ts";
import type { ArgSpec } from "./spec.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();
const words = (...w: string[]) => w.map((s) => enc.encode(s));

/** SET key value [NX | XX] [GET] [EX seconds | PX milliseconds | EXAT ... | PXAT ... | KEEPTTL] */
const SET: ArgSpec[] = [
  { name: "key", type: "key", keySpecIndex: 0 },
  { name: "value", type: "string" },
  {
    name: "condition",
    type: "oneof",
    optional: true,
    arguments: [
      { name: "nx", type: "pure-token", token: "NX" },
      { name: "xx", type: "pure-token", token: "XX" },
    ],
  },
  { name: "get", type: "pure-token", token: "GET", optional: true },
  {
    name: "expiration",
    type: "oneof",
    optional: true,
    arguments: [
      { name: "seconds", type: "integer", token: "EX" },
      { name: "milliseconds", type: "integer", token: "PX" },
      { name: "unix-time-seconds", type: "unix-time", token: "EXAT" },
      { name: "unix-time-milliseconds", type: "unix-time", token: "PXAT" },
      { name: "keepttl", type: "pure-token", token: "KEEPTTL" },
    ],
  },
];

function syntaxError(fn: () => unknown): void {
  assert.throws(fn, (e) => e instanceof ReplyError && e.reply === "ERR syntax error");
}

Deno.test("SET options are matched in any order and case-insensitively", () => {
  const a = parseArgs(SET, words("SET", "k", "v", "ex", "10", "Get", "NX"), 1);
  assert.equal(dec.decode(a.bytes("key")), "k");
  assert.equal(a.choice("condition"), "nx");
  assert.equal(a.flag("get"), true);
  assert.equal(a.choice("expiration"), "seconds");
  assert.equal(a.int("seconds"), 10);
  assert.equal(a.flag("xx"), false);
});

Deno.test("two branches of one oneof are a syntax error", () => {
  syntaxError(() => parseArgs(SET, words("SET", "k", "v", "NX", "XX"), 1));
  syntaxError(() => parseArgs(SET, words("SET", "k", "v", "EX", "1", "PX", "5"), 1));
});

Deno.test("a repeated token is a syntax error and a token without value too", () => {
  syntaxError(() => parseArgs(SET, words("SET", "k", "v", "GET", "GET"), 1));
  syntaxError(() => parseArgs(SET, words("SET", "k", "v", "EX"), 1));
  syntaxError(() => parseArgs(SET, words("SET", "k", "v", "FOO"), 1));
});

Deno.test("values are converted when read, with Valkey's generic errors", () => {
  const a = parseArgs(SET, words("SET", "k", "v", "EX", "abc"), 1);
  assert.throws(
    () => a.int("seconds"),
    (e) => e instanceof ReplyError && e.reply.startsWith("ERR value is not an integer"),
  );
});

/** DEL key [key ...] / MSET key value [key value ...] / ZADD key [NX|XX] [GT|LT] [CH] [INCR] score member [...] */
Deno.test("multiple positionals take what the later required arguments leave", () => {
  const del: ArgSpec[] = [{ name: "key", type: "key", multiple: true }];
  assert.equal(parseArgs(del, words("DEL", "a", "b", "c"), 1).list("key").length, 3);
  const mset: ArgSpec[] = [{
    name: "data",
    type: "block",
    multiple: true,
    arguments: [{ name: "key", type: "key" }, { name: "value", type: "string" }],
  }];
  const m = parseArgs(mset, words("MSET", "a", "1", "b", "2"), 1);
  assert.deepEqual(m.blocks("data").map((b) => dec.decode(b.bytes("key"))), ["a", "b"]);
  const zadd: ArgSpec[] = [
    { name: "key", type: "key" },
    {
      name: "condition",
      type: "oneof",
      optional: true,
      arguments: [{ name: "nx", type: "pure-token", token: "NX" }, {
        name: "xx",
        type: "pure-token",
        token: "XX",
      }],
    },
    { name: "change", type: "pure-token", token: "CH", optional: true },
    {
      name: "data",
      type: "block",
      multiple: true,
      arguments: [{ name: "score", type: "double" }, { name: "member", type: "string" }],
    },
  ];
  const z = parseArgs(zadd, words("ZADD", "z", "ch", "xx", "1.5", "a", "2", "b"), 1);
  assert.equal(z.choice("condition"), "xx");
  assert.equal(z.flag("change"), true);
  assert.deepEqual(z.blocks("data").map((b) => b.double("score")), [1.5, 2]);
});

Deno.test("a token-led block reads its children, and optional positionals are optional", () => {
  const zr: ArgSpec[] = [
    { name: "key", type: "key" },
    { name: "start", type: "string" },
    { name: "stop", type: "string" },
    {
      name: "limit",
      type: "block",
      token: "LIMIT",
      optional: true,
      arguments: [{ name: "offset", type: "integer" }, { name: "count", type: "integer" }],
    },
    { name: "withscores", type: "pure-token", token: "WITHSCORES", optional: true },
  ];
  const a = parseArgs(zr, words("Z", "k", "0", "-1", "WITHSCORES", "LIMIT", "1", "2"), 1);
  assert.equal(a.int("offset"), 1);
  assert.equal(a.int("count"), 2);
  assert.equal(a.flag("withscores"), true);
  syntaxError(() => parseArgs(zr, words("Z", "k", "0", "-1", "LIMIT", "1"), 1));
  const slowlog: ArgSpec[] = [{ name: "count", type: "integer", optional: true }];
  assert.equal(parseArgs(slowlog, words("SLOWLOG", "GET"), 2).has("count"), false);
  assert.equal(parseArgs(slowlog, words("SLOWLOG", "GET", "5"), 2).int("count"), 5);
  syntaxError(() => parseArgs(slowlog, words("SLOWLOG", "GET", "5", "6"), 2));
});

Deno.test("a multiple token repeats before every value (SORT ... GET p GET p)", () => {
  const sort: ArgSpec[] = [
    { name: "key", type: "key" },
    { name: "pattern", type: "pattern", token: "GET", optional: true, multiple: true, multipleToken: true },
    { name: "alpha", type: "pure-token", token: "ALPHA", optional: true },
  ];
  const a = parseArgs(sort, words("SORT", "k", "GET", "#", "alpha", "GET", "h_*->f"), 1);
  assert.deepEqual(a.list("pattern").map((b) => dec.decode(b)), ["#", "h_*->f"]);
  assert.equal(a.flag("alpha"), true);
});
