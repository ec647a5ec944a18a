/**
 * A client's query buffer as Valkey 8.1 sizes it, for what CLIENT LIST (`qbuf-free`, `tot-mem`) and the
 * client memory limits report. Valkyr's parser keeps its own buffer (core/resp/parser.ts: grown on demand,
 * released by the clients cron); this model follows, read by read, what Valkey's buffer would hold.
 *
 * Valkey's rules (networking.c readToQueryBuf, processMultibulkBuffer, resetSharedQueryBuf;
 * server.c clientsCronResizeQueryBuffer):
 *
 * - A client between requests owns no buffer: it reads into a shared one (16 KiB, allocated as an sds of
 *   20474 bytes), `qbuf=0 qbuf-free=0`.
 * - A read that leaves an unfinished request makes the client take the shared buffer as its own; a bulk
 *   of 32 KiB or more (PROTO_MBULK_BIG_ARG) gets a buffer of its exact size as soon as its `$<len>` line is
 *   parsed. A client's own buffer grows before each read: to 16 KiB more than it holds without slack when
 *   it is smaller than 16 KiB or a big bulk is being read, else doubling (sdsMakeRoomFor).
 * - The cron, for a buffer with more than 4 KiB free: after 2 s idle it is dropped (nothing pending) or
 *   trimmed to what it holds; otherwise a buffer above 32 KiB that is more than twice its recent peak is
 *   trimmed to the peak (never below the bulk being read). The peak then restarts from what it holds.
 * - Sizes are jemalloc's size classes minus the sds header (3, 5, 9 or 17 bytes by length, plus the NUL).
 *
 * `qbuf` is what Valkey's buffer would hold: the bytes after the request's last complete line or
 * argument (RequestParser.unconsumed).
 *
 * @module
 */

import { jemallocSize } from "./reply_buffer.ts";

/** Valkey's PROTO_IOBUF_LEN: the size of a read. */
export const PROTO_IOBUF_LEN = 16 * 1024;
/** Valkey's PROTO_MBULK_BIG_ARG: bulks from this size on get a buffer of their own size. */
const PROTO_MBULK_BIG_ARG = 32 * 1024;
/** Valkey's PROTO_RESIZE_THRESHOLD. */
const PROTO_RESIZE_THRESHOLD = 32 * 1024;
/** sds's SDS_MAX_PREALLOC: greedy growth doubles below it, adds it above. */
const SDS_MAX_PREALLOC = 1024 * 1024;

/** The sds header of a string of `len` bytes (types 8, 16, 32, 64; an empty buffer is type 8). */
function sdsHeader(len: number): number {
  return len < 256 ? 3 : len < 65536 ? 5 : len < 2 ** 32 ? 9 : 17;
}

/** The room an sds with header `hdr` gets for `len` bytes: jemalloc's class minus header and NUL. */
function sdsRoom(len: number, hdr: number): number {
  return jemallocSize(hdr + len + 1) - hdr - 1;
}

/** The shared query buffer's room (sdsnewlen(NULL, PROTO_IOBUF_LEN)). */
export const SHARED_QB_ROOM = sdsRoom(PROTO_IOBUF_LEN, sdsHeader(PROTO_IOBUF_LEN));

export class QueryBufferModel {
  /** Bytes of the client's own buffer (sdsalloc); 0 while it reads through the shared one. */
  alloc = 0;
  /** Its sds header size (a type never shrinks when the buffer grows). */
  #hdr = 0;
  /** Valkey's querybuf_peak. */
  peak = 0;
  #lenBefore = 0;
  #bulkBefore = -1;

  /** Before a read: what the buffer holds and the bulk being read (`-1`: none). */
  beforeRead(held: number, bulk: number): void {
    this.#lenBefore = held;
    this.#bulkBefore = bulk;
  }

  /** After a read of `n` bytes was parsed: what is left and the bulk being read now. */
  afterRead(n: number, held: number, bulk: number): void {
    const len = this.#lenBefore;
    if (this.#bulkBefore >= PROTO_MBULK_BIG_ARG) {
      // A big bulk: room for exactly the rest of it (a new buffer if the client had none).
      const remaining = this.#bulkBefore + 2 - len;
      const want = len + (remaining > 0 ? remaining : PROTO_IOBUF_LEN);
      this.#grow(want, false);
      if (this.peak < want) this.peak = want;
    } else if (this.alloc > 0) {
      const want = len + PROTO_IOBUF_LEN;
      if (this.alloc < PROTO_IOBUF_LEN) {
        this.#grow(want, false);
        if (this.peak < want) this.peak = want;
      } else this.#grow(want, true);
    }
    if (this.peak < len + n) this.peak = len + n;
    if (this.alloc === 0 && (held > 0 || bulk >= PROTO_MBULK_BIG_ARG)) {
      // An unfinished request: the client keeps the shared buffer.
      this.alloc = SHARED_QB_ROOM;
      this.#hdr = sdsHeader(PROTO_IOBUF_LEN);
    }
    if (bulk >= PROTO_MBULK_BIG_ARG && bulk !== this.#bulkBefore) this.#grow(bulk + 2, false);
  }

  /** sdsMakeRoomFor(NonGreedy): room for `total` bytes. */
  #grow(total: number, greedy: boolean): void {
    if (this.alloc >= total) return;
    let size = total;
    if (greedy) size = size < SDS_MAX_PREALLOC ? size * 2 : size + SDS_MAX_PREALLOC;
    const hdr = Math.max(this.#hdr, sdsHeader(size));
    this.#hdr = hdr;
    this.alloc = sdsRoom(size, hdr);
  }

  /** sdsResize(s, size, would_regrow = 1): shrinking keeps the header type unless it fits type 8. */
  #resize(size: number): void {
    const want = sdsHeader(size);
    const hdr = want < this.#hdr && want > 3 ? this.#hdr : want;
    this.#hdr = hdr;
    this.alloc = sdsRoom(size, hdr);
  }

  /** Valkey's clientsCronResizeQueryBuffer (see the head of this file). */
  cron(idleSec: number, held: number, bulk: number, primary: boolean): void {
    if (this.alloc === 0) return;
    if (this.alloc - held > 4 * 1024) {
      if (idleSec > 2) {
        if (!primary && held === 0) this.alloc = 0;
        else this.#resize(held);
      } else if (this.alloc > PROTO_RESIZE_THRESHOLD && this.alloc / 2 > this.peak) {
        let size = Math.max(held, this.peak);
        if (bulk !== -1 && size < bulk + 2) size = bulk + 2;
        this.#resize(size);
      }
    }
    this.peak = this.alloc > 0 ? held : 0;
    if (bulk !== -1 && bulk + 2 > this.peak) this.peak = bulk + 2;
  }

  /** CLIENT LIST qbuf-free for a buffer holding `held` bytes. */
  free(held: number): number {
    return this.alloc > held ? this.alloc - held : 0;
  }
}
