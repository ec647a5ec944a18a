/**
 * Server-wide counters INFO prints (stats section, errorstats) and the instantaneous-rate samples Valkey
 * keeps (`instantaneous_ops_per_sec`, `instantaneous_input_kbps`...): 16 samples taken every 100 ms.
 *
 * @module
 */

const SAMPLES = 16;

/** The last SAMPLES samples of a metric and their average (Valkey's inst_metric). */
class SampledMetric {
  readonly #samples = new Float64Array(SAMPLES);
  #idx = 0;

  protected push(sample: number): void {
    this.#samples[this.#idx] = sample;
    this.#idx = (this.#idx + 1) % SAMPLES;
  }

  get(): number {
    let sum = 0;
    for (const s of this.#samples) sum += s;
    return sum / SAMPLES;
  }

  reset(): void {
    this.#samples.fill(0);
    this.#idx = 0;
  }
}

/** A counter's growth per second. */
class RateMetric extends SampledMetric {
  #lastValue = 0;
  #lastTime = 0;

  sample(value: number, nowMs: number): void {
    if (this.#lastTime > 0) {
      const dt = nowMs - this.#lastTime;
      if (dt > 0) this.push(((value - this.#lastValue) * 1000) / dt);
    }
    this.#lastValue = value;
    this.#lastTime = nowMs;
  }

  override reset(): void {
    super.reset();
    this.#lastValue = 0;
    this.#lastTime = 0;
  }
}

/**
 * A counter's growth per unit of another counter (Valkey's trackInstantaneousMetric with a base): the
 * average event-loop cycle's duration is µs per cycle.
 */
class RatioMetric extends SampledMetric {
  #lastValue = 0;
  #lastBase = 0;

  sample(value: number, base: number): void {
    const db = base - this.#lastBase;
    this.push(db > 0 ? (value - this.#lastValue) / db : 0);
    this.#lastValue = value;
    this.#lastBase = base;
  }

  override reset(): void {
    super.reset();
    this.#lastValue = 0;
    this.#lastBase = 0;
  }
}

export class Stats {
  totalConnections = 0;
  totalCommands = 0;
  rejectedConnections = 0;
  netInput = 0;
  netOutput = 0;
  /** Bytes of replication: read from our primary (the image and the stream), written to replicas. */
  netReplInput = 0;
  netReplOutput = 0;
  keyspaceHits = 0;
  keyspaceMisses = 0;
  totalErrorReplies = 0;
  expiredStalePerc = 0;
  expiredTimeCapReached = 0;
  expireCycleCpuMs = 0;
  evictedKeys = 0;
  totalReadsProcessed = 0;
  totalWritesProcessed = 0;
  clientQueryBufferLimitDisconnections = 0;
  clientOutputBufferLimitDisconnections = 0;
  unexpectedErrorReplies = 0;
  /** Compact blobs of RESTORE payloads and RDB files checked under `sanitize-dump-payload` (INFO). */
  dumpPayloadSanitizations = 0;
  /** Event-loop cycles, their total duration and the part of it commands took (µs; server.ts). */
  elCycles = 0;
  elDurationUs = 0;
  elCmdUs = 0;
  /** INFO debug: time in AOF writes and in the cron, the longest cycle, the most commands in one cycle. */
  elAofUs = 0;
  elCronUs = 0;
  elMaxUs = 0;
  elCmdsPerCycleMax = 0;
  readonly errors = new Map<string, number>();
  readonly #elCycles = new RateMetric();
  readonly #elDuration = new RatioMetric();
  readonly #ops = new RateMetric();
  readonly #netIn = new RateMetric();
  readonly #netOut = new RateMetric();
  readonly #netReplIn = new RateMetric();
  readonly #netReplOut = new RateMetric();

  /** Counts an error reply under its code: the first word of the text (Valkey's errorstats). */
  countError(msg: string): void {
    this.totalErrorReplies++;
    let code = msg;
    if (code.startsWith("-")) code = code.slice(1);
    const sp = code.indexOf(" ");
    if (sp >= 0) code = code.slice(0, sp);
    if (this.errors.size >= 128 && !this.errors.has(code)) return; // Valkey caps errorstats at 128 codes
    this.errors.set(code, (this.errors.get(code) ?? 0) + 1);
  }

  sample(nowMs: number): void {
    this.#elCycles.sample(this.elCycles, nowMs);
    this.#elDuration.sample(this.elDurationUs, this.elCycles);
    this.#ops.sample(this.totalCommands, nowMs);
    this.#netIn.sample(this.netInput, nowMs);
    this.#netOut.sample(this.netOutput, nowMs);
    this.#netReplIn.sample(this.netReplInput, nowMs);
    this.#netReplOut.sample(this.netReplOutput, nowMs);
  }

  get eventloopCyclesPerSec(): number {
    return Math.round(this.#elCycles.get());
  }
  get eventloopDurationUs(): number {
    return Math.round(this.#elDuration.get());
  }

  get opsPerSec(): number {
    return Math.round(this.#ops.get());
  }
  get inputKbps(): number {
    return this.#netIn.get() / 1024;
  }
  get outputKbps(): number {
    return this.#netOut.get() / 1024;
  }
  get replInputKbps(): number {
    return this.#netReplIn.get() / 1024;
  }
  get replOutputKbps(): number {
    return this.#netReplOut.get() / 1024;
  }

  reset(): void {
    this.totalConnections = 0;
    this.totalCommands = 0;
    this.rejectedConnections = 0;
    this.netInput = 0;
    this.netOutput = 0;
    this.netReplInput = 0;
    this.netReplOutput = 0;
    this.keyspaceHits = 0;
    this.keyspaceMisses = 0;
    this.totalErrorReplies = 0;
    this.expiredStalePerc = 0;
    this.expiredTimeCapReached = 0;
    this.expireCycleCpuMs = 0;
    this.evictedKeys = 0;
    this.totalReadsProcessed = 0;
    this.totalWritesProcessed = 0;
    this.clientQueryBufferLimitDisconnections = 0;
    this.clientOutputBufferLimitDisconnections = 0;
    this.unexpectedErrorReplies = 0;
    this.dumpPayloadSanitizations = 0;
    this.errors.clear();
    this.elCycles = this.elDurationUs = this.elCmdUs = 0;
    this.elAofUs =
      this.elCronUs =
      this.elMaxUs =
      this.elCmdsPerCycleMax =
        0;
    this.#elCycles.reset();
    this.#elDuration.reset();
    this.#ops.reset();
    this.#netIn.reset();
    this.#netOut.reset();
  }
}
