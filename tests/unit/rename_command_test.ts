/**
 * `rename-command` (config file and command line): a command called under its new name, or no longer
 * callable when renamed to "". Its declared name stays what COMMAND, INFO commandstats, error texts and ACL
 * rules use, while ACL DRYRUN and COMMAND INFO look names up as clients call them. Expectations are
 * valkey-server 8.1.1's; redis-server 7.0 behaves the same. The fatal config errors and CONFIG REWRITE are
 * in cli_test.ts.
 */

import assert from "node:assert/strict";
import { Valkey } from "iovalkey";
import { startServer, target } from "../helpers/server.ts";
import { RawConn, RespError } from "../helpers/raw.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };
const own = target() !== "external";
const srv = own
  ? await startServer([
    "--rename-command",
    "get",
    "myget",
    "--rename-command",
    "flushall",
    "",
    // A renamed command can be renamed again under its current name, in any case.
    "--rename-command",
    "MYGET",
    "G2",
    "--rename-command",
    "multi",
    "m",
  ])
  : undefined;

async function withConn(fn: (c: RawConn) => Promise<void>): Promise<void> {
  const c = await RawConn.connect(srv!.port);
  try {
    await fn(c);
  } finally {
    c.close();
  }
}

function err(v: unknown): string {
  assert.ok(v instanceof RespError, `expected an error, got ${JSON.stringify(v)}`);
  return v.message;
}

Deno.test({
  name: "rename-command: a renamed command answers to its new name only, a removed one to none",
  ...opts,
  ignore: !own,
  fn: () =>
    withConn(async (c) => {
      assert.equal(await c.call("SET", "k", "v"), "OK");
      assert.equal(await c.call("g2", "k"), "v");
      assert.equal(await c.call("G2", "k"), "v");
      assert.equal(
        err(await c.call("GET", "k")),
        "ERR unknown command 'GET', with args beginning with: 'k' ",
      );
      assert.equal(
        err(await c.call("myget", "k")),
        "ERR unknown command 'myget', with args beginning with: 'k' ",
      );
      assert.equal(
        err(await c.call("FLUSHALL")),
        "ERR unknown command 'FLUSHALL', with args beginning with: ",
      );
      // Error texts name the command as declared.
      assert.equal(err(await c.call("g2")), "ERR wrong number of arguments for 'get' command");
      assert.equal(await c.call("DEL", "k"), 1);
    }),
});

Deno.test({
  name: "rename-command: MULTI renamed still opens a transaction that EXEC runs",
  ...opts,
  ignore: !own,
  fn: () =>
    withConn(async (c) => {
      assert.equal(err(await c.call("MULTI")), "ERR unknown command 'MULTI', with args beginning with: ");
      assert.equal(await c.call("m"), "OK");
      assert.equal(await c.call("SET", "t", "1"), "QUEUED");
      assert.equal(await c.call("g2", "t"), "QUEUED");
      assert.deepEqual(await c.call("EXEC"), ["OK", "1"]);
      await c.call("DEL", "t");
    }),
});

Deno.test({
  name: "rename-command: COMMAND looks names up as called and prints them as declared",
  ...opts,
  ignore: !own,
  fn: () =>
    withConn(async (c) => {
      const [info] = await c.call("COMMAND", "INFO", "g2") as unknown[][];
      assert.equal(info![0], "get");
      assert.equal(info![1], 2);
      assert.deepEqual(await c.call("COMMAND", "INFO", "get"), [null]);
      assert.deepEqual(await c.call("COMMAND", "INFO", "flushall"), [null]);
      assert.equal(err(await c.call("COMMAND", "GETKEYS", "get", "k")), "ERR Invalid command specified");
      assert.deepEqual(await c.call("COMMAND", "GETKEYS", "g2", "k"), ["k"]);
      const list = await c.call("COMMAND", "LIST") as string[];
      assert.ok(list.includes("get"));
      assert.ok(list.includes("multi"));
      assert.ok(!list.includes("g2"));
      assert.ok(!list.includes("flushall"));
      const docs = await c.call("COMMAND", "DOCS", "g2") as unknown[];
      assert.equal(docs[0], "get");
      assert.deepEqual(await c.call("COMMAND", "DOCS", "flushall"), []);
    }),
});

Deno.test({
  name: "rename-command: INFO commandstats and SLOWLOG show what ran",
  ...opts,
  ignore: !own,
  fn: () =>
    withConn(async (c) => {
      assert.equal(await c.call("CONFIG", "RESETSTAT"), "OK");
      assert.equal(await c.call("SLOWLOG", "RESET"), "OK");
      assert.equal(await c.call("CONFIG", "SET", "slowlog-log-slower-than", "0"), "OK");
      try {
        await c.call("g2", "nokey");
        const stats = String(await c.call("INFO", "commandstats"));
        assert.match(stats, /^cmdstat_get:calls=1,/m);
        assert.doesNotMatch(stats, /cmdstat_g2/);
        const log = await c.call("SLOWLOG", "GET") as unknown[][];
        const entry = log.find((e) => (e[3] as string[])[0] === "g2");
        assert.deepEqual(entry?.[3], ["g2", "nokey"]);
      } finally {
        await c.call("CONFIG", "SET", "slowlog-log-slower-than", "10000");
      }
    }),
});

Deno.test({
  name: "rename-command: ACL rules name commands as declared, ACL DRYRUN as called",
  ...opts,
  ignore: !own,
  fn: () =>
    withConn(async (c) => {
      assert.equal(
        err(await c.call("ACL", "SETUSER", "ren1", "+g2")),
        "ERR Error in ACL SETUSER modifier '+g2': Unknown command or category name in ACL",
      );
      assert.equal(await c.call("ACL", "SETUSER", "ren1", "on", "nopass", "+get", "+flushall", "~*"), "OK");
      assert.equal(await c.call("ACL", "DRYRUN", "ren1", "g2", "k"), "OK");
      assert.equal(err(await c.call("ACL", "DRYRUN", "ren1", "get", "k")), "ERR Command 'get' not found");
      // "User ren1 has..." in Valkey 8.1, "This user has..." in Redis 7.0.
      assert.match(
        String(await c.call("ACL", "DRYRUN", "ren1", "SET", "k", "v")),
        / has no permissions to run the 'set' command$/,
      );
      const cat = await c.call("ACL", "CAT", "keyspace") as string[];
      assert.ok(cat.includes("flushall"));
      assert.equal(await c.call("ACL", "DELUSER", "ren1"), 1);
    }),
});

Deno.test({
  name: "rename-command: a client library works with the renamed commands through call()",
  ...opts,
  ignore: !own,
  fn: async () => {
    const r = new Valkey({ port: srv!.port, host: "127.0.0.1", lazyConnect: true });
    await r.connect();
    try {
      await r.set("lib", "x");
      assert.equal(await r.call("g2", "lib"), "x");
      await assert.rejects(r.get("lib"), /unknown command 'get'/);
      await r.del("lib");
    } finally {
      r.disconnect();
    }
  },
});

Deno.test({
  name: "rename-command: the server stops",
  ...opts,
  ignore: !own,
  fn: () => srv!.stop(),
});
