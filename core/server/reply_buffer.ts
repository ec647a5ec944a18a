/**
 * Reply-buffer resizing (Valkey's clientsCronResizeOutputBuffer): the cron looks at each client's reply
 * buffer (ReplyWriter: `size` = CLIENT LIST rbs, `peak` = rbp, the most it held at a flush) and
 *
 * - shrinks it when the peak stayed under half its size, to max(1 KiB, peak + 1) rounded up to the
 *   allocator's size class (Valkey reports jemalloc's usable size; the same figures here), unless half
 *   its size is already under 1 KiB;
 * - doubles it, up to 16 KiB, when the peak filled it;
 * - trims a buffer that output grew beyond the kept size back to it;
 * - then, every `peakResetMs` (5 s; DEBUG REPLYBUFFER PEAK-RESET-TIME, -1 = never), sets the peak back to
 *   what the buffer holds now, so a client that went quiet shrinks at the next look.
 *
 * A client's first look always resets the peak (Valkey stamps the reset time in seconds and compares it
 * with milliseconds), so an idle client's 16 KiB shrink to 1 KiB within two cron ticks, as with Valkey.
 * DEBUG REPLYBUFFER RESIZING 0 stops the resizing and the peak resets. INFO counts the shrinks and
 * expands (reply_buffer_shrinks, reply_buffer_expands).
 *
 * @module
 */

import { REPLY_CHUNK_BYTES, type ReplyWriter } from "../resp/writer.ts";

/** Valkey's PROTO_REPLY_MIN_BYTES: a reply buffer never shrinks below this. */
export const REPLY_BUFFER_MIN_BYTES = 1024;
/** Valkey's REPLY_BUFFER_DEFAULT_PEAK_RESET_TIME. */
export const DEFAULT_PEAK_RESET_MS = 5000;

/**
 * The size jemalloc hands out for a request of `n` bytes: its size classes 8, 16, then steps of 16 up to
 * 128, then four per power of two (160, 192, 224, 256, 320… 1024, 1280, 1536, 1792, 2048, 2560…).
 */
export function jemallocSize(n: number): number {
  if (n <= 8) return 8;
  if (n <= 128) return Math.ceil(n / 16) * 16;
  const pow = 2 ** Math.floor(Math.log2(n - 1));
  const step = pow / 4;
  return Math.ceil(n / step) * step;
}

/** A reply buffer's size for a request of `n` bytes: jemalloc's, never below 1 KiB. */
export function usableSize(n: number): number {
  return n <= REPLY_BUFFER_MIN_BYTES ? REPLY_BUFFER_MIN_BYTES : jemallocSize(n);
}

export class ReplyBufferResizer {
  /** DEBUG REPLYBUFFER RESIZING. */
  enabled = true;
  /** DEBUG REPLYBUFFER PEAK-RESET-TIME, in ms; -1 = never. */
  peakResetMs = DEFAULT_PEAK_RESET_MS;
  shrinks = 0;
  expands = 0;

  /**
   * One cron look at a client's reply buffer. `replyPeakResetAt` is the client's last peak reset (0 before
   * the first look). Pending replies move to the resized buffer.
   */
  visit(c: { readonly writer: ReplyWriter; replyPeakResetAt: number }, now: number): void {
    if (!this.enabled) return;
    const w = c.writer;
    const size = w.size;
    let target = 0;
    if (size / 2 >= REPLY_BUFFER_MIN_BYTES && w.peak < size / 2) {
      target = usableSize(Math.max(REPLY_BUFFER_MIN_BYTES, w.peak + 1));
      this.shrinks++;
    } else if (size < REPLY_CHUNK_BYTES && w.peak === size) {
      target = Math.min(REPLY_CHUNK_BYTES, size * 2);
      this.expands++;
    }
    if (this.peakResetMs >= 0 && now - c.replyPeakResetAt >= this.peakResetMs) {
      w.peak = Math.min(w.length, size);
      c.replyPeakResetAt = now;
    }
    // A buffer that output grew beyond the kept size goes back to it (take() keeps it for small output).
    if (target !== 0) w.resize(target);
    else if (w.capacity > size) w.resize(size);
  }

  resetStats(): void {
    this.shrinks = 0;
    this.expands = 0;
  }
}
