import assert from "node:assert/strict";
import { dispatch } from "../dispatch.ts";
import type { Client } from "../../server/client.ts";
import type { Server } from "../../server/server.ts";
import { clientSpec } from "./client.ts";
import { type FakeClient, fakeClient, fakeServer, writerOf } from "./test_util.ts";

const enc = new TextEncoder();

function run(server: Server, c: Client, ...argv: (string | Uint8Array)[]): string[] {
  const w = writerOf(c);
  const mark = w.length;
  dispatch(server, c, argv.map((a) => (typeof a === "string" ? enc.encode(a) : a)));
  return w.replies.slice(mark);
}

function withClients(
  n: number,
  extra: Record<string, string | boolean> = {},
): { server: Server; cs: Client[] } {
  const server = fakeServer([clientSpec], "", extra);
  const cs: Client[] = [];
  for (let i = 1; i <= n; i++) {
    const c = fakeClient({ id: i, addr: `127.0.0.1:${40000 + i}` } as Partial<FakeClient>);
    server.clients.set(i, c);
    cs.push(c);
  }
  return { server, cs };
}

Deno.test("CLIENT SETNAME, GETNAME and an empty name", () => {
  const { server, cs: [c] } = withClients(1);
  assert.deepEqual(run(server, c!, "CLIENT", "GETNAME"), ["$-1"]);
  assert.deepEqual(run(server, c!, "CLIENT", "SETNAME", "app-1"), ["+OK"]);
  assert.deepEqual(run(server, c!, "CLIENT", "GETNAME"), ["$app-1"]);
  assert.deepEqual(run(server, c!, "CLIENT", "SETNAME", "bad name"), [
    "-ERR Client names cannot contain spaces, newlines or special characters.",
  ]);
  assert.equal(c!.name, "app-1");
  assert.deepEqual(run(server, c!, "CLIENT", "SETNAME", ""), ["+OK"]);
  assert.deepEqual(run(server, c!, "CLIENT", "GETNAME"), ["$-1"]);
});

Deno.test("CLIENT SETINFO validates the attribute, then the value", () => {
  const { server, cs: [c] } = withClients(1);
  assert.deepEqual(run(server, c!, "CLIENT", "SETINFO", "LIB-NAME", "mylib"), ["+OK"]);
  assert.deepEqual(run(server, c!, "CLIENT", "SETINFO", "lib-ver", "2.0"), ["+OK"]);
  assert.equal(c!.libName, "mylib");
  assert.equal(c!.libVer, "2.0");
  assert.deepEqual(run(server, c!, "CLIENT", "SETINFO", "lib-nam", "a b"), [
    "-ERR Unrecognized option 'lib-nam'",
  ]);
  assert.deepEqual(run(server, c!, "CLIENT", "SETINFO", "Lib-Name", "a b"), [
    "-ERR Lib-Name cannot contain spaces, newlines or special characters.",
  ]);
  assert.deepEqual(run(server, c!, "CLIENT", "SETINFO", "lib-name", ""), ["+OK"]);
  assert.equal(c!.libName, "");
});

Deno.test("CLIENT REPLY sets the client's reply mode and only ON replies", () => {
  const { server, cs: [c] } = withClients(1);
  assert.deepEqual(run(server, c!, "CLIENT", "REPLY", "SKIP"), []);
  assert.equal(c!.skipNext, true);
  assert.deepEqual(run(server, c!, "CLIENT", "REPLY", "OFF"), []);
  assert.equal(c!.replyOff, true);
  // SKIP while OFF changes nothing.
  c!.skipNext = false;
  run(server, c!, "CLIENT", "REPLY", "SKIP");
  assert.equal(c!.skipNext, false);
  assert.deepEqual(run(server, c!, "CLIENT", "REPLY", "ON"), ["+OK"]);
  assert.equal(c!.replyOff, false);
  assert.deepEqual(run(server, c!, "CLIENT", "REPLY", "maybe"), ["-ERR syntax error"]);
});

Deno.test("CLIENT LIST prints one line per client, filtered", () => {
  const { server, cs } = withClients(3);
  const all = run(server, cs[0]!, "CLIENT", "LIST")[0]!;
  assert.equal(all.split("\n").length, 4);
  assert.match(all, /^\$id=1 .*\nid=2 .*\nid=3 .*\n$/s);
  assert.match(run(server, cs[0]!, "CLIENT", "LIST", "ID", "2", "3")[0]!, /^\$id=2 .*\nid=3 [^\n]*\n$/s);
  assert.deepEqual(run(server, cs[0]!, "CLIENT", "LIST", "ID", "1", "SKIPME", "yes"), ["$"]);
  assert.deepEqual(run(server, cs[0]!, "CLIENT", "LIST", "TYPE"), ["-ERR syntax error"]);
  assert.deepEqual(run(server, cs[0]!, "CLIENT", "LIST", "TYPE", "x"), ["-ERR Unknown client type 'x'"]);
});

Deno.test("CLIENT KILL old form: OK or No such client, and may close the caller", () => {
  const { server, cs } = withClients(3);
  assert.deepEqual(run(server, cs[0]!, "CLIENT", "KILL", "127.0.0.1:40002"), ["+OK"]);
  assert.equal(cs[1]!.closed, true);
  assert.deepEqual(run(server, cs[0]!, "CLIENT", "KILL", "127.0.0.1:40002"), ["-ERR No such client"]);
  assert.deepEqual(run(server, cs[0]!, "CLIENT", "KILL", "127.0.0.1:40001"), ["+OK"]);
  assert.equal(cs[0]!.closed, false);
  assert.equal(cs[0]!.closeAfterReply, true);
});

Deno.test("CLIENT KILL new form counts the clients it kills and skips the caller by default", () => {
  const { server, cs } = withClients(4);
  assert.deepEqual(run(server, cs[0]!, "CLIENT", "KILL", "TYPE", "normal"), [":3"]);
  assert.deepEqual(cs.map((c) => c.closed), [false, true, true, true]);
  assert.deepEqual(run(server, cs[0]!, "CLIENT", "KILL", "ID", "1", "SKIPME", "no"), [":1"]);
  assert.equal(cs[0]!.closeAfterReply, true);
  assert.deepEqual(run(server, cs[0]!, "CLIENT", "KILL", "USER", "nobody"), ["-ERR No such user 'nobody'"]);
});

Deno.test("CLIENT NO-EVICT, NO-TOUCH and CAPA", () => {
  const { server, cs: [c] } = withClients(1);
  assert.deepEqual(run(server, c!, "CLIENT", "NO-EVICT", "on"), ["+OK"]);
  assert.deepEqual(run(server, c!, "CLIENT", "NO-TOUCH", "ON"), ["+OK"]);
  assert.equal(c!.noEvict && c!.noTouch, true);
  assert.deepEqual(run(server, c!, "CLIENT", "NO-EVICT", "yes"), ["-ERR syntax error"]);
  assert.deepEqual(run(server, c!, "CLIENT", "CAPA", "REDIRECT", "other"), ["+OK"]);
  assert.match(run(server, c!, "CLIENT", "INFO")[0]!, / flags=eT capa=r /);
});

Deno.test("CLIENT IMPORT-SOURCE depends on import-mode", () => {
  const off = withClients(1);
  assert.deepEqual(run(off.server, off.cs[0]!, "CLIENT", "IMPORT-SOURCE", "on"), [
    "-ERR Server is not in import mode",
  ]);
  assert.deepEqual(run(off.server, off.cs[0]!, "CLIENT", "IMPORT-SOURCE", "OFF"), ["+OK"]);
  const on = withClients(1, { "import-mode": true });
  assert.deepEqual(run(on.server, on.cs[0]!, "CLIENT", "IMPORT-SOURCE", "on"), ["+OK"]);
  assert.equal(on.cs[0]!.flags.has("I"), true);
  assert.deepEqual(run(on.server, on.cs[0]!, "CLIENT", "IMPORT-SOURCE", "x"), ["-ERR syntax error"]);
  assert.deepEqual(run(on.server, on.cs[0]!, "CLIENT", "IMPORT-SOURCE", "off"), ["+OK"]);
  assert.equal(on.cs[0]!.flags.has("I"), false);
});

Deno.test("CLIENT HELP names the container as typed, upper-cased, and ends with HELP", () => {
  const { server, cs: [c] } = withClients(1);
  const r = run(server, c!, "client", "help");
  assert.equal(r[0], "*78");
  assert.equal(r[1], "+CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
  assert.deepEqual(r.slice(-2), ["+HELP", "+    Print this help."]);
  assert.equal(r.length, 79);
});

Deno.test("CLIENT ID and unknown subcommands", () => {
  const { server, cs: [c] } = withClients(1);
  assert.deepEqual(run(server, c!, "CLIENT", "ID"), [":1"]);
  assert.deepEqual(run(server, c!, "CLIENT", "NOPE"), ["-ERR unknown subcommand 'NOPE'. Try CLIENT HELP."]);
  assert.deepEqual(run(server, c!, "CLIENT"), ["-ERR wrong number of arguments for 'client' command"]);
});
