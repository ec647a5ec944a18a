import assert from "node:assert/strict";
import { ProtocolError, RequestParser } from "../resp/parser.ts";
import { CommandTable } from "../commands/registry.ts";
import { coreCommands } from "../commands/all.ts";
import { BatchParser, copyTable } from "./batch_parser.ts";
import { ConnParser, FrameBuilder, WorkerTable } from "./worker_parse.ts";
import { mulberry32 as rng } from "../util/prng.ts";

const enc = new TextEncoder();

function table(): CommandTable {
  const t = new CommandTable();
  for (const spec of coreCommands()) t.register(spec);
  return t;
}

function mb(...args: (string | Uint8Array)[]): Uint8Array {
  const parts: Uint8Array[] = [enc.encode(`*${args.length}\r\n`)];
  for (const a of args) {
    const b = typeof a === "string" ? enc.encode(a) : a;
    parts.push(enc.encode(`$${b.length}\r\n`), b, enc.encode("\r\n"));
  }
  return concat(parts);
}

function concat(parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** One request of many shapes: known, unknown, wrong arity, subcommands, inline (quoted too), skipped. */
function request(r: () => number): Uint8Array {
  const k = Math.floor(r() * 16);
  const val = (n: number) => {
    const b = new Uint8Array(n);
    for (let i = 0; i < n; i++) b[i] = Math.floor(r() * 256);
    return b;
  };
  switch (k) {
    case 0:
      return mb("GET", `k${Math.floor(r() * 100)}`);
    case 1:
      return mb("set", "key", val(Math.floor(r() * 40)));
    case 2:
      return mb("SET", "big", val(Math.floor(r() * 20000)));
    case 3:
      return mb("config", "GET", "maxmemory");
    case 4:
      return mb("CLIENT", "nosuch");
    case 5:
      return mb("nosuchcommand", "a", "b");
    case 6:
      return mb("get");
    case 7:
      return enc.encode("PING\r\n");
    case 8:
      return enc.encode(`set "a b" 'c\\'d' e\n`);
    case 9:
      return enc.encode("\r\n");
    case 10:
      return enc.encode("*0\r\n");
    case 11:
      return enc.encode("   \r\n");
    case 12:
      return mb("MSET", "a", "1", "b", "2", "c", "3", "d", "4", "e", "5", "f", "6");
    case 13:
      return mb("object");
    case 14:
      return enc.encode("ECHO hello world\n");
    default:
      return mb("INCR", val(Math.floor(r() * 8)));
  }
}

interface Seen {
  argv: string;
  bytes: number;
  inline: boolean;
  resolved: string;
}

function show(argv: Uint8Array[]): string {
  return argv.map((a) => Array.from(a).join(",")).join("|");
}

function resolvedName(t: CommandTable, argv: Uint8Array[]): string {
  const r = t.resolve(argv);
  return "error" in r ? `error ${r.error}` : r.fullName;
}

interface Conn {
  stream: Uint8Array;
  off: number;
  ref: RequestParser;
  bp: BatchParser;
  cp: ConnParser;
  served: number;
  err: string;
  a: Seen[];
  b: Seen[];
}

/**
 * Runs streams (one per connection, their reads interleaved as in one Worker) through both paths, with
 * the same reads and the same stops, and compares what each parser hands out. Returns the UP_REQS count.
 */
function run(streams: Uint8Array[], seed: number, opts: { auth?: number } = {}): number {
  const r = rng(seed);
  const t = table();
  const { snapshot, copy } = copyTable(t);
  const wt = WorkerTable.from(copy);
  const fb = new FrameBuilder();
  const conns: Conn[] = streams.map((stream) => ({
    stream,
    off: 0,
    ref: new RequestParser({ maxBulkLen: 512 * 1024 * 1024 }),
    bp: new BatchParser({ maxBulkLen: 512 * 1024 * 1024 }, t, () => snapshot),
    cp: new ConnParser(),
    served: 0,
    err: "",
    a: [],
    b: [],
  }));
  if (opts.auth !== undefined) {
    for (const c of conns) {
      c.ref.authenticated = false;
      c.bp.authenticated = false;
    }
  }
  let frames = 0;
  for (;;) {
    const live = conns.filter((c) => c.off < c.stream.length && c.err === "");
    if (live.length === 0) break;
    const c = live[Math.floor(r() * live.length)]!;
    const { ref, bp } = c;
    const n = Math.min(c.stream.length - c.off, 1 + Math.floor(r() * (r() < 0.5 ? 64 : 30000)));
    const chunk = c.stream.slice(c.off, c.off + n);
    c.off += n;
    // The Worker.
    const payload = c.cp.scan(chunk, wt, fb, 256 * 1024);
    // The main thread: UP_DATA or UP_REQS, as io_threads.ts hands them over.
    ref.feed(chunk);
    if (payload === null) bp.feed(chunk);
    else {
      frames++;
      const copyBuf = new ArrayBuffer((payload.length + 3) & ~3);
      new Uint8Array(copyBuf).set(payload);
      const words = new Int32Array(copyBuf);
      const raw = new Uint8Array(copyBuf, words[4]! * 4, payload.length - words[4]! * 4);
      bp.arm(raw, words, 0);
      bp.feed(raw);
    }
    // A client that blocks stops being served for this round.
    const limit = r() < 0.2 ? Math.floor(r() * 3) : Infinity;
    for (let i = 0; i < limit; i++) {
      if (opts.auth !== undefined && c.served === opts.auth) {
        ref.authenticated = true;
        bp.authenticated = true;
      }
      let x: Uint8Array[] | null = null;
      let y: Uint8Array[] | null = null;
      let bpErr = "";
      try {
        x = ref.next();
      } catch (e) {
        if (!(e instanceof ProtocolError)) throw e;
        c.err = e.message;
      }
      try {
        y = bp.next();
      } catch (e) {
        if (!(e instanceof ProtocolError)) throw e;
        bpErr = e.message;
      }
      assert.deepStrictEqual(bpErr, c.err);
      if (c.err !== "") break;
      assert.deepStrictEqual(y === null, x === null);
      if (x === null || y === null) break;
      c.served++;
      // The Worker's lookup (a hint) must be what the table finds on its own.
      const expected = resolvedName(t, x.map((v) => v.slice()));
      c.a.push({ argv: show(x), bytes: ref.lastRequestBytes, inline: ref.lastWasInline, resolved: expected });
      c.b.push({
        argv: show(y),
        bytes: bp.lastRequestBytes,
        inline: bp.lastWasInline,
        resolved: resolvedName(t, y),
      });
      assert.deepStrictEqual(bp.bufferedBytes, ref.bufferedBytes);
    }
    bp.settle();
    assert.deepStrictEqual(bp.bufferedBytes, ref.bufferedBytes);
    assert.deepStrictEqual(bp.bufferCapacity, ref.bufferCapacity);
  }
  for (const c of conns) assert.deepStrictEqual(c.b, c.a);
  return frames;
}

function stream(r: () => number, requests: number): Uint8Array {
  const parts: Uint8Array[] = [];
  for (let i = 0; i < requests; i++) parts.push(request(r));
  return concat(parts);
}

Deno.test("worker parse: requests from Worker frames are what the main thread's parser finds", () => {
  let frames = 0;
  for (let seed = 1; seed <= 60; seed++) {
    const r = rng(seed * 7919);
    // One connection, then several whose reads interleave (the Worker's parser between requests is shared).
    frames += run([stream(r, 300)], seed);
    frames += run([stream(r, 100), stream(r, 100), stream(r, 100)], seed);
  }
  // Most reads went up parsed (the rest: reads inside one big request, or with nothing complete).
  assert.ok(frames > 200, `${frames} frames`);
});

Deno.test("worker parse: the stricter limits before AUTH are checked when the request is reached", () => {
  for (let seed = 1; seed <= 30; seed++) {
    const r = rng(seed * 104729);
    // Authenticated after a few requests (AUTH in the pipeline): the limits then lift.
    run([stream(r, 60), stream(r, 60)], seed, { auth: seed % 7 });
  }
});

Deno.test("worker parse: a protocol error is found at the same request, and the Worker stops parsing", () => {
  const r = rng(5);
  const parts: Uint8Array[] = [];
  for (let i = 0; i < 50; i++) parts.push(request(r));
  parts.push(enc.encode("*2\r\n$3\r\nGET\r\n:oops\r\n"));
  for (let i = 0; i < 50; i++) parts.push(request(r));
  const bad = concat(parts);
  for (let seed = 1; seed <= 20; seed++) run([bad, concat(parts.slice(0, 50))], seed);
  const cp = new ConnParser();
  assert.strictEqual(
    cp.scan(enc.encode("*1\r\n$4\r\nPING\r\n*x\r\n"), null, new FrameBuilder(), 1 << 18),
    null,
  );
  assert.strictEqual(cp.dead, true);
});

Deno.test("worker parse: command indexes for CONTAINER|SUB and arity; unknown ones left to the main thread", () => {
  const t = table();
  const { snapshot, copy } = copyTable(t);
  const wt = WorkerTable.from(copy);
  const idx = (...a: string[]) => wt.lookup(a.map((s) => enc.encode(s)));
  assert.deepStrictEqual(snapshot.resolved[idx("GET", "k")]!.fullName, "get");
  assert.deepStrictEqual(snapshot.resolved[idx("config", "get", "x")]!.fullName, "config|get");
  assert.deepStrictEqual(snapshot.resolved[idx("CONFIG", "GeT", "x")]!.fullName, "config|get");
  assert.deepStrictEqual(idx("GET"), -1);
  assert.deepStrictEqual(idx("config", "nosuch"), -1);
  assert.deepStrictEqual(idx("config"), -1);
  assert.deepStrictEqual(idx("nosuch"), -1);
  // A table that changed (MODULE LOAD/UNLOAD) has another version: the hint is not used then.
  t.unregister("get");
  assert.deepStrictEqual(t.version === snapshot.version, false);
});

Deno.test("worker parse: a connection holds a parser of its own only while a request is unfinished", () => {
  const cp = new ConnParser();
  const fb = new FrameBuilder();
  const scan = (s: string) => cp.scan(enc.encode(s), null, fb, 1 << 18);
  assert.notEqual(scan("*1\r\n$4\r\nPING\r\n"), null);
  assert.equal(cp.owning, false);
  assert.notEqual(scan("*1\r\n$4\r\nPING\r\n*1\r\n$4\r\nPI"), null);
  assert.equal(cp.owning, true);
  // The rest of the request: parsed on the main thread (it began in the previous read).
  assert.equal(scan("NG\r\n"), null);
  assert.equal(cp.owning, false);
  // A line of spaces leaves the parser in inline mode: kept, so the next "*1..." is read inline.
  assert.notEqual(scan("PING\r\n   \r\n"), null);
  assert.equal(cp.owning, true);
  const p = scan("*1\r\n$4\r\nPING\r\n");
  assert.notEqual(p, null);
  const words = new Int32Array(p!.slice(0, 4 * 12).buffer);
  // Read inline: three requests ("*1", "$4", "PING"); entry 0 has one argument, its size stored as ~size.
  assert.equal(words[2], 3);
  assert.equal(words[5 + 1], 1);
  assert.ok(words[5 + 2]! < 0);
  assert.equal(cp.owning, false);
});
