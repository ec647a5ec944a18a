/**
 * Pub/Sub over TCP, after Valkey's tests/unit/pubsub.tcl: SUBSCRIBE / UNSUBSCRIBE / PSUBSCRIBE /
 * PUNSUBSCRIBE / PUBLISH / PUBSUB, the RESP2 subscribed context, RESP3 pushes, publishing to oneself
 * inside MULTI, CLIENT REPLY OFF, CLIENT LIST counters, cleanup on disconnect, and real clients.
 */

import assert from "node:assert/strict";
import { Valkey } from "iovalkey";
import { createClient } from "redis";
import { startServer, valkeyOnly } from "../helpers/server.ts";
import { encodeRequest, Push, type RawConn, RespError, withRaw } from "../helpers/raw.ts";
import { message, sub } from "../helpers/pubsub.ts";

const srv = await startServer();
const opts = { sanitizeOps: false, sanitizeResources: false };

function err(msg: string): RespError {
  return new RespError(msg);
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** A fresh connection; the test's publisher connection is `fn`'s first argument. */
function fresh<T>(fn: (pub: RawConn) => Promise<T>): Promise<T> {
  return withRaw(srv.port, async (c) => {
    assert.equal(await c.call("FLUSHALL"), "OK");
    return await fn(c);
  });
}

/** Reads exactly the bytes of `expected` and compares them. */
async function expectRaw(c: RawConn, expected: string): Promise<void> {
  assert.equal(await c.readRaw(expected.length), expected);
}

async function clientInfo(c: RawConn): Promise<Map<string, string>> {
  const line = String(await c.call("CLIENT", "INFO")).trim();
  return new Map(
    line.split(" ").map((kv) => {
      const i = kv.indexOf("=");
      return [kv.slice(0, i), kv.slice(i + 1)] as [string, string];
    }),
  );
}

for (const resp of [2, 3]) {
  Deno.test({
    name: `PING in subscribed mode on RESP${resp}`,
    ...opts,
    fn: () =>
      withRaw(srv.port, async (c) => {
        await c.call("HELLO", String(resp));
        assert.deepEqual(await sub(c, ["SUBSCRIBE", "somechannel"]), [["subscribe", "somechannel", 1]]);
        if (resp === 3) {
          assert.equal(await c.call("PING"), "PONG");
          assert.equal(await c.call("PING", "foo"), "foo");
        } else {
          assert.deepEqual(await c.call("PING"), ["pong", ""]);
          assert.deepEqual(await c.call("PING", "foo"), ["pong", "foo"]);
        }
        assert.deepEqual(await sub(c, ["UNSUBSCRIBE", "somechannel"]), [["unsubscribe", "somechannel", 0]]);
        assert.equal(await c.call("PING"), "PONG");
      }),
  });
}

Deno.test({
  name: "PUBLISH/SUBSCRIBE basics",
  ...opts,
  fn: () =>
    fresh((pub) =>
      withRaw(srv.port, async (c) => {
        assert.deepEqual(await sub(c, ["SUBSCRIBE", "chan1", "chan2"]), [
          ["subscribe", "chan1", 1],
          ["subscribe", "chan2", 2],
        ]);
        assert.equal(await pub.call("PUBLISH", "chan1", "hello"), 1);
        assert.equal(await pub.call("PUBLISH", "chan2", "world"), 1);
        assert.deepEqual(await message(c), ["message", "chan1", "hello"]);
        assert.deepEqual(await message(c), ["message", "chan2", "world"]);
        assert.deepEqual(await sub(c, ["UNSUBSCRIBE", "chan1"]), [["unsubscribe", "chan1", 1]]);
        assert.equal(await pub.call("PUBLISH", "chan1", "hello"), 0);
        assert.equal(await pub.call("PUBLISH", "chan2", "world"), 1);
        assert.deepEqual(await message(c), ["message", "chan2", "world"]);
      })
    ),
});

Deno.test({
  name: "the exact bytes of a RESP2 subscribe reply and message",
  ...opts,
  fn: () =>
    fresh((pub) =>
      withRaw(srv.port, async (c) => {
        c.send(encodeRequest(["SUBSCRIBE", "ch"]));
        await expectRaw(c, "*3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n");
        assert.equal(await pub.call("PUBLISH", "ch", "hi"), 1);
        await expectRaw(c, "*3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nhi\r\n");
      })
    ),
});

Deno.test({
  name: "the exact bytes of RESP3 pushes",
  ...opts,
  fn: () =>
    fresh((pub) =>
      withRaw(srv.port, async (c) => {
        await c.call("HELLO", "3");
        c.send(encodeRequest(["PSUBSCRIBE", "c*"]));
        await expectRaw(c, ">3\r\n$10\r\npsubscribe\r\n$2\r\nc*\r\n:1\r\n");
        assert.equal(await pub.call("PUBLISH", "ch", "hi"), 1);
        await expectRaw(c, ">4\r\n$8\r\npmessage\r\n$2\r\nc*\r\n$2\r\nch\r\n$2\r\nhi\r\n");
      })
    ),
});

Deno.test({
  name: "PUBLISH/SUBSCRIBE with two clients",
  ...opts,
  fn: () =>
    fresh((pub) =>
      withRaw(srv.port, (c1) =>
        withRaw(srv.port, async (c2) => {
          assert.deepEqual(await sub(c1, ["SUBSCRIBE", "chan1"]), [["subscribe", "chan1", 1]]);
          assert.deepEqual(await sub(c2, ["SUBSCRIBE", "chan1"]), [["subscribe", "chan1", 1]]);
          assert.equal(await pub.call("PUBLISH", "chan1", "hello"), 2);
          assert.deepEqual(await message(c1), ["message", "chan1", "hello"]);
          assert.deepEqual(await message(c2), ["message", "chan1", "hello"]);
        }))
    ),
});

Deno.test({
  name: "UNSUBSCRIBE without arguments unsubscribes from every channel",
  ...opts,
  fn: () =>
    fresh((pub) =>
      withRaw(srv.port, async (c) => {
        await sub(c, ["SUBSCRIBE", "chan1", "chan2", "chan3"]);
        const r = await sub(c, ["UNSUBSCRIBE"], 3) as [string, string, number][];
        assert.deepEqual(r.map((x) => x[0]), ["unsubscribe", "unsubscribe", "unsubscribe"]);
        assert.deepEqual(r.map((x) => x[1]).sort(), ["chan1", "chan2", "chan3"]);
        assert.deepEqual(r.map((x) => x[2]), [2, 1, 0]);
        assert.equal(await pub.call("PUBLISH", "chan1", "hello"), 0);
        assert.equal(await pub.call("PUBLISH", "chan2", "hello"), 0);
        assert.equal(await pub.call("PUBLISH", "chan3", "hello"), 0);
        // Out of subscribed mode: ordinary commands work again.
        assert.equal(await c.call("GET", "x"), null);
      })
    ),
});

Deno.test({
  name: "SUBSCRIBE to one channel more than once counts it once",
  ...opts,
  fn: () =>
    fresh((pub) =>
      withRaw(srv.port, async (c) => {
        assert.deepEqual(await sub(c, ["SUBSCRIBE", "chan1", "chan1", "chan1"]), [
          ["subscribe", "chan1", 1],
          ["subscribe", "chan1", 1],
          ["subscribe", "chan1", 1],
        ]);
        assert.equal(await pub.call("PUBLISH", "chan1", "hello"), 1);
        assert.deepEqual(await message(c), ["message", "chan1", "hello"]);
      })
    ),
});

Deno.test({
  name: "UNSUBSCRIBE and PUNSUBSCRIBE from names not subscribed reply with count 0",
  ...opts,
  fn: () =>
    withRaw(srv.port, async (c) => {
      assert.deepEqual(await sub(c, ["UNSUBSCRIBE", "foo", "bar", "quux"]), [
        ["unsubscribe", "foo", 0],
        ["unsubscribe", "bar", 0],
        ["unsubscribe", "quux", 0],
      ]);
      assert.deepEqual(await sub(c, ["PUNSUBSCRIBE", "foo.*", "bar.*", "quux.*"]), [
        ["punsubscribe", "foo.*", 0],
        ["punsubscribe", "bar.*", 0],
        ["punsubscribe", "quux.*", 0],
      ]);
      // Not subscribed: the client is not in subscribed mode.
      assert.equal(await c.call("GET", "x"), null);
    }),
});

Deno.test({
  name: "PUNSUBSCRIBE and UNSUBSCRIBE without arguments always reply, with a null name",
  ...opts,
  fn: () =>
    withRaw(srv.port, async (c) => {
      c.send(encodeRequest(["PUNSUBSCRIBE"]));
      await expectRaw(c, "*3\r\n$12\r\npunsubscribe\r\n$-1\r\n:0\r\n");
      assert.deepEqual(await sub(c, ["UNSUBSCRIBE"]), [["unsubscribe", null, 0]]);
      await c.call("HELLO", "3");
      c.send(encodeRequest(["UNSUBSCRIBE"]));
      await expectRaw(c, ">3\r\n$11\r\nunsubscribe\r\n_\r\n:0\r\n");
    }),
});

Deno.test({
  name: "PUBLISH/PSUBSCRIBE basics",
  ...opts,
  fn: () =>
    fresh((pub) =>
      withRaw(srv.port, async (c) => {
        assert.deepEqual(await sub(c, ["PSUBSCRIBE", "foo.*", "bar.*"]), [
          ["psubscribe", "foo.*", 1],
          ["psubscribe", "bar.*", 2],
        ]);
        assert.equal(await pub.call("PUBLISH", "foo.1", "hello"), 1);
        assert.equal(await pub.call("PUBLISH", "bar.1", "hello"), 1);
        assert.equal(await pub.call("PUBLISH", "foo1", "hello"), 0);
        assert.equal(await pub.call("PUBLISH", "barfoo.1", "hello"), 0);
        assert.equal(await pub.call("PUBLISH", "qux.1", "hello"), 0);
        assert.deepEqual(await message(c), ["pmessage", "foo.*", "foo.1", "hello"]);
        assert.deepEqual(await message(c), ["pmessage", "bar.*", "bar.1", "hello"]);
        assert.deepEqual(await sub(c, ["PUNSUBSCRIBE", "foo.*"]), [["punsubscribe", "foo.*", 1]]);
        assert.equal(await pub.call("PUBLISH", "foo.1", "hello"), 0);
        assert.equal(await pub.call("PUBLISH", "bar.1", "hello"), 1);
        assert.deepEqual(await message(c), ["pmessage", "bar.*", "bar.1", "hello"]);
      })
    ),
});

Deno.test({
  name: "patterns use glob matching (?, [...], escapes)",
  ...opts,
  fn: () =>
    fresh((pub) =>
      withRaw(srv.port, async (c) => {
        await sub(c, ["PSUBSCRIBE", "h?llo", "x[ae]y", "lit\\*"]);
        assert.equal(await pub.call("PUBLISH", "hello", "1"), 1);
        assert.equal(await pub.call("PUBLISH", "hllo", "2"), 0);
        assert.equal(await pub.call("PUBLISH", "xey", "3"), 1);
        assert.equal(await pub.call("PUBLISH", "xiy", "4"), 0);
        assert.equal(await pub.call("PUBLISH", "lit*", "5"), 1);
        assert.equal(await pub.call("PUBLISH", "litx", "6"), 0);
        assert.deepEqual(await message(c), ["pmessage", "h?llo", "hello", "1"]);
        assert.deepEqual(await message(c), ["pmessage", "x[ae]y", "xey", "3"]);
        assert.deepEqual(await message(c), ["pmessage", "lit\\*", "lit*", "5"]);
      })
    ),
});

Deno.test({
  name: "PUBLISH/PSUBSCRIBE with two clients, and PUNSUBSCRIBE without arguments",
  ...opts,
  fn: () =>
    fresh((pub) =>
      withRaw(srv.port, (c1) =>
        withRaw(srv.port, async (c2) => {
          await sub(c1, ["PSUBSCRIBE", "chan.*"]);
          await sub(c2, ["PSUBSCRIBE", "chan.*"]);
          assert.equal(await pub.call("PUBLISH", "chan.foo", "hello"), 2);
          assert.deepEqual(await message(c1), ["pmessage", "chan.*", "chan.foo", "hello"]);
          assert.deepEqual(await message(c2), ["pmessage", "chan.*", "chan.foo", "hello"]);
          await sub(c1, ["PSUBSCRIBE", "chan1.*", "chan2.*"]);
          const r = await sub(c1, ["PUNSUBSCRIBE"], 3) as [string, string, number][];
          assert.deepEqual(r.map((x) => x[1]).sort(), ["chan.*", "chan1.*", "chan2.*"]);
          assert.deepEqual(r.map((x) => x[2]), [2, 1, 0]);
          assert.equal(await pub.call("PUBLISH", "chan1.hi", "hello"), 0);
          assert.equal(await pub.call("PUBLISH", "chan.hi", "hello"), 1);
        }))
    ),
});

Deno.test({
  name: "a client subscribed to a channel and a matching pattern gets both messages",
  ...opts,
  fn: () =>
    fresh((pub) =>
      withRaw(srv.port, async (c) => {
        assert.deepEqual(await sub(c, ["SUBSCRIBE", "foo.bar"]), [["subscribe", "foo.bar", 1]]);
        assert.deepEqual(await sub(c, ["PSUBSCRIBE", "foo.*"]), [["psubscribe", "foo.*", 2]]);
        assert.equal(await pub.call("PUBLISH", "foo.bar", "hello"), 2);
        assert.deepEqual(await message(c), ["message", "foo.bar", "hello"]);
        assert.deepEqual(await message(c), ["pmessage", "foo.*", "foo.bar", "hello"]);
      })
    ),
});

Deno.test({
  name: "binary channel names and messages go through untouched",
  ...opts,
  fn: () =>
    fresh((pub) =>
      withRaw(srv.port, async (c) => {
        const ch = new Uint8Array([0, 0xff, 0x0d, 0x0a, 0x80]);
        const msg = new Uint8Array([1, 2, 0, 0xfe]);
        c.send(encodeRequest(["SUBSCRIBE", ch]));
        const r = await c.read({ bytes: true }) as Uint8Array[];
        assert.deepEqual(new Uint8Array(r[1]!), ch);
        assert.equal(await pub.call("PUBLISH", ch, msg), 1);
        const m = await c.read({ bytes: true }) as Uint8Array[];
        assert.deepEqual(new Uint8Array(m[1]!), ch);
        assert.deepEqual(new Uint8Array(m[2]!), msg);
        const numsub = await pub.callBytes("PUBSUB", "NUMSUB", ch) as [Uint8Array, number];
        assert.deepEqual(new Uint8Array(numsub[0]), ch);
        assert.equal(numsub[1], 1);
      })
    ),
});

Deno.test({
  name: "a RESP2 subscribed client may only run the subscribe family, PING, QUIT and RESET",
  ...opts,
  fn: () =>
    fresh(() =>
      withRaw(srv.port, async (c) => {
        await sub(c, ["SUBSCRIBE", "ch"]);
        assert.deepEqual(
          await c.call("GET", "k"),
          err(
            "ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context",
          ),
        );
        assert.deepEqual(
          await c.call("CLIENT", "ID"),
          err(
            "ERR Can't execute 'client|id': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context",
          ),
        );
        // Unknown commands and arity errors come first.
        assert.deepEqual(await c.call("NOPE"), err("ERR unknown command 'NOPE', with args beginning with: "));
        assert.deepEqual(await c.call("GET"), err("ERR wrong number of arguments for 'get' command"));
        assert.deepEqual(await sub(c, ["PSUBSCRIBE", "p*"]), [["psubscribe", "p*", 2]]);
        assert.deepEqual(await sub(c, ["SSUBSCRIBE", "s"]), [["ssubscribe", "s", 1]]);
        assert.deepEqual(await sub(c, ["UNSUBSCRIBE"]), [["unsubscribe", "ch", 1]]);
        assert.deepEqual(await sub(c, ["PUNSUBSCRIBE"]), [["punsubscribe", "p*", 0]]);
        // Still subscribed to a shard channel.
        assert.ok((await c.call("SET", "k", "v")) instanceof RespError);
        assert.deepEqual(await sub(c, ["SUNSUBSCRIBE"]), [["sunsubscribe", "s", 0]]);
        assert.equal(await c.call("SET", "k", "v"), "OK");
      })
    ),
});

Deno.test({
  name: "the subscribed-context rejection counts as a rejected call and an error",
  ...opts,
  fn: () =>
    fresh((pub) =>
      withRaw(srv.port, async (c) => {
        await pub.call("CONFIG", "RESETSTAT");
        await sub(c, ["SUBSCRIBE", "ch"]);
        await c.call("GET", "k");
        const stats = String(await pub.call("INFO", "commandstats"));
        assert.match(stats, /cmdstat_get:calls=0,usec=0,usec_per_call=0\.00,rejected_calls=1,failed_calls=0/);
        assert.match(String(await pub.call("INFO", "errorstats")), /errorstat_ERR:count=1/);
      })
    ),
});

Deno.test({
  name: "RESET leaves subscribed mode and QUIT closes a subscribed connection",
  ...opts,
  ...valkeyOnly(),
  fn: () =>
    fresh((pub) =>
      withRaw(srv.port, async (c) => {
        await sub(c, ["SUBSCRIBE", "ch"]);
        await sub(c, ["PSUBSCRIBE", "p*"]);
        assert.equal(await c.call("RESET"), "RESET");
        assert.equal(await pub.call("PUBLISH", "ch", "x"), 0);
        assert.deepEqual(await pub.call("PUBSUB", "NUMPAT"), 0);
        assert.equal(await c.call("GET", "k"), null);
        await sub(c, ["SUBSCRIBE", "ch"]);
        assert.equal(await c.call("QUIT"), "OK");
        assert.equal(await c.waitClosed(), true);
        assert.equal(await pub.call("PUBLISH", "ch", "x"), 0);
      })
    ),
});

Deno.test({
  name: "a RESP3 subscribed client may run any command and gets messages as pushes",
  ...opts,
  fn: () =>
    fresh((pub) =>
      withRaw(srv.port, async (c) => {
        await c.call("HELLO", "3");
        await sub(c, ["SUBSCRIBE", "ch"]);
        assert.equal(await c.call("SET", "k", "v"), "OK");
        assert.equal(await c.call("GET", "k"), "v");
        assert.equal(await pub.call("PUBLISH", "ch", "m"), 1);
        const r = await c.read();
        assert.ok(r instanceof Push);
        assert.deepEqual(r.items, ["message", "ch", "m"]);
      })
    ),
});

Deno.test({
  name: "a RESP3 client publishing to itself gets the reply first, then the message",
  ...opts,
  ...valkeyOnly(),
  fn: () =>
    fresh(() =>
      withRaw(srv.port, async (c) => {
        await c.call("HELLO", "3");
        await sub(c, ["SUBSCRIBE", "foo"]);
        c.send(encodeRequest(["PUBLISH", "foo", "vaz"]));
        await expectRaw(c, ":1\r\n>3\r\n$7\r\nmessage\r\n$3\r\nfoo\r\n$3\r\nvaz\r\n");
      })
    ),
});

Deno.test({
  name: "publishing to oneself inside MULTI delivers the messages after the EXEC reply",
  ...opts,
  ...valkeyOnly(),
  fn: () =>
    fresh(() =>
      withRaw(srv.port, async (c) => {
        await c.call("HELLO", "3");
        await sub(c, ["SUBSCRIBE", "foo"]);
        assert.equal(await c.call("MULTI"), "OK");
        assert.equal(await c.call("PING", "abc"), "QUEUED");
        assert.equal(await c.call("PUBLISH", "foo", "bar"), "QUEUED");
        assert.equal(await c.call("PUBLISH", "foo", "vaz"), "QUEUED");
        assert.equal(await c.call("PING", "def"), "QUEUED");
        assert.deepEqual(await c.call("EXEC"), ["abc", 1, 1, "def"]);
        assert.deepEqual(await message(c), ["message", "foo", "bar"]);
        assert.deepEqual(await message(c), ["message", "foo", "vaz"]);
      })
    ),
});

Deno.test({
  name: "UNSUBSCRIBE inside MULTI replies inside the EXEC array",
  ...opts,
  ...valkeyOnly(),
  fn: () =>
    fresh(() =>
      withRaw(srv.port, async (c) => {
        await c.call("HELLO", "3");
        assert.deepEqual(await sub(c, ["SUBSCRIBE", "foo", "bar", "baz"]), [
          ["subscribe", "foo", 1],
          ["subscribe", "bar", 2],
          ["subscribe", "baz", 3],
        ]);
        await c.call("MULTI");
        await c.call("PING", "abc");
        await c.call("UNSUBSCRIBE", "bar");
        await c.call("UNSUBSCRIBE", "baz");
        await c.call("PING", "def");
        const r = await c.call("EXEC") as unknown[];
        assert.equal(r[0], "abc");
        assert.deepEqual((r[1] as Push).items, ["unsubscribe", "bar", 2]);
        assert.deepEqual((r[2] as Push).items, ["unsubscribe", "baz", 1]);
        assert.equal(r[3], "def");
        assert.equal(await c.call("PUBLISH", "foo", "vaz"), 1);
        assert.deepEqual(await message(c), ["message", "foo", "vaz"]);
      })
    ),
});

Deno.test({
  name: "SUBSCRIBE inside MULTI subscribes when EXEC runs",
  ...opts,
  fn: () =>
    fresh((pub) =>
      withRaw(srv.port, async (c) => {
        await c.call("MULTI");
        assert.equal(await c.call("SUBSCRIBE", "ch"), "QUEUED");
        assert.deepEqual(await c.call("EXEC"), [["subscribe", "ch", 1]]);
        assert.equal(await pub.call("PUBLISH", "ch", "hi"), 1);
        assert.deepEqual(await message(c), ["message", "ch", "hi"]);
      })
    ),
});

Deno.test({
  name: "Pub/Sub pushes are delivered with CLIENT REPLY OFF",
  ...opts,
  ...valkeyOnly(),
  fn: () =>
    fresh((pub) =>
      withRaw(srv.port, async (c) => {
        await c.call("HELLO", "3");
        c.send(encodeRequest(["CLIENT", "REPLY", "OFF"]));
        assert.deepEqual(await sub(c, ["SUBSCRIBE", "channel"]), [["subscribe", "channel", 1]]);
        assert.deepEqual(await sub(c, ["PSUBSCRIBE", "ch*"]), [["psubscribe", "ch*", 2]]);
        assert.equal(await pub.call("PUBLISH", "channel", "hello"), 2);
        assert.deepEqual(await message(c), ["message", "channel", "hello"]);
        assert.deepEqual(await message(c), ["pmessage", "ch*", "channel", "hello"]);
        // Ordinary replies stay silenced.
        c.send(encodeRequest(["GET", "x"]));
        assert.deepEqual(await sub(c, ["UNSUBSCRIBE", "channel"]), [["unsubscribe", "channel", 1]]);
        assert.deepEqual(await sub(c, ["PUNSUBSCRIBE", "ch*"]), [["punsubscribe", "ch*", 0]]);
      })
    ),
});

Deno.test({
  name: "PUBSUB NUMSUB, NUMPAT and CHANNELS report active subscriptions",
  ...opts,
  fn: () =>
    fresh((pub) =>
      withRaw(srv.port, (c1) =>
        withRaw(srv.port, async (c2) => {
          assert.deepEqual(await pub.call("PUBSUB", "NUMSUB", "abc", "def"), ["abc", 0, "def", 0]);
          assert.deepEqual(await pub.call("PUBSUB", "NUMSUB"), []);
          await sub(c1, ["SUBSCRIBE", "news.1", "news.2", "other"]);
          await sub(c2, ["SUBSCRIBE", "news.1"]);
          await sub(c1, ["PSUBSCRIBE", "foo*", "bar*"]);
          await sub(c2, ["PSUBSCRIBE", "foo*", "baz*"]);
          assert.deepEqual(await pub.call("PUBSUB", "NUMSUB", "news.1", "news.2", "nope"), [
            "news.1",
            2,
            "news.2",
            1,
            "nope",
            0,
          ]);
          assert.equal(await pub.call("PUBSUB", "NUMPAT"), 3);
          assert.deepEqual((await pub.call("PUBSUB", "CHANNELS") as string[]).sort(), [
            "news.1",
            "news.2",
            "other",
          ]);
          assert.deepEqual((await pub.call("PUBSUB", "CHANNELS", "news.*") as string[]).sort(), [
            "news.1",
            "news.2",
          ]);
          assert.deepEqual(await pub.call("PUBSUB", "CHANNELS", "zzz*"), []);
          // Pattern subscriptions are not channels.
          assert.deepEqual(await pub.call("PUBSUB", "SHARDCHANNELS"), []);
          await sub(c1, ["UNSUBSCRIBE", "other"]);
          assert.deepEqual((await pub.call("PUBSUB", "CHANNELS") as string[]).sort(), ["news.1", "news.2"]);
          await sub(c1, ["PUNSUBSCRIBE"], 2);
          assert.equal(await pub.call("PUBSUB", "NUMPAT"), 2);
        }))
    ),
});

Deno.test({
  name: "PUBSUB argument errors and HELP",
  ...opts,
  ...valkeyOnly(),
  fn: () =>
    withRaw(srv.port, async (c) => {
      assert.deepEqual(
        await c.call("PUBSUB", "CHANNELS", "a", "b"),
        err("ERR unknown subcommand or wrong number of arguments for 'CHANNELS'. Try PUBSUB HELP."),
      );
      assert.deepEqual(
        await c.call("PUBSUB", "SHARDCHANNELS", "a", "b"),
        err("ERR unknown subcommand or wrong number of arguments for 'SHARDCHANNELS'. Try PUBSUB HELP."),
      );
      assert.deepEqual(
        await c.call("PUBSUB", "NUMPAT", "x"),
        err("ERR wrong number of arguments for 'pubsub|numpat' command"),
      );
      assert.deepEqual(
        await c.call("PUBSUB", "NOPE"),
        err("ERR unknown subcommand 'NOPE'. Try PUBSUB HELP."),
      );
      assert.deepEqual(await c.call("PUBSUB"), err("ERR wrong number of arguments for 'pubsub' command"));
      assert.deepEqual(
        await c.call("PUBLISH", "ch"),
        err("ERR wrong number of arguments for 'publish' command"),
      );
      assert.deepEqual(
        await c.call("SUBSCRIBE"),
        err("ERR wrong number of arguments for 'subscribe' command"),
      );
      assert.deepEqual(
        await c.call("PSUBSCRIBE"),
        err("ERR wrong number of arguments for 'psubscribe' command"),
      );
      const help = await c.call("PUBSUB", "HELP") as string[];
      assert.equal(help[0], "PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
      assert.equal(help[1], "CHANNELS [<pattern>]");
      assert.equal(help.length, 14);
      assert.equal(help[12], "HELP");
      assert.equal(help[13], "    Print this help.");
    }),
});

Deno.test({
  name: "CLIENT INFO counts sub, psub and ssub and shows flag P",
  ...opts,
  ...valkeyOnly(),
  fn: () =>
    fresh((pub) =>
      withRaw(srv.port, async (c) => {
        await c.call("HELLO", "3");
        await sub(c, ["SUBSCRIBE", "a", "b"]);
        await sub(c, ["PSUBSCRIBE", "p*"]);
        await sub(c, ["SSUBSCRIBE", "s1", "s2", "s3"]);
        const info = await clientInfo(c);
        assert.equal(info.get("sub"), "2");
        assert.equal(info.get("psub"), "1");
        assert.equal(info.get("ssub"), "3");
        assert.equal(info.get("flags"), "P");
        const list = String(await pub.call("CLIENT", "LIST", "TYPE", "pubsub"));
        assert.equal(list.trim().split("\n").length, 1);
        await sub(c, ["UNSUBSCRIBE"], 2);
        await sub(c, ["PUNSUBSCRIBE"]);
        await sub(c, ["SUNSUBSCRIBE"], 3);
        const after = await clientInfo(c);
        assert.equal(after.get("flags"), "N");
        assert.equal(after.get("sub"), "0");
      })
    ),
});

Deno.test({
  name: "a subscriber that disconnects is forgotten",
  ...opts,
  fn: () =>
    fresh(async (pub) => {
      await withRaw(srv.port, async (c) => {
        await sub(c, ["SUBSCRIBE", "gone"]);
        await sub(c, ["PSUBSCRIBE", "gone*"]);
      });
      const deadline = Date.now() + 10000;
      while (Date.now() < deadline && await pub.call("PUBLISH", "gone", "x") !== 0) await sleep(10);
      assert.equal(await pub.call("PUBLISH", "gone", "x"), 0);
      assert.deepEqual(await pub.call("PUBSUB", "NUMSUB", "gone"), ["gone", 0]);
      assert.equal(await pub.call("PUBSUB", "NUMPAT"), 0);
    }),
});

Deno.test({
  name: "a burst of messages arrives complete and in order",
  ...opts,
  fn: () =>
    fresh((pub) =>
      withRaw(srv.port, async (c) => {
        await sub(c, ["SUBSCRIBE", "burst"]);
        const n = 500;
        const parts: Uint8Array[] = [];
        for (let i = 0; i < n; i++) parts.push(encodeRequest(["PUBLISH", "burst", `m${i}`]));
        let len = 0;
        for (const p of parts) len += p.length;
        const all = new Uint8Array(len);
        let o = 0;
        for (const p of parts) {
          all.set(p, o);
          o += p.length;
        }
        pub.send(all);
        for (let i = 0; i < n; i++) assert.equal(await pub.read(), 1);
        for (let i = 0; i < n; i++) assert.deepEqual(await message(c), ["message", "burst", `m${i}`]);
      })
    ),
});

Deno.test({
  name: "iovalkey and node-redis subscribers receive messages",
  ...opts,
  fn: async () => {
    const s = new Valkey({ port: srv.port, lazyConnect: true });
    const p = new Valkey({ port: srv.port, lazyConnect: true });
    const nr = createClient({ socket: { port: srv.port, host: "127.0.0.1" } });
    await s.connect();
    await p.connect();
    await nr.connect();
    try {
      const got: string[] = [];
      const done = new Promise<void>((resolve) => {
        s.on("message", (ch: string, msg: string) => {
          got.push(`${ch}:${msg}`);
          if (got.length === 2) resolve();
        });
      });
      await s.subscribe("c1", "c2");
      // pSubscribe resolves once the server confirmed the subscription (a sleep would race it).
      let nrResolve: (m: string) => void = () => {};
      const nrGot = new Promise<string>((resolve) => (nrResolve = resolve));
      await nr.pSubscribe("c*", (msg: string, ch: string) => nrResolve(`${ch}:${msg}`));
      assert.equal(await p.publish("c1", "one"), 2);
      assert.equal(await p.publish("c2", "two"), 2);
      await done;
      assert.deepEqual(got, ["c1:one", "c2:two"]);
      assert.equal(await nrGot, "c1:one");
    } finally {
      s.disconnect();
      p.disconnect();
      await nr.disconnect();
    }
  },
});

Deno.test({ name: "stop server", ...opts, fn: () => srv.stop() });
