import assert from "node:assert/strict";
import { dispatch } from "../dispatch.ts";
import type { Client } from "../../server/client.ts";
import type { Server } from "../../server/server.ts";
import { authenticate, authSpec, defaultUserDirectory } from "./auth.ts";
import { connectionHooks } from "./hooks.ts";
import { pingSpec } from "./ping.ts";
import { quitSpec, resetSpec } from "./reset.ts";
import { fakeClient, fakeServer, writerOf } from "./test_util.ts";

const enc = new TextEncoder();

function run(server: Server, c: Client, ...argv: string[]): string | undefined {
  dispatch(server, c, argv.map((a) => enc.encode(a)));
  return writerOf(c).replies.at(-1);
}

Deno.test("without requirepass the default user takes any password and nobody else exists", () => {
  const users = defaultUserDirectory(fakeServer());
  assert.equal(users.defaultIsNopass(), true);
  assert.equal(users.check(enc.encode("default"), enc.encode("whatever")) !== null, true);
  assert.equal(users.check(enc.encode("Default"), enc.encode("")) !== null, false);
  assert.equal(users.exists(enc.encode("default")), true);
  assert.equal(users.exists(enc.encode("other")), false);
});

Deno.test("with requirepass the default user takes exactly that password", () => {
  const users = defaultUserDirectory(fakeServer([], "s3cret"));
  assert.equal(users.defaultIsNopass(), false);
  assert.equal(users.check(enc.encode("default"), enc.encode("s3cret")) !== null, true);
  assert.equal(users.check(enc.encode("default"), enc.encode("s3cret ")) !== null, false);
  assert.equal(users.check(enc.encode("default"), enc.encode("")) !== null, false);
  const binary = defaultUserDirectory(fakeServer([], "abc\0def"));
  assert.equal(binary.check(enc.encode("default"), enc.encode("abc")) !== null, false);
  assert.equal(
    binary.check(enc.encode("default"), Uint8Array.of(97, 98, 99, 0, 100, 101, 102)) !== null,
    true,
  );
});

Deno.test("authenticate marks the client and reports failures to the hooks", () => {
  const server = fakeServer([], "pw");
  const c = fakeClient({ authenticated: false, user: "default" });
  const failures: string[] = [];
  connectionHooks(server).authFailed.push((_c, u) => failures.push(new TextDecoder().decode(u)));
  assert.equal(
    authenticate(server, c, enc.encode("default"), enc.encode("no")),
    "WRONGPASS invalid username-password pair or user is disabled.",
  );
  assert.equal(c.authenticated, false);
  assert.deepEqual(failures, ["default"]);
  assert.equal(authenticate(server, c, enc.encode("default"), enc.encode("pw")), null);
  assert.equal(c.authenticated, true);
  assert.equal(c.user, "default");
});

Deno.test("AUTH, QUIT, RESET and PING replies", () => {
  const server = fakeServer([authSpec, pingSpec, quitSpec, resetSpec]);
  const c = fakeClient();
  assert.equal(
    run(server, c, "AUTH", "pw"),
    "-ERR AUTH <password> called without any password configured for the default user. " +
      "Are you sure your configuration is correct?",
  );
  assert.equal(run(server, c, "AUTH", "default", "x"), "+OK");
  assert.equal(
    run(server, c, "AUTH", "bob", "x"),
    "-WRONGPASS invalid username-password pair or user is disabled.",
  );
  assert.equal(run(server, c, "AUTH", "a", "b", "c"), "-ERR syntax error");
  assert.equal(run(server, c, "PING"), "+PONG");
  assert.equal(run(server, c, "PING", "hi"), "$hi");
  assert.equal(run(server, c, "PING", "a", "b"), "-ERR wrong number of arguments for 'ping' command");
  c.flags.add("P");
  run(server, c, "PING");
  assert.deepEqual(writerOf(c).replies.slice(-2), ["$pong", "$"]);
  c.flags.delete("P");
  c.db = 3;
  c.name = "x";
  c.noTouch = true;
  c.replyOff = true;
  assert.equal(run(server, c, "RESET"), "+RESET");
  assert.equal(c.db, 0);
  assert.equal(c.name, "");
  assert.equal(c.noTouch, false);
  assert.equal(c.replyOff, false);
  assert.equal(c.authenticated, true);
  c.flags.add("S");
  assert.equal(run(server, c, "RESET"), "-ERR can only reset normal client connections");
  assert.equal(run(server, c, "QUIT"), "+OK");
  assert.equal(c.closeAfterReply, true);
});

Deno.test("RESET runs the other subsystems' reset hooks and drops authentication when a password is set", () => {
  const server = fakeServer([resetSpec], "pw");
  const c = fakeClient({ authenticated: true });
  const reset: Client[] = [];
  connectionHooks(server).reset.push((x) => reset.push(x));
  assert.equal(run(server, c, "RESET"), "+RESET");
  assert.deepEqual(reset, [c]);
  assert.equal(c.authenticated, false);
});
