import assert from "node:assert/strict";
import {
  ERR_EXPECTED_DOLLAR,
  ERR_INLINE_FROM_PRIMARY,
  ERR_INVALID_BULK_LEN,
  ERR_INVALID_MULTIBULK_LEN,
  ERR_TOO_BIG_BULK_COUNT,
  ERR_TOO_BIG_INLINE,
  ERR_TOO_BIG_MBULK_COUNT,
  ERR_UNAUTH_BULK_LEN,
  ERR_UNAUTH_MULTIBULK_LEN,
  ERR_UNBALANCED_QUOTES,
  ProtocolError,
  RequestParser,
} from "./parser.ts";

const MB512 = 512 * 1024 * 1024;
const b = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));
const str = (a: Uint8Array) => {
  let s = "";
  for (const c of a) s += String.fromCharCode(c);
  return s;
};
const newParser = () => new RequestParser({ maxBulkLen: MB512 });

/** Drains every complete request, as strings. */
function drain(p: RequestParser): string[][] {
  const out: string[][] = [];
  for (let r = p.next(); r !== null; r = p.next()) out.push(r.map(str));
  return out;
}

/** Parses `input` fed in the given chunk sizes (cycled). */
function parseChunked(input: Uint8Array, sizes: number[]): string[][] {
  const p = newParser();
  const out: string[][] = [];
  let i = 0;
  let k = 0;
  while (i < input.length) {
    const n = Math.max(1, sizes[k++ % sizes.length]!);
    p.feed(input.subarray(i, i + n));
    i += n;
    out.push(...drain(p));
  }
  return out;
}

function mb(...args: string[]): string {
  return `*${args.length}\r\n` + args.map((a) => `$${a.length}\r\n${a}\r\n`).join("");
}

/** The ProtocolError message `input` produces (fed at once), or null if none. */
function errorOf(input: string | Uint8Array, setup?: (p: RequestParser) => void): string | null {
  const p = newParser();
  setup?.(p);
  p.feed(typeof input === "string" ? b(input) : input);
  try {
    drain(p);
    return null;
  } catch (e) {
    assert.ok(e instanceof ProtocolError);
    return e.message;
  }
}

Deno.test("a multibulk request is returned as views into the parser's buffer", () => {
  const p = newParser();
  p.feed(b(mb("SET", "key", "value")));
  const r = p.next()!;
  assert.deepEqual(r.map(str), ["SET", "key", "value"]);
  assert.equal(r[0]!.buffer, r[2]!.buffer);
  assert.equal(r[2]!.byteOffset - r[1]!.byteOffset, 9); // "key\r\n$5\r\n"
  assert.equal(p.next(), null);
  assert.equal(p.bufferedBytes, 0);
  assert.equal(p.lastWasInline, false);
  assert.equal(p.lastRequestBytes, mb("SET", "key", "value").length);
});

Deno.test("binary-safe payloads may contain CR, LF and NUL", () => {
  const p = newParser();
  p.feed(b(mb("SET", "k\r\n", "\u0000\r\n$3\r\n")));
  assert.deepEqual(drain(p), [["SET", "k\r\n", "\u0000\r\n$3\r\n"]]);
  p.feed(b("*1\r\n$0\r\n\r\n"));
  assert.deepEqual(drain(p), [[""]]);
});

Deno.test("inline requests are split, empty and blank lines are skipped", () => {
  const p = newParser();
  p.feed(b("PING\r\n\r\n\n   \r\nSET k \"v 1\"\nECHO 'x y'\r\n"));
  assert.deepEqual(drain(p), [["PING"], ["SET", "k", "v 1"], ["ECHO", "x y"]]);
  assert.equal(p.lastWasInline, true);
  // Valkey counts inline input as argument bytes + separators + CRLF
  assert.equal(p.lastRequestBytes, 4 + 1 + 3 + 2);
  p.feed(b('SET a"b c" v\r\n'));
  assert.deepEqual(drain(p), [["SET", "ab c", "v"]]);
  assert.equal(p.lastRequestBytes, 3 + 4 + 1 + 2 + 2);
  p.feed(b("lone\rcr\n"));
  assert.deepEqual(drain(p), [["lone", "cr"]]);
});

Deno.test("multibulk counts of zero or less are skipped silently", () => {
  const p = newParser();
  p.feed(b("*0\r\n*-1\r\n*-10\r\n" + mb("PING") + "*-9223372036854775808\r\n" + mb("ECHO", "a")));
  assert.deepEqual(drain(p), [["PING"], ["ECHO", "a"]]);
});

Deno.test("Valkey's framing leniencies are kept", () => {
  // only "\r" is searched for; the byte after it is skipped unchecked
  let p = newParser();
  p.feed(b("*1\rX$4\rYPING\r\n"));
  assert.deepEqual(drain(p), [["PING"]]);
  // the two bytes after a payload are not checked either
  p = newParser();
  p.feed(b("*2\r\n$4\r\nECHO\r\n$3\r\nabcZZ" + mb("PING")));
  assert.deepEqual(drain(p), [["ECHO", "abc"], ["PING"]]);
});

Deno.test("every protocol error has Valkey's exact text", () => {
  const cases: [string, string][] = [
    ["*3000000000\r\n", ERR_INVALID_MULTIBULK_LEN],
    ["*2147483648\r\n", ERR_INVALID_MULTIBULK_LEN],
    ["*-0\r\n", ERR_INVALID_MULTIBULK_LEN],
    ["*+1\r\n", ERR_INVALID_MULTIBULK_LEN],
    ["*01\r\n", ERR_INVALID_MULTIBULK_LEN],
    ["*\r\n", ERR_INVALID_MULTIBULK_LEN],
    ["*1x\r\n", ERR_INVALID_MULTIBULK_LEN],
    ["*-9223372036854775809\r\n", ERR_INVALID_MULTIBULK_LEN],
    ["*3\r\n$3\r\nSET\r\n$1\r\nx\r\nfooz\r\n", "Protocol error: expected '$', got 'f'"],
    ["*1\r\nfoo\r\n", "Protocol error: expected '$', got 'f'"],
    ["*1\r\n\r\n", "Protocol error: expected '$', got '\r'"],
    ["*1\r\n\u0000$4\r\n", "Protocol error: expected '$', got '\u0000'"],
    ["*1\r\n\u00e9\r\n", "Protocol error: expected '$', got '\u00e9'"],
    ["*3\r\n$3\r\nSET\r\n$1\r\nx\r\n$-10\r\n", ERR_INVALID_BULK_LEN],
    ["*3\r\n$3\r\nSET\r\n$1\r\nx\r\n$2000000000\r\n", ERR_INVALID_BULK_LEN],
    ["*3\r\n$3\r\nSET\r\n$1\r\nx\r\n$blabla\r\n", ERR_INVALID_BULK_LEN],
    ["*1\r\n$\r\n", ERR_INVALID_BULK_LEN],
    ["*1\r\n$-0\r\n", ERR_INVALID_BULK_LEN],
    ["*1\r\n$01\r\n", ERR_INVALID_BULK_LEN],
    ["*1\r\n$536870913\r\n", ERR_INVALID_BULK_LEN],
    ["*1\r\n$99999999999999999999\r\n", ERR_INVALID_BULK_LEN],
    ['set """test-key""" test-value\r\nping\r\n', ERR_UNBALANCED_QUOTES],
    ['ECHO "a"b\r\n', ERR_UNBALANCED_QUOTES],
  ];
  for (const [input, msg] of cases) assert.equal(errorOf(input), msg, JSON.stringify(input));
  assert.equal(ERR_EXPECTED_DOLLAR + "x'", "Protocol error: expected '$', got 'x'");
  assert.equal(errorOf("*1\r\n$536870912\r\n"), null); // exactly proto-max-bulk-len is fine
});

Deno.test("lines without a terminator are refused beyond 64 KiB", () => {
  const big = "A".repeat(64 * 1024);
  assert.equal(errorOf(big), null); // exactly 64 KiB: still waiting
  assert.equal(errorOf(big + "A"), ERR_TOO_BIG_INLINE);
  assert.equal(errorOf("*" + "1".repeat(64 * 1024)), ERR_TOO_BIG_MBULK_COUNT);
  assert.equal(errorOf("*" + "1".repeat(64 * 1024 - 1)), null);
  assert.equal(errorOf("*1\r\n$" + "1".repeat(64 * 1024)), ERR_TOO_BIG_BULK_COUNT);
  assert.equal(errorOf("*1\r\n$" + "1".repeat(64 * 1024 - 1)), null);
  // a long line that does end is processed normally
  const p = newParser();
  p.feed(b("ECHO " + "x".repeat(100000) + "\r\n"));
  assert.equal(drain(p)[0]![1]!.length, 100000);
});

Deno.test("Valkey's protocol desync regression sequences end in a protocol error", () => {
  const cases: [string, string][] = [
    ["\u0000", ERR_TOO_BIG_INLINE],
    ["*\u0000", ERR_TOO_BIG_MBULK_COUNT],
    ["$\u0000", ERR_TOO_BIG_INLINE],
    ["*1\r\n$\u0000", ERR_TOO_BIG_BULK_COUNT],
  ];
  for (const [seq, msg] of cases) {
    const p = newParser();
    p.feed(b(seq));
    let err: unknown = null;
    const payload = b("A".repeat(1024));
    for (let sent = 0; sent <= 64 * 1024 + 1024 && err === null; sent += 1024) {
      p.feed(payload);
      try {
        assert.equal(p.next(), null);
      } catch (e) {
        err = e;
      }
    }
    assert.ok(err instanceof ProtocolError, JSON.stringify(seq));
    assert.equal(err.message, msg);
  }
});

Deno.test("a NUL before the newline stalls an inline request like C strchr", () => {
  const p = newParser();
  p.feed(b("PI\u0000NG\r\nPING\r\n"));
  assert.equal(p.next(), null);
  p.feed(b("more\r\n"));
  assert.equal(p.next(), null);
  // but a NUL after the newline is fine
  const q = newParser();
  q.feed(b("PING\r\n\u0000"));
  assert.deepEqual(q.next()!.map(str), ["PING"]);
});

Deno.test("unauthenticated connections get the stricter limits", () => {
  const unauth = (p: RequestParser) => {
    p.authenticated = false;
  };
  assert.equal(errorOf("*11\r\n", unauth), ERR_UNAUTH_MULTIBULK_LEN);
  assert.equal(errorOf("*10\r\n", unauth), null);
  assert.equal(errorOf("*3000000000\r\n", unauth), ERR_INVALID_MULTIBULK_LEN); // invalid is checked first
  assert.equal(errorOf("*1\r\n$16385\r\n", unauth), ERR_UNAUTH_BULK_LEN);
  assert.equal(errorOf("*1\r\n$16384\r\n", unauth), null);
  assert.equal(errorOf("*1\r\n$-1\r\n", unauth), ERR_INVALID_BULK_LEN);
  assert.equal(errorOf("*11\r\n"), null);
  assert.equal(errorOf("*1\r\n$16385\r\n"), null);
  // the flag is read when each header is parsed
  const p = newParser();
  p.authenticated = false;
  p.feed(b(mb("AUTH", "pw")));
  assert.deepEqual(drain(p), [["AUTH", "pw"]]);
  p.authenticated = true;
  p.feed(b("*1\r\n$20000\r\n"));
  assert.equal(p.next(), null);
});

Deno.test("proto-max-bulk-len is read live and does not apply to the primary link", () => {
  const limits = { maxBulkLen: 100 };
  const p = new RequestParser(limits);
  p.feed(b("*1\r\n$100\r\n"));
  assert.equal(p.next(), null);
  limits.maxBulkLen = 10;
  assert.equal(errorOf("*1\r\n$11\r\n", (q) => (q.limits = limits)), ERR_INVALID_BULK_LEN);
  assert.equal(
    errorOf("*1\r\n$11\r\n", (q) => {
      q.limits = limits;
      q.primary = true;
    }),
    null,
  );
});

Deno.test("the primary link refuses inline commands silently but accepts keepalive newlines", () => {
  const p = newParser();
  p.primary = true;
  p.feed(b("\n\r\n" + mb("PING")));
  assert.deepEqual(drain(p), [["PING"]]);
  p.feed(b("PING\r\n"));
  assert.throws(() => p.next(), (e: unknown) => {
    assert.ok(e instanceof ProtocolError);
    assert.equal(e.message, ERR_INLINE_FROM_PRIMARY);
    assert.equal(e.silent, true);
    return true;
  });
});

Deno.test("ProtocolError.reply carries the raw byte of the message", () => {
  const e = new ProtocolError("Protocol error: expected '$', got '\u00e9'");
  assert.deepEqual(e.reply(), b("ERR Protocol error: expected '$', got '\u00e9'"));
  assert.equal(e.reply()[e.reply().length - 2], 0xe9);
  assert.equal(e.silent, false);
  assert.equal(e.name, "ProtocolError");
});

const PIPELINE = b(
  mb("SET", "key:1", "hello world") + "PING\r\n" + "*0\r\n" + mb("GET", "key:1") + "\r\n" +
    mb("MSET", "a", "1", "b", "", "c\r\n", "x".repeat(300)) + "ECHO \"a\\x41\\n\" 'q'\n" + "*-1\r\n" +
    mb("DEL", "a", "b", "c") + "\r\n" + mb("X".repeat(1000)) + "QUIT\r\n",
);

function allSplits(input: Uint8Array, step: number): void {
  const whole = parseChunked(input, [input.length]);
  for (let cut = 1; cut < input.length; cut += step) {
    const p = newParser();
    p.feed(input.subarray(0, cut));
    const out = drain(p);
    p.feed(input.subarray(cut));
    out.push(...drain(p));
    assert.deepEqual(out, whole, `split at ${cut}`);
  }
  assert.deepEqual(parseChunked(input, [1]), whole); // byte at a time
  assert.deepEqual(parseChunked(input, [3, 1, 17, 2, 64, 5, 1000]), whole);
}

Deno.test("a line of only spaces keeps the parser in inline mode, an empty line does not (as Valkey 8.1)", () => {
  const spaces = parseChunked(b(" \r\n" + mb("PING")), [64]);
  assert.deepEqual(spaces, [["*1"], ["$4"], ["PING"]]);
  assert.deepEqual(parseChunked(b("\r\n" + mb("PING")), [64]), [["PING"]]);
});

Deno.test("requests split at any byte boundary parse identically", () => {
  const whole = parseChunked(PIPELINE, [PIPELINE.length]);
  assert.equal(whole.length, 8);
  assert.deepEqual(whole[0], ["SET", "key:1", "hello world"]);
  assert.deepEqual(whole[4], ["ECHO", "aA\n", "q"]);
  assert.deepEqual(whole[6], ["X".repeat(1000)]);
  assert.deepEqual(whole[7], ["QUIT"]);
  allSplits(PIPELINE, 1);
});

Deno.test("a pipeline with an argument larger than 64 KiB splits correctly too", () => {
  const input = b(mb("SET", "k", "v".repeat(70000)) + "PING\r\n" + mb("GET", "k"));
  assert.deepEqual(parseChunked(input, [input.length]).map((r) => r.length), [3, 1, 2]);
  allSplits(input, 997);
});

Deno.test("random requests survive random chunking", () => {
  let seed = 7;
  const rnd = (n: number) => (seed = (seed * 1103515245 + 12345) % 2147483648) % n;
  const alphabet = "ab\r\n$*\" '\\x0\t";
  for (let round = 0; round < 40; round++) {
    const reqs: string[][] = [];
    let text = "";
    for (let i = 0; i < 30; i++) {
      const args: string[] = [];
      const argc = 1 + rnd(5);
      for (let j = 0; j < argc; j++) {
        let a = "";
        const len = rnd(4) === 0 ? rnd(3000) : rnd(12);
        for (let k = 0; k < len; k++) a += alphabet[rnd(alphabet.length)];
        args.push(a);
      }
      const plain = args.every((a) => /^[abx0$*]+$/.test(a));
      text += plain && rnd(3) === 0 ? args.join(" ") + (rnd(2) ? "\r\n" : "\n") : mb(...args);
      reqs.push(args);
    }
    const input = b(text);
    assert.deepEqual(parseChunked(input, [input.length]), reqs);
    const sizes = Array.from({ length: 5 }, () => 1 + rnd(rnd(2) ? 8 : 4000));
    assert.deepEqual(parseChunked(input, sizes), reqs);
  }
});

Deno.test("a 2 MB value arriving in 64 KiB chunks is assembled without quadratic copying", () => {
  const value = new Uint8Array(2 * 1024 * 1024).map((_, i) => i % 251);
  const head = b(`*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$${value.length}\r\n`);
  const input = new Uint8Array(head.length + value.length + 2);
  input.set(head);
  input.set(value, head.length);
  input.set(b("\r\n"), head.length + value.length);
  const p = newParser();
  let maxCap = 0;
  const t0 = performance.now();
  for (let i = 0; i < input.length; i += 65536) {
    p.feed(input.subarray(i, i + 65536));
    maxCap = Math.max(maxCap, p.bufferCapacity);
    if (i + 65536 < input.length) assert.equal(p.next(), null);
  }
  const r = p.next()!;
  const ms = performance.now() - t0;
  assert.equal(r.length, 3);
  assert.deepEqual(r[2], value);
  assert.ok(maxCap <= input.length, `capacity ${maxCap} for ${input.length} bytes`);
  assert.ok(ms < 1000, `${ms} ms`);
  assert.equal(p.lastRequestBytes, input.length);
  // drained: the big buffer is released at the next feed
  p.feed(b(mb("PING")));
  assert.ok(p.bufferCapacity <= 64 * 1024);
  assert.deepEqual(drain(p), [["PING"]]);
});

Deno.test("a declared huge bulk allocates nothing before its bytes arrive", () => {
  const p = newParser();
  p.feed(b("*1\r\n$500000000\r\n"));
  assert.equal(p.next(), null);
  assert.ok(p.bufferCapacity <= 16 * 1024);
  const chunk = new Uint8Array(100000);
  p.feed(chunk);
  assert.equal(p.next(), null);
  assert.ok(p.bufferCapacity <= 2 * (100000 + 16 * 1024), String(p.bufferCapacity));
  assert.equal(p.bufferedBytes, 100000 + 16);
});

Deno.test("a command with 100k arguments fed in small pieces parses in linear time", () => {
  const n = 100000;
  let text = `*${n}\r\n`;
  for (let i = 0; i < n; i++) text += `$${String(i).length}\r\n${i}\r\n`;
  const input = b(text);
  const t0 = performance.now();
  const out = parseChunked(input, [1500]);
  const ms = performance.now() - t0;
  assert.equal(out.length, 1);
  assert.equal(out[0]!.length, n);
  assert.equal(out[0]![n - 1], String(n - 1));
  assert.ok(ms < 3000, `${ms} ms`);
});

Deno.test("a long line arriving byte by byte is scanned once", () => {
  const p = newParser();
  const one = new Uint8Array([65]);
  const t0 = performance.now();
  for (let i = 0; i < 60000; i++) {
    p.feed(one);
    assert.equal(p.next(), null);
  }
  p.feed(b("\r\n"));
  assert.equal(p.next()![0]!.length, 60000);
  assert.ok(performance.now() - t0 < 2000);
});

Deno.test("buffer accounting reports buffered bytes and capacity", () => {
  const p = newParser();
  assert.equal(p.bufferedBytes, 0);
  assert.equal(p.bufferCapacity, 1024);
  const partial = "*2\r\n$3\r\nGET";
  p.feed(b(mb("GET", "a") + partial));
  assert.equal(p.bufferedBytes, mb("GET", "a").length + partial.length);
  assert.deepEqual(p.next()!.map(str), ["GET", "a"]);
  assert.equal(p.bufferedBytes, partial.length);
  assert.equal(p.next(), null);
  assert.equal(p.bufferedBytes, partial.length);
  p.feed(b("\r\n$1\r\nb\r\n"));
  assert.deepEqual(p.next()!.map(str), ["GET", "b"]);
  assert.equal(p.bufferedBytes, 0);
  p.feed(new Uint8Array(100000).fill(120));
  assert.ok(p.bufferCapacity >= 100000);
  p.reset();
  assert.equal(p.bufferedBytes, 0);
  assert.equal(p.bufferCapacity, 1024);
  p.feed(b(mb("PING")));
  assert.deepEqual(drain(p), [["PING"]]);
});

Deno.test("shrink releases memory but keeps pending bytes", () => {
  const p = newParser();
  p.feed(b(mb("SET", "k", "v".repeat(300000)) + "*1\r\n$4\r\nPI"));
  assert.deepEqual(p.next()!.map((a) => a.length), [3, 1, 300000]);
  assert.ok(p.bufferCapacity >= 300000);
  p.shrink();
  assert.equal(p.bufferCapacity, 16 * 1024);
  assert.equal(p.bufferedBytes, "*1\r\n$4\r\nPI".length);
  assert.equal(p.next(), null);
  p.feed(b("NG\r\n"));
  assert.deepEqual(drain(p), [["PING"]]);
});

Deno.test("release lets a grown buffer go only when nothing is buffered", () => {
  const p = newParser();
  p.feed(b(mb("SET", "k", "x".repeat(50000)) + "*2\r\n$3\r\nGET"));
  assert.equal(p.next()!.length, 3);
  const cap = p.bufferCapacity;
  assert.ok(cap > 50000);
  p.release(); // a partial request is buffered: kept
  assert.equal(p.bufferCapacity, cap);
  p.feed(b("\r\n$1\r\nk\r\n"));
  assert.deepEqual(p.next()!.map(str), ["GET", "k"]);
  p.release();
  assert.equal(p.bufferCapacity, 1024);
  p.feed(b(mb("PING")));
  assert.deepEqual(drain(p), [["PING"]]);
});
