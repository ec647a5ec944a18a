/**
 * `extended-redis-compatibility` (Valkey 8.x): while it is on, the server introduces itself as Redis 7.2.4
 * in HELLO, INFO's mode field is `redis_mode` instead of `server_mode`, and the shared error replies name
 * Redis (checked here with -MISCONF). The directive does not exist in Redis 7.0: every case is valkeyOnly.
 */

import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { startServer, valkeyOnly } from "../helpers/server.ts";
import type { RawConn } from "../helpers/raw.ts";
import { assertError, flushedTest } from "../helpers/suite.ts";

const srv = await startServer();
const test = flushedTest(srv);

function field(info: string, name: string): string | undefined {
  return info.match(new RegExp(`(?:^|\\r\\n)${name}:([^\\r]*)`))?.[1];
}

async function hello(c: RawConn): Promise<Map<unknown, unknown>> {
  const r = await c.call("HELLO", "3");
  assert.ok(r instanceof Map, String(r));
  return r;
}

test("extended-redis-compatibility is a yes/no directive, off by default", async (c) => {
  assert.deepEqual(await c.call("CONFIG", "GET", "extended-redis-compatibility"), [
    "extended-redis-compatibility",
    "no",
  ]);
  assertError(
    await c.call("CONFIG", "SET", "extended-redis-compatibility", "maybe"),
    "ERR CONFIG SET failed (possibly related to argument 'extended-redis-compatibility') - " +
      "argument must be 'yes' or 'no'",
  );
}, valkeyOnly());

test("with extended-redis-compatibility HELLO and INFO present the server as Redis 7.2", async (c) => {
  const plain = await hello(c);
  assert.equal(plain.get("server"), "valkey");
  const version = plain.get("version");
  assert.match(String(version), /^8\./);
  try {
    assert.equal(await c.call("CONFIG", "SET", "extended-redis-compatibility", "yes"), "OK");
    const compat = await hello(c);
    assert.equal(compat.get("server"), "redis");
    assert.equal(compat.get("version"), "7.2.4");
    const info = String(await c.call("INFO", "server"));
    assert.equal(field(info, "redis_mode"), "standalone");
    assert.equal(field(info, "server_mode"), undefined);
  } finally {
    assert.equal(await c.call("CONFIG", "SET", "extended-redis-compatibility", "no"), "OK");
  }
  const back = await hello(c);
  assert.equal(back.get("server"), "valkey");
  assert.equal(back.get("version"), version);
  const info = String(await c.call("INFO", "server"));
  assert.equal(field(info, "server_mode"), "standalone");
  assert.equal(field(info, "redis_mode"), undefined);
}, valkeyOnly());

test("with extended-redis-compatibility the MISCONF error names Redis", async (c) => {
  const dir = String((await c.call("CONFIG", "GET", "dir") as string[])[1]);
  const dump = path.join(dir, String((await c.call("CONFIG", "GET", "dbfilename") as string[])[1]));
  // A directory where the dump file goes: the BGSAVE fails, and with a save point writes are refused.
  fs.mkdirSync(dump);
  fs.writeFileSync(path.join(dump, "x"), "x");
  const misconf = (name: string) =>
    `MISCONF ${name} is configured to save RDB snapshots, but it's currently unable to persist to disk. ` +
    "Commands that may modify the data set are disabled, because this instance is configured to report " +
    "errors during writes if RDB snapshotting fails (stop-writes-on-bgsave-error option). Please check " +
    `the ${name} logs for details about the RDB error.`;
  try {
    assert.equal(await c.call("CONFIG", "SET", "save", "3600 1"), "OK");
    assert.equal(await c.call("BGSAVE"), "Background saving started");
    const deadline = Date.now() + 20000;
    for (;;) {
      const info = String(await c.call("INFO", "persistence"));
      if (field(info, "rdb_bgsave_in_progress") === "0" && field(info, "rdb_last_bgsave_status") === "err") {
        break;
      }
      assert.ok(Date.now() < deadline, "BGSAVE did not fail in time");
      await new Promise((r) => setTimeout(r, 20));
    }
    assertError(await c.call("SET", "k", "v"), misconf("Valkey"));
    assert.equal(await c.call("CONFIG", "SET", "extended-redis-compatibility", "yes"), "OK");
    assertError(await c.call("SET", "k", "v"), misconf("Redis"));
    assert.equal(await c.call("GET", "k"), null);
  } finally {
    await c.call("CONFIG", "SET", "extended-redis-compatibility", "no");
    fs.rmSync(dump, { recursive: true });
    assert.equal(await c.call("SAVE"), "OK");
    assert.equal(await c.call("CONFIG", "SET", "save", ""), "OK");
  }
  assert.equal(await c.call("SET", "k", "v"), "OK");
}, valkeyOnly());

Deno.test({ name: "stop server", sanitizeOps: false, sanitizeResources: false, fn: () => srv.stop() });
