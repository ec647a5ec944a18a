/**
 * Reply-buffer resizing (Valkey's tests/unit/replybufsize.tcl and more): an idle client's reply buffer
 * (CLIENT LIST rbs) shrinks to 1 KiB, a client fetching big values gets it back to 16 KiB, rbp follows the
 * peak, DEBUG REPLYBUFFER PEAK-RESET-TIME / RESIZING steer it with Valkey's errors, INFO counts it.
 * Redis 7.0 behaves the same (the feature is from 7.0).
 */

import assert from "node:assert/strict";
import { startServer } from "../helpers/server.ts";
import { RawConn, RespError } from "../helpers/raw.ts";

const srv = await startServer();
const opts = { sanitizeOps: false, sanitizeResources: false };

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** A field of the named client's CLIENT LIST line. */
async function field(c: RawConn, name: string, key: string): Promise<number> {
  const lines = String(await c.call("CLIENT", "LIST")).split("\n");
  const line = lines.find((l) => l.includes(` name=${name} `));
  assert.ok(line !== undefined, `client ${name} not listed`);
  const m = new RegExp(` ${key}=(\\d+) `).exec(line);
  assert.ok(m !== null, `no ${key} in ${line}`);
  return Number(m[1]);
}

/** Polls `check` every 100 ms, up to `tries` times. */
async function waitFor(tries: number, check: () => Promise<boolean>): Promise<boolean> {
  for (let i = 0; i < tries; i++) {
    if (await check()) return true;
    await sleep(100);
  }
  return false;
}

async function infoStat(c: RawConn, key: string): Promise<number> {
  const m = new RegExp(`^${key}:(\\d+)`, "m").exec(String(await c.call("INFO", "stats")));
  assert.ok(m !== null, key);
  return Number(m[1]);
}

Deno.test({
  name:
    "reply buffer: an idle client's shrinks to 1 KiB, a busy one's grows back to 16 KiB (replybufsize.tcl)",
  ...opts,
  fn: async () => {
    const r = await RawConn.connect(srv.port);
    const tc = await RawConn.connect(srv.port);
    try {
      assert.equal(await r.call("CONFIG", "RESETSTAT"), "OK");
      assert.equal(await r.call("DEBUG", "REPLYBUFFER", "PEAK-RESET-TIME", "100"), "OK");
      assert.equal(await tc.call("CLIENT", "SETNAME", "test_client"), "OK");
      const shrunk = await waitFor(10, async () => {
        const rbs = await field(r, "test_client", "rbs");
        return rbs >= 1024 && rbs < 2046;
      });
      assert.ok(shrunk, `reply buffer of idle client is ${await field(r, "test_client", "rbs")} after 1 s`);
      assert.ok(await field(r, "test_client", "rbp") < 1024);

      assert.equal(await r.call("SET", "bigval", "x".repeat(32768)), "OK");
      assert.equal(await r.call("DEBUG", "REPLYBUFFER", "PEAK-RESET-TIME", "never"), "OK");
      const grown = await waitFor(10, async () => {
        assert.equal(String(await tc.call("GET", "bigval")).length, 32768);
        const rbs = await field(r, "test_client", "rbs");
        return rbs >= 16384 && rbs < 32768;
      });
      assert.ok(grown, `reply buffer of busy client is ${await field(r, "test_client", "rbs")} after 1 s`);
      // The peak is the whole buffer once a GET filled it at its new size (the cron may have grown it
      // after the last GET of the loop), and INFO counted the resizes.
      assert.equal(String(await tc.call("GET", "bigval")).length, 32768);
      assert.equal(await field(r, "test_client", "rbp"), 16384);
      assert.ok(await infoStat(r, "reply_buffer_shrinks") >= 1);
      assert.ok(await infoStat(r, "reply_buffer_expands") >= 1);
      // The cron stays still while RESETSTAT's effect is read (it may resize a buffer at any tick).
      assert.equal(await r.call("DEBUG", "PAUSE-CRON", "1"), "OK");
      assert.equal(await r.call("CONFIG", "RESETSTAT"), "OK");
      assert.equal(await infoStat(r, "reply_buffer_expands"), 0);
      assert.equal(await r.call("DEBUG", "PAUSE-CRON", "0"), "OK");
    } finally {
      await r.call("DEBUG", "PAUSE-CRON", "0");
      await r.call("DEBUG", "REPLYBUFFER", "PEAK-RESET-TIME", "reset");
      tc.close();
      r.close();
    }
  },
});

Deno.test({
  name: "reply buffer: DEBUG REPLYBUFFER RESIZING 0 keeps a new client's 16 KiB; Valkey's errors",
  ...opts,
  fn: async () => {
    const r = await RawConn.connect(srv.port);
    try {
      assert.equal(await r.call("DEBUG", "REPLYBUFFER", "RESIZING", "0"), "OK");
      const tc = await RawConn.connect(srv.port);
      try {
        assert.equal(await tc.call("CLIENT", "SETNAME", "fixed_client"), "OK");
        await sleep(400);
        assert.equal(await field(r, "fixed_client", "rbs"), 16384);
        assert.equal(await r.call("DEBUG", "REPLYBUFFER", "RESIZING", "1"), "OK");
        const shrunk = await waitFor(10, async () => await field(r, "fixed_client", "rbs") < 16384);
        assert.ok(shrunk, "resizing again once turned back on");
      } finally {
        tc.close();
      }
      const syntax = "ERR unknown subcommand or wrong number of arguments for 'replybuffer'. Try DEBUG HELP.";
      for (
        const [args, message] of [
          [["DEBUG", "replybuffer", "foo", "1"], syntax],
          [["DEBUG", "replybuffer"], syntax],
          [["DEBUG", "replybuffer", "resizing", "1", "2"], syntax],
          [["DEBUG", "REPLYBUFFER", "PEAK-RESET-TIME", "abc"], "ERR value is not an integer or out of range"],
          [["DEBUG", "REPLYBUFFER", "PEAK-RESET-TIME", "1.5"], "ERR value is not an integer or out of range"],
          [["DEBUG", "REPLYBUFFER", "PEAK-RESET-TIME", "+5"], "ERR value is not an integer or out of range"],
        ] as const
      ) {
        const reply = await r.call(...args);
        assert.ok(reply instanceof RespError, `${args.join(" ")}: ${String(reply)}`);
        assert.equal(reply.message, message);
      }
      // Like Valkey: any integer is taken (a negative one means never), RESIZING takes atoi's reading.
      assert.equal(await r.call("DEBUG", "REPLYBUFFER", "PEAK-RESET-TIME", "-5"), "OK");
      assert.equal(await r.call("DEBUG", "REPLYBUFFER", "RESIZING", "x"), "OK");
    } finally {
      await r.call("DEBUG", "REPLYBUFFER", "RESIZING", "1");
      await r.call("DEBUG", "REPLYBUFFER", "PEAK-RESET-TIME", "reset");
      r.close();
    }
  },
});
