/**
 * Latency-monitor samples for work outside command execution (Valkey's latencyStartMonitor /
 * latencyEndMonitor / latencyAddSampleIfNeeded): eviction, AOF writes / fsyncs / renames, RDB temp-file
 * removal. A section is timed only while `latency-monitor-threshold` is above 0, so with the monitor off
 * it costs one WeakMap lookup and a comparison:
 *
 *     const t = latencyStart(server);          // -1 when the monitor is off
 *     ...work...
 *     latencyEnd(server, "aof-write", t);       // a sample when ≥ threshold ms
 *
 * Durations are whole milliseconds (floored), as Valkey's mstime_t deltas.
 *
 * @module
 */

import type { Server } from "../server/server.ts";
import { observability } from "./observer.ts";

/** Whether the latency monitor is on (`latency-monitor-threshold` > 0). */
export function latencyMonitorOn(server: Server): boolean {
  return observability(server).latencyThreshold > 0;
}

/** The start of a timed section: `performance.now()` while the latency monitor is on, else -1. */
export function latencyStart(server: Server): number {
  return observability(server).latencyThreshold > 0 ? performance.now() : -1;
}

/** The elapsed whole milliseconds of a section started with {@link latencyStart} (0 when not timed). */
export function latencyElapsed(start: number): number {
  return start < 0 ? 0 : Math.floor(performance.now() - start);
}

/** Adds `ms` to `event` when the monitor is on and `ms` reaches the threshold (latencyAddSampleIfNeeded). */
export function latencySample(server: Server, event: string, ms: number): void {
  const o = observability(server);
  if (o.latencyThreshold > 0 && ms >= o.latencyThreshold) {
    o.latency.add(event, ms, Math.floor(Date.now() / 1000));
  }
}

/** Ends a section started with {@link latencyStart} and samples it under `event`; returns the ms spent. */
export function latencyEnd(server: Server, event: string, start: number): number {
  if (start < 0) return 0;
  const ms = Math.floor(performance.now() - start);
  latencySample(server, event, ms);
  return ms;
}
