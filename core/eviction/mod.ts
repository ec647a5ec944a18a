/**
 * maxmemory, eviction policies, lazy freeing and memory accounting (see evict.ts).
 *
 * @module
 */

export { EvictionPool, EVPOOL_SIZE } from "./pool.ts";
export { LazyFree, LAZYFREE_THRESHOLD } from "./lazyfree.ts";
export { LFU_INIT_VAL, LfuClock, lfuDecayed, lfuLogIncr, lfuMinutes } from "./lfu.ts";
export { evictionTimeLimitUs, Evictor, evictorOf, EvictResult, installEviction } from "./evict.ts";
