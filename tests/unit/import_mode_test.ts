/**
 * Deferred expiry: Valkey 8.1's `import-mode` (expired keys stay until the import source deletes them; an
 * import source, CLIENT IMPORT-SOURCE ON, sees them as live; no active expiry and no eviction; a past
 * expire time is stored instead of deleting) and CLIENT PAUSE WRITE holding expiry until the pause ends.
 * The replies were compared line by line with valkey-server 8.1.1.
 */

import assert from "node:assert/strict";
import { startServer, valkeyOnly } from "../helpers/server.ts";
import { RawConn } from "../helpers/raw.ts";
import { assertError, flushedTest } from "../helpers/suite.ts";

const srv = await startServer();
const test = flushedTest(srv);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function eventually(cond: () => Promise<boolean>, ms = 10000): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await cond()) return true;
    await sleep(50);
  }
  return cond();
}

test("import mode: expired keys stay hidden from others, live for the import source", async (c) => {
  assert.equal(await c.call("CONFIG", "SET", "import-mode", "yes"), "OK");
  const src = await RawConn.connect(srv.port);
  try {
    assert.equal(await c.call("SET", "k", "v", "PX", "50"), "OK");
    await sleep(150);
    // An ordinary client: missing, but not deleted.
    assert.equal(await c.call("GET", "k"), null);
    assert.equal(await c.call("EXISTS", "k"), 0);
    assert.equal(await c.call("TTL", "k"), -2);
    assert.equal(await c.call("TYPE", "k"), "none");
    assert.equal(await c.call("DBSIZE"), 1);
    // The import source sees it, with no time left.
    assert.equal(await src.call("CLIENT", "IMPORT-SOURCE", "ON"), "OK");
    assert.match(await src.call("CLIENT", "INFO") as string, / flags=I /);
    assert.equal(await src.call("GET", "k"), "v");
    assert.equal(await src.call("TTL", "k"), 0);
    assert.equal(await src.call("EXISTS", "k"), 1);
    assert.deepEqual(await src.call("KEYS", "*"), ["k"]);
    assert.deepEqual(await src.call("SCAN", "0"), ["0", ["k"]]);
    assert.deepEqual(await c.call("KEYS", "*"), []);
    // A past expire time is stored rather than deleting.
    assert.equal(await src.call("EXPIRE", "k", "-1"), 1);
    assert.equal(await src.call("SET", "k2", "v2", "EXAT", "1"), "OK");
    assert.equal(await src.call("GET", "k2"), "v2");
    assert.equal(await c.call("GET", "k2"), null);
    assert.equal(await c.call("DBSIZE"), 2);
    // An ordinary client's DEL deletes an expired key and counts it; its writes delete it first.
    assert.equal(await c.call("DEL", "k2"), 1);
    assert.equal(await c.call("INCR", "k"), 1);
    assert.equal(await c.call("DBSIZE"), 1);
    assert.equal(await src.call("CLIENT", "IMPORT-SOURCE", "OFF"), "OK");
    assert.doesNotMatch(await src.call("CLIENT", "INFO") as string, / flags=I /);
  } finally {
    src.close();
    await c.call("CONFIG", "SET", "import-mode", "no");
  }
}, valkeyOnly());

test("import mode: no active expiry and no eviction; expiry resumes when it ends", async (c) => {
  assert.equal(await c.call("CONFIG", "SET", "import-mode", "yes"), "OK");
  try {
    for (let i = 0; i < 20; i++) await c.call("SET", `e${i}`, "v", "PX", "10");
    await sleep(500); // five cron runs at hz 10
    assert.equal(await c.call("DBSIZE"), 20);
    await c.call("CONFIG", "SET", "maxmemory-policy", "allkeys-random");
    await c.call("CONFIG", "SET", "maxmemory", "1");
    assertError(await c.call("SET", "z", "1"), "OOM command not allowed when used memory > 'maxmemory'.");
  } finally {
    await c.call("CONFIG", "SET", "maxmemory", "0");
    await c.call("CONFIG", "SET", "maxmemory-policy", "noeviction");
    await c.call("CONFIG", "SET", "import-mode", "no");
  }
  assert.ok(await eventually(async () => await c.call("DBSIZE") === 0), "active expiry reclaims them");
}, valkeyOnly());

test("CLIENT IMPORT-SOURCE outside import mode", async (c) => {
  assert.deepEqual(await c.call("CONFIG", "GET", "import-mode"), ["import-mode", "no"]);
  assertError(await c.call("CLIENT", "IMPORT-SOURCE", "ON"), "ERR Server is not in import mode");
  assertError(await c.call("CLIENT", "IMPORT-SOURCE", "foo"), "ERR Server is not in import mode");
  assert.equal(await c.call("CLIENT", "IMPORT-SOURCE", "OFF"), "OK");
  assert.equal(await c.call("CONFIG", "SET", "import-mode", "yes"), "OK");
  try {
    assertError(await c.call("CLIENT", "IMPORT-SOURCE", "foo"), "ERR syntax error");
  } finally {
    await c.call("CONFIG", "SET", "import-mode", "no");
  }
}, valkeyOnly());

test("CLIENT PAUSE WRITE holds expiry: expired keys stay until the pause ends", async (c) => {
  assert.equal(await c.call("SET", "k", "v", "PX", "50"), "OK");
  assert.equal(await c.call("SET", "j", "v", "PX", "50"), "OK");
  assert.equal(await c.call("CLIENT", "PAUSE", "5000", "WRITE"), "OK");
  try {
    await sleep(300);
    assert.equal(await c.call("GET", "k"), null);
    assert.equal(await c.call("EXISTS", "k"), 0);
    assert.equal(await c.call("TTL", "k"), -2);
    assert.equal(await c.call("DBSIZE"), 2);
  } finally {
    assert.equal(await c.call("CLIENT", "UNPAUSE"), "OK");
  }
  assert.ok(await eventually(async () => await c.call("DBSIZE") === 0), "expired once the pause ended");
});
