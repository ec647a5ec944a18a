import assert from "node:assert/strict";
import {
  captureArgs,
  CommandLog,
  LARGE_REPLY,
  LARGE_REQUEST,
  LogList,
  parseLogType,
  redactedPositions,
  SLOW,
} from "./commandlog.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();
const words = (...s: string[]) => s.map((x) => enc.encode(x));
const text = (a: Uint8Array[]) => a.map((x) => dec.decode(x));
const entry = (tag: string) => () => ({ time: 1, argv: words(tag), peer: "127.0.0.1:1", name: "" });

Deno.test("captureArgs keeps short commands as copies", () => {
  const argv = words("SET", "k", "v");
  const got = captureArgs(argv, null);
  assert.deepEqual(text(got), ["SET", "k", "v"]);
  argv[1]![0] = 0x78;
  assert.equal(dec.decode(got[1]), "k");
});

Deno.test("captureArgs keeps 31 words and a marker counting the rest for more than 32", () => {
  const argv = words("DEL", ...Array.from({ length: 40 }, (_, i) => `k${i}`));
  const got = text(captureArgs(argv, null));
  assert.equal(got.length, 32);
  assert.equal(got[30], "k29");
  assert.equal(got[31], "... (10 more arguments)");
  assert.equal(
    text(captureArgs(words(...Array.from({ length: 32 }, (_, i) => `w${i}`)), null)).at(-1),
    "w31",
  );
  assert.equal(
    text(captureArgs(words(...Array.from({ length: 33 }, (_, i) => `w${i}`)), null)).at(-1),
    "... (2 more arguments)",
  );
});

Deno.test("captureArgs cuts words longer than 128 bytes and says how many bytes were dropped", () => {
  const long = "a".repeat(128);
  assert.deepEqual(text(captureArgs(words("ECHO", long), null)), ["ECHO", long]);
  assert.deepEqual(text(captureArgs(words("ECHO", long + "bc"), null)), [
    "ECHO",
    long + "... (2 more bytes)",
  ]);
});

Deno.test("captureArgs replaces redacted positions", () => {
  assert.deepEqual(text(captureArgs(words("AUTH", "user", "pw"), [1, 2])), [
    "AUTH",
    "(redacted)",
    "(redacted)",
  ]);
});

Deno.test("a log adds values at or above the threshold and trims to max-len from the oldest end", () => {
  const log = new CommandLog();
  const slow = log.logs[SLOW];
  slow.threshold = 100;
  slow.maxLen = 2;
  log.add(SLOW, 99, entry("a"));
  assert.equal(slow.length, 0);
  log.add(SLOW, 100, entry("b"));
  log.add(SLOW, 150, entry("c"));
  log.add(SLOW, 200, entry("d"));
  assert.deepEqual(slow.newest(10).map((e) => [e.id, e.value, text(e.argv)[0]]), [[2, 200, "d"], [
    1,
    150,
    "c",
  ]]);
  assert.deepEqual(slow.newest(1).map((e) => e.id), [2]);
  // Lowering max-len trims at the next add, even when the value is not logged.
  slow.maxLen = 1;
  log.add(SLOW, 0, entry("e"));
  assert.deepEqual(slow.newest(10).map((e) => e.id), [2]);
  slow.reset();
  assert.equal(slow.length, 0);
  log.add(SLOW, 100, entry("f"));
  assert.deepEqual(slow.newest(10).map((e) => e.id), [3]);
});

Deno.test("a negative threshold or a max-len of 0 switches a log off without trimming it", () => {
  const log = new CommandLog();
  const req = log.logs[LARGE_REQUEST];
  req.threshold = 0;
  log.add(LARGE_REQUEST, 5, entry("a"));
  log.add(LARGE_REQUEST, 5, entry("b"));
  req.threshold = -1;
  req.maxLen = 1;
  log.add(LARGE_REQUEST, 5, entry("c"));
  assert.equal(req.length, 2);
  req.threshold = 0;
  req.maxLen = 0;
  log.add(LARGE_REQUEST, 5, entry("d"));
  assert.equal(req.length, 2);
  assert.equal(log.wants(LARGE_REQUEST, 5), false);
  assert.equal(log.wants(LARGE_REPLY, 1024 * 1024), true);
  assert.equal(log.wants(LARGE_REPLY, 1024 * 1024 - 1), false);
});

Deno.test("a long log stays in order across compactions", () => {
  const l = new LogList();
  l.maxLen = 3;
  for (let i = 0; i < 5000; i++) {
    l.push({ id: i, time: 0, value: i, argv: [], peer: "", name: "" });
    l.trim();
  }
  assert.equal(l.length, 3);
  assert.deepEqual(l.newest(5).map((e) => e.id), [4999, 4998, 4997]);
});

Deno.test("log type names are case-insensitive", () => {
  assert.equal(parseLogType(enc.encode("SLOW")), SLOW);
  assert.equal(parseLogType(enc.encode("Large-Request")), LARGE_REQUEST);
  assert.equal(parseLogType(enc.encode("large-reply")), LARGE_REPLY);
  assert.equal(parseLogType(enc.encode("large_reply")), null);
});

Deno.test("redaction follows each command's own rules", () => {
  const none = () => false;
  const sensitive = (n: string) => n === "requirepass";
  assert.deepEqual(redactedPositions("auth", words("AUTH", "pw"), none), [1]);
  assert.deepEqual(redactedPositions("auth", words("AUTH", "u", "pw"), none), [1, 2]);
  assert.equal(redactedPositions("auth", words("AUTH", "a", "b", "c"), none), null); // syntax error first
  assert.deepEqual(redactedPositions("hello", words("HELLO", "3", "AUTH", "u", "p"), none), [3, 4]);
  assert.deepEqual(
    redactedPositions("hello", words("HELLO", "2", "SETNAME", "n", "AUTH", "u", "p"), none),
    [5, 6],
  );
  // HELLO stops at the first invalid protocol, bad name or unknown option.
  assert.equal(redactedPositions("hello", words("HELLO", "4", "AUTH", "u", "p"), none), null);
  assert.equal(redactedPositions("hello", words("HELLO", "x", "AUTH", "u", "p"), none), null);
  assert.equal(
    redactedPositions("hello", words("HELLO", "3", "SETNAME", "a b", "AUTH", "u", "p"), none),
    null,
  );
  assert.equal(redactedPositions("hello", words("HELLO", "3", "FOO", "AUTH", "u", "p"), none), null);
  assert.equal(redactedPositions("hello", words("HELLO", "3", "AUTH", "u"), none), null);
  assert.deepEqual(
    redactedPositions("config|set", words("CONFIG", "SET", "maxmemory", "1", "REQUIREPASS", "x"), sensitive),
    [5],
  );
  assert.equal(redactedPositions("config|set", words("CONFIG", "SET", "requirepass"), sensitive), null);
  assert.deepEqual(redactedPositions("acl|setuser", words("ACL", "SETUSER", "u", "on", ">pw"), none), [
    2,
    3,
    4,
  ]);
  assert.deepEqual(redactedPositions("acl|deluser", words("ACL", "DELUSER", "a", "b"), none), [2, 3]);
  assert.deepEqual(redactedPositions("acl|getuser", words("ACL", "GETUSER", "a"), none), [2]);
  assert.deepEqual(
    redactedPositions("migrate", words("MIGRATE", "h", "1", "k", "0", "5", "COPY", "AUTH", "pw"), none),
    [8],
  );
  assert.deepEqual(
    redactedPositions(
      "migrate",
      words("MIGRATE", "h", "1", "", "0", "5", "AUTH2", "u", "pw", "KEYS", "a"),
      none,
    ),
    [7, 8],
  );
  assert.equal(redactedPositions("set", words("SET", "auth", "pw"), none), null);
});
