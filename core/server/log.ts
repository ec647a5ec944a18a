/**
 * Valkey-style log lines: `pid:role dd Mon yyyy hh:mm:ss.mmm <level-char> message`, with the level
 * characters `.` debug, `-` verbose, `*` notice, `#` warning, filtered by `loglevel`, written to `logfile`
 * (empty = standard output).
 *
 * @module
 */

import process from "node:process";
import { appendTextFile } from "../runtime/files.ts";

export type LogLevel = "debug" | "verbose" | "notice" | "warning" | "nothing";

const LEVELS: Record<LogLevel, number> = { debug: 0, verbose: 1, notice: 2, warning: 3, nothing: 4 };
const CHARS = [".", "-", "*", "#"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

function pad(n: number, w = 2): string {
  return String(n).padStart(w, "0");
}

export function formatLogTime(d: Date): string {
  return `${d.getDate()} ${MONTHS[d.getMonth()]} ${d.getFullYear()} ${pad(d.getHours())}:${
    pad(d.getMinutes())
  }:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

export class Logger {
  level: LogLevel = "notice";
  file = "";
  role = "M";
  /** Lines are also handed here (tests, embedding). */
  sink: ((line: string) => void) | undefined;

  log(level: Exclude<LogLevel, "nothing">, msg: string): void {
    const l = LEVELS[level];
    if (l < LEVELS[this.level]) return;
    const line = `${process.pid}:${this.role} ${formatLogTime(new Date())} ${CHARS[l]} ${msg}\n`;
    this.sink?.(line);
    if (this.file === "") process.stdout.write(line);
    else {
      try {
        appendTextFile(this.file, line);
      } catch {
        // Valkey silently drops log lines it cannot write.
      }
    }
  }

  debug(msg: string): void {
    this.log("debug", msg);
  }
  verbose(msg: string): void {
    this.log("verbose", msg);
  }
  notice(msg: string): void {
    this.log("notice", msg);
  }
  warning(msg: string): void {
    this.log("warning", msg);
  }

  /** Whether lines of `level` are written (to skip building costly ones). */
  enabled(level: Exclude<LogLevel, "nothing">): boolean {
    return LEVELS[level] >= LEVELS[this.level];
  }

  /** Writes `text` as it is, without the line prefix (Valkey's LL_RAW: the start-up logo). */
  raw(level: Exclude<LogLevel, "nothing">, text: string): void {
    if (!this.enabled(level)) return;
    this.sink?.(text);
    if (this.file === "") process.stdout.write(text);
    else {
      try {
        appendTextFile(this.file, text);
      } catch {
        // Dropped, as log lines are.
      }
    }
  }
}
