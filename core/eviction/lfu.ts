/**
 * The LFU counter of Valkey's `maxmemory-policy allkeys-lfu / volatile-lfu`, kept in the 24-bit LRU
 * field every keyspace entry has (core/keyspace/db.ts, w0 bits 8-31):
 *
 *          23                 8 7          0
 *         +--------------------+------------+
 *         |  last decrement    |  log       |
 *         |  time (minutes,    |  counter   |
 *         |  16 bits, wraps)   |  (8 bits)  |
 *         +--------------------+------------+
 *
 * The counter is logarithmic: an access increments it with probability 1 / ((counter - 5) *
 * lfu-log-factor + 1), so with the default factor 10 it takes ~300k accesses (Σ (c-5)*10+1) to reach 255.
 * It decays: every `lfu-decay-time` minutes since the stored time, one is subtracted when the key is
 * next read (by an access, OBJECT FREQ or the eviction sampler). New keys start at LFU_INIT_VAL (5)
 * so that they are not evicted before they had a chance to be accessed.
 *
 * @module
 */

/** The counter a new key starts with (Valkey's LFU_INIT_VAL). */
export const LFU_INIT_VAL = 5;
const COUNTER_MAX = 255;

/** Unix minutes, 16 bits (Valkey's LFUGetTimeInMinutes). */
export function lfuMinutes(nowMs: number): number {
  return Math.floor(nowMs / 60000) & 0xffff;
}

/** Minutes elapsed since `ldt` on the wrapping 16-bit minute clock (Valkey's LFUTimeElapsed). */
export function lfuElapsedMinutes(ldt: number, nowMs: number): number {
  const now = lfuMinutes(nowMs);
  return now >= ldt ? now - ldt : 65535 - ldt + now;
}

/**
 * The counter of a 24-bit LFU field after decay (Valkey's LFUDecrAndReturn): one less per
 * `decayMinutes` elapsed since the field's time; `decayMinutes` 0 never decays.
 */
export function lfuDecayed(field: number, nowMs: number, decayMinutes: number): number {
  const counter = field & 0xff;
  if (decayMinutes <= 0) return counter;
  const periods = Math.floor(lfuElapsedMinutes((field >>> 8) & 0xffff, nowMs) / decayMinutes);
  return periods > counter ? 0 : counter - periods;
}

/**
 * One logarithmic increment (Valkey's LFULogIncr): `counter + 1` with probability
 * 1 / (max(0, counter - LFU_INIT_VAL) * logFactor + 1), never above 255. `rand` is uniform in [0, 1).
 */
export function lfuLogIncr(counter: number, logFactor: number, rand: number): number {
  if (counter >= COUNTER_MAX) return COUNTER_MAX;
  const base = Math.max(0, counter - LFU_INIT_VAL);
  const p = 1 / (base * logFactor + 1);
  return rand < p ? counter + 1 : counter;
}

/** The LFU parameters of a server (`lfu-log-factor`, `lfu-decay-time`) and the field updates. */
export class LfuClock {
  constructor(public logFactor: number, public decayMinutes: number) {}

  /** The field of a key just accessed (Valkey's updateLFU): decay, one log increment, time now. */
  touch(field: number, nowMs: number): number {
    const c = lfuLogIncr(lfuDecayed(field, nowMs, this.decayMinutes), this.logFactor, Math.random());
    return (lfuMinutes(nowMs) << 8) | c;
  }

  /** The field of a new key. */
  initial(nowMs: number): number {
    return (lfuMinutes(nowMs) << 8) | LFU_INIT_VAL;
  }

  /** The decayed counter (OBJECT FREQ, the eviction sampler). */
  counter(field: number, nowMs: number): number {
    return lfuDecayed(field, nowMs, this.decayMinutes);
  }
}
