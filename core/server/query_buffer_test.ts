import assert from "node:assert/strict";
import { QueryBufferModel, SHARED_QB_ROOM } from "./query_buffer.ts";

// The figures are valkey-server 8.1.1's CLIENT LIST (jemalloc) for the same byte sequences.

Deno.test("a client between requests reads through the shared buffer: 0/0", () => {
  const q = new QueryBufferModel();
  q.beforeRead(0, -1);
  q.afterRead(27, 0, -1);
  assert.equal(q.alloc, 0);
  assert.equal(q.free(0), 0);
});

Deno.test("an unfinished request keeps the shared buffer (20474 bytes), dropped after 2 s idle", () => {
  const q = new QueryBufferModel();
  assert.equal(SHARED_QB_ROOM, 20474);
  q.beforeRead(0, -1);
  q.afterRead(18, 1, 2); // "*3\r\n$3\r\nset\r\n$2\r\na": "a" is left
  assert.equal(q.free(1), 20473);
  q.beforeRead(1, 2);
  q.afterRead(10, 0, -1); // the rest
  assert.equal(q.free(0), 20474);
  q.cron(1, 0, -1, false);
  assert.equal(q.alloc, 20474); // not idle long enough
  q.cron(3, 0, -1, false);
  assert.equal(q.alloc, 0);
});

Deno.test("a big bulk gets a buffer of its size; small requests after it shrink it to the peak", () => {
  const q = new QueryBufferModel();
  q.beforeRead(0, -1);
  q.afterRead(16384, 16384 - 27, 400000); // "*3 set x $400000" and the first bytes of the value
  assert.equal(q.alloc, 458742);
  q.beforeRead(16384 - 27, 400000);
  q.afterRead(400002 - (16384 - 27), 0, -1);
  assert.equal(q.free(0), 458742);
  q.cron(0, 0, -1, false); // the peak was the big value: kept
  assert.equal(q.alloc, 458742);
  q.beforeRead(0, -1);
  q.afterRead(133, 0, -1); // a small SET (not pipelined)
  q.cron(0, 0, -1, false);
  assert.ok(q.alloc > 0 && q.alloc < 458742, `trimmed to ${q.alloc}`);
  assert.ok(q.alloc <= 156, `trimmed to the small peak (${q.alloc})`);
  q.beforeRead(0, -1);
  q.afterRead(133, 0, -1); // a small buffer grows by a whole read
  assert.equal(q.alloc, 20474);
});

Deno.test("a fat argument's buffer is sized at its header; after 2 s idle it is trimmed to what it holds", () => {
  const q = new QueryBufferModel();
  q.beforeRead(0, -1);
  q.afterRead(33, 0, 1000000); // "*3\r\n$3\r\nset\r\n$1\r\na\r\n$1000000\r\n"
  assert.equal(q.free(0), 1048566);
  q.beforeRead(0, 1000000);
  q.afterRead(1, 1, 1000000);
  assert.equal(q.free(1), 1048565);
  q.beforeRead(1, 1000000);
  q.afterRead(5000, 5001, 1000000);
  assert.equal(q.free(5001), 1043565);
  q.cron(4, 5001, 1000000, false);
  assert.equal(q.free(5001), 109);
});
