import assert from "node:assert/strict";
import { ReplyWriter } from "../../resp/writer.ts";
import type { Client } from "../../server/client.ts";
import type { CommandCall } from "../call.ts";
import type { CommandSpec } from "../spec.ts";
import { NOTIFY } from "../../config/directives.ts";
import { publishKeyspaceEvent } from "./notify.ts";
import { PubSub } from "./state.ts";

const enc = new TextEncoder();
const dec = new TextDecoder("latin1");
const b = (s: string) => enc.encode(s);

function fakeClient(proto: 2 | 3 = 2): Client {
  const writer = new ReplyWriter();
  writer.proto = proto;
  return {
    writer,
    flags: new Set<string>(),
    closed: false,
    replyOff: false,
    skipThis: false,
  } as unknown as Client;
}

function out(c: Client): string {
  return dec.decode(c.writer.take());
}

function callOf(c: Client, name: string): CommandCall {
  return { client: c, spec: { name } as CommandSpec } as unknown as CommandCall;
}

Deno.test("subscribing sets flag P and counts channels and patterns together, shard channels apart", () => {
  const ps = new PubSub(undefined);
  const c = fakeClient();
  assert.equal(ps.subscribe(c, b("a"), "channel"), true);
  assert.equal(ps.subscribe(c, b("a"), "channel"), false);
  assert.equal(ps.subscribe(c, b("p*"), "pattern"), true);
  assert.equal(ps.subscribe(c, b("s"), "shard"), true);
  assert.equal(c.flags.has("P"), true);
  assert.equal(ps.subscriptionCount(c), 2);
  assert.equal(ps.shardSubscriptionCount(c), 1);
  assert.equal(ps.countFor(c, "shard"), 1);
  assert.equal(ps.clientCount, 1);
});

Deno.test("unsubscribing the last listener removes the channel; flag P goes with the last subscription", () => {
  const ps = new PubSub(undefined);
  const c = fakeClient();
  ps.subscribe(c, b("a"), "channel");
  ps.subscribe(c, b("s"), "shard");
  assert.equal(ps.unsubscribe(c, b("nope"), "channel"), false);
  assert.equal(ps.unsubscribe(c, b("a"), "channel"), true);
  assert.equal(ps.channels.size, 0);
  ps.updateFlag(c);
  assert.equal(c.flags.has("P"), true);
  ps.unsubscribe(c, b("s"), "shard");
  ps.updateFlag(c);
  assert.equal(c.flags.has("P"), false);
  assert.equal(ps.clientCount, 0);
  assert.equal(ps.subsOf(c), undefined);
});

Deno.test("namesOf lists a client's subscriptions oldest first as a copy", () => {
  const ps = new PubSub(undefined);
  const c = fakeClient();
  for (const n of ["x", "y", "z"]) ps.subscribe(c, b(n), "channel");
  const names = ps.namesOf(c, "channel");
  for (const n of names) ps.unsubscribe(c, n, "channel");
  assert.deepEqual(names.map((n) => dec.decode(n)), ["x", "y", "z"]);
  assert.deepEqual(ps.namesOf(c, "channel"), []);
});

Deno.test("publish writes messages to channel subscribers then matching patterns and counts deliveries", () => {
  const ps = new PubSub(undefined);
  const c1 = fakeClient();
  const c2 = fakeClient(3);
  ps.subscribe(c1, b("news"), "channel");
  ps.subscribe(c2, b("n*"), "pattern");
  ps.subscribe(c2, b("x*"), "pattern");
  assert.equal(ps.publish(b("news"), b("hi"), false), 2);
  assert.equal(out(c1), "*3\r\n$7\r\nmessage\r\n$4\r\nnews\r\n$2\r\nhi\r\n");
  assert.equal(out(c2), ">4\r\n$8\r\npmessage\r\n$2\r\nn*\r\n$4\r\nnews\r\n$2\r\nhi\r\n");
  assert.equal(ps.publish(b("other"), b("hi"), false), 0);
});

Deno.test("shard publish reaches shard subscribers only, as smessage", () => {
  const ps = new PubSub(undefined);
  const c = fakeClient();
  const p = fakeClient();
  ps.subscribe(c, b("s"), "shard");
  ps.subscribe(p, b("*"), "pattern");
  assert.equal(ps.publish(b("s"), b("m"), true), 1);
  assert.equal(out(c), "*3\r\n$8\r\nsmessage\r\n$1\r\ns\r\n$1\r\nm\r\n");
  assert.equal(out(p), "");
  assert.equal(ps.publish(b("s"), b("m"), false), 1);
  assert.equal(out(c), "");
});

Deno.test("dropClient forgets every subscription of a client", () => {
  const ps = new PubSub(undefined);
  const c = fakeClient();
  const other = fakeClient();
  ps.subscribe(c, b("a"), "channel");
  ps.subscribe(other, b("a"), "channel");
  ps.subscribe(c, b("p*"), "pattern");
  ps.subscribe(c, b("s"), "shard");
  ps.dropClient(c);
  assert.equal(ps.channels.get("a")?.clients.size, 1);
  assert.equal(ps.patterns.size, 0);
  assert.equal(ps.shardChannels.size, 0);
  assert.equal(c.flags.has("P"), false);
  assert.equal(ps.idle, false);
  ps.dropClient(other);
  assert.equal(ps.idle, true);
});

Deno.test("a push for the executing client is held until its command replied", () => {
  const ps = new PubSub(undefined);
  const c = fakeClient(3);
  ps.subscribe(c, b("ch"), "channel");
  ps.executing = callOf(c, "publish");
  ps.publish(b("ch"), b("x"), false);
  assert.equal(out(c), "");
  c.writer.int(1);
  ps.releaseDeferred(c);
  assert.equal(out(c), ":1\r\n>3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$1\r\nx\r\n");
});

Deno.test("pushes during the SUBSCRIBE family are not held (they are the reply)", () => {
  const ps = new PubSub(undefined);
  const c = fakeClient(3);
  ps.subscribe(c, b("ch"), "channel");
  ps.executing = callOf(c, "subscribe");
  ps.publish(b("ch"), b("x"), false);
  assert.match(out(c), /^>3\r\n\$7\r\nmessage/);
});

Deno.test("a stale executing mark is cleared and held pushes released by the flush", () => {
  const ps = new PubSub(undefined);
  const c = fakeClient(3);
  ps.subscribe(c, b("ch"), "channel");
  ps.executing = callOf(c, "get");
  ps.publish(b("ch"), b("x"), false);
  ps.flushPending();
  assert.equal(ps.executing, null);
  assert.match(out(c), /^>3\r\n\$7\r\nmessage/);
});

Deno.test("own pushes of a silenced client survive the truncation of its reply", () => {
  const ps = new PubSub(undefined);
  const c = fakeClient(3);
  (c as { replyOff: boolean }).replyOff = true;
  const mark = c.writer.length;
  const w = ps.ownPushWriter(c, false);
  assert.notEqual(w, c.writer);
  w.pushHeader(1);
  w.bulk(b("p"));
  c.writer.simple("OK"); // an ordinary reply, dropped
  c.writer.truncate(mark);
  assert.equal(out(c), ">1\r\n$1\r\np\r\n");
  // The writer's own truncate is back.
  assert.equal(Object.hasOwn(c.writer, "truncate"), false);
  // Inside EXEC the push is part of the EXEC reply.
  assert.equal(ps.ownPushWriter(c, true), c.writer);
});

Deno.test("keyspace events publish on the keyspace and keyevent channels as the flags allow", () => {
  const ps = new PubSub(undefined);
  const c = fakeClient();
  ps.subscribe(c, b("*"), "pattern");
  const all = NOTIFY.KEYSPACE | NOTIFY.KEYEVENT | NOTIFY.STRING;
  assert.equal(publishKeyspaceEvent(ps, all, "$", "set", b("k"), 3), 2);
  assert.equal(
    out(c),
    "*4\r\n$8\r\npmessage\r\n$1\r\n*\r\n$16\r\n__keyspace@3__:k\r\n$3\r\nset\r\n" +
      "*4\r\n$8\r\npmessage\r\n$1\r\n*\r\n$18\r\n__keyevent@3__:set\r\n$1\r\nk\r\n",
  );
  assert.equal(publishKeyspaceEvent(ps, all, "g", "del", b("k"), 0), 0);
  assert.equal(publishKeyspaceEvent(ps, NOTIFY.GENERIC, "g", "del", b("k"), 0), 0);
  assert.equal(publishKeyspaceEvent(ps, NOTIFY.KEYEVENT | NOTIFY.NEW, "n", "new", b("k"), 0), 1);
  assert.match(out(c), /__keyevent@0__:new\r\n\$1\r\nk\r\n$/);
});

Deno.test("keyspace channel names keep binary keys intact", () => {
  const ps = new PubSub(undefined);
  const c = fakeClient();
  const key = new Uint8Array([0xff, 0, 0x0d]);
  ps.subscribe(c, b("__keyspace@0__:\xff\x00\r"), "channel");
  assert.equal(ps.channels.size, 1);
  const ch = new Uint8Array([...b("__keyspace@0__:"), ...key]);
  ps.unsubscribe(c, b("__keyspace@0__:\xff\x00\r"), "channel");
  ps.subscribe(c, ch, "channel");
  assert.equal(publishKeyspaceEvent(ps, NOTIFY.KEYSPACE | NOTIFY.GENERIC, "g", "del", key, 0), 1);
  assert.match(out(c), /^\*3\r\n\$7\r\nmessage\r\n\$18\r\n/);
});
