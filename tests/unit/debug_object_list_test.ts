/**
 * DEBUG OBJECT's quicklist details (`ql_nodes`, `ql_avg_node`, `ql_listpack_max`, `ql_compressed`,
 * `ql_uncompressed_size`), as Valkey 8.1 and Redis 7.0 print them: the fill and the compress depth are the
 * ones in force when the list became a quicklist, the sizes those of the equivalent Valkey listpacks.
 * Valkey-only: Redis 7.0 has no listpack encoding for lists, and its FAST keeps `ql_uncompressed_size`.
 */

import assert from "node:assert/strict";
import { startServer, valkeyOnly } from "../helpers/server.ts";
import type { RawConn } from "../helpers/raw.ts";
import { flushedTest } from "../helpers/suite.ts";

const srv = await startServer();
const test = (name: string, fn: (c: RawConn) => Promise<void>) => flushedTest(srv)(name, fn, valkeyOnly());

/** The `name:value` fields of DEBUG OBJECT from `ql_nodes` on (empty for a listpack). */
async function qlFields(c: RawConn, key: string, fast = false): Promise<string> {
  const line = String(await (fast ? c.call("DEBUG", "OBJECT", key, "FAST") : c.call("DEBUG", "OBJECT", key)));
  const at = line.indexOf(" ql_nodes:");
  return at < 0 ? "" : line.slice(at + 1);
}

async function withLists(c: RawConn, fill: number, depth: number, fn: () => Promise<void>): Promise<void> {
  const saved = await c.call("CONFIG", "GET", "list-max-listpack-size") as string[];
  const savedDepth = await c.call("CONFIG", "GET", "list-compress-depth") as string[];
  try {
    assert.equal(await c.call("CONFIG", "SET", "list-max-listpack-size", fill), "OK");
    assert.equal(await c.call("CONFIG", "SET", "list-compress-depth", depth), "OK");
    await fn();
  } finally {
    await c.call("CONFIG", "SET", "list-max-listpack-size", saved[1]!);
    await c.call("CONFIG", "SET", "list-compress-depth", savedDepth[1]!);
  }
}

test("a quicklist shows its nodes, fill, compress depth and listpack bytes", async (c) => {
  await withLists(c, -1, 12, async () => {
    await c.call("LPUSH", "l", ...Array<string>(6000).fill("1"));
    assert.equal(
      await qlFields(c, "l"),
      "ql_nodes:3 ql_avg_node:2000.00 ql_listpack_max:-1 ql_compressed:1 ql_uncompressed_size:12021",
    );
    // FAST leaves out the size (and serializedlength).
    assert.equal(
      await qlFields(c, "l", true),
      "ql_nodes:3 ql_avg_node:2000.00 ql_listpack_max:-1 ql_compressed:1",
    );
  });
  await withLists(c, -1, 0, async () => {
    await c.call("RPUSH", "l2", ...Array<string>(300).fill("x".repeat(100)));
    assert.equal(
      await qlFields(c, "l2"),
      "ql_nodes:8 ql_avg_node:37.50 ql_listpack_max:-1 ql_compressed:0 ql_uncompressed_size:30956",
    );
  });
});

test("the fill and depth are those in force when the list was converted", async (c) => {
  await withLists(c, -1, 3, async () => {
    await c.call("LPUSH", "l", ...Array<string>(6000).fill("1"));
  });
  // SORT ... STORE builds a new list with the settings of now; the old list keeps its own.
  await withLists(c, 5, 0, async () => {
    await c.call("SORT", "l", "STORE", "l3");
    assert.equal(
      await qlFields(c, "l3"),
      "ql_nodes:1200 ql_avg_node:5.00 ql_listpack_max:5 ql_compressed:0 ql_uncompressed_size:20400",
    );
    assert.match(
      await qlFields(c, "l"),
      /^ql_nodes:3 ql_avg_node:2000\.00 ql_listpack_max:-1 ql_compressed:1 /,
    );
  });
});

test("a large element gets a plain node of its own; a listpack shows no ql_ fields", async (c) => {
  await c.call("RPUSH", "small", "a", "b");
  assert.equal(await qlFields(c, "small"), "");
  assert.match(String(await c.call("DEBUG", "OBJECT", "small")), / encoding:listpack /);
  await c.call("RPUSH", "big", "y".repeat(9000), "a");
  assert.equal(
    await qlFields(c, "big"),
    "ql_nodes:2 ql_avg_node:1.00 ql_listpack_max:-2 ql_compressed:0 ql_uncompressed_size:9010",
  );
});

test("LINSERT, LSET, LMOVE and RPUSH record the compress depth when converting", async (c) => {
  await withLists(c, 4, 2, async () => {
    await c.call("RPUSH", "a", "1", "2", "3", "4");
    assert.equal(await qlFields(c, "a"), "");
    await c.call("LINSERT", "a", "BEFORE", "1", "0");
    assert.match(await qlFields(c, "a"), /^ql_nodes:2 ql_avg_node:2\.50 ql_listpack_max:4 ql_compressed:1 /);
    await c.call("RPUSH", "b", "1", "2", "3", "4");
    await c.call("LSET", "b", "0", "x".repeat(9000));
    assert.match(await qlFields(c, "b"), / ql_compressed:1 /);
    await c.call("RPUSH", "src", "z");
    await c.call("RPUSH", "dst", "1", "2", "3", "4");
    await c.call("LMOVE", "src", "dst", "LEFT", "RIGHT");
    assert.match(
      await qlFields(c, "dst"),
      /^ql_nodes:2 ql_avg_node:2\.50 ql_listpack_max:4 ql_compressed:1 /,
    );
  });
});

Deno.test({ name: "stop server", sanitizeOps: false, sanitizeResources: false, fn: () => srv.stop() });
