/**
 * INFO `bf` counters (valkey-bloom's bf_bloom_core_metrics and bf_bloom_defrag_metrics): totals over every
 * Bloom object alive in the server, kept as running sums that the commands and data-type callbacks
 * adjust whenever an object appears, changes or goes away.
 *
 * @module
 */

import type { InfoBuilder } from "../../core/module_api/mod.ts";
import type { BloomObject, BloomStats } from "./bloom.ts";

export const metrics = {
  totalMemoryBytes: 0,
  numObjects: 0,
  numFilters: 0,
  numItems: 0,
  capacity: 0,
  defragHits: 0,
  defragMisses: 0,
};

function apply(s: BloomStats, sign: 1 | -1): void {
  metrics.totalMemoryBytes += sign * s.memory;
  metrics.numFilters += sign * s.filters;
  metrics.numItems += sign * s.items;
  metrics.capacity += sign * s.capacity;
}

/** An object came into the keyspace (creation, BF.LOAD, RDB load, COPY). */
export function objectCreated(o: BloomObject): void {
  metrics.numObjects++;
  apply(o.stats(), 1);
}

/** An object left the keyspace (DEL, overwrite, expiry, eviction, FLUSH*). */
export function objectFreed(o: BloomObject): void {
  metrics.numObjects--;
  apply(o.stats(), -1);
}

/**
 * Items were added to an object: `added` new items, and the sub-filters from index `filtersBefore` on
 * are new (with the vector capacity grown from `vecCapacityBefore`).
 */
export function objectGrew(
  o: BloomObject,
  added: number,
  filtersBefore: number,
  vecCapacityBefore: number,
): void {
  metrics.numItems += added;
  const n = o.filters.length;
  if (n === filtersBefore) return;
  let bytes = 8 * (o.vecCapacity - vecCapacityBefore);
  for (let i = filtersBefore; i < n; i++) {
    const f = o.filters[i]!;
    bytes += f.size;
    metrics.capacity += f.capacity;
  }
  metrics.numFilters += n - filtersBefore;
  metrics.totalMemoryBytes += bytes;
}

/** The module's INFO callback: `INFO bf`, `INFO modules`, `INFO bf_bloom_core_metrics`... */
export function bloomInfo(info: InfoBuilder): void {
  info.section("bloom_core_metrics");
  info.field("bloom_total_memory_bytes", metrics.totalMemoryBytes);
  info.field("bloom_num_objects", metrics.numObjects);
  info.field("bloom_num_filters_across_objects", metrics.numFilters);
  info.field("bloom_num_items_across_objects", metrics.numItems);
  info.field("bloom_capacity_across_objects", metrics.capacity);
  info.section("bloom_defrag_metrics");
  info.field("bloom_defrag_hits", metrics.defragHits);
  info.field("bloom_defrag_misses", metrics.defragMisses);
}
