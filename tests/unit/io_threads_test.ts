/**
 * io-threads: with `--io-threads 4` the TCP clients' sockets live in I/O Workers (Valkyr) or I/O threads
 * (Valkey/Redis) and clients see no difference: many clients pipelining at once, values larger than the
 * rings between threads, a client that stops reading and reads again later, pub/sub and blocking pops
 * between clients of different Workers, CLIENT KILL, disconnects in the middle of a request, shutdown.
 * (The whole integration suite also runs with VALKYR_TEST_IO_THREADS=4 in CI.)
 */

import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { isValkeyLike, isValkyr, serverCommand, startServer } from "../helpers/server.ts";
import { encodeRequest, Push, RawConn } from "../helpers/raw.ts";
import { waitUntil } from "../helpers/timing.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };
const IO = ["--io-threads", "4"];

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

async function connectedClients(c: RawConn): Promise<number> {
  const text = String(await c.call("INFO", "clients"));
  return Number(text.match(/connected_clients:(\d+)/)?.[1]);
}

async function blockedClients(c: RawConn): Promise<number> {
  const text = String(await c.call("INFO", "clients"));
  return Number(text.match(/blocked_clients:(\d+)/)?.[1]);
}

Deno.test({
  name: "io-threads 4: CONFIG GET reports it and the server says it started its I/O threads",
  ...opts,
  fn: async () => {
    const srv = await startServer(IO);
    const c = await RawConn.connect(srv.port);
    try {
      assert.deepEqual(await c.call("CONFIG", "GET", "io-threads"), ["io-threads", "4"]);
      assert.equal(await c.call("PING"), "PONG");
      if (isValkyr()) {
        assert.match(srv.output(), /Started 3 I\/O threads/);
        assert.doesNotMatch(srv.output(), /not implemented/);
        // Valkey turns its I/O threads on under load only; Valkyr's Workers always serve the TCP clients.
        const info = String(await c.call("INFO", "everything"));
        const field = (name: string) => Number(info.match(new RegExp(`${name}:(\\d+)`))?.[1]);
        assert.equal(field("io_threads_active"), 1);
        assert.ok(field("io_threaded_reads_processed") >= 3, info);
        assert.ok(field("io_threaded_writes_processed") >= 2);
        assert.ok(field("io_threaded_accept_processed") >= 1);
        assert.equal(await c.call("CONFIG", "RESETSTAT"), "OK");
        const after = String(await c.call("INFO", "stats"));
        assert.equal(Number(after.match(/io_threaded_accept_processed:(\d+)/)?.[1]), 0);
      }
    } finally {
      c.close();
      await srv.stop();
    }
  },
});

Deno.test({
  name: "io-threads 4: 40 clients pipelining at once each get all their replies, in order",
  ...opts,
  fn: async () => {
    const srv = await startServer(IO);
    const conns = await Promise.all(Array.from({ length: 40 }, () => RawConn.connect(srv.port)));
    try {
      await Promise.all(conns.map(async (c, i) => {
        let req = "";
        for (let j = 0; j < 300; j++) {
          req += new TextDecoder().decode(encodeRequest(["SET", `k${i}`, `v${i}-${j}`]));
          req += new TextDecoder().decode(encodeRequest(["INCR", `n${i}`]));
          req += new TextDecoder().decode(encodeRequest(["GET", `k${i}`]));
        }
        c.send(req);
        for (let j = 0; j < 300; j++) {
          assert.equal(await c.read(), "OK");
          assert.equal(await c.read(), j + 1);
          assert.equal(await c.read(), `v${i}-${j}`);
        }
      }));
      assert.equal(await conns[0]!.call("DBSIZE"), 80);
    } finally {
      for (const c of conns) c.close();
      await srv.stop();
    }
  },
});

Deno.test({
  name: "io-threads 4: a 12 MB value round-trips intact, sent in pieces and read back whole",
  ...opts,
  fn: async () => {
    const srv = await startServer(IO);
    const c = await RawConn.connect(srv.port);
    try {
      const big = new Uint8Array(12 * 1024 * 1024);
      for (let i = 0; i < big.length; i++) big[i] = (i * 31 + (i >> 13)) & 0xff;
      const req = encodeRequest(["SET", "big", big]);
      // In pieces of 100 kB, so the request reaches the server over many reads.
      for (let i = 0; i < req.length; i += 100_000) {
        c.send(req.subarray(i, Math.min(req.length, i + 100_000)));
        if (i % 2_000_000 === 0) await sleep(1);
      }
      assert.equal(await c.read({ timeoutMs: 20000 }), "OK");
      assert.equal(await c.call("STRLEN", "big"), big.length);
      c.send(encodeRequest(["GET", "big"]));
      const back = await c.read({ bytes: true, timeoutMs: 20000 }) as Uint8Array;
      assert.equal(back.length, big.length);
      assert.ok(back.every((b, i) => b === big[i]), "same bytes");
    } finally {
      c.close();
      await srv.stop();
    }
  },
});

Deno.test({
  name: "io-threads 4: a client that stops reading gets every reply once it reads again",
  ...opts,
  fn: async () => {
    const srv = await startServer(IO);
    const c = await RawConn.connect(srv.port);
    const control = await RawConn.connect(srv.port);
    try {
      const value = "y".repeat(1024 * 1024);
      assert.equal(await control.call("SET", "big", value), "OK");
      c.socket.pause();
      // 48 MB of replies: more than the rings, the socket buffers and the server's pause threshold.
      const req = encodeRequest(["GET", "big"]);
      for (let i = 0; i < 48; i++) c.send(req);
      c.send(encodeRequest(["PING"]));
      await sleep(800);
      // Other clients are served meanwhile.
      assert.equal(await control.call("PING"), "PONG");
      c.socket.resume();
      for (let i = 0; i < 48; i++) assert.equal(await c.read({ timeoutMs: 20000 }), value, `reply ${i}`);
      assert.equal(await c.read({ timeoutMs: 20000 }), "PONG");
      assert.equal(await c.call("PING"), "PONG");
      // Everything was read: its output buffer is empty again (omem counts what the socket still holds).
      const id = await c.call("CLIENT", "ID") as number;
      let line = "";
      for (let i = 0; i < 100; i++) {
        line = String(await control.call("CLIENT", "LIST", "ID", String(id)));
        if (/ omem=0 /.test(line)) break;
        await sleep(20);
      }
      assert.match(line, / omem=0 /);
    } finally {
      c.close();
      control.close();
      await srv.stop();
    }
  },
});

Deno.test({
  name: "io-threads 4: pub/sub and blocking pops between clients on different I/O threads",
  ...opts,
  fn: async () => {
    const srv = await startServer(IO);
    const subs = await Promise.all(Array.from({ length: 8 }, () => RawConn.connect(srv.port)));
    const pub = await RawConn.connect(srv.port);
    const blockers = await Promise.all(Array.from({ length: 4 }, () => RawConn.connect(srv.port)));
    try {
      // One subscriber speaks RESP3 (pushes), the others RESP2.
      assert.ok((await subs[0]!.call("HELLO", "3")) instanceof Map);
      assert.deepEqual(await subs[0]!.call("SUBSCRIBE", "ch"), new Push(["subscribe", "ch", 1]));
      for (const s of subs.slice(1)) {
        assert.deepEqual(await s.call("SUBSCRIBE", "ch"), ["subscribe", "ch", 1]);
      }
      for (const msg of ["hello", "again"]) {
        assert.equal(await pub.call("PUBLISH", "ch", msg), 8);
        assert.deepEqual(await subs[0]!.read(), new Push(["message", "ch", msg]));
        for (const s of subs.slice(1)) assert.deepEqual(await s.read(), ["message", "ch", msg]);
      }
      for (const [i, b] of blockers.entries()) b.send(encodeRequest(["BLPOP", `list${i}`, "10"]));
      // The pushes must wake clients that are blocked (a pop that came after its push would not block).
      await waitUntil(
        async () => await blockedClients(pub) === blockers.length,
        "4 clients blocked in BLPOP",
      );
      for (let i = blockers.length - 1; i >= 0; i--) {
        assert.equal(await pub.call("RPUSH", `list${i}`, `item${i}`), 1);
      }
      for (const [i, b] of blockers.entries()) assert.deepEqual(await b.read(), [`list${i}`, `item${i}`]);
    } finally {
      for (const c of [...subs, pub, ...blockers]) c.close();
      await srv.stop();
    }
  },
});

Deno.test({
  name: "io-threads 4: CLIENT KILL, QUIT and a disconnect in the middle of a request",
  ...opts,
  fn: async () => {
    const srv = await startServer(IO);
    const control = await RawConn.connect(srv.port);
    try {
      // The probe connection of the readiness check may still be counted for a moment.
      await waitUntil(async () => await connectedClients(control) === 1, "the control connection alone");
      const victim = await RawConn.connect(srv.port);
      const id = await victim.call("CLIENT", "ID") as number;
      const list = String(await control.call("CLIENT", "LIST", "ID", String(id)));
      assert.match(
        list,
        new RegExp(`^id=${id} addr=127\\.0\\.0\\.1:\\d+ laddr=127\\.0\\.0\\.1:${srv.port} fd=`),
      );
      assert.equal(await control.call("CLIENT", "KILL", "ID", String(id)), 1);
      assert.ok(await victim.waitClosed());

      const quitter = await RawConn.connect(srv.port);
      assert.equal(await quitter.call("QUIT"), "OK");
      assert.ok(await quitter.waitClosed());

      // Half a request, then gone.
      const half = await RawConn.connect(srv.port);
      const halfId = String(await half.call("CLIENT", "ID"));
      half.send("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$100\r\nabc");
      // Gone only once the server holds the half request in the client's query buffer.
      await waitUntil(
        async () => /\bqbuf=[1-9]/.test(String(await control.call("CLIENT", "LIST", "ID", halfId))),
        "the half request in the query buffer",
      );
      half.close();
      await waitUntil(async () => await connectedClients(control) === 1, "the closed connections to go");
      assert.equal(await control.call("EXISTS", "k"), 0);
      assert.equal(await control.call("PING"), "PONG");
    } finally {
      control.close();
      await srv.stop();
    }
  },
});

Deno.test({
  name: "io-threads 4: 400 short connections, some leaving in the middle of a big reply",
  ...opts,
  fn: async () => {
    const srv = await startServer(IO);
    const control = await RawConn.connect(srv.port);
    try {
      assert.equal(await control.call("SET", "big", "z".repeat(4 * 1024 * 1024)), "OK");
      for (let round = 0; round < 4; round++) {
        await Promise.all(Array.from({ length: 100 }, async (_, i) => {
          const c = await RawConn.connect(srv.port);
          if (i % 10 === 0) {
            // Gone while 4 MB are on their way to it.
            c.send(encodeRequest(["GET", "big"]));
            await sleep(1);
            c.close();
            return;
          }
          const n = await c.call("INCR", "counter") as number;
          assert.ok(n >= 1 && n <= 360, String(n));
          assert.equal(await c.call("PING"), "PONG");
          c.close();
        }));
      }
      assert.equal(await control.call("GET", "counter"), "360");
      for (let i = 0; i < 200 && await connectedClients(control) !== 1; i++) await sleep(25);
      assert.equal(await connectedClients(control), 1);
      assert.equal(await control.call("STRLEN", "big"), 4 * 1024 * 1024);
    } finally {
      control.close();
      await srv.stop();
    }
  },
});

Deno.test({
  name: "io-threads 4: SHUTDOWN exits cleanly, and a busy port is refused as with io-threads 1",
  ...opts,
  fn: async () => {
    const srv = await startServer(IO);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "valkyr-io-threads-"));
    try {
      // A second server on the same port must fail even though the I/O threads listen with SO_REUSEPORT.
      const [cmd, args] = serverCommand([
        "--port",
        String(srv.port),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        // A directory of its own: from the working directory it could fail on a dump.rdb left there.
        "--dir",
        dir,
        ...IO,
      ]);
      const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"] });
      let out = "";
      child.stdout?.on("data", (d: Uint8Array) => (out += new TextDecoder().decode(d)));
      child.stderr?.on("data", (d: Uint8Array) => (out += new TextDecoder().decode(d)));
      const code = await new Promise<number | null>((resolve) => {
        const t = setTimeout(() => {
          child.kill("SIGKILL");
          resolve(-1);
        }, 15000);
        child.once("exit", (c) => {
          clearTimeout(t);
          resolve(c);
        });
      });
      assert.notEqual(code, 0, "the second server must not start");
      assert.notEqual(code, -1, "the second server must exit by itself");
      // ...for the port, not for anything else.
      assert.match(out, new RegExp(`Failed listening on port ${srv.port} \\(tcp\\)`, "i"));
      const c = await RawConn.connect(srv.port);
      assert.equal(await c.call("SET", "k", "v"), "OK");
      c.send(encodeRequest(["SHUTDOWN", "NOSAVE"]));
      assert.ok(await c.waitClosed(10000));
      assert.equal(await Promise.race([srv.exited, sleep(10000).then(() => "timeout")]), 0);
    } finally {
      await srv.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
});

/** What a client sees of one scripted session, with what differs between two runs (times, ports) cut. */
async function observed(extra: string[]): Promise<unknown[]> {
  const srv = await startServer(extra);
  const mon = await RawConn.connect(srv.port);
  const c = await RawConn.connect(srv.port);
  const out: unknown[] = [];
  try {
    assert.equal(await mon.call("MONITOR"), "OK");
    if (isValkeyLike()) {
      assert.equal(await c.call("CONFIG", "SET", "commandlog-request-larger-than", "0"), "OK");
      assert.equal(await c.call("COMMANDLOG", "RESET", "large-request"), "OK");
    }
    assert.equal(await c.call("CONFIG", "RESETSTAT"), "OK");
    const reqs: (string | Uint8Array)[] = [
      encodeRequest(["SET", "k", "v"]),
      encodeRequest(["get", "k"]),
      encodeRequest(["nosuch", "a", "b"]),
      encodeRequest(["GET"]),
      encodeRequest(["CONFIG", "nosuch"]),
      encodeRequest(["config", "GET", "maxmemory"]),
      `SET "a b" 'c'\r\n`,
      "ECHO hi\n",
      "\r\n*0\r\n",
      encodeRequest(["CLIENT", "INFO"]),
      encodeRequest(["MULTI"]),
      encodeRequest(["SET", "x", "1"]),
      encodeRequest(["INCR", "x"]),
      encodeRequest(["EXEC"]),
      encodeRequest(["PING"]),
    ];
    c.send(Buffer.concat(reqs.map((r) => typeof r === "string" ? Buffer.from(r) : r)));
    for (let i = 0; i < 14; i++) out.push(await c.read());
    // A request split over two reads, then one more in the second read.
    c.send("*3\r\n$3\r\nSET\r\n$1\r\ny");
    await sleep(100);
    c.send("\r\n$2\r\nzz\r\nGET y\r\n");
    out.push(await c.read(), await c.read());
    out.push(await c.call("CLIENT", "INFO"));
    // (tot-net-out is left out: the earlier CLIENT INFO reply it counts holds the fd and port, whose digits vary.)
    const fields = /(qbuf|qbuf-free|argv-mem|multi-mem|tot-net-in|tot-cmds|cmd)=\S*/g;
    for (const [i, v] of out.entries()) {
      if (typeof v === "string" && v.startsWith("id=")) out[i] = v.match(fields);
    }
    const info = async (section: string) =>
      String(await c.call("INFO", section)).replace(/usec(_per_call)?=[\d.]+,?/g, "").split("\r\n")
        .sort(); // (Redis lists them in its hash table's order)
    out.push(await info("commandstats"), await info("errorstats"));
    if (isValkeyLike()) {
      const log = (await c.call("COMMANDLOG", "GET", "-1", "large-request")) as unknown[][];
      out.push(log.map((e) => [e[2], e[3]]));
    }
    // Everything MONITOR sent up to a marker (it may come through another I/O thread than the replies).
    assert.equal(await c.call("ECHO", "end-marker"), "end-marker");
    let seen = "";
    while (!seen.includes('"end-marker"')) seen += await mon.readRaw(1);
    out.push(seen.split("\r\n").map((l) => l.replace(/^\+[\d.]+ \[\d+ [^\]]*\] /, "")));
  } finally {
    mon.close();
    c.close();
    await srv.stop();
  }
  return out;
}

Deno.test({
  name: "io-threads 4: replies, commandstats, errorstats, COMMANDLOG sizes, CLIENT INFO, MONITOR as with 1",
  ...opts,
  fn: async () => {
    const one = await observed(["--io-threads", "1"]);
    const four = await observed(IO);
    assert.deepEqual(four, one);
  },
});

/** Requests before and after AUTH in one write (the stricter limits before it), as a client sees them. */
async function authLimits(extra: string[]): Promise<unknown[]> {
  const srv = await startServer([...extra, "--requirepass", "pw"]);
  const out: unknown[] = [];
  try {
    const big = "v".repeat(20000);
    const mset = ["MSET", "a", "1", "b", "2", "c", "3", "d", "4", "e", "5", "f", "6"];
    const a = await RawConn.connect(srv.port);
    a.send(
      Buffer.concat([encodeRequest(["AUTH", "pw"]), encodeRequest(mset), encodeRequest(["SET", "big", big])]),
    );
    out.push(await a.read(), await a.read(), await a.read(), await a.call("STRLEN", "big"));
    a.close();
    const b = await RawConn.connect(srv.port);
    b.send(Buffer.concat([encodeRequest(["PING"]), encodeRequest(mset), encodeRequest(["PING"])]));
    out.push(await b.read(), await b.read(), await b.waitClosed());
    const d = await RawConn.connect(srv.port);
    d.send(Buffer.concat([encodeRequest(["GET", "x"]), encodeRequest(["SET", "big", big])]));
    out.push(await d.read(), await d.read(), await d.waitClosed());
  } finally {
    await srv.stop();
  }
  return out.map((
    v,
  ) => (v instanceof Object && "message" in v ? `error ${(v as { message: string }).message}` : v));
}

Deno.test({
  name: "io-threads 4: the limits before AUTH apply up to the AUTH in the same pipeline, as with 1",
  ...opts,
  fn: async () => {
    const one = await authLimits(["--io-threads", "1"]);
    assert.match(String(one[5]), /unauthenticated multibulk length/);
    assert.match(String(one[8]), /unauthenticated bulk length/);
    assert.deepEqual(await authLimits(IO), one);
  },
});
