import assert from "node:assert/strict";
import {
  Bell,
  Doorbell,
  HEAD,
  newRingBuffers,
  orderBefore,
  Ring,
  RingWriter,
  SEQ,
  TAIL,
  WANT,
} from "./ring.ts";

function bytes(n: number, seed: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (i * 7 + seed) & 0xff;
  return b;
}

function drainAll(r: Ring): [number, number, Uint8Array][] {
  const out: [number, number, Uint8Array][] = [];
  r.drain((t, c, p) => out.push([t, c, p.slice()]));
  return out;
}

Deno.test("ring: frames come out in order with their type, conn and payload", () => {
  const r = new Ring(newRingBuffers(4096));
  assert.ok(r.tryWrite(2, 7, bytes(5, 1)));
  assert.ok(r.tryWrite(3, 8, null));
  assert.ok(r.tryWrite(2, 9, bytes(12, 2)));
  assert.ok(r.pending);
  assert.deepEqual(drainAll(r), [[2, 7, bytes(5, 1)], [3, 8, new Uint8Array(0)], [2, 9, bytes(12, 2)]]);
  assert.ok(!r.pending);
});

Deno.test("ring: refuses a frame that does not fit and accepts it once the reader made room", () => {
  const r = new Ring(newRingBuffers(4096));
  // 1012-byte payloads make 1024-byte frames: four fill the ring exactly.
  for (let i = 0; i < 4; i++) assert.ok(r.tryWrite(2, i, bytes(1012, i)));
  assert.ok(!r.tryWrite(2, 4, bytes(1, 0)));
  assert.equal(drainAll(r).length, 4);
  assert.ok(r.tryWrite(2, 4, bytes(1, 0)));
});

Deno.test("ring: frames that would straddle the end wrap to the start, contiguous, many times over", () => {
  const r = new Ring(newRingBuffers(4096));
  let next = 0;
  let expect = 0;
  // Odd sizes so that frames end at every alignment near the end of the data area.
  for (let round = 0; round < 2000; round++) {
    const n = (round * 37) % 1000;
    while (!r.tryWrite(2, next, bytes(n, next))) {
      r.drain((_t, c, p) => {
        assert.equal(c, expect);
        assert.deepEqual(p.slice(), bytes(p.length, expect));
        expect++;
      }, 1);
    }
    next++;
  }
  r.drain((_t, c) => {
    assert.equal(c, expect);
    expect++;
  });
  assert.equal(expect, next);
  // HEAD and TAIL count bytes ever written/consumed: far beyond the capacity by now.
  assert.ok(Atomics.load(r.ctl, HEAD) > 4096 * 100);
  assert.equal(Atomics.load(r.ctl, HEAD), Atomics.load(r.ctl, TAIL));
});

Deno.test("ring writer: queues in order behind a full ring, asks for room, splits big payloads", () => {
  const r = new Ring(newRingBuffers(4096));
  const w = new RingWriter(r, new Bell());
  const big = bytes(5000, 3); // more than maxPayload (1012): split into 5 frames
  const original = big.slice();
  w.send(2, 1, big, true);
  w.send(3, 1, null, false);
  // The payload was lent (copy = true): what waits in the queue is a copy, so the lender may reuse it.
  big.fill(0);
  assert.ok(w.queued > 0);
  assert.equal(Atomics.load(r.ctl, WANT), 1);
  const got: Uint8Array[] = [];
  let closed = false;
  for (let i = 0; i < 20 && !closed; i++) {
    r.drain((t, _c, p) => {
      if (t === 2) got.push(p.slice());
      else closed = true;
    });
    w.pump();
  }
  assert.ok(closed);
  assert.equal(w.queued, 0);
  const joined = new Uint8Array(got.reduce((n, g) => n + g.length, 0));
  let o = 0;
  for (const g of got) (joined.set(g, o), o += g.length);
  assert.deepEqual(joined, original);
});

Deno.test("order stamps: two rings sharing a bell are read back in the order their frames were made", () => {
  const bell = new Bell();
  const a = new Ring(newRingBuffers(4096));
  const b = new Ring(newRingBuffers(4096));
  const wa = new RingWriter(a, bell);
  const wb = new RingWriter(b, bell);
  assert.equal(a.peekOrder(), -1);
  // Interleaved producers; payloads big enough that ring a wraps (a WRAP frame is skipped by peekOrder).
  const made: string[] = [];
  for (let i = 0; i < 12; i++) {
    const [w, name] = i % 3 === 0 ? [wb, "b"] : [wa, "a"];
    w.send(bell.stamp(5), i, bytes(700, i), false);
    made.push(`${name}${i}`);
    if (i === 5) a.drain(() => {}), b.drain(() => {}), made.length = 0;
  }
  const read: string[] = [];
  for (;;) {
    const oa = a.peekOrder();
    const ob = b.peekOrder();
    if (oa < 0 && ob < 0) break;
    const [r, name] = ob < 0 || (oa >= 0 && orderBefore(oa, ob)) ? [a, "a"] : [b, "b"];
    r.drain((t, c) => {
      assert.equal(t, 5, "the type comes back without its stamp");
      read.push(`${name}${c}`);
    }, 1);
  }
  assert.deepEqual(read, made);
  // Stamps wrap at 2^24: compared across the wrap.
  assert.ok(orderBefore(0xfffffe, 1));
  assert.ok(!orderBefore(1, 0xfffffe));
  assert.ok(orderBefore(7, 8) && !orderBefore(8, 8));
});

Deno.test("ring writer: flush rings the doorbell once per batch", () => {
  const r = new Ring(newRingBuffers(4096));
  const w = new RingWriter(r, new Bell());
  w.flush();
  assert.equal(Atomics.load(w.bell.ctl, SEQ), 0);
  w.send(2, 1, bytes(3, 0), false);
  w.send(2, 1, bytes(3, 0), false);
  w.flush();
  w.flush();
  assert.equal(Atomics.load(w.bell.ctl, SEQ), 1);
});

Deno.test("ring: a producer in a Worker wakes the sleeping consumer here, and every byte arrives", async () => {
  const bufs = newRingBuffers(1 << 16);
  const bell = new Bell();
  const r = new Ring(bufs);
  const src = `
    import { Bell, Ring, RingWriter } from ${JSON.stringify(new URL("./ring.ts", import.meta.url).href)};
    self.onmessage = (e) => {
      const w = new RingWriter(new Ring(e.data.bufs), new Bell(e.data.bell));
      let i = 0;
      const step = () => {
        for (let k = 0; k < 200 && i < 5000; k++, i++) {
          const n = (i * 13) % 3000;
          const b = new Uint8Array(n);
          for (let j = 0; j < n; j++) b[j] = (j + i) & 0xff;
          w.send(2, i, b, true);
        }
        w.pump();
        w.flush();
        if (i < 5000 || w.queued > 0) setTimeout(step, 0);
      };
      step();
    };`;
  const url = URL.createObjectURL(new Blob([src], { type: "application/javascript" }));
  const worker = new Worker(url, { type: "module" });
  let expect = 0;
  let wakes = 0;
  const done = Promise.withResolvers<void>();
  // The consumer never polls: it only runs when the doorbell wakes it.
  const door = new Doorbell(bell, () => r.pending, () => {
    wakes++;
    door.awake();
    r.drain((_t, c, p) => {
      assert.equal(c, expect);
      assert.equal(p.length, (c * 13) % 3000);
      for (let j = 0; j < p.length; j++) if (p[j] !== ((j + c) & 0xff)) assert.fail(`frame ${c} byte ${j}`);
      expect++;
    });
    if (expect === 5000) done.resolve();
    else door.sleep();
  }, (fn) => setTimeout(fn, 0));
  door.awake();
  door.sleep();
  worker.postMessage({ bufs, bell: bell.buffer });
  const timer = setTimeout(() => done.resolve(), 20000);
  await done.promise;
  clearTimeout(timer);
  door.release();
  worker.terminate();
  URL.revokeObjectURL(url);
  assert.equal(expect, 5000);
  assert.ok(wakes > 0 && wakes <= 5000, `${wakes} wake-ups`);
});
