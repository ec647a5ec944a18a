import assert from "node:assert/strict";
import { dispatch } from "../dispatch.ts";
import type { Client } from "../../server/client.ts";
import type { Server } from "../../server/server.ts";
import { clientSpec } from "./client.ts";
import { connectionHooks } from "./hooks.ts";
import { helloSpec } from "./hello.ts";
import { fakeClient, fakeServer, writerOf } from "./test_util.ts";

const enc = new TextEncoder();

function run(server: Server, c: Client, ...argv: string[]): string[] {
  const w = writerOf(c);
  const mark = w.length;
  dispatch(server, c, argv.map((a) => enc.encode(a)));
  return w.replies.slice(mark);
}

const BODY = ["$server", "$valkey", "$version", "$8.1.1", "$proto"];

Deno.test("HELLO 3 switches the client and its writer to RESP3 before replying", () => {
  const server = fakeServer([helloSpec]);
  const c = fakeClient({ id: 42 });
  assert.deepEqual(run(server, c, "HELLO", "3"), [
    "%7",
    ...BODY,
    ":3",
    "$id",
    ":42",
    "$mode",
    "$standalone",
    "$role",
    "$master",
    "$modules",
    "*0",
  ]);
  assert.equal(c.resp, 3);
  assert.equal(c.writer.proto, 3);
  assert.deepEqual(run(server, c, "HELLO").slice(0, 7), ["%7", ...BODY, ":3"]);
  assert.deepEqual(run(server, c, "HELLO", "2").slice(0, 7), ["*14", ...BODY, ":2"]);
  assert.equal(c.resp, 2);
});

Deno.test("HELLO adds availability_zone when configured and says redis with extended compatibility", () => {
  const server = fakeServer([helloSpec], "", {
    "availability-zone": "az1",
    "extended-redis-compatibility": true,
  });
  const r = run(server, fakeClient(), "HELLO");
  assert.equal(r[0], "*16");
  assert.deepEqual(r.slice(1, 5), ["$server", "$redis", "$version", "$7.2.4"]);
  assert.deepEqual(r.slice(-2), ["$availability_zone", "$az1"]);
});

Deno.test("HELLO lists modules through the modules hook", () => {
  const server = fakeServer([helloSpec]);
  connectionHooks(server).modules = (w) => {
    w.arrayHeader(1);
    w.bulkStr("mymodule");
  };
  assert.deepEqual(run(server, fakeClient(), "HELLO").slice(-3), ["$modules", "*1", "$mymodule"]);
});

Deno.test("HELLO checks the version, then the options in order, then authentication", () => {
  const server = fakeServer([helloSpec, clientSpec], "pw");
  const c = fakeClient({ authenticated: false });
  assert.deepEqual(run(server, c, "HELLO", "x", "bogus"), [
    "-ERR Protocol version is not an integer or out of range",
  ]);
  assert.deepEqual(run(server, c, "HELLO", "1"), ["-NOPROTO unsupported protocol version"]);
  assert.deepEqual(run(server, c, "HELLO", "3", "SETNAME", "a b", "AUTH", "default", "pw"), [
    "-ERR Client names cannot contain spaces, newlines or special characters.",
  ]);
  assert.deepEqual(run(server, c, "HELLO", "3", "AUTH", "default"), [
    "-ERR Syntax error in HELLO option 'AUTH'",
  ]);
  assert.deepEqual(run(server, c, "HELLO", "3", "AUTH", "default", "bad", "SETNAME", "n"), [
    "-WRONGPASS invalid username-password pair or user is disabled.",
  ]);
  assert.match(run(server, c, "HELLO", "3")[0]!, /^-NOAUTH HELLO must be called/);
  assert.equal(c.resp, 2);
  assert.equal(c.name, "");
  assert.equal(run(server, c, "HELLO", "3", "AUTH", "default", "pw", "SETNAME", "n")[0], "%7");
  assert.equal(c.authenticated, true);
  assert.equal(c.name, "n");
  assert.equal(c.resp, 3);
});
