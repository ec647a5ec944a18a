/**
 * Behaviours found different from Valkey 8.1 by running Valkey's own Tcl suite against Valkyr, each checked
 * here with our own cases: INFO total_blocking_keys_on_nokey (XREADGROUP waiters), the processed-command
 * counters of a blocked client, COMMAND GETKEYSANDFLAGS for SET and BITFIELD (flags from the arguments),
 * DEBUG QUICKLIST-PACKED-THRESHOLD and PAUSE-CRON, CONFIG rdb-version-check with RESTORE, and the consumer-group read
 * counter estimated when a pre-7.0 stream payload is loaded. Expectations were checked side by side against
 * Valkey 8.1.1 (and Redis 7.0 where not marked valkeyOnly).
 */

import assert from "node:assert/strict";
import { startServer, valkeyOnly } from "../helpers/server.ts";
import { RawConn } from "../helpers/raw.ts";
import { blockingSuite, send } from "../helpers/blocking.ts";
import { assertError } from "../helpers/suite.ts";
import { Listpack } from "../../core/types/listpack.ts";
import { RdbWriter } from "../../core/persistence/rdb_io.ts";
import { writeListpack } from "../../core/persistence/encodings.ts";
import { Crc64 } from "../../core/persistence/crc64.ts";

const srv = await startServer();
const { conn, test, waitBlocked } = blockingSuite(srv);

async function infoField(c: RawConn, section: string, field: string): Promise<string> {
  const m = new RegExp(`^${field}:(.*)$`, "m").exec(String(await c.call("INFO", section)));
  assert.ok(m !== null, `INFO ${section} has no ${field}`);
  return m[1]!.trim();
}

function clientField(line: string, field: string): number {
  const m = new RegExp(`(?:^| )${field}=(\\d+)`).exec(line);
  assert.ok(m !== null, `no ${field} in ${line}`);
  return Number(m[1]);
}

test("total_blocking_keys_on_nokey counts keys with XREADGROUP waiters only", async (c) => {
  const list = await conn();
  const group = await conn();
  const group2 = await conn();
  send(list, "BLPOP", "s", "0");
  await waitBlocked(c, 1);
  assert.equal(await infoField(c, "clients", "total_blocking_keys"), "1");
  assert.equal(await infoField(c, "clients", "total_blocking_keys_on_nokey"), "0");
  await c.call("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM");
  await c.call("XGROUP", "CREATE", "t", "g", "$", "MKSTREAM");
  send(group, "XREADGROUP", "GROUP", "g", "alice", "BLOCK", "0", "STREAMS", "s", "t", ">", ">");
  send(group2, "XREADGROUP", "GROUP", "g", "bob", "BLOCK", "0", "STREAMS", "s", ">");
  await waitBlocked(c, 3);
  assert.equal(await infoField(c, "clients", "total_blocking_keys"), "2");
  assert.equal(await infoField(c, "clients", "total_blocking_keys_on_nokey"), "2");
  // Deleting the stream ends both group waits (the group is gone) but not the list wait.
  await c.call("DEL", "s");
  assert.match(String(await group.read()), /^NOGROUP/);
  assert.match(String(await group2.read()), /^NOGROUP/);
  await waitBlocked(c, 1);
  assert.equal(await infoField(c, "clients", "total_blocking_keys"), "1");
  assert.equal(await infoField(c, "clients", "total_blocking_keys_on_nokey"), "0");
  list.close();
  await waitBlocked(c, 0);
  assert.equal(await infoField(c, "clients", "total_blocking_keys"), "0");
}, valkeyOnly());

test("a blocked command counts as processed only once its wait ends", async (c) => {
  const b = await conn();
  const id = String(await b.call("CLIENT", "ID"));
  const line = async () => String(await c.call("CLIENT", "LIST", "ID", id));
  const before = clientField(await line(), "tot-cmds");
  // The server total: INFO itself and CLIENT LIST count, the blocked BLPOP does not (yet).
  const total0 = Number(await infoField(c, "stats", "total_commands_processed"));
  send(b, "BLPOP", "l", "0");
  let listed = "";
  for (let i = 0; i < 300 && !/flags=b/.test(listed); i++) {
    await new Promise((r) => setTimeout(r, 10));
    listed = await line();
  }
  assert.match(listed, /flags=b/);
  const polls = Number(await infoField(c, "stats", "total_commands_processed")) - total0;
  assert.equal(clientField(listed, "tot-cmds"), before);
  await c.call("RPUSH", "l", "x");
  assert.deepEqual(await b.read(), ["l", "x"]);
  assert.equal(clientField(await line(), "tot-cmds"), before + 1);
  // Since the second INFO: itself, RPUSH, the served BLPOP and one CLIENT LIST; nothing while blocked.
  const total1 = Number(await infoField(c, "stats", "total_commands_processed"));
  assert.equal(total1 - total0, polls + 1 + 1 + 1 + 1); // INFO, RPUSH, BLPOP, CLIENT LIST
  // A wait ended by its timeout counts too, once.
  send(b, "BLPOP", "l", "0.05");
  assert.equal(await b.read(), null);
  assert.equal(clientField(await line(), "tot-cmds"), before + 2);
}, valkeyOnly());

test("COMMAND GETKEYSANDFLAGS derives SET and BITFIELD key flags from the arguments", async (c) => {
  assert.deepEqual(await c.call("COMMAND", "GETKEYSANDFLAGS", "SET", "k", "v"), [["k", ["OW", "update"]]]);
  assert.deepEqual(await c.call("COMMAND", "GETKEYSANDFLAGS", "SET", "k", "v", "NX", "get"), [[
    "k",
    ["RW", "access", "update"],
  ]]);
  // The value itself is never taken for the GET option.
  assert.deepEqual(await c.call("COMMAND", "GETKEYSANDFLAGS", "SET", "k", "get"), [["k", ["OW", "update"]]]);
  assert.deepEqual(
    await c.call("COMMAND", "GETKEYSANDFLAGS", "BITFIELD", "k", "GET", "u8", "0", "OVERFLOW", "SAT"),
    [["k", ["RO", "access"]]],
  );
  assert.deepEqual(
    await c.call("COMMAND", "GETKEYSANDFLAGS", "BITFIELD", "k", "GET", "u8", "0", "INCRBY", "u8", "0", "1"),
    [["k", ["RW", "access", "update"]]],
  );
  assert.deepEqual(await c.call("COMMAND", "GETKEYSANDFLAGS", "BITFIELD", "k", "bogus"), [[
    "k",
    ["RW", "access", "update"],
  ]]);
  // GETKEYS is unchanged.
  assert.deepEqual(await c.call("COMMAND", "GETKEYS", "SET", "k", "v", "GET"), ["k"]);
});

test("DEBUG QUICKLIST-PACKED-THRESHOLD makes small elements plain nodes", async (c) => {
  const huge = "ERR argument must be a memory value bigger than 1 and smaller than 4gb";
  assertError(await c.call("DEBUG", "QUICKLIST-PACKED-THRESHOLD", "5gb"), huge);
  assertError(await c.call("DEBUG", "QUICKLIST-PACKED-THRESHOLD", "lots"), huge);
  const fill = String((await c.call("CONFIG", "GET", "list-max-listpack-size") as string[])[1]);
  await c.call("CONFIG", "SET", "list-max-listpack-size", "1");
  try {
    assert.equal(await c.call("DEBUG", "QUICKLIST-PACKED-THRESHOLD", "1b"), "OK");
    await c.call("RPUSH", "l", "aa", "9", "xxxxxxxxxxx", "bb");
    assert.equal(await c.call("OBJECT", "ENCODING", "l"), "quicklist");
    await c.call("LINSERT", "l", "BEFORE", "9", "yyyyyyyyyyyy");
    await c.call("LSET", "l", "0", "zzzzzzzzzzzz");
    assert.equal(await c.call("LREM", "l", "0", "bb"), 1);
    assert.deepEqual(await c.call("LRANGE", "l", "0", "-1"), [
      "zzzzzzzzzzzz",
      "yyyyyyyyyyyy",
      "9",
      "xxxxxxxxxxx",
    ]);
    assert.equal(await c.call("LPOS", "l", "xxxxxxxxxxx"), 3);
    assert.equal(await c.call("DEBUG", "RELOAD"), "OK");
    assert.deepEqual(await c.call("LRANGE", "l", "0", "-1"), [
      "zzzzzzzzzzzz",
      "yyyyyyyyyyyy",
      "9",
      "xxxxxxxxxxx",
    ]);
  } finally {
    assert.equal(await c.call("DEBUG", "QUICKLIST-PACKED-THRESHOLD", "0"), "OK");
    await c.call("CONFIG", "SET", "list-max-listpack-size", fill);
  }
});

test("DEBUG PAUSE-CRON stops the periodic work (active expiry) until resumed", async (c) => {
  const expired = async () => Number(await infoField(c, "stats", "expired_keys"));
  const before = await expired();
  assert.equal(await c.call("DEBUG", "PAUSE-CRON", "1"), "OK");
  try {
    await c.call("SET", "k", "v", "PX", "20");
    await new Promise((r) => setTimeout(r, 400));
    // Nobody touched the key and the cron is paused: it is still stored.
    assert.equal(await c.call("DBSIZE"), 1);
    assert.equal(await expired(), before);
  } finally {
    assert.equal(await c.call("DEBUG", "PAUSE-CRON", "0"), "OK");
  }
  let after = before;
  for (let i = 0; i < 300 && after === before; i++) {
    await new Promise((r) => setTimeout(r, 10));
    after = await expired();
  }
  assert.equal(after, before + 1);
  assert.equal(await c.call("DBSIZE"), 0);
});

/** A DUMP payload: `body` (type byte and value), the 2-byte RDB version, the CRC64. */
function payload(body: Uint8Array, version: number): Uint8Array {
  const out = new Uint8Array(body.length + 10);
  out.set(body);
  out[body.length] = version & 0xff;
  out[body.length + 1] = version >> 8;
  out.set(new Crc64().update(out, 0, body.length + 2).bytes(), body.length + 2);
  return out;
}

/** The string "bar" as an RDB value (type 0, length 3). */
const BAR = new Uint8Array([0, 3, 0x62, 0x61, 0x72]);

test("rdb-version-check relaxed lets RESTORE take a newer RDB version", async (c) => {
  const bad = "ERR DUMP payload version or checksum are wrong";
  assert.deepEqual(await c.call("CONFIG", "GET", "rdb-version-check"), ["rdb-version-check", "strict"]);
  assertError(await c.call("RESTORE", "k", "0", payload(BAR, 90)), bad);
  await c.call("CONFIG", "SET", "rdb-version-check", "relaxed");
  try {
    assert.equal(await c.call("RESTORE", "k", "0", payload(BAR, 90)), "OK");
    assert.equal(await c.call("GET", "k"), "bar");
    // Versions 12..79 belong to other formats: refused even when relaxed.
    assertError(await c.call("RESTORE", "k2", "0", payload(BAR, 12)), bad);
    assertError(await c.call("RESTORE", "k2", "0", payload(BAR, 79)), bad);
    // A bad checksum is still refused.
    const p = payload(BAR, 90);
    p[p.length - 1] = p[p.length - 1]! ^ 1;
    assertError(await c.call("RESTORE", "k2", "0", p), bad);
  } finally {
    await c.call("CONFIG", "SET", "rdb-version-check", "strict");
  }
  assertError(
    await c.call("CONFIG", "SET", "rdb-version-check", "loose"),
    [
      "ERR CONFIG SET failed (possibly related to argument 'rdb-version-check') - argument(s) must be one of the",
      "following: strict, relaxed",
    ].join(" "),
  );
  assert.equal(await c.call("RESTORE", "k3", "0", payload(BAR, 11)), "OK");
}, valkeyOnly());

/** A stream ID as its 16-byte big-endian node key. */
function idKey(ms: number, seq: number): Uint8Array {
  const b = new Uint8Array(16);
  const dv = new DataView(b.buffer);
  dv.setBigUint64(0, BigInt(ms));
  dv.setBigUint64(8, BigInt(seq));
  return b;
}

/**
 * A pre-7.0 stream (RDB type 15, no first ID / max-deleted ID / entries-added / entries-read fields): one
 * node with entries 5-0 and 6-0 ("data" field), last ID 6-0, group g1 at 5-0 and g2 at 0-0, no pending.
 */
function legacyStream(): Uint8Array {
  const lp = new Listpack();
  const enc = new TextEncoder();
  // Master entry: 2 live, 0 deleted, 1 master field "data", terminator 0.
  for (const v of [2, 0, 1, enc.encode("data"), 0]) lp.append(v);
  // Two entries with the master's fields (flag 2): ms-diff, seq-diff, value, element count 4.
  for (const [msDiff, value] of [[0, "e"], [1, "f"]] as const) {
    for (const v of [2, msDiff, 0, enc.encode(value), 4]) lp.append(v);
  }
  const w = new RdbWriter(false, 256);
  w.byte(15);
  w.length(1);
  w.string(idKey(5, 0));
  writeListpack(w, lp);
  w.length(2); // length
  w.length(6); // last ID 6-0
  w.length(0);
  w.length(2); // groups
  for (const [name, ms] of [["g1", 5], ["g2", 0]] as const) {
    w.string(enc.encode(name));
    w.length(ms);
    w.length(0);
    w.length(0); // PEL
    w.length(0); // consumers
  }
  return payload(w.take(), 9);
}

test("a pre-7.0 stream payload gets its groups' read counters estimated", async (c) => {
  assert.equal(await c.call("RESTORE", "x", "0", legacyStream()), "OK");
  const full = await c.call("XINFO", "STREAM", "x", "FULL") as unknown[];
  const get = (a: unknown[], k: string) => a[a.indexOf(k) + 1];
  assert.equal(get(full, "length"), 2);
  assert.equal(get(full, "entries-added"), 2);
  assert.equal(get(full, "max-deleted-entry-id"), "0-0");
  assert.equal(get(full, "recorded-first-entry-id"), "5-0");
  const groups = get(full, "groups") as unknown[][];
  // g1 read up to the first entry: exactly 1 read, 1 behind.
  assert.equal(get(groups[0]!, "name"), "g1");
  assert.equal(get(groups[0]!, "entries-read"), 1);
  assert.equal(get(groups[0]!, "lag"), 1);
  // g2 at 0-0: before the first entry, nothing read, both entries behind.
  assert.equal(get(groups[1]!, "name"), "g2");
  assert.equal(get(groups[1]!, "entries-read"), 0);
  assert.equal(get(groups[1]!, "lag"), 2);
  // XREADGROUP then counts on from the estimate.
  await c.call("XREADGROUP", "GROUP", "g1", "c", "STREAMS", "x", ">");
  const after = await c.call("XINFO", "GROUPS", "x") as unknown[][];
  assert.equal(get(after[0]!, "entries-read"), 2);
  assert.equal(get(after[0]!, "lag"), 0);
});

Deno.test({ name: "stop server", sanitizeOps: false, sanitizeResources: false, fn: () => srv.stop() });
