import assert from "node:assert/strict";
import { ReplyWriter } from "../resp/writer.ts";
import { DEFAULT_PEAK_RESET_MS, ReplyBufferResizer, usableSize } from "./reply_buffer.ts";

/** A unix time in ms: a client's first look is always long after its (never) last reset. */
const T = 1_700_000_000_000;

function client() {
  return { writer: new ReplyWriter(), replyPeakResetAt: 0 };
}

Deno.test("usableSize follows jemalloc's size classes from 1 KiB", () => {
  assert.deepEqual(
    [1, 1024, 1025, 1280, 1281, 1537, 2048, 2049, 4097, 8193].map(usableSize),
    [1024, 1024, 1280, 1280, 1536, 1792, 2048, 2560, 5120, 10240],
  );
});

Deno.test("an idle client's reply buffer shrinks to 1 KiB at the second look, as Valkey's", () => {
  const r = new ReplyBufferResizer();
  const c = client();
  assert.equal(c.writer.size, 16384);
  assert.equal(c.writer.peak, 16384);
  r.visit(c, T); // the peak starts full: no shrink; the first look resets the peak
  assert.equal(c.writer.size, 16384);
  assert.equal(c.writer.peak, 0);
  r.visit(c, T + 100);
  assert.equal(c.writer.size, 1024);
  assert.equal(r.shrinks, 1);
  r.visit(c, T + 200); // half of 1 KiB is below the minimum: stays
  assert.equal(c.writer.size, 1024);
  assert.equal(r.shrinks, 1);
  assert.equal(r.expands, 0);
});

Deno.test("a client whose replies fill the buffer gets it doubled up to 16 KiB; the peak resets on time", () => {
  const r = new ReplyBufferResizer();
  r.peakResetMs = -1;
  const c = client();
  c.writer.resize(1024);
  c.writer.peak = 0;
  const big = new Uint8Array(32768).fill(120);
  const sizes: number[] = [];
  for (let i = 0; i < 6; i++) {
    c.writer.bulk(big);
    assert.equal(c.writer.take().length, 32768 + 10);
    assert.equal(c.writer.peak, c.writer.size);
    r.visit(c, T + i * 100);
    sizes.push(c.writer.size);
  }
  assert.deepEqual(sizes, [2048, 4096, 8192, 16384, 16384, 16384]);
  assert.equal(r.expands, 4);
  // With the default reset time the peak falls back to what is pending once 5 s passed since the last reset.
  r.peakResetMs = DEFAULT_PEAK_RESET_MS;
  c.replyPeakResetAt = T + 10000;
  r.visit(c, T + 14999);
  assert.equal(c.writer.peak, 16384);
  r.visit(c, T + 15000);
  assert.equal(c.writer.peak, 0);
  r.visit(c, T + 15100);
  assert.equal(c.writer.size, 1024);
});

Deno.test("a shrink keeps room for the peak; pending bytes survive a resize; resizing can be turned off", () => {
  const r = new ReplyBufferResizer();
  const c = client();
  r.visit(c, T); // first look: peak reset
  c.writer.bulk(new Uint8Array(1500).fill(97)); // 1509 bytes
  c.writer.take();
  assert.equal(c.writer.peak, 1509);
  c.writer.simple("pending");
  r.visit(c, T + 1);
  assert.equal(c.writer.size, 1536); // max(1024, 1509 + 1) in its size class
  assert.equal(new TextDecoder().decode(c.writer.take()), "+pending\r\n");
  r.enabled = false;
  c.writer.peak = 0;
  c.replyPeakResetAt = 0;
  r.visit(c, T + 100000);
  assert.equal(c.writer.size, 1536);
  assert.equal(c.writer.peak, 0);
  assert.equal(c.replyPeakResetAt, 0);
  r.resetStats();
  assert.equal(r.shrinks + r.expands, 0);
});

Deno.test("a buffer grown by output beyond the kept size is trimmed back at the next look", () => {
  const r = new ReplyBufferResizer();
  const c = client();
  c.writer.bulk(new Uint8Array(20000).fill(98));
  assert.equal(c.writer.take().length, 20000 + 10);
  assert.ok(c.writer.capacity > 16384);
  r.visit(c, T);
  assert.equal(c.writer.size, 16384);
  assert.equal(c.writer.capacity, 16384);
  assert.equal(r.shrinks + r.expands, 0);
});
