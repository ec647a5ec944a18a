/**
 * In-process checks of the eviction module's memory accounting: INFO used_memory (the O(1) counters)
 * against what the process really holds (V8 heap + external buffers after a full collection), while the
 * keyspace grows and after it shrinks and active defrag compacted the slabs.
 */

import assert from "node:assert/strict";
import v8 from "node:v8";
import vm from "node:vm";
import { startServer } from "../server/embed.ts";
import { RawConn } from "../../tests/helpers/raw.ts";
import { freePort } from "../../tests/helpers/server.ts";
import { evictionTimeLimitUs, evictorOf } from "./evict.ts";

v8.setFlagsFromString("--expose-gc");
const gc = vm.runInNewContext("gc") as () => void;

function measured(): number {
  gc();
  gc();
  const m = Deno.memoryUsage();
  return m.heapUsed + m.external;
}

const enc = new TextEncoder();

async function pipeline(c: RawConn, reqs: string[][]): Promise<void> {
  for (let at = 0; at < reqs.length; at += 500) {
    const batch = reqs.slice(at, at + 500);
    let s = "";
    for (const r of batch) {
      s += `*${r.length}\r\n`;
      for (const a of r) s += `$${enc.encode(a).length}\r\n${a}\r\n`;
    }
    c.send(enc.encode(s));
    for (let i = 0; i < batch.length; i++) await c.read();
  }
}

Deno.test("evictionTimeLimitUs follows Valkey's tenacity curve", () => {
  assert.equal(evictionTimeLimitUs(0), 0);
  assert.equal(evictionTimeLimitUs(10), 500);
  assert.equal(evictionTimeLimitUs(11), 575);
  assert.ok(evictionTimeLimitUs(99) > 100_000_000);
  assert.equal(evictionTimeLimitUs(100), Infinity);
});

Deno.test({
  name: "used_memory tracks the process's heap + external memory as the keyspace grows and shrinks",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const srv = await startServer({
      port: await freePort(),
      bind: ["127.0.0.1"],
      // A directory of its own: no dump file of another test is loaded at startup.
      config: { save: "", hz: "100", loglevel: "warning", dir: Deno.makeTempDirSync() },
    });
    const c = await RawConn.connect(srv.port);
    try {
      const ev = evictorOf(srv.server)!;
      await c.call("PING");
      const m0 = measured();
      const u0 = ev.usedMemory();
      let reqs: string[][] = [];
      for (let i = 0; i < 300_000; i++) {
        const k = `key:${String(i).padStart(12, "0")}`;
        reqs.push(i % 2 === 0 ? ["SET", k, "v".repeat(16)] : ["SET", k, "v".repeat(16), "EX", "3600"]);
      }
      for (let h = 0; h < 100; h++) {
        const args = [`HSET`, `hash:${h}`];
        for (let f = 0; f < 2000; f++) args.push(`field:${f}`, `value:${f}`);
        reqs.push(args);
        const members = [`SADD`, `set:${h}`];
        for (let m = 0; m < 2000; m++) members.push(`member:${m}`);
        reqs.push(members);
      }
      await pipeline(c, reqs);
      reqs = []; // the test's own garbage must not count in the measurement
      const m1 = measured();
      const u1 = ev.usedMemory();
      const grew = u1 - u0;
      const real = m1 - m0;
      console.log(`growth: used_memory +${grew}, heap+external +${real} (ratio ${(grew / real).toFixed(2)})`);
      assert.ok(grew > 0.75 * real && grew < 1.25 * real, `used +${grew} vs measured +${real}`);

      // Shrink: 90% of the strings and most collections go; defrag compacts the slab pages.
      let del: string[][] = [];
      for (let i = 0; i < 300_000; i++) {
        if (i % 10 !== 0) del.push(["DEL", `key:${String(i).padStart(12, "0")}`]);
      }
      for (let h = 0; h < 90; h++) del.push(["DEL", `hash:${h}`, `set:${h}`]);
      await pipeline(c, del);
      del = [];
      await c.call("CONFIG", "SET", "active-defrag-ignore-bytes", "1mb");
      await c.call("CONFIG", "SET", "activedefrag", "yes");
      const end = Date.now() + 10_000;
      while (Date.now() < end) {
        const [live, held] = srv.server.dbs.reduce(
          (a, db) => [a[0]! + db.stats().slabUsedBytes, a[1]! + db.stats().slabBytes],
          [0, 0],
        );
        if (held < live * 1.3) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      const m2 = measured();
      const u2 = ev.usedMemory();
      const kept = u2 - u0;
      const realKept = m2 - m0;
      console.log(
        `after deletes: used_memory +${kept}, heap+external +${realKept} (ratio ${
          (kept / realKept).toFixed(2)
        })`,
      );
      // Both come down by most of the growth, and stay within 15% of the growth of each other (what is
      // left: the slab pages' free space, fragmentation that used_memory does not count, as in Valkey).
      assert.ok(kept < 0.2 * grew, "used_memory did not come down");
      assert.ok(realKept < 0.3 * real, "the process did not get its memory back");
      assert.ok(Math.abs(kept - realKept) < 0.15 * grew, `used +${kept} vs measured +${realKept}`);
    } finally {
      c.close();
      await srv.stop();
    }
  },
});
