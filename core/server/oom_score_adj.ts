/**
 * `oom-score-adj` and `oom-score-adj-values`: how likely the Linux OOM killer is to pick this process
 * (Valkey's setOOMScoreAdj). The process writes its own `/proc/self/oom_score_adj`:
 *
 * | oom-score-adj          | written value                                              |
 * |------------------------|------------------------------------------------------------|
 * | `no` (default)         | nothing; if the server had changed it, the base value back |
 * | `yes` / `relative`     | base + value                                               |
 * | `absolute`             | value                                                      |
 *
 * The base is the file's value when the server first takes control (at start, or when a CONFIG SET turns
 * the directive on), read again each time control is taken back after `no`. Written values are clamped to
 * the kernel's -1000..1000. The kernel refuses (EACCES) a value below the floor the process inherited
 * unless it has CAP_SYS_RESOURCE: CONFIG SET then fails with {@link OOM_SCORE_ADJ_FAILED}, every value of
 * the call is restored (and applied again), and a warning names the system error. At start a failure is only
 * logged, as in Valkey.
 *
 * Of the three values (primary, replica, background child) only the primary's ever applies: Valkyr is
 * always a primary (no replication), and it never forks, as its BGSAVE and AOF rewrite run in a Worker
 * thread of this same process, which has one oom_score_adj for all its threads.
 *
 * The file belongs to the process, so the state is process-wide ({@link processOomScoreAdj}), shared by
 * every server an embedding process starts. On systems without the file (anything but Linux) the directives
 * are accepted in config files and do nothing, and CONFIG SET of either fails with Valkey's error, as
 * Valkey's setOOMScoreAdj reports "unsupported" there.
 *
 * @module
 */

import process from "node:process";
import { cStrtoll, type OomScoreAdjValues, strerror } from "../config/directives.ts";
import { readTextFile, writeExistingFile } from "../runtime/files.ts";
import type { Server } from "./server.ts";

/** CONFIG SET's reason when the value could not be applied. */
export const OOM_SCORE_ADJ_FAILED = "Failed to set current oom_score_adj. Check server logs.";

/**
 * Logged when the values are not ascending (primary <= replica <= bgchild): a process without
 * CAP_SYS_RESOURCE cannot lower its score again, e.g. from a replica's value back to a primary's.
 */
export const OOM_SCORE_ADJ_ORDER_WARNING =
  "The oom-score-adj-values configuration may not work for non-privileged processes! " +
  "Please consult the documentation.";

/** The process's oom_score_adj file. */
export interface OomScoreAdjFile {
  read(): string;
  write(text: string): void;
}

/** `oom-score-adj` as CONFIG GET prints it (`relative` prints as `yes`). */
export type OomScoreAdjMode = "no" | "yes" | "absolute";

/** The outcome of {@link OomScoreAdjuster.apply}: `log` is the warning to write (none when unsupported). */
export type OomScoreAdjResult = { ok: true } | { ok: false; log: string | null };

const KERNEL_MIN = -1000;
const KERNEL_MAX = 1000;

/** The base value and whether the server holds the file changed; see the head of this file. */
export class OomScoreAdjuster {
  #adjusted = false;
  #base = 0;

  /** `file` null: the system has no oom_score_adj; every apply fails without a log line. */
  constructor(readonly file: OomScoreAdjFile | null) {}

  /** Whether the file holds a value the server wrote (the base is to be written back on `no`). */
  get adjusted(): boolean {
    return this.#adjusted;
  }

  /** Makes the file match the mode and the primary's value. */
  apply(mode: OomScoreAdjMode, primary: number): OomScoreAdjResult {
    const file = this.file;
    if (file === null) return { ok: false, log: null };
    let value: number;
    if (mode !== "no") {
      if (!this.#adjusted) {
        try {
          // atoi: the leading integer, 0 when there is none.
          this.#base = Number(cStrtoll(file.read(), 10).value);
        } catch (e) {
          // Unlike Valkey, which keeps a base of 0 then, the next apply tries to read it again.
          return { ok: false, log: `Unable to read oom_score_adj: ${strerror(e)}` };
        }
        this.#adjusted = true;
      }
      value = mode === "yes" ? this.#base + primary : primary;
      value = Math.min(KERNEL_MAX, Math.max(KERNEL_MIN, value));
    } else if (this.#adjusted) {
      this.#adjusted = false;
      value = this.#base;
    } else {
      return { ok: true };
    }
    try {
      file.write(`${value}\n`);
    } catch (e) {
      return { ok: false, log: `Unable to write oom_score_adj: ${strerror(e)}` };
    }
    return { ok: true };
  }
}

const PROC_FILE = "/proc/self/oom_score_adj";

/** The adjuster of this process (Linux's /proc file; no file elsewhere). */
export const processOomScoreAdj = new OomScoreAdjuster(
  process.platform === "linux"
    ? { read: () => readTextFile(PROC_FILE), write: (text) => writeExistingFile(PROC_FILE, text) }
    : null,
);

/** True when the values are not ascending: a non-privileged process may not lower its score back. */
export function oomScoreAdjValuesOutOfOrder(v: OomScoreAdjValues): boolean {
  return v[1] < v[0] || v[2] < v[1];
}

/** Applies `server`'s directives through `adjuster`, logging a failure; true when they took effect. */
function applyConfigured(server: Server, adjuster: OomScoreAdjuster): boolean {
  const config = server.config;
  const mode = config.getEnum("oom-score-adj") as OomScoreAdjMode;
  const r = adjuster.apply(mode, config.getOomScoreAdjValues()[0]);
  if (!r.ok && r.log !== null) server.logger.warning(r.log);
  return r.ok;
}

/**
 * Wires the directives to `adjuster` for `server` when it starts: CONFIG SET of either applies them, a
 * failure refusing the change. Warns when the configured values are out of order, as Valkey does while it
 * reads its config file (Valkyr's logger only starts with the server).
 */
export function watchOomScoreAdj(server: Server, adjuster: OomScoreAdjuster = processOomScoreAdj): void {
  const config = server.config;
  const warnIfOutOfOrder = () => {
    if (oomScoreAdjValuesOutOfOrder(config.getOomScoreAdjValues())) {
      server.logger.warning(OOM_SCORE_ADJ_ORDER_WARNING);
    }
    return null;
  };
  warnIfOutOfOrder();
  // Valkey warns while parsing the values (also when a failed CONFIG SET restores them): a hook of its
  // own, registered before the apply hook, which both directives share so that setting both applies once.
  config.onChange("oom-score-adj-values", warnIfOutOfOrder);
  const apply = () => (applyConfigured(server, adjuster) ? null : OOM_SCORE_ADJ_FAILED);
  config.onChange("oom-score-adj", apply);
  config.onChange("oom-score-adj-values", apply);
}

/** The start-up apply, once the server is ready (Valkey's last step before its event loop): only logged. */
export function applyOomScoreAdjAtStart(
  server: Server,
  adjuster: OomScoreAdjuster = processOomScoreAdj,
): void {
  applyConfigured(server, adjuster);
}
