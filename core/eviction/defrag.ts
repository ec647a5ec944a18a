/**
 * Active defrag for the keyspace slabs, governed by Valkey's `activedefrag` config family.
 *
 * Why: the slab (core/keyspace/slab.ts) returns a 1 MiB page only when every block in it is free. After
 * deleting most keys at random, every page keeps a few live entries: the memory is free for new entries
 * but not for the OS. Compaction moves the entries of sparse pages into fresh blocks at the end of the
 * open page, so the sparse pages empty out and the cron returns them.
 *
 *     before:  page 3 [a . . . b . . .]   page 4 [. . c . . . . d]   open page [e f g . . . . .]
 *     after:   page 3 (released)          page 4 (released)          open page [e f g a b c d .]
 *
 * When (Valkey's computeDefragCycles, with the slabs as the allocator):
 *     allocated = live block bytes, active = page bytes held; frag% = (active / allocated - 1) * 100
 *     runs when `activedefrag yes`, frag% >= active-defrag-threshold-lower and active - allocated >=
 *     active-defrag-ignore-bytes; its CPU share grows linearly from active-defrag-cycle-min % (at the lower
 *     threshold) to active-defrag-cycle-max % (at active-defrag-threshold-upper), taken as a time budget
 *     out of every cron period.
 * What moves: entries in pages filled less than 1.25 x the slab's average fill (at most 75%): the pages
 * the moves can empty (the factor lets uniformly sparse pages qualify, as the open page pulls the average
 * down). Moved and skipped entries are INFO's active_defrag_hits / misses.
 *
 * @module
 */

import type { Server } from "../server/server.ts";

/** The defrag state of one server. */
export class ActiveDefrag {
  hits = 0;
  misses = 0;
  totalMs = 0;
  /** The CPU percentage of the running cycle, 0 when idle (INFO active_defrag_running). */
  running = 0;
  private cycleStart = 0;
  /**
   * Further passes of each active cycle, after the slab compaction: each gets the time left (a deadline in
   * `performance.now()` ms, at least 1 ms from now) and reports the hits and misses it made. Module data
   * types' `defrag` callbacks run here (core/module_api/defrag.ts).
   */
  readonly passes: ((deadline: number) => { hits: number; misses: number })[] = [];

  constructor(private readonly server: Server) {}

  /** Fragmentation of the slabs of every database: [allocated (live), active (held)]. */
  private slabFigures(): [number, number] {
    let live = 0;
    let held = 0;
    for (const db of this.server.dbs) {
      const s = db.stats();
      live += s.slabUsedBytes;
      held += s.slabBytes;
    }
    return [live, held];
  }

  /** The CPU percentage to spend now, 0 for none. */
  cpuPercent(): number {
    const cfg = this.server.config;
    if (!cfg.getBool("activedefrag")) return 0;
    const [live, held] = this.slabFigures();
    if (live === 0 || held <= live) return 0;
    const fragPct = (held / live - 1) * 100;
    const lower = cfg.getInt("active-defrag-threshold-lower");
    const upper = cfg.getInt("active-defrag-threshold-upper");
    if (fragPct < lower || held - live < cfg.getInt("active-defrag-ignore-bytes")) return 0;
    const min = cfg.getInt("active-defrag-cycle-min");
    const max = cfg.getInt("active-defrag-cycle-max");
    if (upper <= lower) return max;
    const t = Math.min(1, Math.max(0, (fragPct - lower) / (upper - lower)));
    return Math.round(min + (max - min) * t);
  }

  /** One cron slice: compacts for the configured share of `periodMs`. */
  cron(periodMs: number): void {
    const cpu = this.cpuPercent();
    const now = performance.now();
    if (cpu === 0) {
      if (this.running !== 0) {
        this.totalMs += now - this.cycleStart;
        this.running = 0;
      }
      return;
    }
    if (this.running === 0) this.cycleStart = now;
    this.running = cpu;
    let budgetUs = periodMs * 1000 * cpu / 100;
    for (const db of this.server.dbs) {
      const s = db.stats();
      if (s.slabBytes === 0 || s.slabUsedBytes >= s.slabBytes) continue;
      const maxFill = Math.min(0.75, 1.25 * s.slabUsedBytes / s.slabBytes);
      const t0 = performance.now();
      const r = db.defragStep(budgetUs, maxFill);
      this.hits += r.moved;
      this.misses += r.scanned - r.moved;
      budgetUs -= (performance.now() - t0) * 1000;
      if (budgetUs <= 0) break;
    }
    if (this.passes.length > 0) {
      const deadline = performance.now() + Math.max(budgetUs, 1000) / 1000;
      for (const pass of this.passes) {
        const r = pass(deadline);
        this.hits += r.hits;
        this.misses += r.misses;
      }
    }
  }

  /** INFO current_active_defrag_time in ms. */
  currentMs(): number {
    return this.running === 0 ? 0 : performance.now() - this.cycleStart;
  }

  resetStats(): void {
    this.hits = 0;
    this.misses = 0;
    this.totalMs = 0;
  }
}
