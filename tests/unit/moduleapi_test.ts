/**
 * The module API over TCP: MODULE LOAD / LOADEX / LIST / UNLOAD and their errors, module commands in
 * COMMAND INFO / DOCS, module configs in CONFIG GET / SET, INFO sections, verbatim module errors, a
 * throwing handler, WRONGTYPE between module and core types, and loads that fail leaving nothing behind.
 *
 * The modules are the shipped example (examples/modules/hellotype.ts) and small `.js` modules written to a
 * temporary directory here (some are broken on purpose). Only the first tests, which need no module file,
 * also run against Redis 7.0 / Valkey; the rest are Valkyr's (its modules are TypeScript / JavaScript).
 */

import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { isValkyr, startServer, target } from "../helpers/server.ts";
import { encodeRequest, RawConn } from "../helpers/raw.ts";
import { assertError, connTest } from "../helpers/suite.ts";
import { waitForLog } from "../helpers/timing.ts";

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../..");
const HELLOTYPE = path.join(ROOT, "examples/modules/hellotype.ts");
const LOAD_ERR = "ERR Error loading the extension. Please check the server logs.";
const WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "valkyr-modtest-"));
function moduleFile(name: string, source: string): string {
  const p = path.join(dir, name);
  fs.writeFileSync(p, source);
  return p;
}

/** A module exercising replies, errors, configs, INFO and events; plain JavaScript. */
const TESTMOD = moduleFile(
  "testmod.js",
  `
export function createModule(api) {
  let infoCalls = 0;
  return {
    name: "testmod",
    version: 7,
    apiVersion: 1,
    aclCategories: ["testcat"],
    configs: [
      { name: "level", type: "numeric", default: 5, min: 0, max: 10,
        validate: (v) => v === 7 ? "seven is not allowed" : undefined },
      { name: "mode", type: "enum", default: "fast", enumValues: ["fast", "slow"] },
      { name: "label", type: "string", default: "hello" },
      { name: "on", type: "bool", default: true },
      { name: "fixed", type: "numeric", default: 1, flags: ["immutable"] },
    ],
    commands: [
      { name: "testmod.err", arity: 1, flags: ["FAST"], handler: () => { throw new api.ModuleError("CUSTOMERR this is verbatim"); } },
      { name: "testmod.replyerr", arity: 1, flags: ["FAST"], handler: (ctx) => ctx.reply.error("ERR from reply.error") },
      { name: "testmod.boom", arity: 1, flags: ["FAST"], handler: (ctx) => { ctx.reply.arrayHeader(3); ctx.reply.int(1); throw new TypeError("kaboom"); } },
      { name: "testmod.silent", arity: 1, flags: ["FAST"], handler: () => {} },
      { name: "testmod.async", arity: 1, flags: ["FAST"], handler: async () => { throw new Error("late"); } },
      { name: "testmod.arity", arity: -1, flags: ["FAST"], handler: (ctx) => ctx.argv.length > 2 ? ctx.wrongArity() : ctx.reply.ok() },
      { name: "testmod.config", arity: 2, flags: ["FAST"], aclCategories: ["testcat"],
        handler: (ctx) => { const v = ctx.config(new TextDecoder().decode(ctx.argv[1])); ctx.reply.bulkStr(String(v)); } },
      { name: "testmod.types", arity: 1, flags: ["FAST"], handler: (ctx) => {
        const r = ctx.reply;
        r.arrayHeader(8);
        r.double(1.5); r.bool(true); r.null(); r.bigNumber("12345678901234567890");
        r.verbatim("txt body", "txt"); r.mapHeader(1); r.bulkStr("k"); r.int(1);
        r.setHeader(1); r.simple("s"); r.error("ERR inside an array");
      } },
      { name: "testmod.get", arity: 2, flags: ["READONLY", "FAST"],
        keySpecs: [{ flags: ["RO", "ACCESS"], beginSearch: { index: { pos: 1 } }, findKeys: { range: { lastkey: 0, step: 1, limit: 0 } } }],
        handler: (ctx) => {
          const s = ctx.getString(ctx.argv[1]);
          if (s === api.WRONG_TYPE) return ctx.replyWrongType();
          if (s === null) return ctx.reply.nullBulk();
          ctx.reply.bulk(s);
        } },
      { name: "testmod.touch", arity: 2, flags: ["WRITE"], handler: (ctx) => {
        ctx.notifyKeyspaceEvent("g", "testmod.touched", ctx.argv[1]);
        ctx.signalModifiedKey(ctx.argv[1]);
        ctx.reply.bulkStr(ctx.keyType(ctx.argv[1]));
      } },
      { name: "testmod.cont", arity: -2, flags: [], subcommands: [
        { name: "ping", arity: 2, flags: ["FAST"], handler: (ctx) => ctx.reply.simple("PONG") },
      ] },
    ],
    info(b) {
      infoCalls++;
      b.section("");
      b.field("calls", infoCalls);
      b.section("extra");
      b.field("answer", 42);
    },
  };
}
`,
);

const BROKEN: Record<string, string> = {
  "syntax.js": "export const manifest = { name: 'syntax', ;;; \n",
  "throws.js": `export const manifest = { name: "throwsmod", version: 1, apiVersion: 1,
    configs: [{ name: "size", type: "numeric", default: 1 }],
    commands: [{ name: "throwsmod.cmd", arity: 1, flags: [], handler: (c) => c.reply.ok() }],
    dataTypes: [{ name: "throwtype", encver: 0, rdbSave() {}, rdbLoad() { return {}; }, aofRewrite() {}, memUsage() { return 0; } }],
    onLoad() { throw new Error("refusing to load"); } };`,
  "toonew.js": `export const manifest = { name: "toonew", version: 1, apiVersion: 99, commands: [] };`,
  "noapi.js": `export const manifest = { name: "noapi", version: 1, commands: [] };`,
  "nothing.js": `export const something = 1;`,
  "badtype.js": `export const manifest = { name: "badtype", version: 1, apiVersion: 1, commands: [],
    dataTypes: [{ name: "short", encver: 0, rdbSave() {}, rdbLoad() {}, aofRewrite() {}, memUsage() { return 0; } }] };`,
  "dupcmd.js": `export const manifest = { name: "dupcmd", version: 1, apiVersion: 1,
    commands: [{ name: "get", arity: 2, flags: [], handler: (c) => c.reply.ok() }] };`,
  "busy.js": `export const manifest = { name: "setifeq", version: 1, apiVersion: 1,
    commands: [{ name: "busy.cmd", arity: 1, flags: [], handler: (c) => c.reply.ok() }] };`,
};
const broken: Record<string, string> = {};
for (const [name, src] of Object.entries(BROKEN)) broken[name] = moduleFile(name, src);

const srv = await startServer(["--enable-module-command", "yes"]);
const valkyrOnly = { ignore: !isValkyr() };

const t = connTest(srv, { defaults: valkyrOnly });

/** Names in MODULE LIST. */
async function moduleNames(c: RawConn): Promise<string[]> {
  const list = await c.call("MODULE", "LIST") as unknown[][];
  return list.map((m) => m[1] as string);
}

// --- every target ---------------------------------------------------------------------------------------

t("MODULE LOAD of a missing file fails with Valkey's error", async (c) => {
  assertError(await c.call("MODULE", "LOAD", path.join(dir, "does-not-exist.so")), LOAD_ERR);
  assertError(await c.call("MODULE", "LOADEX", path.join(dir, "does-not-exist.so")), LOAD_ERR);
  assert.equal(await c.call("PING"), "PONG");
}, { ignore: target() === "external" });

t("MODULE UNLOAD of an unknown module and bad MODULE subcommands", async (c) => {
  assertError(
    await c.call("MODULE", "UNLOAD", "nosuchmodule"),
    "ERR Error unloading module: no such module with that name",
  );
  assertError(
    await c.call("MODULE", "LIST", "extra"),
    "ERR wrong number of arguments for 'module|list' command",
  );
  assertError(await c.call("MODULE", "FOO"), "ERR unknown subcommand 'FOO'. Try MODULE HELP.");
  const help = await c.call("MODULE", "HELP") as string[];
  assert.ok(help[0]!.startsWith("MODULE <subcommand>"));
  assert.ok(help.includes("LOADEX <path> [[CONFIG NAME VALUE] [CONFIG NAME VALUE]] [ARGS ...]"));
}, { ignore: target() === "external" });

// --- Valkyr ---------------------------------------------------------------------------------------------

t("MODULE LOAD / LIST / UNLOAD of a JavaScript module with arguments", async (c) => {
  assert.equal(await c.call("MODULE", "LOAD", TESTMOD, "a1", "a 2"), "OK");
  const list = await c.call("MODULE", "LIST") as unknown[][];
  const entry = list.find((m) => m[1] === "testmod")!;
  assert.deepEqual(entry, ["name", "testmod", "ver", 7, "path", TESTMOD, "args", ["a1", "a 2"]]);
  assert.equal(await c.call("TESTMOD.ARITY"), "OK");
  assert.equal(await c.call("MODULE", "UNLOAD", "testmod"), "OK");
  assert.ok(!(await moduleNames(c)).includes("testmod"));
  assertError(
    await c.call("TESTMOD.ARITY"),
    "ERR unknown command 'TESTMOD.ARITY', with args beginning with: ",
  );
  assert.deepEqual(await c.call("CONFIG", "GET", "testmod.level"), []);
  // Loading it again works (nothing was left behind).
  assert.equal(await c.call("MODULE", "LOAD", TESTMOD), "OK");
  assertError(await c.call("MODULE", "LOAD", TESTMOD), LOAD_ERR); // name busy
  assert.equal(await c.call("MODULE", "UNLOAD", "testmod"), "OK");
});

t("modules that fail to load leave the server as it was", async (c) => {
  const before = await moduleNames(c);
  const commandsBefore = await c.call("COMMAND", "COUNT");
  for (const file of Object.values(broken)) {
    assertError(await c.call("MODULE", "LOAD", file), LOAD_ERR);
  }
  assert.deepEqual(await moduleNames(c), before);
  assert.equal(await c.call("COMMAND", "COUNT"), commandsBefore);
  assertError(
    await c.call("THROWSMOD.CMD"),
    "ERR unknown command 'THROWSMOD.CMD', with args beginning with: ",
  );
  assert.deepEqual(await c.call("CONFIG", "GET", "throwsmod.*"), []);
  assert.equal(await c.call("GET", "x"), null); // the core `get` was not replaced
  // Each reason is logged; the log comes through a pipe and can arrive after the replies.
  for (
    const line of [
      /syntax\.js failed to load/,
      /throws\.js initialization failed: onLoad failed: refusing to load\. Module not loaded\./,
      /toonew\.js initialization failed: it requires module API version 99, this server provides 1/,
      /noapi\.js initialization failed: the manifest has no valid 'apiVersion'/,
      /nothing\.js does not export 'manifest' or 'createModule'/,
      /badtype\.js initialization failed: data type name 'short' is not 9 characters/,
      /dupcmd\.js initialization failed: command 'get' already exists/,
      /busy\.js initialization failed\. Module name is busy\./,
    ]
  ) {
    await waitForLog(srv.output, line);
  }
  assert.equal(await c.call("PING"), "PONG");
});

t("MODULE LOADEX applies CONFIG pairs and passes ARGS; bad pairs fail the load", async (c) => {
  assert.equal(
    await c.call(
      "MODULE",
      "LOADEX",
      TESTMOD,
      "CONFIG",
      "testmod.level",
      "3",
      "config",
      "TESTMOD.MODE",
      "slow",
      "ARGS",
      "x",
    ),
    "OK",
  );
  try {
    assert.deepEqual(await c.call("CONFIG", "GET", "testmod.level"), ["testmod.level", "3"]);
    assert.deepEqual(await c.call("CONFIG", "GET", "testmod.mode"), ["testmod.mode", "slow"]);
    const entry = (await c.call("MODULE", "LIST") as unknown[][]).find((m) => m[1] === "testmod")!;
    assert.deepEqual(entry[7], ["x"]);
  } finally {
    await c.call("MODULE", "UNLOAD", "testmod");
  }
  for (
    const args of [
      ["CONFIG", "testmod.level"], // no value
      ["CONFIG", "testmod.level", "11"], // out of range
      ["CONFIG", "testmod.level", "7"], // refused by the module's validator
      ["CONFIG", "testmod.nosuch", "1"], // not a config of the module
      ["BOGUS"],
    ]
  ) {
    assertError(await c.call("MODULE", "LOADEX", TESTMOD, ...args), LOAD_ERR);
    assert.ok(!(await moduleNames(c)).includes("testmod"), args.join(" "));
  }
  await waitForLog(srv.output, /Syntax Error from arguments to loadex around BOGUS\./);
  // The failed loads left no config behind: a plain load starts from the defaults.
  assert.equal(await c.call("MODULE", "LOAD", TESTMOD), "OK");
  assert.deepEqual(await c.call("CONFIG", "GET", "testmod.level"), ["testmod.level", "5"]);
  await c.call("MODULE", "UNLOAD", "testmod");
});

t("module configs in CONFIG GET / SET with Valkey's error texts", async (c) => {
  await c.call("MODULE", "LOAD", TESTMOD);
  try {
    assert.deepEqual(await c.call("CONFIG", "GET", "testmod.*"), [
      "testmod.level",
      "5",
      "testmod.mode",
      "fast",
      "testmod.label",
      "hello",
      "testmod.on",
      "yes",
      "testmod.fixed",
      "1",
    ]);
    assert.equal(await c.call("CONFIG", "SET", "testmod.level", "9", "testmod.label", "hi there"), "OK");
    assert.equal(await c.call("TESTMOD.CONFIG", "level"), "9");
    assert.equal(await c.call("TESTMOD.CONFIG", "label"), "hi there");
    assert.equal(await c.call("CONFIG", "SET", "testmod.on", "no", "testmod.mode", "SLOW"), "OK");
    assert.equal(await c.call("TESTMOD.CONFIG", "on"), "false");
    assert.equal(await c.call("TESTMOD.CONFIG", "mode"), "slow");
    const failed = (name: string, reason: string) =>
      `ERR CONFIG SET failed (possibly related to argument '${name}') - ${reason}`;
    assertError(
      await c.call("CONFIG", "SET", "testmod.level", "11"),
      failed("testmod.level", "argument must be between 0 and 10 inclusive"),
    );
    assertError(
      await c.call("CONFIG", "SET", "testmod.level", "7"),
      failed("testmod.level", "seven is not allowed"),
    );
    assertError(
      await c.call("CONFIG", "SET", "testmod.level", "x"),
      failed("testmod.level", "argument couldn't be parsed into an integer"),
    );
    assertError(
      await c.call("CONFIG", "SET", "testmod.mode", "medium"),
      failed("testmod.mode", "argument(s) must be one of the following: fast, slow"),
    );
    assertError(
      await c.call("CONFIG", "SET", "testmod.on", "maybe"),
      failed("testmod.on", "argument must be 'yes' or 'no'"),
    );
    assertError(
      await c.call("CONFIG", "SET", "testmod.fixed", "2"),
      failed("testmod.fixed", "can't set immutable config"),
    );
    assertError(
      await c.call("CONFIG", "SET", "testmod.nosuch", "2"),
      "ERR Unknown option or number of arguments for CONFIG SET - 'testmod.nosuch'",
    );
    assert.equal(await c.call("TESTMOD.CONFIG", "level"), "9");
  } finally {
    await c.call("MODULE", "UNLOAD", "testmod");
  }
});

t(
  "module errors are verbatim; a throwing or silent handler gets an error and the server keeps serving",
  async (c) => {
    await c.call("MODULE", "LOAD", TESTMOD);
    try {
      assertError(await c.call("TESTMOD.ERR"), "CUSTOMERR this is verbatim");
      assertError(await c.call("TESTMOD.REPLYERR"), "ERR from reply.error");
      assertError(await c.call("TESTMOD.BOOM"), "ERR module 'testmod' command 'testmod.boom' failed: kaboom");
      assertError(
        await c.call("TESTMOD.SILENT"),
        "ERR module 'testmod' command 'testmod.silent' did not reply",
      );
      assertError(
        await c.call("TESTMOD.ASYNC"),
        "ERR module 'testmod' command 'testmod.async' failed: the handler is asynchronous (handlers must reply before returning)",
      );
      assertError(
        await c.call("TESTMOD.ARITY", "a", "b"),
        "ERR wrong number of arguments for 'testmod.arity' command",
      );
      assertError(await c.call("TESTMOD.GET"), "ERR wrong number of arguments for 'testmod.get' command");
      assert.equal(await c.call("TESTMOD.CONT", "PING"), "PONG");
      assertError(
        await c.call("TESTMOD.CONT", "NOPE"),
        "ERR unknown subcommand 'NOPE'. Try TESTMOD.CONT HELP.",
      );
      assert.equal(await c.call("PING"), "PONG");
      await waitForLog(srv.output, /Module testmod: command 'testmod\.boom' threw: TypeError: kaboom/);
      const errstats = await c.call("INFO", "errorstats") as string;
      assert.match(errstats, /errorstat_CUSTOMERR:count=1/);
    } finally {
      await c.call("MODULE", "UNLOAD", "testmod");
    }
  },
);

t("module keyspace events reach subscribers in the class the module gives", async (c) => {
  await c.call("MODULE", "LOAD", TESTMOD);
  const sub = await RawConn.connect(srv.port);
  try {
    sub.send(encodeRequest(["SUBSCRIBE", "__keyevent@0__:testmod.touched"]));
    await sub.read();
    await c.call("CONFIG", "SET", "notify-keyspace-events", "Eg");
    assert.equal(await c.call("TESTMOD.TOUCH", "somekey"), "none");
    assert.deepEqual(await sub.read(), ["message", "__keyevent@0__:testmod.touched", "somekey"]);
    // Without the generic class the event is not sent: the next message is the later `g` one.
    await c.call("CONFIG", "SET", "notify-keyspace-events", "E$");
    await c.call("TESTMOD.TOUCH", "other");
    await c.call("CONFIG", "SET", "notify-keyspace-events", "Eg");
    await c.call("TESTMOD.TOUCH", "third");
    assert.deepEqual(await sub.read(), ["message", "__keyevent@0__:testmod.touched", "third"]);
  } finally {
    sub.close();
    await c.call("CONFIG", "SET", "notify-keyspace-events", "");
    await c.call("MODULE", "UNLOAD", "testmod");
  }
});

t("module replies of every RESP3 type, and RESP2 fallbacks", async (c) => {
  await c.call("MODULE", "LOAD", TESTMOD);
  try {
    await c.call("HELLO", "3");
    c.send("*1\r\n$13\r\ntestmod.types\r\n");
    const raw3 = await c.readRaw(80);
    assert.equal(
      raw3,
      "*8\r\n,1.5\r\n#t\r\n_\r\n(12345678901234567890\r\n=12\r\ntxt:txt body\r\n%1\r\n$1\r\nk\r\n:1\r\n~1\r\n+s\r\n" +
        "-ERR inside an array\r\n",
    );
    await c.call("HELLO", "2");
    c.send("*1\r\n$13\r\ntestmod.types\r\n");
    const raw2 = await c.readRaw(60);
    assert.equal(
      raw2,
      "*8\r\n$3\r\n1.5\r\n:1\r\n$-1\r\n$20\r\n12345678901234567890\r\n$8\r\ntxt body\r\n*2\r\n$1\r\nk\r\n:1\r\n" +
        "*1\r\n+s\r\n-ERR inside an array\r\n",
    );
  } finally {
    await c.call("MODULE", "UNLOAD", "testmod");
  }
});

t("INFO shows modules, <module>_<section> sections, and INFO <module>", async (c) => {
  await c.call("MODULE", "LOAD", TESTMOD);
  try {
    const mods = await c.call("INFO", "modules") as string;
    assert.match(
      mods,
      /# Modules\r\n(.*\r\n)*module:name=testmod,ver=7,api=1,filters=0,usedby=\[\],using=\[\],options=\[\]\r\n/,
    );
    assert.match(mods, /# testmod\r\ntestmod_calls:\d+\r\n/);
    assert.match(mods, /# testmod_extra\r\ntestmod_answer:42\r\n/);
    const byName = await c.call("INFO", "testmod") as string;
    assert.match(byName, /^# testmod\r\ntestmod_calls:\d+\r\n\r\n# testmod_extra\r\ntestmod_answer:42\r\n$/);
    assert.equal(await c.call("INFO", "testmod_extra"), "# testmod_extra\r\ntestmod_answer:42\r\n");
    const plain = await c.call("INFO") as string;
    assert.ok(!plain.includes("# testmod"));
    assert.ok(plain.includes("module:name=testmod"));
    assert.ok((await c.call("INFO", "everything") as string).includes("# testmod_extra"));
  } finally {
    await c.call("MODULE", "UNLOAD", "testmod");
  }
});

t("COMMAND INFO / DOCS / LIST of module commands, with the module's ACL category", async (c) => {
  await c.call("MODULE", "LOAD", TESTMOD);
  try {
    const [info] = await c.call("COMMAND", "INFO", "testmod.get") as unknown[][];
    // Valkey derives no implicit ACL categories for module commands (checked against valkey-server 8.1.1
    // with its tests/modules/zset.so: a "write" command shows no categories).
    assert.deepEqual(info!.slice(0, 7), ["testmod.get", 2, ["readonly", "module", "fast"], 1, 1, 1, []]);
    const [cfg] = await c.call("COMMAND", "INFO", "testmod.config") as unknown[][];
    assert.deepEqual(cfg![6], ["@testcat"]);
    await c.call("HELLO", "3");
    const docs = await c.call("COMMAND", "DOCS", "testmod.get") as Map<string, Map<string, unknown>>;
    assert.deepEqual([...docs.get("testmod.get")!.entries()], [["group", "module"], ["module", "testmod"]]);
    await c.call("HELLO", "2");
    const listed = await c.call("COMMAND", "LIST", "FILTERBY", "MODULE", "testmod") as string[];
    assert.ok(listed.includes("testmod.get") && listed.includes("testmod.cont"));
    assert.deepEqual(await c.call("COMMAND", "GETKEYS", "testmod.get", "k"), ["k"]);
  } finally {
    await c.call("MODULE", "UNLOAD", "testmod");
  }
});

t(
  "the example data type: commands, TYPE, OBJECT, MEMORY USAGE, COPY, expiry, WRONGTYPE both ways",
  async (c) => {
    assert.equal(await c.call("MODULE", "LOAD", HELLOTYPE), "OK");
    try {
      await c.call("DEL", "h", "h2", "s");
      assert.equal(await c.call("HELLOTYPE.INSERT", "h", "5", "-3", "9", "5"), 4);
      assert.deepEqual(await c.call("HELLOTYPE.RANGE", "h", "0", "10"), [-3, 5, 5, 9]);
      assert.deepEqual(await c.call("HELLOTYPE.RANGE", "h", "1", "2"), [5, 5]);
      assert.equal(await c.call("HELLOTYPE.LEN", "h"), 4);
      assert.equal(await c.call("HELLOTYPE.LEN", "missing"), 0);
      assert.equal(await c.call("TYPE", "h"), "hellotype");
      assert.equal(await c.call("OBJECT", "ENCODING", "h"), "raw");
      assert.deepEqual(await c.call("SCAN", "0", "TYPE", "HelloType", "COUNT", "1000"), ["0", ["h"]]);
      assert.ok((await c.call("MEMORY", "USAGE", "h") as number) > 64);
      assert.equal(await c.call("COPY", "h", "h2"), 1);
      assert.equal(await c.call("HELLOTYPE.INSERT", "h2", "100"), 5);
      assert.equal(await c.call("HELLOTYPE.LEN", "h"), 4);
      assertError(await c.call("HELLOTYPE.INSERT", "h", "x"), "ERR value is not an integer or out of range");
      // WRONGTYPE: core commands on the module type, module commands on core types.
      await c.call("SET", "s", "str");
      assertError(await c.call("HELLOTYPE.INSERT", "s", "1"), WRONGTYPE);
      assertError(await c.call("HELLOTYPE.LEN", "s"), WRONGTYPE);
      assertError(await c.call("GET", "h"), WRONGTYPE);
      assertError(await c.call("LPUSH", "h", "x"), WRONGTYPE);
      assertError(await c.call("SET", "h", "x", "IFEQ", "y"), WRONGTYPE);
      // Expiry and DEL treat it like any value.
      assert.equal(await c.call("PEXPIRE", "h2", "50"), 1);
      await new Promise((r) => setTimeout(r, 200));
      assert.equal(await c.call("EXISTS", "h2"), 0);
      // A type in use cannot be unloaded; Valkey refuses any module that exports a data type.
      assertError(
        await c.call("MODULE", "UNLOAD", "hellotype"),
        "ERR Error unloading module: the module exports one or more module-side data types, can't unload",
      );
      assert.equal(await c.call("DEL", "h"), 1);
      // The config bounds inserts.
      assert.equal(await c.call("CONFIG", "SET", "hellotype.max-len", "2"), "OK");
      assertError(await c.call("HELLOTYPE.INSERT", "h", "1", "2", "3"), "ERR hellotype list is full");
      assert.equal(await c.call("EXISTS", "h"), 0);
      assert.equal(await c.call("CONFIG", "SET", "hellotype.max-len", "1000"), "OK");
      assert.match(
        await c.call("INFO", "hellotype") as string,
        /# hellotype_stats\r\nhellotype_inserted_values:\d+\r\n/,
      );
    } finally {
      await c.call("DEL", "h", "h2", "s");
    }
  },
);

t(
  "a module file outside Valkyr's tree loads too (the compiled executable imports it at run time)",
  async (c) => {
    // The example imports only types from the module API, so a copy anywhere works on its own.
    const copy = path.join(dir, "hellotype_copy.ts");
    fs.copyFileSync(HELLOTYPE, copy);
    const loaded = (await moduleNames(c)).includes("hellotype");
    if (!loaded) assert.equal(await c.call("MODULE", "LOAD", copy, "from-copy"), "OK");
    else assertError(await c.call("MODULE", "LOAD", copy), LOAD_ERR); // name busy: loaded by the test above
    assert.equal(await c.call("HELLOTYPE.INSERT", "hc", "2", "1"), 2);
    assert.deepEqual(await c.call("HELLOTYPE.RANGE", "hc", "0", "5"), [1, 2]);
    await c.call("DEL", "hc");
  },
);

Deno.test({
  name: "--loadmodule and loadmodule lines load at start; module config lines apply; an unknown one aborts",
  ...valkyrOnly,
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const s = await startServer(["--loadmodule", TESTMOD, "p1", "--testmod.level", "8"]);
    const c = await RawConn.connect(s.port);
    try {
      const entry = (await c.call("MODULE", "LIST") as unknown[][]).find((m) => m[1] === "testmod")!;
      assert.deepEqual(entry[7], ["p1"]);
      assert.deepEqual(await c.call("CONFIG", "GET", "testmod.level"), ["testmod.level", "8"]);
    } finally {
      c.close();
      await s.stop();
    }
    await assert.rejects(
      startServer(["--testmod.level", "8"]),
      /Module Configuration detected without loadmodule/,
    );
    await assert.rejects(
      startServer(["--loadmodule", broken["throws.js"]!]),
      /Can't load module from .*throws\.js: server aborting/,
    );
    await assert.rejects(
      startServer(["--loadmodule", TESTMOD, "--testmod.level", "99"]),
      /Can't load module/,
    );
  },
});

globalThis.addEventListener("unload", () => {
  fs.rmSync(dir, { recursive: true, force: true });
});
