/**
 * Log lines and the directives that shape them or the signal shutdown, over TCP: `log-format` and
 * `log-timestamp-format` (Valkey 8.1: valkeyOnly), checked on the lines DEBUG LOG writes; and the values
 * `shutdown-on-sigint`, `shutdown-on-sigterm` and `shutdown-timeout` take (Redis 7.0 has them too). What
 * the signals then do is in cli_test.ts, which runs servers of its own.
 */

import assert from "node:assert/strict";
import { startServer, valkeyOnly } from "../helpers/server.ts";
import { RawConn, RespError } from "../helpers/raw.ts";
import { connTest } from "../helpers/suite.ts";
import { waitForLog } from "../helpers/timing.ts";

const srv = await startServer();
const test = connTest(srv);

function failed(name: string, reason: string): string {
  return `ERR CONFIG SET failed (possibly related to argument '${name}') - ${reason}`;
}

async function setError(c: RawConn, ...args: string[]): Promise<string> {
  const r = await c.call("CONFIG", "SET", ...args);
  assert.ok(r instanceof RespError, `CONFIG SET ${args.join(" ")} answered ${String(r)}`);
  return r.message;
}

test("log-format and log-timestamp-format default to legacy and take their names in any case", async (c) => {
  assert.deepEqual(await c.call("CONFIG", "GET", "log-format"), ["log-format", "legacy"]);
  assert.deepEqual(await c.call("CONFIG", "GET", "log-timestamp-format"), ["log-timestamp-format", "legacy"]);
  try {
    assert.equal(
      await c.call("CONFIG", "SET", "log-format", "LOGFMT", "log-timestamp-format", "ISO8601"),
      "OK",
    );
    const both = (await c.call("CONFIG", "GET", "log-*")) as string[];
    const pairs = new Map<string, string>();
    for (let i = 0; i < both.length; i += 2) pairs.set(both[i]!, both[i + 1]!);
    assert.deepEqual(pairs, new Map([["log-format", "logfmt"], ["log-timestamp-format", "iso8601"]]));
    assert.deepEqual(await c.call("CONFIG", "GET", "log-format"), ["log-format", "logfmt"]);
    assert.deepEqual(await c.call("CONFIG", "GET", "log-timestamp-format"), [
      "log-timestamp-format",
      "iso8601",
    ]);
    assert.equal(
      await setError(c, "log-format", "json"),
      failed("log-format", "argument(s) must be one of the following: legacy, logfmt"),
    );
    assert.equal(
      await setError(c, "log-timestamp-format", "x"),
      failed(
        "log-timestamp-format",
        "argument(s) must be one of the following: legacy, iso8601, milliseconds",
      ),
    );
    assert.equal(
      await setError(c, "log-format", "legacy logfmt"),
      failed("log-format", "argument(s) must be one of the following: legacy, logfmt"),
    );
    assert.deepEqual(await c.call("CONFIG", "GET", "log-format"), ["log-format", "logfmt"]);
  } finally {
    await c.call("CONFIG", "SET", "log-format", "legacy", "log-timestamp-format", "legacy");
  }
}, valkeyOnly());

Deno.test({
  name: "DEBUG LOG lines follow log-format and log-timestamp-format as soon as they are set",
  sanitizeOps: false,
  sanitizeResources: false,
  ...(srv.ownProcess ? valkeyOnly() : { ignore: true }),
  fn: async () => {
    const c = await RawConn.connect(srv.port);
    try {
      // logfmt: role and level spelled out, `"` made `'`, CR and LF made spaces; Unix time in ms.
      assert.equal(
        await c.call("CONFIG", "SET", "log-format", "logfmt", "log-timestamp-format", "milliseconds"),
        "OK",
      );
      const before = Date.now();
      assert.equal(await c.call("DEBUG", "LOG", 'say "hi"\r\nbye =x'), "OK");
      const logfmt =
        /^pid=(\d+) role=primary timestamp="(\d+)" level=warning message="DEBUG LOG: say 'hi' {2}bye =x"$/m;
      await waitForLog(srv.output, logfmt);
      const m = logfmt.exec(srv.output())!;
      assert.ok(Math.abs(Number(m[2]) - before) < 5000, `timestamp ${m[2]}, now ${before}`);
      const pid = m[1];

      // legacy lines with an ISO 8601 timestamp and its UTC offset.
      assert.equal(
        await c.call("CONFIG", "SET", "log-format", "legacy", "log-timestamp-format", "iso8601"),
        "OK",
      );
      assert.equal(await c.call("DEBUG", "LOG", 'iso "line"'), "OK");
      await waitForLog(
        srv.output,
        new RegExp(
          `^${pid}:M \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}[+-]\\d\\d:\\d\\d # DEBUG LOG: iso "line"$`,
          "m",
        ),
      );

      // logfmt with the legacy timestamp, then back to the defaults: the day of the month has two digits.
      assert.equal(
        await c.call("CONFIG", "SET", "log-format", "logfmt", "log-timestamp-format", "legacy"),
        "OK",
      );
      assert.equal(await c.call("DEBUG", "LOG", "third"), "OK");
      await waitForLog(
        srv.output,
        new RegExp(
          `^pid=${pid} role=primary timestamp="\\d\\d [A-Z][a-z]{2} \\d{4} \\d\\d:\\d\\d:\\d\\d\\.\\d{3}" ` +
            `level=warning message="DEBUG LOG: third"$`,
          "m",
        ),
      );
      assert.equal(await c.call("CONFIG", "SET", "log-format", "legacy"), "OK");
      assert.equal(await c.call("DEBUG", "LOG", "fourth"), "OK");
      await waitForLog(
        srv.output,
        new RegExp(
          `^${pid}:M \\d\\d [A-Z][a-z]{2} \\d{4} \\d\\d:\\d\\d:\\d\\d\\.\\d{3} # DEBUG LOG: fourth$`,
          "m",
        ),
      );
    } finally {
      await c.call("CONFIG", "SET", "log-format", "legacy", "log-timestamp-format", "legacy");
      c.close();
    }
  },
});

test("shutdown-on-sigint and shutdown-on-sigterm take several flags, printed in Valkey's order", async (c) => {
  try {
    for (const name of ["shutdown-on-sigint", "shutdown-on-sigterm"]) {
      assert.deepEqual(await c.call("CONFIG", "GET", name), [name, "default"]);
      assert.equal(await c.call("CONFIG", "SET", name, "FORCE now save"), "OK");
      assert.deepEqual(await c.call("CONFIG", "GET", name), [name, "save now force"]);
      // `default` is no flag at all.
      assert.equal(await c.call("CONFIG", "SET", name, "nosave default"), "OK");
      assert.deepEqual(await c.call("CONFIG", "GET", name), [name, "nosave"]);
      assert.equal(
        await setError(c, name, "save nosave"),
        failed(name, "shutdown options SAVE and NOSAVE can't be used simultaneously"),
      );
      const members = "argument(s) must be one of the following: default, save, nosave, now, force";
      for (const bad of ["bogus", "save,now", "", "nosave  now", " now"]) {
        assert.equal(await setError(c, name, bad), failed(name, members), JSON.stringify(bad));
      }
      assert.deepEqual(await c.call("CONFIG", "GET", name), [name, "nosave"]);
      assert.equal(await c.call("CONFIG", "SET", name, "default"), "OK");
      assert.deepEqual(await c.call("CONFIG", "GET", name), [name, "default"]);
    }
  } finally {
    await c.call("CONFIG", "SET", "shutdown-on-sigint", "default", "shutdown-on-sigterm", "default");
  }
});

test("shutdown-timeout defaults to 10 seconds and takes 0 to INT_MAX", async (c) => {
  try {
    assert.deepEqual(await c.call("CONFIG", "GET", "shutdown-timeout"), ["shutdown-timeout", "10"]);
    const range = "argument must be between 0 and 2147483647 inclusive";
    assert.equal(await setError(c, "shutdown-timeout", "-1"), failed("shutdown-timeout", range));
    assert.equal(await setError(c, "shutdown-timeout", "2147483648"), failed("shutdown-timeout", range));
    assert.equal(await c.call("CONFIG", "SET", "shutdown-timeout", "0"), "OK");
    assert.deepEqual(await c.call("CONFIG", "GET", "shutdown-timeout"), ["shutdown-timeout", "0"]);
    assert.equal(await c.call("CONFIG", "SET", "shutdown-timeout", "2147483647"), "OK");
    assert.deepEqual(await c.call("CONFIG", "GET", "shutdown-timeout"), ["shutdown-timeout", "2147483647"]);
  } finally {
    await c.call("CONFIG", "SET", "shutdown-timeout", "10");
  }
});

Deno.test({ name: "stop server", sanitizeOps: false, sanitizeResources: false, fn: () => srv.stop() });
