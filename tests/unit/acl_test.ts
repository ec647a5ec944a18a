/**
 * ACL users and permissions (Valkey's tests/unit/acl.tcl and acl-v2.tcl): ACL SETUSER rules and their
 * canonical form in ACL LIST / GETUSER, the rule errors, AUTH and HELLO with users, NOPERM for commands,
 * subcommands, keys and channels, transactions, `requirepass` as the default user's password, CLIENT
 * LIST/KILL by user, `user` directives, selectors, ACL CAT / GENPASS / DELUSER / DRYRUN, and real clients
 * logging in with a user name.
 */

import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Valkey } from "iovalkey";
import { createClient } from "redis";
import { isValkeyLike, isValkyr, startServer, valkeyOnly } from "../helpers/server.ts";
import { RawConn, RespError, withRaw } from "../helpers/raw.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };
const srv = await startServer();
// A server with an ACL file (relative to its `dir`).
const aclDir = fs.mkdtempSync(path.join(os.tmpdir(), "valkyr-acl-"));
fs.writeFileSync(
  path.join(aclDir, "users.acl"),
  "user alice on >pw ~* +@all\nuser default on nopass ~* &* +@all\n",
);
const fileSrv = await startServer(["--dir", aclDir, "--aclfile", "users.acl"]);
const conf = await startServer([
  "--user",
  "alice",
  "on",
  ">alicepw",
  "~a:*",
  "+@read",
  "--user",
  "default",
  "on",
  "nopass",
  "~*",
  "&*",
  "+@all",
  "-debug",
]);

const WRONGPASS = "WRONGPASS invalid username-password pair or user is disabled.";
// Valkey 8.1 reworded Redis 7.0's NOPERM errors and prints the sanitize-payload flag.
const V = isValkeyLike();
const nopermCmd = (user: string, cmd: string) =>
  V
    ? `NOPERM User ${user} has no permissions to run the '${cmd}' command`
    : `NOPERM this user has no permissions to run the '${cmd}' command`;
const NOPERM_KEY = V
  ? "NOPERM No permissions to access a key"
  : "NOPERM this user has no permissions to access one of the keys used as arguments";
const NOPERM_CHANNEL = V
  ? "NOPERM No permissions to access a channel"
  : "NOPERM this user has no permissions to access one of the channels used as arguments";
/** An ACL LIST line as the target prints it (Redis 7.0 prints sanitize-payload only after `reset`). */
const line = (l: string) => (V ? l : l.replace(" sanitize-payload", ""));
/** GETUSER flags as the target prints them. */
const flags = (...f: string[]) => (V ? [...f, "sanitize-payload"] : f);

async function expectError(c: RawConn, args: (string | number)[], message: string | RegExp): Promise<void> {
  const r = await c.call(...args);
  assert.ok(r instanceof RespError, `${args.join(" ")}: expected an error, got ${JSON.stringify(r)}`);
  if (typeof message === "string") assert.equal(r.message, message);
  else assert.match(r.message, message);
}

/** Runs `fn` with a connection to the shared server and deletes the users it names afterwards. */
async function withUsers(names: string[], fn: (c: RawConn) => Promise<void>): Promise<void> {
  await withRaw(srv.port, async (c) => {
    try {
      await fn(c);
    } finally {
      await c.call("ACL", "DELUSER", ...names);
    }
  });
}

async function login(user: string, pass: string): Promise<RawConn> {
  const c = await RawConn.connect(srv.port);
  assert.equal(await c.call("AUTH", user, pass), "OK");
  return c;
}

Deno.test({
  name: "a new user is off, with no passwords, keys, channels or commands",
  ...opts,
  fn: () =>
    withUsers(["newbie"], async (c) => {
      assert.equal(await c.call("ACL", "SETUSER", "newbie"), "OK");
      const list = await c.call("ACL", "LIST") as string[];
      assert.ok(list.includes(line("user newbie off sanitize-payload resetchannels -@all")), String(list));
      assert.ok(list.includes(line("user default on nopass sanitize-payload ~* &* +@all")), String(list));
      assert.deepEqual(await c.call("ACL", "USERS"), ["default", "newbie"]);
    }),
});

Deno.test({
  name: "ACL LIST prints rules in Valkey's canonical order and form",
  ...opts,
  fn: () =>
    withUsers(["bob"], async (c) => {
      const r = await c.call(
        "ACL",
        "SETUSER",
        "bob",
        "on",
        ">pw",
        "~k*",
        "%R~r*",
        "%W~w*",
        "%RW~b*",
        "&ch",
        "+get",
        "+config|get",
        "-@all",
        "+@read",
        "-get",
        "+select|0",
        "(+set ~x)",
      );
      assert.equal(r, "OK");
      const list = await c.call("ACL", "LIST") as string[];
      assert.ok(
        list.includes(line(
          "user bob on sanitize-payload #30c952fab122c3f9759f02a6d95c3758b246b4fee239957b2d4fee46e26170c4 " +
            "~k* %R~r* %W~w* ~b* resetchannels &ch -@all +@read " +
            // Redis 7.0 derives the rules from its command bitmap, in no fixed order.
            (V
              ? "-get +select|0"
              : list.find((l) => l.startsWith("user bob"))!.match(/\+@read (.*) \(/)![1]) +
            " (~x resetchannels -@all +set)",
        )),
        String(list),
      );
      // A later rule for a command replaces the earlier one (and its subcommand rules).
      await c.call(
        "ACL",
        "SETUSER",
        "bob",
        "reset",
        "+config|get",
        "+config|set",
        "+acl",
        "-config",
        "+@all",
      );
      assert.ok(
        (await c.call("ACL", "LIST") as string[]).includes(
          "user bob off sanitize-payload resetchannels +@all",
        ),
      );
      await c.call(
        "ACL",
        "SETUSER",
        "bob",
        "-@all",
        "+config|get",
        "+config|set",
        "-config",
        "+GET",
        "-@READ",
      );
      // Valkey keeps the rules as written (Redis 7.0 printed rules derived from the command bitmap).
      if (V) {
        assert.ok(
          (await c.call("ACL", "LIST") as string[]).includes(
            "user bob off sanitize-payload resetchannels -@all -config +get -@read",
          ),
        );
      }
    }),
});

Deno.test({
  name: "ACL GETUSER replies flags, password hashes, the root selector and the other selectors",
  ...opts,
  fn: () =>
    withUsers(["gu"], async (c) => {
      await c.call("ACL", "SETUSER", "gu", "on", ">pw", "~k*", "%R~r*", "&ch", "+get", "(+set ~x &y)");
      assert.deepEqual(await c.call("ACL", "GETUSER", "gu"), [
        "flags",
        flags("on"),
        "passwords",
        ["30c952fab122c3f9759f02a6d95c3758b246b4fee239957b2d4fee46e26170c4"],
        "commands",
        "-@all +get",
        "keys",
        "~k* %R~r*",
        "channels",
        "&ch",
        "selectors",
        [["commands", "-@all +set", "keys", "~x", "channels", "&y"]],
      ]);
      assert.equal(await c.call("ACL", "GETUSER", "nobody"), null);
      await c.call("HELLO", "3");
      const m = await c.call("ACL", "GETUSER", "default") as Map<string, unknown>;
      assert.ok(m instanceof Map);
      assert.deepEqual(m.get("commands"), "+@all");
      assert.deepEqual(m.get("keys"), "~*");
      assert.deepEqual(m.get("channels"), "&*");
      assert.deepEqual(m.get("selectors"), []);
    }),
});

Deno.test({
  name: "ACL SETUSER refuses bad rules with Valkey's errors and changes nothing",
  ...opts,
  fn: () =>
    withUsers(["bad"], async (c) => {
      const mod = (rule: string, why: string) => `ERR Error in ACL SETUSER modifier '${rule}': ${why}`;
      await expectError(c, ["ACL", "SETUSER", "bad", "on", "foo"], mod("foo", "Syntax error"));
      // Nothing was applied, not even the valid rules before the bad one.
      assert.equal(await c.call("ACL", "GETUSER", "bad"), null);
      await expectError(
        c,
        ["ACL", "SETUSER", "bad", "+nosuch"],
        mod("+nosuch", "Unknown command or category name in ACL"),
      );
      await expectError(
        c,
        ["ACL", "SETUSER", "bad", "+@nosuch"],
        mod("+@nosuch", "Unknown command or category name in ACL"),
      );
      await expectError(
        c,
        ["ACL", "SETUSER", "bad", "+config|get|x"],
        mod("+config|get|x", "Allowing first-arg of a subcommand is not supported"),
      );
      await expectError(c, ["ACL", "SETUSER", "bad", "+select|"], mod("+select|", "Syntax error"));
      await expectError(c, ["ACL", "SETUSER", "bad", "%X~a"], mod("%X~a", "Syntax error"));
      await expectError(
        c,
        ["ACL", "SETUSER", "bad", "~*", "~a"],
        mod(
          "~a",
          "Adding a pattern after the * pattern (or the 'allkeys' flag) is not valid and does not have any effect. " +
            "Try 'resetkeys' to start with an empty list of patterns",
        ),
      );
      await expectError(
        c,
        ["ACL", "SETUSER", "bad", "&*", "&a"],
        mod(
          "&a",
          "Adding a pattern after the * pattern (or the 'allchannels' flag) is not valid and does not have any " +
            "effect. Try 'resetchannels' to start with an empty list of channels",
        ),
      );
      await expectError(
        c,
        ["ACL", "SETUSER", "bad", "<nope"],
        mod("<nope", "The password you are trying to remove from the user does not exist"),
      );
      await expectError(
        c,
        ["ACL", "SETUSER", "bad", "#abc"],
        mod(
          "#abc",
          "The password hash must be exactly 64 characters and contain only lowercase hexadecimal characters",
        ),
      );
      await expectError(
        c,
        ["ACL", "SETUSER", "bad", "(+get", "~x"],
        "ERR Unmatched parenthesis in acl selector starting at '(+get'.",
      );
      await expectError(c, ["ACL", "SETUSER", "bad", "(+get foo)"], mod("(+get foo)", "Syntax error"));
      await expectError(
        c,
        ["ACL", "SETUSER", "a b"],
        "ERR Usernames can't contain spaces or null characters",
      );
      assert.equal(await c.call("ACL", "GETUSER", "bad"), null);
    }),
});

Deno.test({
  name: "passwords: >, <, #, !, nopass and resetpass",
  ...opts,
  fn: () =>
    withUsers(["pw"], async (c) => {
      const h = "5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8"; // sha256("password")
      await c.call("ACL", "SETUSER", "pw", "on", ">password", ">other", `#${h}`);
      assert.equal((await c.call("ACL", "GETUSER", "pw") as unknown[])[3] instanceof Array, true);
      assert.equal(((await c.call("ACL", "GETUSER", "pw") as unknown[])[3] as string[]).length, 2);
      const u = await RawConn.connect(srv.port);
      try {
        assert.equal(await u.call("AUTH", "pw", "password"), "OK");
        assert.equal(await u.call("AUTH", "pw", "other"), "OK");
        await c.call("ACL", "SETUSER", "pw", `!${h}`);
        await expectError(u, ["AUTH", "pw", "password"], WRONGPASS);
        await c.call("ACL", "SETUSER", "pw", "<other");
        await expectError(u, ["AUTH", "pw", "other"], WRONGPASS);
        await c.call("ACL", "SETUSER", "pw", "nopass");
        assert.equal(await u.call("AUTH", "pw", "anything"), "OK");
        assert.deepEqual(((await c.call("ACL", "GETUSER", "pw")) as unknown[])[1], flags("on", "nopass"));
        await c.call("ACL", "SETUSER", "pw", "resetpass");
        await expectError(u, ["AUTH", "pw", "anything"], WRONGPASS);
        // A disabled user cannot log in, whatever the password.
        await c.call("ACL", "SETUSER", "pw", ">x", "off");
        await expectError(u, ["AUTH", "pw", "x"], WRONGPASS);
      } finally {
        u.close();
      }
    }),
});

Deno.test({
  name: "AUTH and HELLO AUTH log in as a user; ACL WHOAMI and CLIENT LIST show it",
  ...opts,
  fn: () =>
    withUsers(["who"], async (c) => {
      await c.call("ACL", "SETUSER", "who", "on", ">pw", "+@all", "~*");
      const u = await RawConn.connect(srv.port);
      try {
        assert.equal(await u.call("ACL", "WHOAMI"), "default");
        await expectError(u, ["AUTH", "who", "nope"], WRONGPASS);
        await expectError(u, ["AUTH", "nobody", "pw"], WRONGPASS);
        assert.equal(await u.call("AUTH", "who", "pw"), "OK");
        assert.equal(await u.call("ACL", "WHOAMI"), "who");
        assert.match(String(await u.call("CLIENT", "INFO")), / user=who /);
        await expectError(u, ["HELLO", "3", "AUTH", "who", "bad"], WRONGPASS);
        const hello = await u.call("HELLO", "3", "AUTH", "default", "x") as Map<string, unknown>;
        assert.equal(hello.get("proto"), 3);
        assert.equal(await u.call("ACL", "WHOAMI"), "default");
        await u.call("AUTH", "who", "pw");
        // RESET goes back to the default user.
        assert.equal(await u.call("RESET"), "RESET");
        assert.equal(await u.call("ACL", "WHOAMI"), "default");
      } finally {
        u.close();
      }
    }),
});

Deno.test({
  name: "NOPERM for commands and subcommands names the user and the command",
  ...opts,
  fn: () =>
    withUsers(["np"], async (c) => {
      await c.call(
        "ACL",
        "SETUSER",
        "np",
        "on",
        ">pw",
        "~*",
        "&*",
        "+@all",
        "-config",
        "+config|get",
        "-set",
      );
      const u = await login("np", "pw");
      try {
        await expectError(u, ["SET", "k", "v"], nopermCmd("np", "set"));
        await expectError(
          u,
          ["CONFIG", "SET", "maxmemory", "0"],
          nopermCmd("np", "config|set"),
        );
        assert.ok(Array.isArray(await u.call("CONFIG", "GET", "maxmemory")));
        // Unknown commands and wrong arities are found first.
        await expectError(u, ["SET", "k"], "ERR wrong number of arguments for 'set' command");
        // AUTH and HELLO need no permission.
        await c.call("ACL", "SETUSER", "np", "-@all");
        assert.equal(await u.call("AUTH", "np", "pw"), "OK");
        await expectError(u, ["PING"], nopermCmd("np", "ping"));
      } finally {
        u.close();
      }
    }),
});

Deno.test({
  name: "a first argument may be allowed for a command without subcommands (SELECT 0)",
  ...opts,
  fn: () =>
    withUsers(["fa"], async (c) => {
      await c.call("ACL", "SETUSER", "fa", "on", ">pw", "-@all", "+select|0", "+acl|whoami");
      const u = await login("fa", "pw");
      try {
        assert.equal(await u.call("SELECT", "0"), "OK");
        await expectError(
          u,
          ["SELECT", "1"],
          nopermCmd("fa", "select"),
        );
        await c.call("ACL", "SETUSER", "fa", "-select");
        await expectError(
          u,
          ["SELECT", "0"],
          nopermCmd("fa", "select"),
        );
      } finally {
        u.close();
      }
    }),
});

Deno.test({
  name: "key patterns: ~, %R~, %W~ follow the key specs' access flags",
  ...opts,
  fn: () =>
    withUsers(["kp"], async (c) => {
      await c.call("ACL", "SETUSER", "kp", "on", ">pw", "+@all", "~rw:*", "%R~ro:*", "%W~wo:*");
      const u = await login("kp", "pw");
      const KEY = NOPERM_KEY;
      try {
        assert.equal(await u.call("SET", "rw:1", "v"), "OK");
        assert.equal(await u.call("GET", "rw:1"), "v");
        assert.equal(await u.call("GET", "ro:1"), null);
        await expectError(u, ["SET", "ro:1", "v"], KEY);
        assert.equal(await u.call("SET", "wo:1", "v"), "OK");
        await expectError(u, ["GET", "wo:1"], KEY);
        await expectError(u, ["GET", "other"], KEY);
        // COPY reads its source and writes its destination.
        assert.equal(await u.call("COPY", "ro:1", "wo:2"), 0);
        await expectError(u, ["COPY", "wo:1", "ro:2"], KEY);
        await expectError(u, ["MSET", "rw:2", "v", "x", "v"], KEY);
        await u.call("DEL", "rw:1", "wo:1");
      } finally {
        u.close();
      }
    }),
});

Deno.test({
  name: "channel patterns: PUBLISH and SUBSCRIBE match them, PSUBSCRIBE compares literally",
  ...opts,
  fn: () =>
    withUsers(["cp"], async (c) => {
      await c.call("ACL", "SETUSER", "cp", "on", ">pw", "+@all", "~*", "resetchannels", "&news.*");
      const u = await login("cp", "pw");
      const CH = NOPERM_CHANNEL;
      try {
        assert.equal(await u.call("PUBLISH", "news.a", "m"), 0);
        await expectError(u, ["PUBLISH", "sport", "m"], CH);
        await expectError(u, ["SUBSCRIBE", "news.a", "sport"], CH);
        await expectError(u, ["PSUBSCRIBE", "news.a*"], CH);
        await expectError(u, ["SPUBLISH", "sport", "m"], CH);
      } finally {
        u.close();
      }
    }),
});

Deno.test({
  name: "a subscriber is disconnected when its channels are revoked",
  ...opts,
  fn: () =>
    withUsers(["sub"], async (c) => {
      await c.call("ACL", "SETUSER", "sub", "on", ">pw", "+@all", "~*", "resetchannels", "&a", "&b");
      const u = await login("sub", "pw");
      try {
        await u.call("SUBSCRIBE", "a");
        // Adding a channel keeps it.
        await c.call("ACL", "SETUSER", "sub", "&c");
        assert.equal(await u.waitClosed(200), false);
        await c.call("ACL", "SETUSER", "sub", "resetchannels", "&b");
        assert.equal(await u.waitClosed(2000), true);
      } finally {
        u.close();
      }
    }),
});

Deno.test({
  name: "selectors: a command runs when any selector allows it",
  ...opts,
  fn: () =>
    withUsers(["sel"], async (c) => {
      await c.call("ACL", "SETUSER", "sel", "on", ">pw", "+get", "~read:*", "(+set ~write:*)");
      const u = await login("sel", "pw");
      try {
        assert.equal(await u.call("GET", "read:1"), null);
        assert.equal(await u.call("SET", "write:1", "v"), "OK");
        await expectError(u, ["SET", "read:1", "v"], NOPERM_KEY);
        await expectError(u, ["GET", "write:1"], NOPERM_KEY);
        await expectError(
          u,
          ["DEL", "write:1"],
          nopermCmd("sel", "del"),
        );
        await c.call("ACL", "SETUSER", "sel", "clearselectors");
        await expectError(
          u,
          ["SET", "write:1", "v"],
          nopermCmd("sel", "set"),
        );
        await c.call("DEL", "write:1");
      } finally {
        u.close();
      }
    }),
});

Deno.test({
  name: "MULTI: a denied command aborts the transaction; EXEC checks the rules again",
  ...opts,
  fn: () =>
    withUsers(["tx"], async (c) => {
      await c.call("ACL", "SETUSER", "tx", "on", ">pw", "+@all", "~*", "-flushall");
      const u = await login("tx", "pw");
      try {
        assert.equal(await u.call("MULTI"), "OK");
        await expectError(u, ["FLUSHALL"], nopermCmd("tx", "flushall"));
        await expectError(
          u,
          ["EXEC"],
          "EXECABORT Transaction discarded because of previous errors.",
        );
        assert.equal(await u.call("MULTI"), "OK");
        assert.equal(await u.call("SET", "tx:k", "1"), "QUEUED");
        assert.equal(await u.call("GET", "tx:k"), "QUEUED");
        await c.call("ACL", "SETUSER", "tx", "-set");
        const r = await u.call("EXEC") as unknown[];
        assert.ok(r[0] instanceof RespError);
        assert.equal(
          (r[0] as RespError).message,
          "NOPERM ACLs rules changed between the moment the transaction was accumulated and the EXEC call. " +
            "This command is no longer allowed for the following reason: no permission to execute the command " +
            "or subcommand",
        );
        assert.equal(r[1], null);
      } finally {
        u.close();
      }
    }),
});

Deno.test({
  name: "ACL DELUSER refuses default, counts deleted users and disconnects their clients",
  ...opts,
  fn: () =>
    withUsers(["d1", "d2"], async (c) => {
      await expectError(c, ["ACL", "DELUSER", "d1", "default"], "ERR The 'default' user cannot be removed");
      await c.call("ACL", "SETUSER", "d1", "on", ">pw", "+@all");
      await c.call("ACL", "SETUSER", "d2", "on", ">pw", "+@all");
      const u = await login("d1", "pw");
      try {
        assert.equal(await c.call("ACL", "DELUSER", "d1", "d2", "nobody"), 2);
        assert.equal(await u.waitClosed(2000), true);
      } finally {
        u.close();
      }
      // A client deleting its own user gets the reply, then is closed.
      await c.call("ACL", "SETUSER", "d1", "on", ">pw", "+@all");
      const self = await login("d1", "pw");
      try {
        assert.equal(await self.call("ACL", "DELUSER", "d1"), 1);
        assert.equal(await self.waitClosed(2000), true);
      } finally {
        self.close();
      }
    }),
});

Deno.test({
  name: "CLIENT KILL USER closes a user's clients; an unknown user is an error",
  ...opts,
  fn: () =>
    withUsers(["kk"], async (c) => {
      await c.call("ACL", "SETUSER", "kk", "on", ">pw", "+@all");
      const u = await login("kk", "pw");
      try {
        assert.equal(await c.call("CLIENT", "KILL", "USER", "kk"), 1);
        assert.equal(await u.waitClosed(2000), true);
        await expectError(c, ["CLIENT", "KILL", "USER", "nobody"], "ERR No such user 'nobody'");
      } finally {
        u.close();
      }
    }),
});

Deno.test({
  name: "requirepass sets the default user's password",
  ...opts,
  fn: () =>
    withRaw(srv.port, async (c) => {
      try {
        assert.equal(await c.call("CONFIG", "SET", "requirepass", "secret"), "OK");
        const g = await c.call("ACL", "GETUSER", "default") as unknown[];
        assert.deepEqual(g[1], flags("on"));
        assert.deepEqual(g[3], ["2bb80d537b1da3e38bd30361aa855686bde0eacd7162fef6a25fe97bf527a25b"]);
        const u = await RawConn.connect(srv.port);
        try {
          await expectError(u, ["GET", "x"], "NOAUTH Authentication required.");
          assert.equal(await u.call("AUTH", "secret"), "OK");
        } finally {
          u.close();
        }
      } finally {
        assert.equal(await c.call("CONFIG", "SET", "requirepass", ""), "OK");
      }
      assert.deepEqual((await c.call("ACL", "GETUSER", "default") as unknown[])[1], flags("on", "nopass"));
    }),
});

Deno.test({
  name: "ACL CAT lists the categories, and the commands of one",
  ...opts,
  fn: () =>
    withRaw(srv.port, async (c) => {
      const cats = await c.call("ACL", "CAT") as string[];
      assert.deepEqual(cats.slice(0, 21), [
        "keyspace",
        "read",
        "write",
        "set",
        "sortedset",
        "list",
        "hash",
        "string",
        "bitmap",
        "hyperloglog",
        "geo",
        "stream",
        "pubsub",
        "admin",
        "fast",
        "slow",
        "blocking",
        "dangerous",
        "connection",
        "transaction",
        "scripting",
      ]);
      const keyspace = await c.call("ACL", "CAT", "KEYSPACE") as string[];
      for (const cmd of ["del", "expire", "scan", "object|encoding"]) assert.ok(keyspace.includes(cmd), cmd);
      assert.ok(!keyspace.includes("get"));
      const slow = await c.call("ACL", "CAT", "slow") as string[];
      assert.ok(slow.includes("config") && slow.includes("config|set"));
      await expectError(c, ["ACL", "CAT", "nosuch"], "ERR Unknown category 'nosuch'");
      await expectError(
        c,
        ["ACL", "CAT", "a", "b"],
        "ERR unknown subcommand or wrong number of arguments for 'CAT'. Try ACL HELP.",
      );
    }),
});

Deno.test({
  name: "module commands belong to their module's ACL category",
  ...opts,
  ignore: !isValkyr(),
  fn: () =>
    withUsers(["bf"], async (c) => {
      assert.ok((await c.call("ACL", "CAT") as string[]).includes("bloom"));
      assert.ok((await c.call("ACL", "CAT", "bloom") as string[]).includes("BF.ADD"));
      await c.call("ACL", "SETUSER", "bf", "on", ">pw", "~*", "+@bloom");
      const u = await login("bf", "pw");
      try {
        assert.equal(await u.call("BF.ADD", "bf:k", "x"), 1);
        await expectError(u, ["GET", "bf:k"], nopermCmd("bf", "get"));
        await u.call("AUTH", "default", "x");
        await u.call("DEL", "bf:k");
      } finally {
        u.close();
      }
    }),
});

Deno.test({
  name: "ACL GENPASS returns random hex of the asked number of bits",
  ...opts,
  fn: () =>
    withRaw(srv.port, async (c) => {
      const p = await c.call("ACL", "GENPASS") as string;
      assert.match(p, /^[0-9a-f]{64}$/);
      assert.notEqual(await c.call("ACL", "GENPASS"), p);
      assert.equal((await c.call("ACL", "GENPASS", "5") as string).length, 2);
      assert.equal((await c.call("ACL", "GENPASS", "4096") as string).length, 1024);
      const range =
        "ERR ACL GENPASS argument must be the number of bits for the output password, a positive " +
        "number up to 4096";
      await expectError(c, ["ACL", "GENPASS", "0"], range);
      await expectError(c, ["ACL", "GENPASS", "4097"], range);
      await expectError(c, ["ACL", "GENPASS", "x"], "ERR value is not an integer or out of range");
    }),
});

Deno.test({
  name: "ACL DRYRUN tells whether a user could run a command",
  ...opts,
  fn: () =>
    withUsers(["dry"], async (c) => {
      await c.call("ACL", "SETUSER", "dry", "on", "+get", "~k*", "&ch");
      assert.equal(await c.call("ACL", "DRYRUN", "dry", "GET", "k1"), "OK");
      assert.equal(
        await c.call("ACL", "DRYRUN", "dry", "GET", "x"),
        `${V ? "User dry" : "This user"} has no permissions to access the 'x' key`,
      );
      assert.equal(
        await c.call("ACL", "DRYRUN", "dry", "SET", "k1", "v"),
        `${V ? "User dry" : "This user"} has no permissions to run the 'set' command`,
      );
      await expectError(c, ["ACL", "DRYRUN", "nobody", "GET", "x"], "ERR User 'nobody' not found");
      await expectError(c, ["ACL", "DRYRUN", "dry", "NOSUCH"], "ERR Command 'NOSUCH' not found");
      await expectError(
        c,
        ["ACL", "DRYRUN", "dry", "GET"],
        "ERR wrong number of arguments for 'get' command",
      );
    }),
});

Deno.test({
  name: "`user` directives create users at start; default can be redefined",
  ...opts,
  fn: () =>
    withRaw(conf.port, async (c) => {
      assert.deepEqual(await c.call("ACL", "LIST"), [
        line(
          "user alice on sanitize-payload #6624974ea2baffac164422e4490376c1c31313cd97724ae8ce62fb3f0a0370f2 ~a:* " +
            "resetchannels -@all +@read",
        ),
        "user default on nopass sanitize-payload ~* &* +@all -debug",
      ]);
    }),
});

Deno.test({
  name: "iovalkey and node-redis log in with a user name",
  ...opts,
  fn: () =>
    withUsers(["cli"], async (c) => {
      await c.call("ACL", "SETUSER", "cli", "on", ">clipw", "~cli:*", "+@all");
      const io = new Valkey({ port: srv.port, username: "cli", password: "clipw", lazyConnect: true });
      await io.connect();
      try {
        assert.equal(await io.call("ACL", "WHOAMI"), "cli");
        assert.equal(await io.set("cli:1", "v"), "OK");
        await assert.rejects(() => io.get("other"), /NOPERM/);
        await io.del("cli:1");
      } finally {
        io.disconnect();
      }
      const nr = createClient({ socket: { port: srv.port }, username: "cli", password: "clipw" });
      await nr.connect();
      try {
        assert.equal(await nr.sendCommand(["ACL", "WHOAMI"]), "cli");
        await assert.rejects(() => nr.get("other"), /NOPERM/);
      } finally {
        await nr.quit();
      }
    }),
});

Deno.test({
  name: "ACL LOG records denials and failed AUTHs, groups repeats, and resets",
  ...opts,
  ...valkeyOnly(),
  fn: () =>
    withUsers(["lg"], async (c) => {
      await c.call("ACL", "LOG", "RESET");
      await c.call("ACL", "SETUSER", "lg", "on", ">pw", "~k*", "&ch", "+@all", "-config");
      const u = await login("lg", "pw");
      const fields = (e: unknown[]) => {
        const m = new Map<string, unknown>();
        for (let i = 0; i < e.length; i += 2) m.set(e[i] as string, e[i + 1]);
        return m;
      };
      try {
        await u.call("GET", "x");
        await u.call("GET", "x");
        await u.call("CONFIG", "GET", "maxmemory");
        await u.call("PUBLISH", "other", "m");
        await u.call("MULTI");
        await u.call("GET", "y");
        await u.call("DISCARD");
        await u.call("AUTH", "lg", "wrong");
        const log = (await c.call("ACL", "LOG") as unknown[][]).map(fields);
        assert.equal(log.length, 5);
        const [auth, multi, channel, cmd, key] = log;
        assert.deepEqual(
          [...key!.keys()],
          [
            "count",
            "reason",
            "context",
            "object",
            "username",
            "age-seconds",
            "client-info",
            "entry-id",
            "timestamp-created",
            "timestamp-last-updated",
          ],
        );
        assert.deepEqual(
          [
            key!.get("count"),
            key!.get("reason"),
            key!.get("context"),
            key!.get("object"),
            key!.get("username"),
          ],
          [2, "key", "toplevel", "x", "lg"],
        );
        assert.match(String(key!.get("client-info")), /^id=\d+ addr=.* cmd=get user=lg /);
        assert.deepEqual([cmd!.get("reason"), cmd!.get("object")], ["command", "config|get"]);
        assert.deepEqual([channel!.get("reason"), channel!.get("object")], ["channel", "other"]);
        assert.deepEqual([multi!.get("context"), multi!.get("object")], ["multi", "y"]);
        assert.deepEqual(
          [auth!.get("reason"), auth!.get("context"), auth!.get("object"), auth!.get("username")],
          ["auth", "toplevel", "AUTH", "lg"],
        );
        const id = key!.get("entry-id") as number;
        assert.deepEqual(log.map((e) => e.get("entry-id")), [id + 4, id + 3, id + 2, id + 1, id]);
        assert.equal((await c.call("ACL", "LOG", "2") as unknown[]).length, 2);
        assert.equal((await c.call("ACL", "LOG", "-1") as unknown[]).length, 0);
        await expectError(c, ["ACL", "LOG", "x"], "ERR value is not an integer or out of range");
        assert.equal(await c.call("ACL", "LOG", "RESET"), "OK");
        assert.deepEqual(await c.call("ACL", "LOG"), []);
        // acllog-max-len bounds the log.
        await c.call("CONFIG", "SET", "acllog-max-len", "2");
        for (const k of ["a", "b", "c"]) await u.call("GET", k);
        const trimmed = (await c.call("ACL", "LOG") as unknown[][]).map(fields);
        assert.deepEqual(trimmed.map((e) => e.get("object")), ["c", "b"]);
        assert.match(String(await c.call("INFO", "stats")), /acl_access_denied_key:\d+/);
      } finally {
        await c.call("CONFIG", "SET", "acllog-max-len", "128");
        await c.call("ACL", "LOG", "RESET");
        u.close();
      }
    }),
});

Deno.test({
  name: "ACL LOAD and ACL SAVE read and write the ACL file; errors change nothing",
  ...opts,
  fn: () =>
    withRaw(fileSrv.port, async (c) => {
      const file = path.join(aclDir, "users.acl");
      assert.deepEqual(await c.call("ACL", "USERS"), ["alice", "default"]);
      assert.equal(await c.call("ACL", "SETUSER", "bob", "on", "nopass", "+get"), "OK");
      assert.equal(await c.call("ACL", "SAVE"), "OK");
      assert.equal(
        fs.readFileSync(file, "latin1"),
        line(
          "user alice on sanitize-payload #30c952fab122c3f9759f02a6d95c3758b246b4fee239957b2d4fee46e26170c4 ~* " +
            "resetchannels +@all\n",
        ) + line("user bob on nopass sanitize-payload resetchannels -@all +get\n") +
          line("user default on nopass sanitize-payload ~* &* +@all\n"),
      );
      const bob = await RawConn.connect(fileSrv.port);
      try {
        assert.equal(await bob.call("AUTH", "bob", "x"), "OK");
        fs.writeFileSync(file, "user alice on >pw ~* +@all +nosuch\nfoo bar\nuser alice\n");
        await expectError(
          c,
          ["ACL", "LOAD"],
          "ERR users.acl:1: Error in applying operation '+nosuch': Unknown command or category name in ACL. " +
            "users.acl:2 should start with user keyword followed by the username. " +
            "WARNING: Duplicate user 'alice' found on line 3. " +
            "WARNING: ACL errors detected, no change to the previously active ACL rules was performed",
        );
        assert.deepEqual(await c.call("ACL", "USERS"), ["alice", "bob", "default"]);
        // A user the file no longer has loses its clients; a file without default gets the default one.
        fs.writeFileSync(file, "user carol on nopass ~* +@all\n");
        assert.equal(await c.call("ACL", "LOAD"), "OK");
        assert.deepEqual(await c.call("ACL", "USERS"), ["carol", "default"]);
        assert.equal(await bob.waitClosed(2000), true);
        assert.equal(await c.call("PING"), "PONG");
        fs.rmSync(file);
        await expectError(
          c,
          ["ACL", "LOAD"],
          "ERR Error loading ACLs, opening file 'users.acl': No such file or directory",
        );
      } finally {
        bob.close();
      }
    }),
});

Deno.test({
  name: "ACL LOAD and SAVE need an ACL file",
  ...opts,
  // Redis 7.0 says "This Redis instance ... a Redis configuration file ...".
  ...valkeyOnly(),
  fn: () =>
    withRaw(srv.port, async (c) => {
      const err =
        "ERR This instance is not configured to use an ACL file. You may want to specify users via the " +
        "ACL SETUSER command and then issue a CONFIG REWRITE (assuming you have a configuration file set) in order " +
        "to store users in the configuration.";
      await expectError(c, ["ACL", "LOAD"], err);
      await expectError(c, ["ACL", "SAVE"], err);
    }),
});

Deno.test({
  name: "SORT BY and GET patterns need read access to every key",
  ...opts,
  fn: () =>
    withUsers(["srt"], async (c) => {
      await c.call("ACL", "SETUSER", "srt", "on", ">pw", "+@all", "~srt:*");
      await c.call("RPUSH", "srt:l", "2", "1");
      const u = await login("srt", "pw");
      try {
        await expectError(
          u,
          ["SORT", "srt:l", "BY", "w_*"],
          "ERR BY option of SORT denied due to insufficient ACL permissions.",
        );
        await expectError(
          u,
          ["SORT", "srt:l", "GET", "#"],
          "ERR GET option of SORT denied due to insufficient ACL permissions.",
        );
        assert.deepEqual(await u.call("SORT", "srt:l", "BY", "nosort"), ["2", "1"]);
        await c.call("ACL", "SETUSER", "srt", "%R~*");
        assert.deepEqual(await u.call("SORT", "srt:l", "BY", "w_*", "GET", "#"), ["1", "2"]);
      } finally {
        u.close();
        await c.call("DEL", "srt:l");
      }
    }),
});

Deno.test({
  name: "the Valkey 8.1 ACL HELP text",
  ...opts,
  ...valkeyOnly(),
  fn: () =>
    withRaw(srv.port, async (c) => {
      const help = await c.call("ACL", "HELP") as string[];
      assert.equal(help[0], "ACL <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
      assert.equal(help.at(-2), "HELP");
    }),
});

Deno.test({
  name: "stop servers",
  ...opts,
  fn: async () => {
    await srv.stop();
    await conf.stop();
    await fileSrv.stop();
    fs.rmSync(aclDir, { recursive: true, force: true });
  },
});
