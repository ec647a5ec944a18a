import assert from "node:assert/strict";
import { NO_ARGS } from "../args.ts";
import { dispatch } from "../dispatch.ts";
import type { CommandSpec } from "../spec.ts";
import type { Server } from "../../server/server.ts";
import type { Client } from "../../server/client.ts";
import { clientSpec } from "./client.ts";
import { connectionHooks } from "./hooks.ts";
import {
  heldArgvBytes,
  installClientPause,
  isPausedAction,
  PauseAction,
  pauseInfo,
  pauseState,
} from "./pause.ts";
import { pingSpec } from "./ping.ts";
import { callOf, fakeClient, fakeServer, writerOf } from "./test_util.ts";

const setSpec: CommandSpec = {
  name: "set",
  summary: "test write",
  since: "1.0.0",
  group: "string",
  arity: -3,
  flags: ["WRITE", "DENYOOM"],
  handler: (call) => call.reply.ok(),
};
const publishSpec: CommandSpec = {
  name: "publish",
  summary: "test may-replicate",
  since: "2.0.0",
  group: "pubsub",
  arity: 3,
  flags: ["PUBSUB", "LOADING", "STALE", "FAST", "MAY_REPLICATE", "SENTINEL"],
  handler: (call) => call.reply.int(0),
};
const evalSpec: CommandSpec = {
  name: "eval",
  summary: "test probe",
  since: "2.6.0",
  group: "scripting",
  arity: -3,
  flags: ["NOSCRIPT", "SKIP_MONITOR", "MAY_REPLICATE"],
  handler: (call) => call.reply.int(1),
};
const getSpec: CommandSpec = {
  name: "get",
  summary: "test read",
  since: "1.0.0",
  group: "string",
  arity: 2,
  flags: ["READONLY", "FAST"],
  handler: (call) => call.reply.bulkStr("v"),
};

const T0 = 1_700_000_000_000;

function setup(): { server: Server; now: (ms?: number) => number } {
  const server = fakeServer([setSpec, getSpec, pingSpec, publishSpec, evalSpec, clientSpec]);
  installClientPause(server);
  return {
    server,
    now: (ms?: number) => {
      if (ms !== undefined) server.clock.current = ms;
      return server.clock.current;
    },
  };
}

/** Runs a command the way the server's input loop does, including the CLIENT REPLY bookkeeping. */
function run(server: Server, client: Client, ...argv: string[]): void {
  const w = writerOf(client);
  const mark = w.length;
  client.skipThis = client.skipNext;
  client.skipNext = false;
  dispatch(server, client, argv.map((a) => new TextEncoder().encode(a)));
  if (client.replyOff || client.skipThis) {
    w.truncate(mark);
    client.skipThis = false;
  }
}

function clientPause(server: Server, admin: Client, ...args: string[]): string[] {
  run(server, admin, "CLIENT", "PAUSE", ...args);
  return writerOf(admin).replies;
}

const microtasks = () => new Promise<void>((r) => setTimeout(r, 0));

Deno.test("nothing is paused until CLIENT PAUSE", () => {
  const { server } = setup();
  const c = fakeClient({ id: 2 });
  run(server, c, "SET", "k", "v");
  assert.deepEqual(writerOf(c).replies, ["+OK"]);
  assert.deepEqual(pauseInfo(server, T0), { reason: "none", actions: "none", timeoutMs: 0 });
});

Deno.test("a pause holds expiry and eviction until it ends (Server.setPauseHolds)", () => {
  const { server, now } = setup();
  const holds = () => (server as unknown as { pauseHolds: [boolean, boolean] }).pauseHolds;
  const admin = fakeClient({ id: 1 });
  assert.deepEqual(clientPause(server, admin, "1000", "WRITE"), ["+OK"]);
  assert.deepEqual(holds(), [true, true]);
  run(server, admin, "CLIENT", "UNPAUSE");
  assert.deepEqual(holds(), [false, false]);
  assert.deepEqual(clientPause(server, admin, "1000", "ALL"), ["+OK", "+OK", "+OK"]);
  assert.deepEqual(holds(), [true, true]);
  now(T0 + 1001);
  for (const fn of server.cronHooks) fn(server.clock.current);
  assert.deepEqual(holds(), [false, false]);
});

Deno.test("CLIENT PAUSE WRITE holds writes and may-replicate commands but not reads", () => {
  const { server } = setup();
  const admin = fakeClient({ id: 1 });
  assert.deepEqual(clientPause(server, admin, "1000", "WRITE"), ["+OK"]);
  const reader = fakeClient({ id: 2 });
  run(server, reader, "GET", "k");
  run(server, reader, "PING");
  assert.deepEqual(writerOf(reader).replies, ["$v", "+PONG"]);
  const writer = fakeClient({ id: 3 });
  run(server, writer, "SET", "k", "v");
  assert.equal(writer.blocked, true);
  assert.equal(writer.flags.has("b"), true);
  assert.deepEqual(writerOf(writer).replies, []);
  assert.equal(heldArgvBytes(server, writer), 5);
  const publisher = fakeClient({ id: 4 });
  run(server, publisher, "PUBLISH", "ch", "msg");
  assert.equal(publisher.blocked, true);
  assert.deepEqual(pauseInfo(server, T0 + 400), { reason: "client_pause", actions: "write", timeoutMs: 600 });
  pauseState(server).dispose();
});

Deno.test("a write probe makes other commands count as writes", () => {
  const { server } = setup();
  connectionHooks(server).pauseWriteProbes.push((call) => call.fullName === "eval");
  clientPause(server, fakeClient({ id: 1 }), "1000", "WRITE");
  const c = fakeClient({ id: 2 });
  run(server, c, "EVAL", "return 1", "0");
  assert.equal(c.blocked, true);
  pauseState(server).dispose();
});

Deno.test("CLIENT PAUSE ALL holds every command, even the pausing client's, but not replicas'", () => {
  const { server } = setup();
  const admin = fakeClient({ id: 1 });
  clientPause(server, admin, "1000", "ALL");
  run(server, admin, "CLIENT", "UNPAUSE");
  assert.equal(admin.blocked, true);
  assert.deepEqual(writerOf(admin).replies, ["+OK"]);
  const replica = fakeClient({ id: 5 });
  replica.flags.add("S");
  run(server, replica, "PING");
  assert.deepEqual(writerOf(replica).replies, ["+PONG"]);
  assert.equal(pauseInfo(server, T0).actions, "all");
  pauseState(server).dispose();
});

Deno.test("CLIENT UNPAUSE resumes held clients in order, after the current command", async () => {
  const { server } = setup();
  const admin = fakeClient({ id: 1 });
  clientPause(server, admin, "100000", "WRITE");
  const a = fakeClient({ id: 2 });
  const b = fakeClient({ id: 3 });
  run(server, a, "SET", "k", "1");
  run(server, b, "SET", "k", "2");
  run(server, admin, "CLIENT", "UNPAUSE");
  // Still held until the unpausing command is done.
  assert.equal(a.blocked, true);
  await microtasks();
  assert.equal(a.blocked, false);
  assert.equal(b.blocked, false);
  assert.equal(a.flags.has("b"), false);
  assert.deepEqual(writerOf(a).replies, ["+OK"]);
  assert.deepEqual(writerOf(b).replies, ["+OK"]);
  const processed = (server as unknown as { processed: Client[] }).processed;
  assert.deepEqual(processed, [a, b]);
  assert.equal(a.lastCommand, "set");
  assert.equal(server.commands.stats(setSpec).calls, 2);
});

Deno.test("a held command whose reply was to be skipped stays skipped when resumed", async () => {
  const { server } = setup();
  clientPause(server, fakeClient({ id: 1 }), "100000", "WRITE");
  const c = fakeClient({ id: 2 });
  run(server, c, "CLIENT", "REPLY", "SKIP");
  run(server, c, "SET", "k", "v");
  assert.equal(c.blocked, true);
  pauseState(server).unpause("client_pause", T0);
  await microtasks();
  assert.equal(c.blocked, false);
  assert.deepEqual(writerOf(c).replies, []);
  assert.equal(c.skipThis, false);
});

Deno.test("a pause ends by itself at its end time", async () => {
  const { server, now } = setup();
  now(Date.now());
  clientPause(server, fakeClient({ id: 1 }), "30", "ALL");
  const c = fakeClient({ id: 2 });
  run(server, c, "PING");
  assert.equal(c.blocked, true);
  const t0 = Date.now();
  while (c.blocked && Date.now() - t0 < 2000) {
    await new Promise((r) => setTimeout(r, 5));
    now(Date.now());
  }
  assert.equal(c.blocked, false);
  assert.ok(Date.now() - t0 >= 25);
  assert.deepEqual(writerOf(c).replies, ["+PONG"]);
  assert.deepEqual(pauseInfo(server, Date.now()), { reason: "none", actions: "none", timeoutMs: 0 });
});

Deno.test("turning ALL into WRITE releases reads and holds writes again", async () => {
  const { server } = setup();
  const state = pauseState(server);
  state.pause("client_pause", T0 + 1000, PauseAction.CLIENT_ALL, T0);
  const reader = fakeClient({ id: 2 });
  const writer = fakeClient({ id: 3 });
  run(server, reader, "GET", "k");
  run(server, writer, "SET", "k", "v");
  state.pause("client_pause", T0 + 1000, PauseAction.CLIENT_WRITE, T0);
  await microtasks();
  assert.deepEqual(writerOf(reader).replies, ["$v"]);
  assert.equal(reader.blocked, false);
  assert.equal(writer.blocked, true);
  assert.deepEqual(writerOf(writer).replies, []);
  state.dispose();
});

Deno.test("PAUSE WRITE after PAUSE ALL keeps ALL, and the later end time wins", () => {
  const { server } = setup();
  const admin = fakeClient({ id: 1 });
  const state = pauseState(server);
  state.pause("client_pause", T0 + 200, PauseAction.CLIENT_ALL, T0);
  assert.equal(state.isPaused(PauseAction.CLIENT_ALL, T0), true);
  // Run the handler directly, as a held client's CLIENT PAUSE would once released.
  const call = callOf(server, admin, ["CLIENT", "PAUSE", "20", "WRITE"], T0 + 10);
  server.commands.subcommand(clientSpec, "pause")!.handler!(call, NO_ARGS);
  assert.deepEqual(pauseInfo(server, T0 + 10), { reason: "client_pause", actions: "all", timeoutMs: 190 });
  const longer = callOf(server, admin, ["CLIENT", "PAUSE", "5000", "WRITE"], T0 + 300);
  server.commands.subcommand(clientSpec, "pause")!.handler!(longer, NO_ARGS);
  assert.deepEqual(pauseInfo(server, T0 + 300), {
    reason: "client_pause",
    actions: "write",
    timeoutMs: 5000,
  });
  const shorter = callOf(server, admin, ["CLIENT", "PAUSE", "10", "WRITE"], T0 + 400);
  server.commands.subcommand(clientSpec, "pause")!.handler!(shorter, NO_ARGS);
  assert.equal(pauseInfo(server, T0 + 400).timeoutMs, 4900);
  state.dispose();
});

Deno.test("expiry, eviction and replication are paused with client writes", () => {
  const { server } = setup();
  assert.equal(isPausedAction(server, PauseAction.EXPIRE, T0), false);
  clientPause(server, fakeClient({ id: 1 }), "1000", "WRITE");
  for (const a of [PauseAction.EXPIRE, PauseAction.EVICT, PauseAction.REPLICA]) {
    assert.equal(isPausedAction(server, a, T0 + 999), true);
  }
  assert.equal(isPausedAction(server, PauseAction.EXPIRE, T0 + 1000), false);
  pauseState(server).dispose();
});

Deno.test("CLIENT PAUSE 0 pauses nothing", () => {
  const { server } = setup();
  assert.deepEqual(clientPause(server, fakeClient({ id: 1 }), "0"), ["+OK"]);
  const c = fakeClient({ id: 2 });
  run(server, c, "PING");
  assert.deepEqual(writerOf(c).replies, ["+PONG"]);
});

Deno.test("CLIENT PAUSE checks its mode, then its timeout", () => {
  const { server } = setup();
  const c = fakeClient({ id: 1 });
  assert.deepEqual(clientPause(server, c, "abc", "nope"), ["-ERR CLIENT PAUSE mode must be WRITE or ALL"]);
  writerOf(c).replies = [];
  assert.deepEqual(clientPause(server, c, "abc"), ["-ERR timeout is not an integer or out of range"]);
  writerOf(c).replies = [];
  assert.deepEqual(clientPause(server, c, "-5", "write"), ["-ERR timeout is negative"]);
  writerOf(c).replies = [];
  assert.deepEqual(clientPause(server, c, String(2n ** 63n - 1n - BigInt(T0))), ["+OK"]);
  pauseState(server).unpause("client_pause", T0);
  writerOf(c).replies = [];
  assert.deepEqual(clientPause(server, c, String(2n ** 63n - BigInt(T0))), ["-ERR timeout is out of range"]);
  pauseState(server).dispose();
});

Deno.test("a held client that goes away is forgotten", async () => {
  const { server } = setup();
  clientPause(server, fakeClient({ id: 1 }), "1000", "ALL");
  const c = fakeClient({ id: 2 });
  run(server, c, "PING");
  assert.equal(pauseState(server).heldCount, 1);
  (c as { closed: boolean }).closed = true;
  for (const fn of server.clientClosedHooks) fn(c);
  assert.equal(pauseState(server).heldCount, 0);
  pauseState(server).unpause("client_pause", T0);
  await microtasks();
  assert.deepEqual(writerOf(c).replies, []);
});

Deno.test("CLIENT UNBLOCK ERROR fails a held command; TIMEOUT leaves it held", async () => {
  const { server } = setup();
  const admin = fakeClient({ id: 1 });
  const held = fakeClient({ id: 2 });
  server.clients.set(1, admin);
  server.clients.set(2, held);
  clientPause(server, admin, "100000", "WRITE");
  run(server, held, "SET", "k", "v");
  run(server, admin, "CLIENT", "UNBLOCK", "2", "TIMEOUT");
  run(server, admin, "CLIENT", "UNBLOCK", "2", "ERROR");
  run(server, admin, "CLIENT", "UNBLOCK", "2", "ERROR");
  assert.deepEqual(writerOf(admin).replies, ["+OK", ":0", ":1", ":0"]);
  assert.deepEqual(writerOf(held).replies, ["-UNBLOCKED client unblocked via CLIENT UNBLOCK"]);
  assert.equal(held.blocked, false);
  assert.equal(held.lastCommand, "set");
  assert.equal(server.commands.stats(setSpec).rejectedCalls, 1);
  assert.equal(server.stats.errors.get("UNBLOCKED"), 1);
  await microtasks();
  assert.deepEqual((server as unknown as { processed: Client[] }).processed, [held]);
  pauseState(server).dispose();
});

Deno.test("CLIENT UNBLOCK asks the blocking layer about other blocked clients", () => {
  const { server } = setup();
  const admin = fakeClient({ id: 1 });
  const blocked = fakeClient({ id: 2, blocked: true });
  server.clients.set(2, blocked);
  const asked: boolean[] = [];
  connectionHooks(server).unblock = (c, withError) => {
    asked.push(withError);
    return c === blocked;
  };
  run(server, admin, "CLIENT", "UNBLOCK", "2");
  run(server, admin, "CLIENT", "UNBLOCK", "2", "error");
  run(server, admin, "CLIENT", "UNBLOCK", "3");
  assert.deepEqual(writerOf(admin).replies, [":1", ":1", ":0"]);
  assert.deepEqual(asked, [false, true]);
});
