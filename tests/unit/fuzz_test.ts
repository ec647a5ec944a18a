/**
 * Protocol fuzzing for a bounded time (VALKYR_FUZZ_SECONDS, default 8): random bytes, valid pipelines cut
 * at random points, and hostile declared lengths, each on its own connection, while a control client checks
 * after every round that the server still answers and that its RSS stays bounded. The seed is printed so
 * a failure can be replayed with VALKYR_FUZZ_SEED. The default seed is fixed, so the test suite (and CI)
 * sends the same inputs every run; VALKYR_FUZZ_SEED=random explores new ones.
 */

import assert from "node:assert/strict";
import process from "node:process";
import { startServer } from "../helpers/server.ts";
import { encodeRequest, RawConn, RespError } from "../helpers/raw.ts";
import { mulberry32 as prng } from "../../core/util/prng.ts";

const srv = await startServer();
const opts = { sanitizeOps: false, sanitizeResources: false };
const SECONDS = Number(process.env.VALKYR_FUZZ_SECONDS ?? "8");
const SEED = process.env.VALKYR_FUZZ_SEED === "random"
  ? Date.now() % 1_000_000
  : Number(process.env.VALKYR_FUZZ_SEED ?? "20261206");

async function rss(c: RawConn): Promise<number> {
  const info = await c.call("INFO", "memory");
  const m = String(info).match(/used_memory_rss:(\d+)/);
  return m ? Number(m[1]) : 0;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

Deno.test({
  name: `the server survives random bytes, split pipelines and hostile lengths (seed ${SEED})`,
  ...opts,
  fn: async () => {
    console.log(`fuzz seed ${SEED}, ${SECONDS}s`);
    const rand = prng(SEED);
    const control = await RawConn.connect(srv.port);
    const startRss = await rss(control);
    const deadline = Date.now() + SECONDS * 1000;
    let rounds = 0;
    while (Date.now() < deadline) {
      rounds++;
      const kind = Math.floor(rand() * 3);
      const c = await RawConn.connect(srv.port);
      if (kind === 0) {
        // Random bytes, sometimes starting like a multibulk request.
        const n = 1 + Math.floor(rand() * 4096);
        const b = new Uint8Array(n);
        for (let i = 0; i < n; i++) b[i] = Math.floor(rand() * 256);
        if (rand() < 0.5) b[0] = 0x2a; // '*'
        c.send(b);
        await sleep(5);
      } else if (kind === 1) {
        // A valid pipeline cut into random pieces: every reply must come back, in order.
        const n = 1 + Math.floor(rand() * 200);
        const parts: Uint8Array[] = [];
        for (let i = 0; i < n; i++) {
          parts.push(encodeRequest(rand() < 0.5 ? ["SET", `fz:${i}`, `v${i}`] : ["ECHO", `e${i}`]));
        }
        const all = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
        let o = 0;
        for (const p of parts) {
          all.set(p, o);
          o += p.length;
        }
        let pos = 0;
        while (pos < all.length) {
          const len = 1 + Math.floor(rand() * 64);
          c.send(all.subarray(pos, pos + len));
          pos += len;
          if (rand() < 0.1) await sleep(1);
        }
        for (let i = 0; i < n; i++) {
          const r = await c.read();
          assert.ok(r === "OK" || r === `e${i}`, `reply ${i} was ${String(r)}`);
        }
      } else {
        // Hostile lengths: a huge bulk or multibulk count declared, then little or nothing sent.
        const huge = rand() < 0.5
          ? `*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$${400_000_000 + Math.floor(rand() * 100_000_000)}\r\n`
          : `*${1_000_000 + Math.floor(rand() * 1000)}\r\n`;
        c.send(huge);
        c.send(new Uint8Array(Math.floor(rand() * 65536)));
        await sleep(5);
      }
      c.close();
      if (rounds % 10 === 0) {
        assert.equal(await control.call("PING"), "PONG");
      }
    }
    await sleep(200);
    assert.equal(await control.call("PING"), "PONG");
    const endRss = await rss(control);
    console.log(`${rounds} rounds; RSS ${startRss} -> ${endRss}`);
    // Hostile declared lengths must not have been allocated: growth stays far below one of them.
    assert.ok(endRss - startRss < 200 * 1024 * 1024, `RSS grew by ${endRss - startRss} bytes`);
    const r = await control.call("FLUSHALL");
    assert.ok(!(r instanceof RespError));
    control.close();
  },
});

Deno.test({ name: "stop server", ...opts, fn: () => srv.stop() });
