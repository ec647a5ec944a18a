/**
 * Query buffer sizes in CLIENT LIST (after Valkey's tests/unit/querybuf.tcl): a client between requests
 * reads through the shared buffer (qbuf 0, qbuf-free 0), one with an unfinished request owns one of 16 to
 * 32 KiB until it has been idle for 2 s, a big argument's buffer is sized at its `$<len>` line and trimmed
 * once idle. Valkey 8.x only (Redis 7.0 has no shared query buffer).
 */

import assert from "node:assert/strict";
import { startServer, valkeyOnly } from "../helpers/server.ts";
import { RawConn } from "../helpers/raw.ts";

const srv = await startServer();
const opts = { sanitizeOps: false, sanitizeResources: false, ...valkeyOnly() };

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** qbuf + qbuf-free and idle of the named client (0 and -1 when it is not listed). */
async function queryBuffer(r: RawConn, name: string): Promise<{ size: number; idle: number }> {
  const line = String(await r.call("CLIENT", "LIST")).split("\n").find((l) => l.includes(` name=${name} `));
  if (line === undefined) return { size: 0, idle: -1 };
  const f = (k: string) => Number(new RegExp(` ${k}=(\\d+)`).exec(line)![1]);
  return { size: f("qbuf") + f("qbuf-free"), idle: f("idle") };
}

async function waitFor(ms: number, check: () => Promise<boolean>): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return true;
    await sleep(20);
  }
  return false;
}

/** Two connections (`r` to watch, `c` under test) with the cron at hz 100, put back after. */
async function withClients(fn: (r: RawConn, c: RawConn) => Promise<void>): Promise<void> {
  const r = await RawConn.connect(srv.port);
  const c = await RawConn.connect(srv.port);
  try {
    assert.equal(await r.call("CONFIG", "SET", "hz", "100"), "OK");
    assert.equal(await c.call("CLIENT", "SETNAME", "test_client"), "OK");
    await fn(r, c);
  } finally {
    await r.call("DEBUG", "PAUSE-CRON", "0");
    await r.call("CONFIG", "SET", "hz", "10");
    r.close();
    c.close();
  }
}

Deno.test({
  name: "an unfinished request makes a client own a 16-32 KiB buffer, freed after 2 s idle",
  ...opts,
  fn: () =>
    withClients(async (r, c) => {
      assert.equal((await queryBuffer(r, "test_client")).size, 0);
      assert.equal(await r.call("DEBUG", "PAUSE-CRON", "1"), "OK");
      c.send("*3\r\n$3\r\nset\r\n$2\r\na");
      assert.ok(await waitFor(2000, async () => (await queryBuffer(r, "test_client")).size > 0));
      c.send("a\r\n$1\r\nb\r\n");
      assert.equal(await c.read(), "OK");
      const size = (await queryBuffer(r, "test_client")).size;
      assert.ok(size >= 16384 && size <= 32770, `query buffer of ${size} bytes`);
      assert.equal(await r.call("DEBUG", "PAUSE-CRON", "0"), "OK");
      assert.ok(
        await waitFor(6000, async () => {
          const q = await queryBuffer(r, "test_client");
          return q.idle >= 3 && q.size < size;
        }),
        "the idle client's query buffer was not freed",
      );
    }),
});

Deno.test({
  name: "a big argument's buffer shrinks back once smaller requests follow",
  ...opts,
  fn: () =>
    withClients(async (r, c) => {
      assert.equal(await r.call("DEBUG", "PAUSE-CRON", "1"), "OK");
      assert.equal(await c.call("SET", "x", "A".repeat(400000)), "OK");
      const big = (await queryBuffer(r, "test_client")).size;
      assert.ok(big > 32768, `query buffer of ${big} bytes`);
      assert.equal(await r.call("DEBUG", "PAUSE-CRON", "0"), "OK");
      let now = big;
      const end = Date.now() + 1000;
      while (Date.now() < end) {
        assert.equal(await c.call("SET", "x", "A".repeat(100)), "OK");
        now = (await queryBuffer(r, "test_client")).size;
        if (now < big && now > 0) break;
        await sleep(10);
      }
      assert.ok(now > 0 && now < big, `query buffer of ${now} bytes after ${big}`);
    }),
});

Deno.test({
  name: "a fat argument's buffer is allocated at its header and trimmed after 2 s idle",
  ...opts,
  fn: () =>
    withClients(async (r, c) => {
      c.send("*3\r\n$3\r\nset\r\n$1\r\na\r\n$1000000\r\n");
      await sleep(200);
      c.send("a");
      await sleep(20);
      const size = (await queryBuffer(r, "test_client")).size;
      assert.ok(size >= 1000000, `query buffer of ${size} bytes while idle < 2 s`);
      assert.ok(
        await waitFor(6000, async () => {
          const q = await queryBuffer(r, "test_client");
          return q.idle >= 3 && q.size < 1000000;
        }),
        "the fat argument's buffer was not trimmed",
      );
    }),
});
