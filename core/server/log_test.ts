import assert from "node:assert/strict";
import process from "node:process";
import {
  formatLogLine,
  formatLogTime,
  formatTimestamp,
  formatTimezone,
  logfmtMessage,
  Logger,
} from "./log.ts";

// A local time, so the expectations hold in any TZ the tests run in.
const AT = new Date(2026, 0, 5, 3, 4, 5, 6);
const OFFSET = formatTimezone(-AT.getTimezoneOffset());

Deno.test("the legacy timestamp is strftime's %d %b %Y %H:%M:%S with milliseconds, day on two digits", () => {
  assert.equal(formatLogTime(AT), "05 Jan 2026 03:04:05.006");
  assert.equal(
    formatTimestamp(new Date(2026, 11, 25, 23, 59, 59, 999), "legacy"),
    "25 Dec 2026 23:59:59.999",
  );
});

Deno.test("the iso8601 timestamp is local time with its UTC offset; milliseconds is Unix time in ms", () => {
  assert.equal(formatTimestamp(AT, "iso8601"), `2026-01-05T03:04:05.006${OFFSET}`);
  assert.equal(formatTimestamp(AT, "milliseconds"), String(AT.getTime()));
});

Deno.test("a UTC offset prints as +hh:mm or -hh:mm, half hours included", () => {
  assert.equal(formatTimezone(0), "+00:00");
  assert.equal(formatTimezone(330), "+05:30"); // Asia/Kolkata
  assert.equal(formatTimezone(-210), "-03:30"); // America/St_Johns, winter
  assert.equal(formatTimezone(-600), "-10:00");
  assert.equal(formatTimezone(840), "+14:00");
  assert.equal(formatTimezone(-45), "-00:45");
});

Deno.test("a logfmt message turns double quotes into single ones and CR/LF into spaces", () => {
  assert.equal(logfmtMessage("plain 'text' = ok"), "plain 'text' = ok");
  assert.equal(logfmtMessage('a "b"\r\nc\nd'), "a 'b'  c d");
});

Deno.test("legacy lines are pid:role timestamp level-char message", () => {
  const line = (level: "debug" | "verbose" | "notice" | "warning") =>
    formatLogLine(42, "M", AT, level, "hi", "legacy", "legacy");
  assert.equal(line("debug"), "42:M 05 Jan 2026 03:04:05.006 . hi\n");
  assert.equal(line("verbose"), "42:M 05 Jan 2026 03:04:05.006 - hi\n");
  assert.equal(line("notice"), "42:M 05 Jan 2026 03:04:05.006 * hi\n");
  assert.equal(line("warning"), "42:M 05 Jan 2026 03:04:05.006 # hi\n");
  // A legacy line keeps the message as it is, quotes and line breaks included.
  assert.equal(
    formatLogLine(42, "M", AT, "notice", 'a "b"\nc', "legacy", "iso8601"),
    `42:M 2026-01-05T03:04:05.006${OFFSET} * a "b"\nc\n`,
  );
});

Deno.test("logfmt lines spell out the role and the level (verbose is info) and quote the message", () => {
  assert.equal(
    formatLogLine(42, "M", AT, "verbose", 'say "x"', "logfmt", "milliseconds"),
    `pid=42 role=primary timestamp="${AT.getTime()}" level=info message="say 'x'"\n`,
  );
  assert.equal(
    formatLogLine(7, "C", AT, "warning", "w", "logfmt", "legacy"),
    'pid=7 role=RDB/AOF timestamp="05 Jan 2026 03:04:05.006" level=warning message="w"\n',
  );
  assert.match(
    formatLogLine(7, "S", AT, "debug", "d", "logfmt", "legacy"),
    /^pid=7 role=replica .* level=debug /,
  );
  assert.match(
    formatLogLine(7, "X", AT, "notice", "n", "logfmt", "legacy"),
    /^pid=7 role=sentinel .* level=notice /,
  );
});

Deno.test("the logger filters by level and follows its format settings", () => {
  const log = new Logger();
  const lines: string[] = [];
  log.sink = (l) => lines.push(l);
  log.file = "/dev/null"; // keep the test's output clean
  log.verbose("hidden at notice");
  log.notice("shown");
  log.format = "logfmt";
  log.timestampFormat = "milliseconds";
  log.warning('w "q"');
  log.level = "nothing";
  log.warning("hidden at nothing");
  assert.equal(lines.length, 2);
  assert.match(
    lines[0]!,
    new RegExp(`^${process.pid}:M \\d\\d [A-Z][a-z]{2} \\d{4} [\\d:.]{12} \\* shown\\n$`),
  );
  assert.match(
    lines[1]!,
    new RegExp(`^pid=${process.pid} role=primary timestamp="\\d+" level=warning message="w 'q'"\\n$`),
  );
});

Deno.test("signal-handler lines keep their fixed shape under every format, filtered by level", () => {
  const log = new Logger();
  const lines: string[] = [];
  log.sink = (l) => lines.push(l);
  log.file = "/dev/null";
  log.format = "logfmt";
  log.timestampFormat = "iso8601";
  const before = Math.floor(Date.now() / 1000);
  log.fromHandler("warning", "Received SIGTERM scheduling shutdown...");
  log.level = "nothing";
  log.fromHandler("warning", "hidden");
  assert.equal(lines.length, 1);
  const m = /^(\d+):signal-handler \((\d+)\) Received SIGTERM scheduling shutdown\.\.\.\n$/.exec(lines[0]!);
  assert.ok(m !== null, String(lines[0]));
  assert.equal(Number(m[1]), process.pid);
  assert.ok(Number(m[2]) >= before && Number(m[2]) <= before + 2);
});
