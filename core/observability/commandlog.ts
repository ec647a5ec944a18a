/**
 * The command log (Valkey 8.1's commandlog.c behaviour): three independent logs of recent commands that
 * went past a threshold, newest first.
 *
 *   type            value logged                      threshold config                  max-len config
 *   slow            execution time, µs                commandlog-execution-slower-than  commandlog-slow-execution-max-len
 *   large-request   bytes of the request on the wire  commandlog-request-larger-than    commandlog-large-request-max-len
 *   large-reply     bytes of the reply produced       commandlog-reply-larger-than      commandlog-large-reply-max-len
 *
 * A negative threshold or a max-len of 0 switches a log off (nothing is added and, as in Valkey, nothing is
 * trimmed either). Otherwise, after every command, a value ≥ threshold adds an entry and the log is trimmed
 * from its oldest end down to max-len — so lowering max-len takes effect at the next command.
 *
 * Storage: each log is a deque in one JS array, oldest at `head`, newest at the end:
 *
 *     entries: [ dead | dead | e(oldest) ... e(newest) ]
 *                             ^head
 *
 * Trimming advances `head`; the array is compacted when the dead prefix is more than half of it, so both
 * ends are amortized O(1) even for a log of millions of entries.
 *
 * An entry keeps at most 32 words (the 32nd replaced by `... (N more arguments)`), each cut to 128 bytes
 * plus `... (N more bytes)`, so one entry costs at most ~32 × 170 bytes whatever the command's size. Words
 * are copied (requests are views into the receive buffer). Sensitive words arrive already replaced by
 * `(redacted)` (see {@link redactedPositions}).
 *
 * @module
 */

import { asciiBytes, eqIgnoreCase, parseI64 } from "../util/numbers.ts";

export const MAX_ARGC = 32;
export const MAX_STRING = 128;

/** The three logs, in Valkey's order (their numbers index {@link CommandLog.logs}). */
export const LOG_TYPES = ["slow", "large-request", "large-reply"] as const;
export type LogType = 0 | 1 | 2;
export const SLOW: LogType = 0;
export const LARGE_REQUEST: LogType = 1;
export const LARGE_REPLY: LogType = 2;

export const REDACTED = asciiBytes("(redacted)");

export interface LogEntry {
  id: number;
  /** Unix time in seconds. */
  time: number;
  value: number;
  argv: Uint8Array[];
  peer: string;
  name: string;
}

/** One log: thresholds, entries, and the id counter (never reset, as in Valkey). */
export class LogList {
  threshold = 0;
  maxLen = 128;
  nextId = 0;
  #entries: LogEntry[] = [];
  #head = 0;

  get length(): number {
    return this.#entries.length - this.#head;
  }

  get enabled(): boolean {
    return this.threshold >= 0 && this.maxLen !== 0;
  }

  push(entry: LogEntry): void {
    this.#entries.push(entry);
  }

  /** Drops the oldest entries beyond max-len. */
  trim(): void {
    if (this.length <= this.maxLen) return;
    this.#head = this.#entries.length - this.maxLen;
    if (this.#head > 1024 && this.#head * 2 > this.#entries.length) {
      this.#entries = this.#entries.slice(this.#head);
      this.#head = 0;
    }
  }

  reset(): void {
    this.#entries = [];
    this.#head = 0;
  }

  /** The newest `count` entries, newest first. */
  newest(count: number): LogEntry[] {
    const n = Math.min(count, this.length);
    const out: LogEntry[] = [];
    for (let i = this.#entries.length - 1; out.length < n; i--) out.push(this.#entries[i]!);
    return out;
  }
}

/** The words an entry keeps: Valkey's 32-argument and 128-byte caps with their markers. */
export function captureArgs(argv: readonly Uint8Array[], redacted: readonly number[] | null): Uint8Array[] {
  const argc = argv.length;
  const n = Math.min(argc, MAX_ARGC);
  const out: Uint8Array[] = new Array(n);
  for (let j = 0; j < n; j++) {
    if (n !== argc && j === n - 1) {
      out[j] = asciiBytes(`... (${argc - n + 1} more arguments)`);
    } else if (redacted !== null && redacted.includes(j)) {
      out[j] = REDACTED;
    } else {
      const a = argv[j]!;
      if (a.length > MAX_STRING) {
        const suffix = asciiBytes(`... (${a.length - MAX_STRING} more bytes)`);
        const b = new Uint8Array(MAX_STRING + suffix.length);
        b.set(a.subarray(0, MAX_STRING));
        b.set(suffix, MAX_STRING);
        out[j] = b;
      } else out[j] = a.slice();
    }
  }
  return out;
}

/** The three logs of a server. */
export class CommandLog {
  readonly logs: [LogList, LogList, LogList] = [new LogList(), new LogList(), new LogList()];

  constructor() {
    this.logs[SLOW].threshold = 10000;
    this.logs[LARGE_REQUEST].threshold = 1024 * 1024;
    this.logs[LARGE_REPLY].threshold = 1024 * 1024;
  }

  /** Whether `value` would be logged in `type` (the log is on and the value reaches the threshold). */
  wants(type: LogType, value: number): boolean {
    const l = this.logs[type];
    return l.threshold >= 0 && l.maxLen !== 0 && value >= l.threshold;
  }

  /** Adds an entry when the value reaches the threshold, then trims (Valkey's commandlogPushEntryIfNeeded). */
  add(type: LogType, value: number, make: () => Omit<LogEntry, "id" | "value">): void {
    const l = this.logs[type];
    if (!l.enabled) return;
    if (value >= l.threshold) l.push({ id: l.nextId++, value, ...make() });
    l.trim();
  }
}

/** Parses a log type name (case-insensitive), or null. */
export function parseLogType(b: Uint8Array): LogType | null {
  if (eqIgnoreCase(b, "slow")) return SLOW;
  if (eqIgnoreCase(b, "large-request")) return LARGE_REQUEST;
  if (eqIgnoreCase(b, "large-reply")) return LARGE_REPLY;
  return null;
}

/** True for a client name HELLO SETNAME accepts (Valkey's validateClientName: '!'..'~' only). */
function validName(b: Uint8Array): boolean {
  for (const c of b) if (c < 33 || c > 126) return false;
  return true;
}

/**
 * The argument positions Valkey replaces by `(redacted)` in the command log and MONITOR for a command, as
 * its handlers do before they can fail (AUTH, HELLO AUTH, CONFIG SET of sensitive configs, ACL
 * SETUSER/DELUSER/GETUSER, MIGRATE AUTH/AUTH2), or null.
 */
export function redactedPositions(
  fullName: string,
  argv: readonly Uint8Array[],
  isSensitive: (name: string) => boolean,
): number[] | null {
  const argc = argv.length;
  switch (fullName) {
    case "auth":
      if (argc > 3) return null;
      return argc === 3 ? [1, 2] : [1];
    case "hello": {
      if (argc < 2) return null;
      const ver = parseI64(argv[1]!);
      if (ver === null || ver < 2n || ver > 3n) return null;
      const out: number[] = [];
      for (let j = 2; j < argc; j++) {
        const more = argc - 1 - j;
        if (eqIgnoreCase(argv[j]!, "auth") && more >= 2) {
          out.push(j + 1, j + 2);
          j += 2;
        } else if (eqIgnoreCase(argv[j]!, "setname") && more >= 1) {
          if (!validName(argv[j + 1]!)) break;
          j++;
        } else break;
      }
      return out.length > 0 ? out : null;
    }
    case "config|set": {
      if ((argc & 1) !== 0) return null;
      const out: number[] = [];
      for (let j = 2; j + 1 < argc; j += 2) {
        const name = new TextDecoder("latin1").decode(argv[j]!).toLowerCase();
        if (isSensitive(name)) out.push(j + 1);
      }
      return out.length > 0 ? out : null;
    }
    case "acl|setuser":
    case "acl|deluser": {
      const out: number[] = [];
      for (let j = 2; j < argc; j++) out.push(j);
      return out;
    }
    case "acl|getuser":
      return argc === 3 ? [2] : null;
    case "migrate": {
      const out: number[] = [];
      for (let j = 6; j < argc; j++) {
        const more = argc - 1 - j;
        const a = argv[j]!;
        if (eqIgnoreCase(a, "copy") || eqIgnoreCase(a, "replace")) continue;
        if (eqIgnoreCase(a, "auth")) {
          if (more < 1) break;
          out.push(++j);
        } else if (eqIgnoreCase(a, "auth2")) {
          if (more < 2) break;
          out.push(j + 1, j + 2);
          j += 2;
        } else break;
      }
      return out.length > 0 ? out : null;
    }
    default:
      return null;
  }
}
