/**
 * The latency monitor (Valkey's latency.c behaviour): per event name ("command", "fast-command",
 * "expire-cycle"...), a time series of the latest 160 one-second samples of latencies that reached
 * `latency-monitor-threshold` (ms), plus all-time max, sum and count. LATENCY LATEST / HISTORY / GRAPH /
 * RESET / DOCTOR read it.
 *
 * A series is a ring of 160 (time, latency) pairs in two typed arrays:
 *
 *     time:    [t0 t1 ... t159]   (unix seconds, 0 = empty slot)
 *     latency: [l0 l1 ... l159]   (ms)
 *              idx → next slot written; the newest sample is at idx - 1
 *
 * Samples in the same second as the previous one only raise its latency (one sample per second). Memory:
 * 160 × 8 bytes = 1.3 KiB per event that ever fired.
 *
 * @module
 */

export const SERIES_LEN = 160;

export class LatencySeries {
  idx = 0;
  max = 0;
  sum = 0;
  cnt = 0;
  readonly time = new Int32Array(SERIES_LEN);
  readonly latency = new Uint32Array(SERIES_LEN);

  add(nowSec: number, ms: number): void {
    if (ms > this.max) this.max = ms;
    // Valkey keeps sum and count in uint32_t.
    this.sum = (this.sum + ms) >>> 0;
    this.cnt = (this.cnt + 1) >>> 0;
    const prev = (this.idx + SERIES_LEN - 1) % SERIES_LEN;
    if (this.time[prev] === nowSec) {
      if (ms > this.latency[prev]!) this.latency[prev] = ms;
      return;
    }
    this.time[this.idx] = nowSec;
    this.latency[this.idx] = ms;
    this.idx = (this.idx + 1) % SERIES_LEN;
  }

  /** Samples oldest first, as [unix seconds, ms]. */
  samples(): [number, number][] {
    const out: [number, number][] = [];
    for (let j = 0; j < SERIES_LEN; j++) {
      const i = (this.idx + j) % SERIES_LEN;
      if (this.time[i] === 0) continue;
      out.push([this.time[i]!, this.latency[i]!]);
    }
    return out;
  }

  /** The newest sample (time 0 when the slot is empty). */
  latest(): [number, number] {
    const last = (this.idx + SERIES_LEN - 1) % SERIES_LEN;
    return [this.time[last]!, this.latency[last]!];
  }
}

/** Statistics over a series' current samples (Valkey's analyzeLatencyForEvent). */
export interface SeriesStats {
  allTimeHigh: number;
  avg: number;
  min: number;
  max: number;
  mad: number;
  samples: number;
  period: number;
}

export function analyzeSeries(ts: LatencySeries, nowSec: number): SeriesStats {
  const st: SeriesStats = { allTimeHigh: ts.max, avg: 0, min: 0, max: 0, mad: 0, samples: 0, period: 0 };
  let sum = 0;
  for (const [t, l] of ts.samples()) {
    st.samples++;
    if (st.samples === 1) st.min = st.max = l;
    else {
      if (st.min > l) st.min = l;
      if (st.max < l) st.max = l;
    }
    sum += l;
    if (st.period === 0 || t < st.period) st.period = t;
  }
  if (st.samples > 0) {
    st.avg = Math.floor(sum / st.samples);
    st.period = nowSec - st.period;
    if (st.period === 0) st.period = 1;
  }
  let dev = 0;
  for (const [, l] of ts.samples()) dev += Math.abs(st.avg - l);
  if (st.samples > 0) st.mad = Math.floor(dev / st.samples);
  return st;
}

/** The events of a server, in creation order (the order LATENCY LATEST lists them). */
export class LatencyMonitor {
  readonly events = new Map<string, LatencySeries>();

  add(event: string, ms: number, nowSec: number): void {
    let ts = this.events.get(event);
    if (ts === undefined) this.events.set(event, ts = new LatencySeries());
    ts.add(nowSec, ms);
  }

  /** Removes one event (case-insensitive) or all (null); returns how many were removed. */
  reset(event: string | null): number {
    let n = 0;
    for (const name of [...this.events.keys()]) {
      if (event === null || name.toLowerCase() === event.toLowerCase()) {
        this.events.delete(name);
        n++;
      }
    }
    return n;
  }
}

// ---- LATENCY GRAPH: Valkey's sparkline renderer ------------------------------------------------------

const CHARSET_FILL = "_o#";
const GRAPH_COLS = 80;
const GRAPH_ROWS = 4;

interface Sample {
  value: number;
  label: string;
}

function renderRange(seq: Sample[], min: number, max: number, offset: number, len: number): string {
  let out = "";
  let relmax = max - min;
  if (relmax === 0) relmax = 1;
  const steps = CHARSET_FILL.length * GRAPH_ROWS;
  const hasLabels = seq.some((s) => s.label !== "");
  for (let row = 0;; row++) {
    let loop = false;
    const chars: string[] = new Array(len).fill(" ");
    for (let j = 0; j < len; j++) {
      const s = seq[j + offset]!;
      const relval = s.value - min;
      // C: `step = (int)(relval * steps) / relmax;` then stored in an int.
      let step = Math.trunc(Math.trunc(relval * steps) / relmax);
      if (step < 0) step = 0;
      if (step >= steps) step = steps - 1;
      if (row < GRAPH_ROWS) {
        const charidx = step - (GRAPH_ROWS - row - 1) * CHARSET_FILL.length;
        loop = true;
        if (charidx >= 0 && charidx < CHARSET_FILL.length) chars[j] = CHARSET_FILL[charidx]!;
        else if (charidx >= CHARSET_FILL.length) chars[j] = "|";
      } else {
        if (hasLabels && row - GRAPH_ROWS < 1) {
          loop = true;
          break;
        }
        const labelChar = row - GRAPH_ROWS - 1;
        if (s.label.length > labelChar) {
          loop = true;
          chars[j] = s.label[labelChar]!;
        }
      }
    }
    if (!loop) break;
    out += chars.join("") + "\n";
  }
  return out;
}

function agoLabel(elapsed: number): string {
  if (elapsed < 60) return `${elapsed}s`;
  if (elapsed < 3600) return `${Math.trunc(elapsed / 60)}m`;
  if (elapsed < 3600 * 24) return `${Math.trunc(elapsed / 3600)}h`;
  return `${Math.trunc(elapsed / (3600 * 24))}d`;
}

/** LATENCY GRAPH's text for one event. */
export function latencyGraph(event: string, ts: LatencySeries, nowSec: number): string {
  const seq: Sample[] = [];
  let min = 0;
  let max = 0;
  for (const [t, l] of ts.samples()) {
    if (seq.length === 0) min = max = l;
    else {
      if (l > max) max = l;
      if (l < min) min = l;
    }
    seq.push({ value: l, label: agoLabel(nowSec - t) });
  }
  let out = `${event} - high ${max} ms, low ${min} ms (all time high ${ts.max} ms)\n`;
  out += "-".repeat(GRAPH_COLS) + "\n";
  // The renderer's own min/max: the first sample, then strictly-lower / strictly-higher updates.
  let smin = 0;
  let smax = 0;
  seq.forEach((s, i) => {
    if (i === 0) smin = smax = s.value;
    else if (s.value < smin) smin = s.value;
    else if (s.value > smax) smax = s.value;
  });
  for (let j = 0; j < seq.length; j += GRAPH_COLS) {
    if (j !== 0) out += "\n";
    out += renderRange(seq, smin, smax, j, Math.min(GRAPH_COLS, seq.length - j));
  }
  return out;
}

/** `%f` then Valkey's trimDoubleString: 50 → "50", 99.9 → "99.9". */
export function percentileLabel(p: number): string {
  let s = p.toFixed(6);
  if (s.includes(".")) {
    s = s.replace(/0+$/, "");
    if (s.endsWith(".")) s = s.slice(0, -1);
  }
  return s;
}
