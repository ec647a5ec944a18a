/**
 * MONITOR output lines, as Valkey's replicationFeedMonitors writes them:
 *
 *     +1700000000.123456 [0 127.0.0.1:52345] "set" "key" "va\x00lue"\r\n
 *
 * a status reply with the time in seconds and microseconds, the database and the client's address (or
 * `unix:<socket path>` for a unix-socket client), then every word quoted and escaped as sdscatrepr does.
 *
 * @module
 */

import { REDACTED } from "./commandlog.ts";

const HEX = "0123456789abcdef";

/**
 * Valkey 8.1's sdscatrepr: a double-quoted string where printable bytes (0x20-0x7e) are copied as they are
 * — quotes and backslashes included, since the printable test comes first — and the others are written as
 * C escapes (`\n \r \t \a \b`) or `\xHH`.
 */
export function quoteRepr(b: Uint8Array): string {
  let s = '"';
  for (let i = 0; i < b.length; i++) {
    const c = b[i]!;
    if (c >= 0x20 && c <= 0x7e) {
      s += String.fromCharCode(c);
      continue;
    }
    switch (c) {
      case 0x0a:
        s += "\\n";
        break;
      case 0x0d:
        s += "\\r";
        break;
      case 0x09:
        s += "\\t";
        break;
      case 0x07:
        s += "\\a";
        break;
      case 0x08:
        s += "\\b";
        break;
      default:
        s += "\\x" + HEX[c >> 4] + HEX[c & 15];
    }
  }
  return s + '"';
}

/** One MONITOR line (with its trailing CRLF) for a command run in database `db` by a client at `where`. */
export function monitorLine(
  usec: number,
  db: number,
  where: string,
  argv: readonly Uint8Array[],
  redacted: readonly number[] | null,
): string {
  const sec = Math.floor(usec / 1e6);
  const micro = usec - sec * 1e6;
  let s = `+${sec}.${String(micro).padStart(6, "0")} [${db} ${where}]`;
  for (let j = 0; j < argv.length; j++) {
    s += " " + quoteRepr(redacted !== null && redacted.includes(j) ? REDACTED : argv[j]!);
  }
  return s + "\r\n";
}
