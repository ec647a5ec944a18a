/**
 * Shard Pub/Sub over TCP, after Valkey's tests/unit/pubsubshard.tcl: SSUBSCRIBE / SUNSUBSCRIBE /
 * SPUBLISH and PUBSUB SHARDCHANNELS / SHARDNUMSUB, on a standalone server where shard channels are a
 * namespace of their own without patterns.
 */

import assert from "node:assert/strict";
import { startServer, valkeyOnly } from "../helpers/server.ts";
import { encodeRequest, type RawConn, RespError, withRaw } from "../helpers/raw.ts";
import { message, sub } from "../helpers/pubsub.ts";

const srv = await startServer();
const opts = { sanitizeOps: false, sanitizeResources: false };

function err(msg: string): RespError {
  return new RespError(msg);
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function fresh<T>(fn: (pub: RawConn) => Promise<T>): Promise<T> {
  return withRaw(srv.port, async (c) => {
    assert.equal(await c.call("FLUSHALL"), "OK");
    return await fn(c);
  });
}

Deno.test({
  name: "SPUBLISH/SSUBSCRIBE basics",
  ...opts,
  fn: () =>
    fresh((pub) =>
      withRaw(srv.port, async (c) => {
        assert.deepEqual(await sub(c, ["SSUBSCRIBE", "chan1"]), [["ssubscribe", "chan1", 1]]);
        assert.deepEqual(await sub(c, ["SSUBSCRIBE", "chan2"]), [["ssubscribe", "chan2", 2]]);
        assert.equal(await pub.call("SPUBLISH", "chan1", "hello"), 1);
        assert.equal(await pub.call("SPUBLISH", "chan2", "world"), 1);
        assert.deepEqual(await message(c), ["smessage", "chan1", "hello"]);
        assert.deepEqual(await message(c), ["smessage", "chan2", "world"]);
        assert.deepEqual(await sub(c, ["SUNSUBSCRIBE", "chan1"]), [["sunsubscribe", "chan1", 1]]);
        assert.equal(await pub.call("SPUBLISH", "chan1", "hello"), 0);
        assert.equal(await pub.call("SPUBLISH", "chan2", "world"), 1);
        assert.deepEqual(await message(c), ["smessage", "chan2", "world"]);
        assert.deepEqual(await sub(c, ["SUNSUBSCRIBE", "chan2"]), [["sunsubscribe", "chan2", 0]]);
        assert.equal(await pub.call("SPUBLISH", "chan1", "hello"), 0);
        assert.equal(await pub.call("SPUBLISH", "chan2", "world"), 0);
      })
    ),
});

Deno.test({
  name: "the exact bytes of an SSUBSCRIBE reply and an smessage",
  ...opts,
  fn: () =>
    fresh((pub) =>
      withRaw(srv.port, async (c) => {
        c.send(encodeRequest(["SSUBSCRIBE", "s"]));
        const sub1 = "*3\r\n$10\r\nssubscribe\r\n$1\r\ns\r\n:1\r\n";
        assert.equal(await c.readRaw(sub1.length), sub1);
        assert.equal(await pub.call("SPUBLISH", "s", "m"), 1);
        const msg = "*3\r\n$8\r\nsmessage\r\n$1\r\ns\r\n$1\r\nm\r\n";
        assert.equal(await c.readRaw(msg.length), msg);
      })
    ),
});

Deno.test({
  name: "SPUBLISH/SSUBSCRIBE with two clients",
  ...opts,
  fn: () =>
    fresh((pub) =>
      withRaw(srv.port, (c1) =>
        withRaw(srv.port, async (c2) => {
          assert.deepEqual(await sub(c1, ["SSUBSCRIBE", "chan1"]), [["ssubscribe", "chan1", 1]]);
          assert.deepEqual(await sub(c2, ["SSUBSCRIBE", "chan1"]), [["ssubscribe", "chan1", 1]]);
          assert.equal(await pub.call("SPUBLISH", "chan1", "hello"), 2);
          assert.deepEqual(await message(c1), ["smessage", "chan1", "hello"]);
          assert.deepEqual(await message(c2), ["smessage", "chan1", "hello"]);
          assert.deepEqual(await pub.call("PUBSUB", "SHARDNUMSUB", "chan1"), ["chan1", 2]);
          assert.deepEqual(await pub.call("PUBSUB", "SHARDCHANNELS"), ["chan1"]);
        }))
    ),
});

Deno.test({
  name: "SUNSUBSCRIBE without arguments leaves every shard channel",
  ...opts,
  fn: () =>
    fresh((pub) =>
      withRaw(srv.port, async (c) => {
        await sub(c, ["SSUBSCRIBE", "chan1", "chan2", "chan3"]);
        const r = await sub(c, ["SUNSUBSCRIBE"], 3) as [string, string, number][];
        assert.deepEqual(r.map((x) => x[1]).sort(), ["chan1", "chan2", "chan3"]);
        assert.deepEqual(r.map((x) => x[2]), [2, 1, 0]);
        const deadline = Date.now() + 10000;
        while (Date.now() < deadline && await pub.call("SPUBLISH", "chan1", "hello") !== 0) await sleep(10);
        assert.equal(await pub.call("SPUBLISH", "chan1", "hello"), 0);
        assert.equal(await pub.call("SPUBLISH", "chan2", "hello"), 0);
        assert.equal(await pub.call("SPUBLISH", "chan3", "hello"), 0);
        // Nothing subscribed: SUNSUBSCRIBE still replies once with a null name.
        assert.deepEqual(await sub(c, ["SUNSUBSCRIBE"]), [["sunsubscribe", null, 0]]);
      })
    ),
});

Deno.test({
  name: "SSUBSCRIBE to one channel more than once counts it once",
  ...opts,
  fn: () =>
    fresh((pub) =>
      withRaw(srv.port, async (c) => {
        assert.deepEqual(await sub(c, ["SSUBSCRIBE", "chan1", "chan1", "chan1"]), [
          ["ssubscribe", "chan1", 1],
          ["ssubscribe", "chan1", 1],
          ["ssubscribe", "chan1", 1],
        ]);
        assert.equal(await pub.call("SPUBLISH", "chan1", "hello"), 1);
        assert.deepEqual(await message(c), ["smessage", "chan1", "hello"]);
      })
    ),
});

Deno.test({
  name: "SUNSUBSCRIBE from shard channels not subscribed replies count 0",
  ...opts,
  fn: () =>
    withRaw(srv.port, async (c) => {
      assert.deepEqual(await sub(c, ["SUNSUBSCRIBE", "foo"]), [["sunsubscribe", "foo", 0]]);
      assert.deepEqual(await sub(c, ["SUNSUBSCRIBE", "bar", "quux"]), [
        ["sunsubscribe", "bar", 0],
        ["sunsubscribe", "quux", 0],
      ]);
    }),
});

Deno.test({
  name: "PUBSUB SHARDNUMSUB and SHARDCHANNELS",
  ...opts,
  fn: () =>
    fresh((pub) =>
      withRaw(srv.port, async (c) => {
        assert.deepEqual(await pub.call("PUBSUB", "SHARDNUMSUB", "abc", "def"), ["abc", 0, "def", 0]);
        assert.deepEqual(await pub.call("PUBSUB", "SHARDNUMSUB"), []);
        await sub(c, ["SSUBSCRIBE", "orders.1", "orders.2", "misc"]);
        assert.deepEqual((await pub.call("PUBSUB", "SHARDCHANNELS") as string[]).sort(), [
          "misc",
          "orders.1",
          "orders.2",
        ]);
        assert.deepEqual(
          (await pub.call("PUBSUB", "SHARDCHANNELS", "orders.*") as string[]).sort(),
          ["orders.1", "orders.2"],
        );
        assert.deepEqual(await pub.call("PUBSUB", "CHANNELS"), []);
        assert.deepEqual(await pub.call("PUBSUB", "NUMSUB", "misc"), ["misc", 0]);
      })
    ),
});

Deno.test({
  name: "shard channels and channels of the same name are separate",
  ...opts,
  fn: () =>
    fresh((pub) =>
      withRaw(srv.port, (c1) =>
        withRaw(srv.port, async (c2) => {
          assert.deepEqual(await sub(c1, ["SSUBSCRIBE", "chan1"]), [["ssubscribe", "chan1", 1]]);
          assert.deepEqual(await sub(c2, ["SUBSCRIBE", "chan1"]), [["subscribe", "chan1", 1]]);
          assert.equal(await pub.call("SPUBLISH", "chan1", "hello"), 1);
          assert.equal(await pub.call("PUBLISH", "chan1", "hello"), 1);
          assert.deepEqual(await pub.call("PUBSUB", "SHARDNUMSUB", "chan1"), ["chan1", 1]);
          assert.deepEqual(await pub.call("PUBSUB", "NUMSUB", "chan1"), ["chan1", 1]);
          assert.deepEqual(await pub.call("PUBSUB", "SHARDCHANNELS"), ["chan1"]);
          assert.deepEqual(await pub.call("PUBSUB", "CHANNELS"), ["chan1"]);
          assert.deepEqual(await message(c1), ["smessage", "chan1", "hello"]);
          assert.deepEqual(await message(c2), ["message", "chan1", "hello"]);
        }))
    ),
});

Deno.test({
  name: "patterns do not receive shard messages, and shard counts are separate",
  ...opts,
  fn: () =>
    fresh((pub) =>
      withRaw(srv.port, async (c) => {
        assert.deepEqual(await sub(c, ["PSUBSCRIBE", "*"]), [["psubscribe", "*", 1]]);
        assert.deepEqual(await sub(c, ["SSUBSCRIBE", "x"]), [["ssubscribe", "x", 1]]);
        assert.deepEqual(await sub(c, ["SUBSCRIBE", "y"]), [["subscribe", "y", 2]]);
        assert.equal(await pub.call("SPUBLISH", "x", "1"), 1);
        assert.deepEqual(await message(c), ["smessage", "x", "1"]);
        assert.deepEqual(await sub(c, ["SUNSUBSCRIBE", "x"]), [["sunsubscribe", "x", 0]]);
        // Still subscribed through channels and patterns.
        assert.ok(await c.call("GET", "k") instanceof RespError);
      })
    ),
});

Deno.test({
  name: "SSUBSCRIBE inside EXEC is refused, SSUBSCRIBE and SPUBLISH arity errors",
  ...opts,
  fn: () =>
    withRaw(srv.port, async (c) => {
      await c.call("MULTI");
      assert.equal(await c.call("SSUBSCRIBE", "x"), "QUEUED");
      assert.deepEqual(await c.call("EXEC"), [
        err("ERR SSUBSCRIBE isn't allowed for a DENY BLOCKING client"),
      ]);
      assert.equal(await c.call("GET", "k"), null);
      assert.deepEqual(
        await c.call("SSUBSCRIBE"),
        err("ERR wrong number of arguments for 'ssubscribe' command"),
      );
      assert.deepEqual(
        await c.call("SPUBLISH", "x"),
        err("ERR wrong number of arguments for 'spublish' command"),
      );
      assert.deepEqual(
        await c.call("SPUBLISH", "x", "y", "z"),
        err("ERR wrong number of arguments for 'spublish' command"),
      );
    }),
});

Deno.test({
  name: "shard Pub/Sub pushes are delivered with CLIENT REPLY OFF",
  ...opts,
  ...valkeyOnly(),
  fn: () =>
    fresh((pub) =>
      withRaw(srv.port, async (c) => {
        await c.call("HELLO", "3");
        c.send(encodeRequest(["CLIENT", "REPLY", "OFF"]));
        c.send(encodeRequest(["PING"]));
        assert.deepEqual(await sub(c, ["SSUBSCRIBE", "channel"]), [["ssubscribe", "channel", 1]]);
        assert.equal(await pub.call("SPUBLISH", "channel", "hello"), 1);
        assert.deepEqual(await message(c), ["smessage", "channel", "hello"]);
        c.send(encodeRequest(["PING"]));
        assert.deepEqual(await sub(c, ["SUNSUBSCRIBE", "channel"]), [["sunsubscribe", "channel", 0]]);
      })
    ),
});

Deno.test({ name: "stop server", ...opts, fn: () => srv.stop() });
