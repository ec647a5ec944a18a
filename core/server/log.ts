/**
 * Valkey-style log lines (Valkey 8.1's serverLogRaw), filtered by `loglevel`, written to `logfile` (empty =
 * standard output; a file is opened for each line, so it can be rotated under the server).
 *
 * `log-format legacy` (the default) writes `pid:role timestamp level-char message`, the level characters
 * being `.` debug, `-` verbose, `*` notice, `#` warning:
 *
 * ```
 * 4242:M 07 Dec 2026 01:12:26.679 * Ready to accept connections tcp
 * ```
 *
 * `log-format logfmt` writes key=value pairs, the role and level spelled out (verbose is `info`), and in the
 * message a `"` becomes `'` and a CR or LF a space, so a line stays one logfmt record:
 *
 * ```
 * pid=4242 role=primary timestamp="07 Dec 2026 01:12:26.679" level=notice message="Ready to accept connections tcp"
 * ```
 *
 * `log-timestamp-format` picks the timestamp: `legacy` (`07 Dec 2026 01:12:26.679`, local time), `iso8601`
 * (`2026-12-07T01:12:26.679+00:00`, local time and its UTC offset) or `milliseconds` (Unix time in ms).
 *
 * Lines logged where Valkey logs from a signal handler keep their own fixed shape whatever the format
 * (`pid:signal-handler (unix-seconds) message`): see {@link Logger.fromHandler}.
 *
 * The role is `M` on a primary and `S` on a replica (core/replication sets it); a BGSAVE runs in a Worker
 * of the same process whose outcome the main thread logs, so there is no `C` (RDB/AOF child) line.
 *
 * @module
 */

import process from "node:process";
import { appendTextFile } from "../runtime/files.ts";

export type LogLevel = "debug" | "verbose" | "notice" | "warning" | "nothing";
/** `log-format`. */
export type LogFormat = "legacy" | "logfmt";
/** `log-timestamp-format`. */
export type LogTimestampFormat = "legacy" | "iso8601" | "milliseconds";

const LEVELS: Record<LogLevel, number> = { debug: 0, verbose: 1, notice: 2, warning: 3, nothing: 4 };
const CHARS = [".", "-", "*", "#"];
/** The level names of logfmt lines (syslog's, hence `info` for verbose). */
const LEVEL_NAMES = ["debug", "info", "notice", "warning"];
/** The role characters of legacy lines and their logfmt names. */
const ROLE_NAMES: Record<string, string> = { X: "sentinel", C: "RDB/AOF", S: "replica", M: "primary" };
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

function pad(n: number, w = 2): string {
  return String(n).padStart(w, "0");
}

/** strftime's `%d %b %Y %H:%M:%S` (C locale, local time) and the milliseconds: `07 Dec 2026 01:12:26.679`. */
export function formatLogTime(d: Date): string {
  return `${pad(d.getDate())} ${MONTHS[d.getMonth()]} ${d.getFullYear()} ${pad(d.getHours())}:${
    pad(d.getMinutes())
  }:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

/**
 * A UTC offset as ISO 8601 writes it, `+hh:mm` or `-hh:mm`, from minutes east of UTC (the opposite sign of
 * `Date.getTimezoneOffset()`). UTC itself is `+00:00`.
 */
export function formatTimezone(minutesEast: number): string {
  const abs = Math.abs(minutesEast);
  return `${minutesEast >= 0 ? "+" : "-"}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** The timestamp of a log line written at `d` in the given format. */
export function formatTimestamp(d: Date, format: LogTimestampFormat): string {
  switch (format) {
    case "legacy":
      return formatLogTime(d);
    case "iso8601":
      return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${
        pad(d.getMinutes())
      }:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}${formatTimezone(-d.getTimezoneOffset())}`;
    case "milliseconds":
      return String(d.getTime());
  }
}

/** A message made safe inside a logfmt `message="..."`: `"` becomes `'`, CR and LF become spaces. */
export function logfmtMessage(msg: string): string {
  return /["\r\n]/.test(msg) ? msg.replace(/"/g, "'").replace(/[\r\n]/g, " ") : msg;
}

/** One complete log line (with its newline). */
export function formatLogLine(
  pid: number,
  role: string,
  d: Date,
  level: Exclude<LogLevel, "nothing">,
  msg: string,
  format: LogFormat,
  timestampFormat: LogTimestampFormat,
): string {
  const l = LEVELS[level];
  const ts = formatTimestamp(d, timestampFormat);
  if (format === "logfmt") {
    return `pid=${pid} role=${ROLE_NAMES[role] ?? role} timestamp="${ts}" level=${LEVEL_NAMES[l]} message="${
      logfmtMessage(msg)
    }"\n`;
  }
  return `${pid}:${role} ${ts} ${CHARS[l]} ${msg}\n`;
}

/** An error whose reason is already in the log: whoever catches it has nothing more to print. */
export class LoggedError extends Error {}

export class Logger {
  level: LogLevel = "notice";
  file = "";
  role = "M";
  format: LogFormat = "legacy";
  timestampFormat: LogTimestampFormat = "legacy";
  /** Lines are also handed here (tests, embedding). */
  sink: ((line: string) => void) | undefined;
  /** `syslog-enabled`: each message (without the line prefix) also goes here (core/server/syslog.ts). */
  syslog: ((level: Exclude<LogLevel, "nothing">, msg: string) => void) | undefined;

  log(level: Exclude<LogLevel, "nothing">, msg: string): void {
    if (!this.enabled(level)) return;
    this.#write(
      formatLogLine(process.pid, this.role, new Date(), level, msg, this.format, this.timestampFormat),
    );
    this.syslog?.(level, msg);
  }

  /**
   * A line where Valkey logs from inside a signal handler (serverLogFromHandler: no formatting is safe
   * there): `pid:signal-handler (unix-seconds) message`, the same under every `log-format` and
   * `log-timestamp-format`, still filtered by `loglevel`.
   */
  fromHandler(level: Exclude<LogLevel, "nothing">, msg: string): void {
    if (!this.enabled(level)) return;
    this.#write(`${process.pid}:signal-handler (${Math.floor(Date.now() / 1000)}) ${msg}\n`);
  }

  #write(line: string): void {
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
    this.#write(text);
    this.syslog?.(level, text);
  }
}
