/**
 * The list value (TYPE `list`): a {@link Quicklist}, in one of Valkey 8.1's two encodings.
 *
 * - `listpack`: small lists. The quicklist runs in listpack mode: a single node with no per-node limit,
 *   sized in Valkey listpack bytes.
 * - `quicklist`: a list of nodes limited by `list-max-listpack-size`.
 *
 * Conversions follow t_list.c exactly, since OBJECT ENCODING shows them:
 *
 *     listpack --(a write would take it over the node limit: bytes + raw lengths of the new
 *                 elements, or entries)--> quicklist
 *     quicklist --(after a removal: one packed node left, at most HALF the size and count
 *                  limits)--> listpack
 *
 * Memory: the quicklist's (see quicklist.ts head); plus this wrapper object (~32 bytes).
 *
 * @module
 */

import type { ValueObject } from "./value.ts";
import { exceedsLimit, LP_OVERHEAD, nodeLimit, Quicklist } from "./quicklist.ts";
import { jemallocSize } from "../commands/string/encoding.ts";

export class ListValue implements ValueObject {
  readonly type = "list";
  readonly ql: Quicklist;

  /** A new, empty list in the listpack encoding. */
  constructor(ql?: Quicklist) {
    if (ql === undefined) {
      ql = new Quicklist(-2);
      ql.listpack = true;
    }
    this.ql = ql;
  }

  get encoding(): string {
    return this.ql.listpack ? "listpack" : "quicklist";
  }

  get length(): number {
    return this.ql.count;
  }

  /** Listpack bytes of the listpack encoding (lpBytes). */
  get listpackBytes(): number {
    const n = this.ql.nodes[0];
    return n === undefined ? LP_OVERHEAD : n.sz;
  }

  /**
   * listTypeTryConvertListpack: before adding `addCount` elements of `addBytes` raw bytes in total,
   * converts a listpack that would exceed the `fill` limit to a quicklist with that fill (and `compress`,
   * the `list-compress-depth`).
   */
  growing(fill: number, addBytes: number, addCount: number, compress = 0): void {
    const ql = this.ql;
    if (!ql.listpack) return;
    if (exceedsLimit(fill, this.listpackBytes + addBytes, ql.count + addCount)) {
      ql.listpack = false;
      ql.fill = fill;
      ql.compress = compress;
      ql.nodes[0]?.shrinkToFit();
    }
  }

  /** growing() for a list of new elements. */
  growingBy(
    fill: number,
    elements: readonly Uint8Array[],
    from = 0,
    to = elements.length,
    compress = 0,
  ): void {
    if (!this.ql.listpack) return;
    let bytes = 0;
    for (let i = from; i < to; i++) bytes += elements[i]!.length;
    this.growing(fill, bytes, to - from, compress);
  }

  /**
   * DEBUG OBJECT's quicklist details (Valkey's debugCommand): node count, average elements per node, the
   * fill, whether a compress depth is set and, unless `fast`, the nodes' total (uncompressed) byte size.
   * Empty for the listpack encoding.
   */
  debugExtra(fast: boolean): string {
    const ql = this.ql;
    if (ql.listpack) return "";
    const n = ql.nodes.length;
    let s = ` ql_nodes:${n} ql_avg_node:${(ql.count / n).toFixed(2)} ql_listpack_max:${ql.fill}` +
      ` ql_compressed:${ql.compress !== 0 ? 1 : 0}`;
    if (!fast) {
      let sz = 0;
      for (const node of ql.nodes) sz += node.sz;
      s += ` ql_uncompressed_size:${sz}`;
    }
    return s;
  }

  /**
   * listTypeTryConvertQuicklist: a quicklist left with one packed node within the limits (half of them
   * when `shrinking`) goes back to listpack.
   */
  shrinking(fill: number, shrinking = true): void {
    const ql = this.ql;
    if (ql.listpack || ql.nodes.length !== 1) return;
    const node = ql.nodes[0]!;
    if (node.plain) return;
    const lim = nodeLimit(fill);
    let size = lim.size === Infinity ? Number.MAX_SAFE_INTEGER : lim.size;
    let count = lim.count === Infinity ? 0xffffffff : lim.count;
    if (shrinking) {
      size = Math.floor(size / 2);
      count = Math.floor(count / 2);
    }
    if (node.sz > size || ql.count > count) return;
    ql.listpack = true;
  }

  /**
   * MEMORY USAGE's figure for the value, by Valkey's objectComputeSize formula over the Valkey sizes this
   * list tracks (robj 16 bytes; a listpack's jemalloc size; quicklist header 40 bytes plus, averaged over
   * the first `samples` nodes (0 = all), 32 bytes of node header and the jemalloc size of its listpack).
   * The bytes this implementation really holds are close (see quicklist.ts) but not identical.
   */
  memoryUsage(samples = 5): number {
    const ql = this.ql;
    if (ql.listpack) return 16 + jemallocSize(this.listpackBytes);
    const nodes = ql.nodes;
    const n = samples <= 0 ? nodes.length : Math.min(samples, nodes.length);
    if (n === 0) return 16 + 40;
    let sum = 0;
    for (let i = 0; i < n; i++) sum += 32 + jemallocSize(nodes[i]!.sz);
    return Math.floor(16 + 40 + (sum / n) * nodes.length);
  }

  /** Bytes this list really holds in memory (buffers and objects). */
  get heapBytes(): number {
    return 32 + this.ql.memory;
  }

  dup(): ListValue {
    return new ListValue(this.ql.dup());
  }
}
