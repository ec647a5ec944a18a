import { QueryBufferModel } from "../../server/query_buffer.ts";
import assert from "node:assert/strict";
import {
  clientFd,
  clientFlags,
  clientInfoLine,
  ClientType,
  clientType,
  clientTypeByName,
  outputLayout,
  setCapaRedirect,
} from "./client_info.ts";
import { connectionHooks } from "./hooks.ts";
import { pingSpec } from "./ping.ts";
import { clientSpec } from "./client.ts";
import { callOf, fakeClient, fakeServer } from "./test_util.ts";

Deno.test("a fresh client has flags N and is a normal client", () => {
  const c = fakeClient();
  assert.equal(clientFlags(c), "N");
  assert.equal(clientType(c), ClientType.NORMAL);
});

Deno.test("flags are printed in Valkey's order whoever set them", () => {
  const c = fakeClient({ noTouch: true, noEvict: true, closeAfterReply: true });
  c.flags.add("I");
  c.flags.add("b");
  c.flags.add("x");
  c.flags.add("P");
  assert.equal(clientFlags(c), "Pxbc" + "eTI");
  const unix = fakeClient({ conn: { fd: 3, unix: true, pendingBytes: 0 } });
  assert.equal(clientFlags(unix), "U");
  const monitor = fakeClient();
  monitor.flags.add("O");
  assert.equal(clientFlags(monitor), "O");
});

Deno.test("client types follow the primary, replica and pub/sub flags; MONITOR clients are normal", () => {
  const c = fakeClient();
  c.flags.add("P");
  assert.equal(clientType(c), ClientType.PUBSUB);
  c.flags.add("S");
  assert.equal(clientType(c), ClientType.REPLICA);
  c.flags.add("M");
  assert.equal(clientType(c), ClientType.PRIMARY);
  const m = fakeClient();
  m.flags.add("O");
  assert.equal(clientType(m), ClientType.NORMAL);
});

Deno.test("type names include the old master and slave", () => {
  assert.equal(clientTypeByName("normal"), ClientType.NORMAL);
  assert.equal(clientTypeByName("slave"), ClientType.REPLICA);
  assert.equal(clientTypeByName("replica"), ClientType.REPLICA);
  assert.equal(clientTypeByName("pubsub"), ClientType.PUBSUB);
  assert.equal(clientTypeByName("master"), ClientType.PRIMARY);
  assert.equal(clientTypeByName("primary"), ClientType.PRIMARY);
  assert.equal(clientTypeByName("Normal"), -1);
  assert.equal(clientTypeByName(""), -1);
});

Deno.test("pending output fills the reply buffer first, then 16 KiB blocks", () => {
  assert.deepEqual(outputLayout(0, 16384), [0, 0, 0]);
  assert.deepEqual(outputLayout(147, 16384), [147, 0, 0]);
  assert.deepEqual(outputLayout(16384, 16384), [16384, 0, 0]);
  assert.deepEqual(outputLayout(16385, 16384), [16384, 1, 1]);
  assert.deepEqual(outputLayout(16384 * 3 + 5, 16384), [16384, 3, 16384 * 2 + 5]);
  // A shrunk reply buffer (an idle client's 1 KiB) holds less before the blocks start.
  assert.deepEqual(outputLayout(1000, 1024), [1000, 0, 0]);
  assert.deepEqual(outputLayout(1025, 1024), [1024, 1, 1]);
  assert.deepEqual(outputLayout(1024 + 16385, 1024), [1024, 2, 16385]);
});

Deno.test("the CLIENT LIST line has every field in Valkey 8.1's order", () => {
  const server = fakeServer([clientSpec]);
  const c = fakeClient({
    id: 7,
    addr: "127.0.0.1:41000",
    laddr: "127.0.0.1:6379",
    createdAt: 1_700_000_000_900,
    lastInteraction: 1_700_000_003_100,
    netIn: 26,
    netOut: 100,
    totalCommands: 4,
    libName: "lib\0hidden",
    libVer: "1.0",
    name: "conn",
  });
  const call = callOf(server, c, ["CLIENT", "INFO"], 1_700_000_005_000);
  assert.equal(
    clientInfoLine(server, c, call),
    "id=7 addr=127.0.0.1:41000 laddr=127.0.0.1:6379 fd=9 name=conn age=5 idle=2 flags=N capa= db=0 sub=0 " +
      "psub=0 ssub=0 multi=-1 watch=0 qbuf=0 qbuf-free=0 argv-mem=10 multi-mem=0 rbs=16384 rbp=16384 obl=0 oll=0 " +
      "omem=0 tot-mem=17034 events=r cmd=client|info user=default redir=-1 resp=2 lib-name=lib lib-ver=1.0 " +
      "tot-net-in=26 tot-net-out=100 tot-cmds=4",
  );
});

Deno.test("another client shows its last command and no arguments", () => {
  const server = fakeServer([clientSpec, pingSpec]);
  const me = fakeClient({ id: 1 });
  const other = fakeClient({
    id: 2,
    lastCommand: "ping",
    parser: { bufferedBytes: 20, unconsumedBytes: 20 },
    qb: Object.assign(new QueryBufferModel(), { alloc: 20474 }),
    outputBytes: 20000,
    readPaused: true,
    conn: { fd: 11, unix: false, pendingBytes: 20000 },
  });
  const call = callOf(server, me, ["CLIENT", "LIST"], 1_700_000_000_000);
  const f = new Map(
    clientInfoLine(server, other, call).split(" ").map((kv) => kv.split("=") as [string, string]),
  );
  assert.equal(f.get("cmd"), "ping");
  assert.equal(f.get("argv-mem"), "0");
  assert.equal(f.get("qbuf"), "20");
  assert.equal(f.get("qbuf-free"), "20454"); // the shared buffer it took (query_buffer.ts)
  assert.equal(f.get("obl"), "16384");
  assert.equal(f.get("oll"), "1");
  assert.equal(f.get("omem"), String(20000 - 16384));
  assert.equal(f.get("events"), "w");
  assert.equal(f.get("fd"), "11");
});

Deno.test("clients whose runtime hides the descriptor get the numbers the kernel would give", () => {
  const server = fakeServer([pingSpec]);
  const hidden = (id: number) => fakeClient({ id, conn: { fd: -1, unix: false, pendingBytes: 0 } });
  const [a, b, c] = [hidden(1), hidden(2), hidden(3)];
  const real = fakeClient({ id: 4, conn: { fd: 10, unix: false, pendingBytes: 0 } });
  for (const x of [a, b, real, c]) server.clients.set(x.id, x);
  // One listener: the first client lands on 9; 10 is taken by the real descriptor.
  assert.equal(clientFd(server, c), 12);
  assert.equal(clientFd(server, a), 9);
  assert.equal(clientFd(server, b), 11);
  assert.equal(clientFd(server, real), 10);
  server.clients.delete(1);
  const d = hidden(5);
  server.clients.set(5, d);
  assert.equal(clientFd(server, d), 9);
  assert.equal(clientFd(server, c), 12);
});

Deno.test("counters registered by other subsystems and CLIENT CAPA show in the line", () => {
  const server = fakeServer([pingSpec]);
  connectionHooks(server).counters.push((_c, out) => {
    out.sub = 2;
    out.psub = 1;
    out.multi = 3;
    out.watch = 4;
    out.multiMem = 50;
    out.redir = 9;
  });
  const c = fakeClient();
  setCapaRedirect(c);
  const line = clientInfoLine(server, c, callOf(server, c, ["PING"], 1_700_000_000_000));
  assert.match(line, / capa=r db=0 sub=2 psub=1 ssub=0 multi=3 watch=4 /);
  assert.match(line, / multi-mem=50 /);
  assert.match(line, / redir=9 /);
});
