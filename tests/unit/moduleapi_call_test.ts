/**
 * The module API's `ctx.call()` (Valkey's ValkeyModule_Call) over TCP, through a test module whose
 * commands call other commands: replies as values (RESP2 and RESP3), forwarding them, the flags' checks
 * and their error texts (as Valkey 8.1.1's RM_Call writes them: module.c, checked against its
 * tests/modules/misc.c `test.rm_call_flags` behaviour), no blocking, deferred error counting, ACL in the
 * `module` context, AOF propagation only with `!`, and nested calls; the ACL functions (current user,
 * command/key/channel checks, ACL LOG entries) and authentication callbacks. Valkyr only: its modules are TypeScript / JavaScript files.
 */

import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { isValkyr, startServer } from "../helpers/server.ts";
import { RawConn, RespError } from "../helpers/raw.ts";
import { waitUntil } from "../helpers/timing.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };
const ignore = !isValkyr();

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "valkyr-modcall-"));
const MODULE = path.join(dir, "mcall.js");
fs.writeFileSync(
  MODULE,
  `
const dec = new TextDecoder();
/** The reply tree as text: types and values, to check what ctx.call() parsed. */
function shape(r) {
  const attr = r.attribute ? "|" + r.attribute.map(([k, v]) => shape(k) + "=" + shape(v)).join(",") + "|" : "";
  switch (r.type) {
    case "string": return attr + "s:" + dec.decode(r.value);
    case "verbatim": return attr + "v:" + r.format + ":" + dec.decode(r.value);
    case "error": return attr + "e:" + r.value;
    case "integer": return attr + "i:" + r.value.toString();
    case "null": return attr + "null";
    case "bool": return attr + "b:" + r.value;
    case "double": return attr + "d:" + r.value;
    case "bignumber": return attr + "n:" + r.value;
    case "map": return attr + "{" + r.value.map(([k, v]) => shape(k) + "=" + shape(v)).join(",") + "}";
    default: return attr + r.type + "[" + r.value.map(shape).join(",") + "]";
  }
}
function words(ctx, from) { return ctx.argv.slice(from); }
const te = new TextEncoder();
export const manifest = {
  name: "mcall", version: 1, apiVersion: 1,
  // AUTH <user> <password>: "token:<user>" logs in as <user> (an ACL user); "bad-token" is refused with the
  // module's text and an ACL LOG entry; "throw" makes the callback throw; anything else goes on to the
  // users' passwords.
  authCallbacks: [
    (ctx, user, pass) => {
      const p = dec.decode(pass);
      if (p === "throw") throw new Error("boom");
      if (p === "bad-token") {
        ctx.aclAddLogEntry(dec.decode(user), "bad-token", "auth");
        return { deny: "Auth denied by mcall" };
      }
      if (p === "token:" + dec.decode(user)) return ctx.authenticateWithUser(dec.decode(user)) ? "handled" : { deny: "-WRONGPASS no such user here" };
      return "not-handled";
    },
  ],
  commands: [
    // mcall.fwd <flags> <command> [args...]: calls and forwards the reply as it came.
    { name: "mcall.fwd", arity: -3, flags: ["WRITE"], handler: (ctx) => {
      const [flags, cmd, ...args] = words(ctx, 1);
      const r = ctx.call(cmd, args, dec.decode(flags) === "-" ? "" : dec.decode(flags));
      if (r === null) return ctx.reply.error("ERRNO " + ctx.callErrno);
      if (!ctx.reply.callReply(r)) ctx.reply.error("ERR cannot forward a RESP3 reply to a RESP2 client");
    } },
    // mcall.shape <flags> <command> [args...]: the parsed reply as text.
    { name: "mcall.shape", arity: -3, flags: ["WRITE"], handler: (ctx) => {
      const [flags, cmd, ...args] = words(ctx, 1);
      const r = ctx.call(cmd, args, dec.decode(flags) === "-" ? "" : dec.decode(flags));
      if (r === null) return ctx.reply.error("ERRNO " + ctx.callErrno);
      ctx.reply.bulkStr(shape(r));
    } },
    { name: "mcall.whoami", arity: 1, flags: ["FAST"], handler: (ctx) => ctx.reply.bulkStr(ctx.currentUserName()) },
    // mcall.aclcmd <user> <command> [args...]: "ok" or "<reason>:<position>".
    { name: "mcall.aclcmd", arity: -3, flags: ["FAST"], handler: (ctx) => {
      const d = ctx.aclCheckCommand(dec.decode(ctx.argv[1]), ctx.argv.slice(2));
      ctx.reply.simple(d === null ? "ok" : d.reason + ":" + d.position);
    } },
    // mcall.aclkey <user> <key> <op> [op...]
    { name: "mcall.aclkey", arity: -4, flags: ["FAST"], handler: (ctx) => {
      ctx.reply.int(ctx.aclCheckKey(dec.decode(ctx.argv[1]), ctx.argv[2], ctx.argv.slice(3).map((o) => dec.decode(o))) ? 1 : 0);
    } },
    // mcall.aclchan <user> <channel> [pattern]
    { name: "mcall.aclchan", arity: -3, flags: ["FAST"], handler: (ctx) => {
      ctx.reply.int(ctx.aclCheckChannel(dec.decode(ctx.argv[1]), ctx.argv[2], ctx.argv.length > 3) ? 1 : 0);
    } },
    // mcall.acllog <user> <object> <reason>
    { name: "mcall.acllog", arity: 4, flags: ["FAST"], handler: (ctx) => {
      ctx.aclAddLogEntry(dec.decode(ctx.argv[1]), ctx.argv[2], dec.decode(ctx.argv[3]));
      ctx.reply.ok();
    } },
    // mcall.nested <key>: calls mcall.shape, which calls INCR; then replies with its own argv.
    { name: "mcall.nested", arity: 2, flags: ["WRITE"], handler: (ctx) => {
      const inner = ctx.call("mcall.shape", ["!", "INCR", ctx.argv[1]], "!");
      ctx.reply.arrayHeader(2);
      ctx.reply.bulkStr(shape(inner));
      ctx.reply.bulk(ctx.argv[1]);
    } },
  ],
};
`,
);

const srv = ignore ? undefined : await startServer([
  "--loadmodule",
  MODULE,
  "--appendonly",
  "yes",
  "--appendfsync",
  "always",
]);

async function withConn(fn: (c: RawConn) => Promise<void>): Promise<void> {
  const c = await RawConn.connect(srv!.port);
  try {
    await fn(c);
  } finally {
    c.close();
  }
}

/** Entry `i` of an ACL LOG reply as a map of its fields. */
function logEntry(log: unknown[][], i: number): Map<string, unknown> {
  const e = log[i]!;
  const m = new Map<string, unknown>();
  for (let j = 0; j < e.length; j += 2) m.set(e[j] as string, e[j + 1]);
  return m;
}

function err(v: unknown): string {
  assert.ok(v instanceof RespError, `expected an error, got ${JSON.stringify(v)}`);
  return v.message;
}

Deno.test({
  name: "ctx.call returns the reply as values: strings, integers, nulls, arrays, errors; RESP3 with flag 3",
  ...opts,
  ignore,
  fn: () =>
    withConn(async (c) => {
      assert.equal(await c.call("mcall.shape", "-", "SET", "k1", "v1"), "s:OK");
      assert.equal(await c.call("mcall.shape", "-", "GET", "k1"), "s:v1");
      assert.equal(await c.call("mcall.shape", "-", "GET", "nokey"), "null");
      assert.equal(await c.call("mcall.shape", "-", "INCRBY", "n1", "-5"), "i:-5");
      assert.equal(await c.call("mcall.shape", "-", "RPUSH", "l1", "a", "b"), "i:2");
      assert.equal(await c.call("mcall.shape", "-", "LRANGE", "l1", "0", "-1"), "array[s:a,s:b]");
      assert.equal(await c.call("mcall.shape", "-", "HSET", "h1", "f", "1"), "i:1");
      assert.equal(await c.call("mcall.shape", "-", "HGETALL", "h1"), "array[s:f,s:1]");
      assert.equal(await c.call("mcall.shape", "3", "HGETALL", "h1"), "{s:f=s:1}");
      assert.equal(await c.call("mcall.shape", "3", "SMEMBERS", "nokey"), "set[]");
      assert.equal(await c.call("mcall.shape", "3", "ZSCORE", "nokey", "m"), "null");
      assert.equal(
        await c.call("mcall.shape", "-", "LPUSH", "k1", "x"),
        "e:WRONGTYPE Operation against a key holding the wrong kind of value",
      );
      await c.call("DEL", "k1", "n1", "l1", "h1");
    }),
});

Deno.test({
  name:
    "ctx.call's reply forwarded as it came; flag 0 takes the caller's protocol; RESP3 to a RESP2 client refused",
  ...opts,
  ignore,
  fn: () =>
    withConn(async (c) => {
      await c.call("HSET", "h2", "a", "1");
      assert.deepEqual(await c.call("mcall.fwd", "-", "HGETALL", "h2"), ["a", "1"]);
      assert.equal(
        err(await c.call("mcall.fwd", "3", "HGETALL", "h2")),
        "ERR cannot forward a RESP3 reply to a RESP2 client",
      );
      // A RESP3 reply with no RESP3-only type goes to a RESP2 client unchanged; RESP3's null is one.
      assert.equal(await c.call("mcall.fwd", "3", "HGET", "h2", "a"), "1");
      assert.equal(
        err(await c.call("mcall.fwd", "3", "GET", "nokey2")),
        "ERR cannot forward a RESP3 reply to a RESP2 client",
      );
      assert.equal(await c.call("mcall.shape", "0", "HGETALL", "h2"), "array[s:a,s:1]");
      await c.call("HELLO", "3");
      assert.equal(await c.call("mcall.shape", "0", "HGETALL", "h2"), "{s:a=s:1}");
      assert.deepEqual(await c.call("mcall.fwd", "3", "HGETALL", "h2"), new Map([["a", "1"]]));
      await c.call("HELLO", "2");
      await c.call("DEL", "h2");
    }),
});

Deno.test({
  name: "a failed check returns null with errno, or with flag E Valkey's error text",
  ...opts,
  ignore,
  fn: () =>
    withConn(async (c) => {
      assert.equal(err(await c.call("mcall.fwd", "-", "NOSUCH", "x")), "ERRNO ENOENT");
      assert.equal(
        err(await c.call("mcall.fwd", "E", "NOSUCH", "x")),
        "ERR unknown command 'NOSUCH', with args beginning with: 'x' ",
      );
      assert.equal(
        err(await c.call("mcall.fwd", "E", "CONFIG", "NOPE")),
        "ERR unknown subcommand 'NOPE'. Try CONFIG HELP.",
      );
      assert.equal(err(await c.call("mcall.fwd", "-", "GET")), "ERRNO EINVAL");
      assert.equal(
        err(await c.call("mcall.fwd", "E", "GET")),
        "ERR wrong number of arguments for 'get' command",
      );
      assert.equal(err(await c.call("mcall.fwd", "W", "SET", "w", "1")), "ERRNO ENOSPC");
      assert.equal(
        err(await c.call("mcall.fwd", "WE", "SET", "w", "1")),
        "ERR Write command 'set' was called while write is not allowed.",
      );
      assert.equal(await c.call("mcall.fwd", "W", "GET", "w"), null);
      assert.equal(err(await c.call("mcall.fwd", "S", "MULTI")), "ERRNO ESPIPE");
      assert.equal(
        err(await c.call("mcall.fwd", "SE", "MULTI")),
        "ERR command 'multi' is not allowed on script mode",
      );
      assert.equal(err(await c.call("mcall.fwd", "K", "PING")), "ERRNO ENOTSUP");
      assert.equal(err(await c.call("mcall.fwd", "?", "PING")), "ERRNO EBADF");
      // Dry run: the checks pass, nothing runs.
      assert.equal(err(await c.call("mcall.fwd", "D", "SET", "dry", "1")), "ERRNO ");
      assert.equal(await c.call("EXISTS", "dry"), 0);
    }),
});

Deno.test({
  name: "flag M refuses denyoom commands once the server is out of memory; without it they run",
  ...opts,
  ignore,
  fn: () =>
    withConn(async (c) => {
      assert.equal(await c.call("CONFIG", "SET", "maxmemory-policy", "noeviction"), "OK");
      assert.equal(await c.call("CONFIG", "SET", "maxmemory", "1"), "OK");
      try {
        assert.equal(err(await c.call("mcall.fwd", "M", "SET", "oom", "1")), "ERRNO ENOSPC");
        assert.equal(
          err(await c.call("mcall.fwd", "ME", "SET", "oom", "1")),
          "OOM command not allowed when used memory > 'maxmemory'.",
        );
        assert.equal(await c.call("mcall.fwd", "M", "GET", "oom"), null);
        // The module command itself is a write: the client's own OOM check refuses it first.
      } finally {
        assert.equal(await c.call("CONFIG", "SET", "maxmemory", "0"), "OK");
      }
      assert.equal(await c.call("mcall.fwd", "M", "SET", "oom", "1"), "OK");
      await c.call("DEL", "oom");
    }),
});

Deno.test({
  name: "flag C checks the caller's ACL and logs a denial in the module context",
  ...opts,
  ignore,
  fn: async () => {
    const admin = await RawConn.connect(srv!.port);
    const u = await RawConn.connect(srv!.port);
    try {
      assert.equal(await admin.call("ACL", "LOG", "RESET"), "OK");
      assert.equal(
        await admin.call("ACL", "SETUSER", "mc", "on", "nopass", "+mcall.fwd", "+get", "~allowed:*"),
        "OK",
      );
      assert.equal(await u.call("AUTH", "mc", "x"), "OK");
      assert.equal(await u.call("mcall.fwd", "C", "GET", "allowed:1"), null);
      assert.equal(err(await u.call("mcall.fwd", "C", "SET", "allowed:1", "v")), "ERRNO EACCES");
      assert.equal(
        err(await u.call("mcall.fwd", "CE", "SET", "allowed:1", "v")),
        "NOPERM User mc has no permissions to run the 'set' command",
      );
      assert.equal(
        err(await u.call("mcall.fwd", "CE", "GET", "other")),
        "NOPERM No permissions to access a key",
      );
      // Without C the module's call is not checked.
      assert.equal(await u.call("mcall.fwd", "-", "SET", "other", "v"), "OK");
      const log = await admin.call("ACL", "LOG") as unknown[][];
      const entry = (i: number) => logEntry(log, i);
      assert.equal(entry(0).get("context"), "module");
      assert.equal(entry(0).get("reason"), "key");
      assert.equal(entry(0).get("object"), "other");
      assert.equal(entry(1).get("context"), "module");
      assert.equal(entry(1).get("reason"), "command");
      assert.equal(entry(1).get("object"), "set");
      assert.match(String(entry(1).get("client-info")), /cmd=mcall\.fwd/);
    } finally {
      await admin.call("ACL", "DELUSER", "mc");
      await admin.call("DEL", "other");
      admin.close();
      u.close();
    }
  },
});

Deno.test({
  name: "a blocking command does not block inside ctx.call; errors count only when forwarded",
  ...opts,
  ignore,
  fn: () =>
    withConn(async (c) => {
      assert.equal(await c.call("mcall.fwd", "-", "BLPOP", "nolist", "0"), null);
      assert.equal(await c.call("CONFIG", "RESETSTAT"), "OK");
      await c.call("SET", "str", "abc");
      // The error stays inside the shape text: not counted, and INCR's failed calls stay 0.
      assert.equal(
        await c.call("mcall.shape", "-", "INCR", "str"),
        "e:ERR value is not an integer or out of range",
      );
      let info = String(await c.call("INFO", "errorstats"));
      assert.doesNotMatch(info, /errorstat_ERR/);
      // Forwarded: counted once, for the module command.
      assert.equal(
        err(await c.call("mcall.fwd", "-", "INCR", "str")),
        "ERR value is not an integer or out of range",
      );
      info = String(await c.call("INFO", "errorstats"));
      assert.match(info, /errorstat_ERR:count=1\r\n/);
      const stats = String(await c.call("INFO", "commandstats"));
      assert.match(stats, /cmdstat_incr:calls=2,.*,failed_calls=0\r\n/);
      assert.match(stats, /cmdstat_mcall\.fwd:calls=\d+,.*,failed_calls=1\r\n/);
      await c.call("DEL", "str");
    }),
});

Deno.test({
  name: "only calls with flag ! reach the AOF; a nested call keeps the outer command's context",
  ...opts,
  ignore,
  fn: () =>
    withConn(async (c) => {
      assert.equal(await c.call("mcall.fwd", "!", "SET", "prop:yes", "1"), "OK");
      assert.equal(await c.call("mcall.fwd", "-", "SET", "prop:no", "1"), "OK");
      assert.equal(await c.call("mcall.fwd", "!A", "SET", "prop:noaof", "1"), "OK");
      // The inner module command's reply is its shape text; the outer still sees its own argv after it.
      assert.deepEqual(await c.call("mcall.nested", "prop:n"), ["s:i:1", "prop:n"]);
      const aofDir = path.join(
        String((await c.call("CONFIG", "GET", "dir") as string[])[1]),
        String((await c.call("CONFIG", "GET", "appenddirname") as string[])[1]),
      );
      const text = () =>
        fs.readdirSync(aofDir).filter((f) => f.endsWith(".incr.aof")).map((f) =>
          fs.readFileSync(path.join(aofDir, f), "latin1")
        ).join("");
      await waitUntil(() => text().includes("prop:n"), "the AOF to hold the nested INCR", 5000);
      assert.ok(text().includes("$3\r\nSET\r\n$8\r\nprop:yes\r\n"), text());
      assert.ok(!text().includes("prop:no\r\n"), text());
      assert.ok(!text().includes("prop:noaof"), text());
      assert.ok(text().includes("$4\r\nINCR\r\n$6\r\nprop:n\r\n"), text());
      await c.call("DEL", "prop:yes", "prop:no", "prop:noaof", "prop:n");
    }),
});

Deno.test({
  name: "module ACL functions: the current user, command/key/channel checks for a user, ACL LOG entries",
  ...opts,
  ignore,
  fn: async () => {
    const admin = await RawConn.connect(srv!.port);
    const u = await RawConn.connect(srv!.port);
    try {
      assert.equal(await admin.call("ACL", "LOG", "RESET"), "OK");
      assert.equal(
        await admin.call(
          "ACL",
          "SETUSER",
          "acl1",
          "on",
          "nopass",
          "+@all",
          "-flushall",
          "%R~ro:*",
          "~rw:*",
          "&news.*",
        ),
        "OK",
      );
      assert.equal(await admin.call("mcall.whoami"), "default");
      assert.equal(await u.call("AUTH", "acl1", "x"), "OK");
      assert.equal(await u.call("mcall.whoami"), "acl1");
      assert.equal(await admin.call("mcall.aclcmd", "acl1", "GET", "rw:1"), "ok");
      assert.equal(await admin.call("mcall.aclcmd", "acl1", "FLUSHALL"), "command:0");
      assert.equal(await admin.call("mcall.aclcmd", "acl1", "SET", "ro:1", "v"), "key:1");
      assert.equal(await admin.call("mcall.aclcmd", "acl1", "PUBLISH", "sports", "m"), "channel:1");
      assert.equal(await admin.call("mcall.aclcmd", "nosuchuser", "GET", "k"), "no-user:-1");
      assert.equal(await admin.call("mcall.aclcmd", "acl1", "NOSUCHCMD"), "no-command:-1");
      assert.equal(await admin.call("mcall.aclkey", "acl1", "ro:1", "access"), 1);
      assert.equal(await admin.call("mcall.aclkey", "acl1", "ro:1", "update"), 0);
      assert.equal(await admin.call("mcall.aclkey", "acl1", "rw:1", "access", "insert"), 1);
      assert.equal(await admin.call("mcall.aclkey", "acl1", "other", "access"), 0);
      assert.equal(await admin.call("mcall.aclkey", "nosuchuser", "rw:1", "access"), 0);
      assert.equal(await admin.call("mcall.aclchan", "acl1", "news.today"), 1);
      assert.equal(await admin.call("mcall.aclchan", "acl1", "sports"), 0);
      // A pattern is compared literally against the user's channel patterns.
      assert.equal(await admin.call("mcall.aclchan", "acl1", "news.*", "pattern"), 1);
      assert.equal(await admin.call("mcall.aclchan", "acl1", "news.t*", "pattern"), 0);
      assert.equal(await u.call("mcall.acllog", "acl1", "secret-object", "key"), "OK");
      const e = logEntry(await admin.call("ACL", "LOG", "1") as unknown[][], 0);
      assert.equal(e.get("context"), "module");
      assert.equal(e.get("reason"), "key");
      assert.equal(e.get("object"), "secret-object");
      assert.equal(e.get("username"), "acl1");
      assert.match(String(e.get("client-info")), /cmd=mcall\.acllog user=acl1/);
    } finally {
      await admin.call("ACL", "DELUSER", "acl1");
      admin.close();
      u.close();
    }
  },
});

Deno.test({
  name: "a module's authentication callback: logs a client in, refuses with its own error, or passes on",
  ...opts,
  ignore,
  fn: async () => {
    const admin = await RawConn.connect(srv!.port);
    const u = await RawConn.connect(srv!.port);
    try {
      assert.equal(await admin.call("ACL", "LOG", "RESET"), "OK");
      assert.equal(await admin.call("ACL", "SETUSER", "tok", "on", ">realpass", "+@all", "~*"), "OK");
      assert.equal(await admin.call("ACL", "SETUSER", "offuser", "off", "+@all", "~*"), "OK");
      // Handled: logged in as the ACL user without its password.
      assert.equal(await u.call("AUTH", "tok", "token:tok"), "OK");
      assert.equal(await u.call("ACL", "WHOAMI"), "tok");
      // Not handled: the password decides, as without the module.
      assert.equal(await u.call("AUTH", "default", "nopass-anything"), "OK");
      assert.equal(await u.call("AUTH", "tok", "realpass"), "OK");
      assert.equal(
        err(await u.call("AUTH", "tok", "wrong")),
        "WRONGPASS invalid username-password pair or user is disabled.",
      );
      // Denied with the module's text (ERR added), and its own ACL LOG entry.
      assert.equal(err(await u.call("AUTH", "tok", "bad-token")), "ERR Auth denied by mcall");
      const e = logEntry(await admin.call("ACL", "LOG", "1") as unknown[][], 0);
      assert.deepEqual([e.get("reason"), e.get("context"), e.get("object")], ["auth", "module", "bad-token"]);
      // A disabled user cannot be logged in; the error with its own code goes out as it is.
      assert.equal(err(await u.call("AUTH", "offuser", "token:offuser")), "WRONGPASS no such user here");
      // A callback that throws refuses (fail closed); the server keeps serving.
      assert.equal(
        err(await u.call("AUTH", "tok", "throw")),
        "WRONGPASS invalid username-password pair or user is disabled.",
      );
      // HELLO AUTH goes through the same callbacks.
      const hello = await u.call("HELLO", "2", "AUTH", "tok", "token:tok") as unknown[];
      assert.ok(Array.isArray(hello));
      assert.equal(await u.call("ACL", "WHOAMI"), "tok");
      assert.equal(err(await u.call("HELLO", "2", "AUTH", "tok", "bad-token")), "ERR Auth denied by mcall");
    } finally {
      await admin.call("ACL", "DELUSER", "tok", "offuser");
      admin.close();
      u.close();
    }
  },
});

Deno.test({
  name: "ctx.call: the server stops",
  ...opts,
  ignore,
  fn: async () => {
    await srv!.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  },
});
