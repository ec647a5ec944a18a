/**
 * A stored JSON document (the value of a `ReJSON-RL` key) and the module-wide statistics.
 *
 * `size` is the document's tracked memory (document.ts's {@link sizeOf} of the root plus this holder), kept up
 * to date by every write so MEMORY USAGE, JSON.DEBUG MEMORY, `json.max-document-size` and INFO
 * `json_total_memory_bytes` cost O(1).
 *
 * @module
 */

import { type JValue, sizeOf } from "./document.ts";

/** Bytes of the holder object itself. */
export const DOC_OVERHEAD = 40;

export class JsonDoc {
  /** Tracked bytes; -1 once released. */
  size: number;
  constructor(public root: JValue, size?: number) {
    this.size = size ?? DOC_OVERHEAD + sizeOf(root);
    stats.documents++;
    stats.memory += this.size;
  }

  /** Adjusts the tracked size by `delta` bytes. */
  grow(delta: number): void {
    this.size += delta;
    stats.memory += delta;
  }

  /** Recomputes the size from scratch (used after bulk changes). */
  resize(): void {
    this.grow(DOC_OVERHEAD + sizeOf(this.root) - this.size);
  }

  /** Called when the server frees the value (or the module deletes the key); runs once. */
  release(): void {
    if (this.size < 0) return;
    stats.documents--;
    stats.memory -= this.size;
    this.size = -1;
  }
}

/** INFO json_core_metrics. */
export const stats = { documents: 0, memory: 0 };
