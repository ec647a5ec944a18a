/**
 * SLOWLOG over TCP: the deprecated view of COMMANDLOG's slow log (GET with its default of 10, LEN, RESET,
 * HELP) and its errors; behaviour shared with Redis 7.0 except where marked.
 */

import assert from "node:assert/strict";
import { startServer, valkeyOnly } from "../helpers/server.ts";
import { RawConn, RespError } from "../helpers/raw.ts";

const srv = await startServer();
const opts = { sanitizeOps: false, sanitizeResources: false };

async function withConn<T>(fn: (c: RawConn) => Promise<T>): Promise<T> {
  const c = await RawConn.connect(srv.port, srv.host);
  try {
    return await fn(c);
  } finally {
    c.close();
  }
}

type Entry = [number, number, number, string[], string, string];

async function restore(c: RawConn): Promise<void> {
  assert.equal(
    await c.call("CONFIG", "SET", "slowlog-log-slower-than", "10000", "slowlog-max-len", "128"),
    "OK",
  );
  assert.equal(await c.call("SLOWLOG", "RESET"), "OK");
}

Deno.test({
  name: "SLOWLOG GET returns the 10 newest entries by default, all with -1, and LEN counts them",
  ...opts,
  fn: () =>
    withConn(async (c) => {
      await c.call("CONFIG", "SET", "slowlog-log-slower-than", "0");
      await c.call("SLOWLOG", "RESET");
      for (let i = 0; i < 12; i++) await c.call("PING", `s${i}`);
      const ten = (await c.call("SLOWLOG", "GET")) as Entry[];
      assert.equal(ten.length, 10);
      assert.deepEqual(ten[0]![3], ["PING", "s11"]);
      assert.deepEqual(ten[9]![3], ["PING", "s2"]);
      const all = (await c.call("SLOWLOG", "GET", "-1")) as Entry[];
      assert.equal(all.length, 14); // RESET, 12 PINGs, the first GET
      assert.deepEqual(all[0]![3], ["SLOWLOG", "GET"]);
      assert.deepEqual(all[13]![3], ["SLOWLOG", "RESET"]);
      const three = (await c.call("SLOWLOG", "get", "3")) as Entry[];
      assert.deepEqual(three.map((e) => e[3]), [["SLOWLOG", "GET", "-1"], ["SLOWLOG", "GET"], [
        "PING",
        "s11",
      ]]);
      for (const e of three) {
        assert.equal(e.length, 6);
        assert.equal(typeof e[0], "number");
        assert.equal(e[5], "");
      }
      assert.equal(await c.call("SLOWLOG", "LEN"), 16);
      assert.equal(await c.call("SLOWLOG", "RESET"), "OK");
      assert.equal(await c.call("SLOWLOG", "LEN"), 1);
      await restore(c);
    }),
});

Deno.test({
  name: "SLOWLOG only logs commands at or above slowlog-log-slower-than",
  ...opts,
  fn: () =>
    withConn(async (c) => {
      await c.call("CONFIG", "SET", "slowlog-log-slower-than", "100000");
      await c.call("SLOWLOG", "RESET");
      await c.call("PING");
      assert.equal(await c.call("DEBUG", "SLEEP", "0.2"), "OK");
      const got = (await c.call("SLOWLOG", "GET")) as Entry[];
      assert.equal(got.length, 1);
      assert.deepEqual(got[0]![3], ["DEBUG", "SLEEP", "0.2"]);
      assert.ok(got[0]![2] >= 200000 && got[0]![2] < 2000000, `${got[0]![2]}`);
      await restore(c);
    }),
});

Deno.test({
  name: "slowlog-max-len keeps the newest entries",
  ...opts,
  fn: () =>
    withConn(async (c) => {
      await c.call("CONFIG", "SET", "slowlog-log-slower-than", "0", "slowlog-max-len", "2");
      for (let i = 0; i < 4; i++) await c.call("ECHO", `e${i}`);
      assert.equal(await c.call("SLOWLOG", "LEN"), 2);
      const got = (await c.call("SLOWLOG", "GET")) as Entry[];
      assert.deepEqual(got.map((e) => e[3]), [["SLOWLOG", "LEN"], ["ECHO", "e3"]]);
      await restore(c);
    }),
});

Deno.test({
  name: "SLOWLOG errors: count, extra arguments, arity and unknown subcommands",
  ...opts,
  fn: () =>
    withConn(async (c) => {
      const err = async (...args: string[]) => {
        const r = await c.call(...args);
        assert.ok(r instanceof RespError, `${args.join(" ")} → ${r}`);
        return r.message;
      };
      const COUNT = "ERR count should be greater than or equal to -1";
      assert.equal(await err("SLOWLOG", "GET", "-2"), COUNT);
      assert.equal(await err("SLOWLOG", "GET", "x"), COUNT);
      assert.equal(
        await err("SLOWLOG", "GET", "1", "2"),
        "ERR unknown subcommand or wrong number of arguments for 'GET'. Try SLOWLOG HELP.",
      );
      assert.equal(
        await err("SLOWLOG", "LEN", "x"),
        "ERR wrong number of arguments for 'slowlog|len' command",
      );
      assert.equal(
        await err("SLOWLOG", "RESET", "x"),
        "ERR wrong number of arguments for 'slowlog|reset' command",
      );
      assert.equal(await err("SLOWLOG", "FOO"), "ERR unknown subcommand 'FOO'. Try SLOWLOG HELP.");
      assert.equal(await err("SLOWLOG"), "ERR wrong number of arguments for 'slowlog' command");
    }),
});

Deno.test({
  name: "SLOWLOG HELP lists GET, LEN and RESET",
  ...opts,
  ...valkeyOnly(),
  fn: () =>
    withConn(async (c) => {
      const help = (await c.call("SLOWLOG", "HELP")) as string[];
      assert.deepEqual(help, [
        "SLOWLOG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "GET [<count>]",
        "    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
        "    Entries are made of:",
        "    id, timestamp, time in microseconds, arguments array, client IP and port,",
        "    client name",
        "LEN",
        "    Return the length of the slowlog.",
        "RESET",
        "    Reset the slowlog.",
        "HELP",
        "    Print this help.",
      ]);
    }),
});

Deno.test({
  name: "SLOWLOG is deprecated in favour of COMMANDLOG",
  ...opts,
  ...valkeyOnly(),
  fn: () =>
    withConn(async (c) => {
      const docs = (await c.call("COMMAND", "DOCS", "slowlog")) as unknown[];
      const doc = docs[1] as unknown[];
      const m = new Map<string, unknown>();
      for (let i = 0; i < doc.length; i += 2) m.set(doc[i] as string, doc[i + 1]);
      assert.equal(m.get("deprecated_since"), "8.1.0");
      assert.equal(m.get("replaced_by"), "`COMMANDLOG`");
      assert.deepEqual(m.get("doc_flags"), ["deprecated"]);
    }),
});

Deno.test({ name: "stop server", sanitizeOps: false, sanitizeResources: false, fn: () => srv.stop() });
