/**
 * More of the module API over TCP: MODULE LOAD / LOADEX inside MULTI/EXEC, module arguments that set
 * configs (`argsAsConfig`), bit-flag enum configs, and the data type `defrag` callback under active
 * defrag. The expected replies were checked against valkey-server 8.1.1 with its tests/modules
 * (basics.so, moduleconfigs.so): see the comments of each test. Valkyr only: its modules are TypeScript /
 * JavaScript files.
 */

import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { isValkyr, startServer } from "../helpers/server.ts";
import { encodeRequest, RawConn } from "../helpers/raw.ts";
import { assertError, connTest } from "../helpers/suite.ts";
import { waitForLog, waitUntil } from "../helpers/timing.ts";

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../..");
const LOAD_ERR = "ERR Error loading the extension. Please check the server logs.";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "valkyr-modextra-"));
function moduleFile(name: string, source: string): string {
  const p = path.join(dir, name);
  fs.writeFileSync(p, source);
  return p;
}

/** The example module, copied so this file's loads do not depend on other test files. */
const HELLOTYPE = path.join(dir, "hellotype.ts");
fs.copyFileSync(path.join(ROOT, "examples/modules/hellotype.ts"), HELLOTYPE);

/** Plain module with one command (Valkey's basics.so stand-in). */
const SIMPLE = moduleFile(
  "simple.js",
  `export const manifest = { name: "simple", version: 3, apiVersion: 1,
  commands: [{ name: "simple.ping", arity: 1, flags: ["FAST"], handler: (c) => c.reply.simple("PONG") }] };`,
);

/**
 * The configs of Valkey's tests/modules/moduleconfigs.c that matter here: an enum and a bit-flag enum
 * over the same members, a string, a numeric; argsAsConfig on. `cfg.get name` replies what the module
 * sees; `cfg.seen` the values its validator and change hook got for `flags`.
 */
const CFGMOD = moduleFile(
  "cfgmod.js",
  `const members = [["none", 0], ["five", 5], ["one", 1], ["two", 2], ["four", 4]];
const seen = [];
export const manifest = { name: "moduleconfigs", version: 1, apiVersion: 1, argsAsConfig: true,
  configs: [
    { name: "enum", type: "enum", default: 1, enumValues: members },
    { name: "flags", type: "enum", default: 3, flags: ["bitflags"], enumValues: members,
      validate: (v) => v === 1 ? "one alone is not allowed" : undefined,
      onChange: (v) => void seen.push(v) },
    { name: "string", type: "string", default: "secret password" },
    { name: "numeric", type: "numeric", default: -1, min: -5, max: 2000 },
    { name: "on", type: "bool", default: false },
  ],
  commands: [
    { name: "cfg.get", arity: 2, flags: ["FAST"], handler(ctx) {
      const v = ctx.config(new TextDecoder().decode(ctx.argv[1]));
      if (typeof v === "number") ctx.reply.int(v); else ctx.reply.bulkStr(String(v));
    } },
    { name: "cfg.seen", arity: 1, flags: ["FAST"], handler(ctx) {
      ctx.reply.arrayHeader(seen.length); for (const v of seen) ctx.reply.int(v);
    } },
  ] };`,
);

/**
 * A type whose defrag works in slices: each call advances the cursor by one and asks for more until it
 * reaches `steps`; `sl.log` replies the cursors each call started from.
 */
const SLICED = moduleFile(
  "sliced.js",
  `const log = [];
export function createModule(api) {
  let T;
  return { name: "sliced", version: 1, apiVersion: 1,
    dataTypes: [{ name: "slicetype", encver: 0, rdbSave() {}, rdbLoad() { return { steps: 0 }; },
      aofRewrite() {}, memUsage: () => 8,
      defrag(key, v, ctx) {
        log.push(ctx.cursor);
        ctx.cursor++;
        if (ctx.cursor < v.steps) return 1;
        ctx.moved();
        return 0;
      } }],
    commands: [
      { name: "sl.new", arity: 3, flags: ["WRITE"], handler(ctx) {
        ctx.setValue(T, ctx.argv[1], { steps: Number(api.parseI64(ctx.argv[2])) }); ctx.reply.ok();
      } },
      { name: "sl.log", arity: 1, flags: [], handler(ctx) {
        ctx.reply.arrayHeader(log.length); for (const c of log) ctx.reply.int(c);
      } },
    ],
    onLoad(ctx) { T = ctx.dataType("slicetype"); } };
}`,
);

const srv = await startServer(["--enable-module-command", "yes"]);
const t = connTest(srv, { defaults: { ignore: !isValkyr() } });

/** Several requests in one write. */
function pipeline(...reqs: string[][]): Uint8Array {
  const parts = reqs.map((r) => encodeRequest(r));
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

async function moduleNames(c: RawConn): Promise<string[]> {
  return (await c.call("MODULE", "LIST") as unknown[][]).map((m) => m[1] as string);
}

async function unloadIfLoaded(c: RawConn, name: string): Promise<void> {
  if ((await moduleNames(c)).includes(name)) await c.call("MODULE", "UNLOAD", name);
}

async function infoField(c: RawConn, section: string, field: string): Promise<string | undefined> {
  const info = await c.call("INFO", section) as string;
  return new RegExp(`^${field}:(.*)\\r$`, "m").exec(info)?.[1];
}

// --- 1. MODULE LOAD / LOADEX in MULTI ----------------------------------------------------------------

t("MODULE LOAD and LOADEX queue in MULTI and load in EXEC, each reply in EXEC's array", async (c) => {
  // valkey-server 8.1.1: MULTI; MODULE LOAD basics.so; MODULE LOAD /nonexist.so; MODULE LOADEX
  // moduleconfigs.so CONFIG moduleconfigs.flags "two four" ARGS x; EXEC
  //   -> +QUEUED x3, then *3 +OK -ERR Error loading the extension... +OK; MODULE LIST args [x].
  await unloadIfLoaded(c, "simple");
  await unloadIfLoaded(c, "moduleconfigs");
  assert.equal(await c.call("MULTI"), "OK");
  assert.equal(await c.call("MODULE", "LOAD", SIMPLE), "QUEUED");
  assert.equal(await c.call("MODULE", "LOAD", path.join(dir, "nonexist.so")), "QUEUED");
  assert.equal(
    await c.call("MODULE", "LOADEX", CFGMOD, "CONFIG", "moduleconfigs.flags", "two four", "ARGS", "x"),
    "QUEUED",
  );
  assert.equal(await c.call("SET", "after-load", "1"), "QUEUED");
  const replies = await c.call("EXEC") as unknown[];
  assert.equal(replies.length, 4);
  assert.equal(replies[0], "OK");
  assertError(replies[1], LOAD_ERR);
  assert.equal(replies[2], "OK");
  assert.equal(replies[3], "OK");
  try {
    assert.equal(await c.call("SIMPLE.PING"), "PONG");
    const entry = (await c.call("MODULE", "LIST") as unknown[][]).find((m) => m[1] === "moduleconfigs")!;
    assert.deepEqual(entry[7], ["x"]);
    assert.deepEqual(await c.call("CONFIG", "GET", "moduleconfigs.flags"), [
      "moduleconfigs.flags",
      "two four",
    ]);
    assert.equal(await c.call("GET", "after-load"), "1");
  } finally {
    await c.call("DEL", "after-load");
    await unloadIfLoaded(c, "simple");
    await unloadIfLoaded(c, "moduleconfigs");
  }
});

t("a pipelined MULTI / MODULE LOAD / EXEC: EXEC waits for the file, other clients do not", async (c) => {
  await unloadIfLoaded(c, "simple");
  const other = await RawConn.connect(srv.port);
  try {
    c.send(
      pipeline(["MULTI"], ["MODULE", "LOAD", SIMPLE], ["SIMPLE.PING"], ["EXEC"], ["SIMPLE.PING"]),
    );
    assert.equal(await other.call("PING"), "PONG");
    assert.equal(await c.read(), "OK");
    assert.equal(await c.read(), "QUEUED");
    // Valkey too: a command that does not exist yet when queued fails the transaction.
    assertError(
      await c.read(),
      "ERR unknown command 'SIMPLE.PING', with args beginning with: ",
    );
    assertError(await c.read(), "EXECABORT Transaction discarded because of previous errors.");
    assertError(await c.read(), "ERR unknown command 'SIMPLE.PING', with args beginning with: ");
    assert.ok(!(await moduleNames(c)).includes("simple"));
    // Without the error the same pipeline loads the module in EXEC and the next command finds it.
    c.send(
      pipeline(["MULTI"], ["MODULE", "LOAD", SIMPLE], ["EXEC"], ["SIMPLE.PING"]),
    );
    assert.equal(await c.read(), "OK");
    assert.equal(await c.read(), "QUEUED");
    assert.deepEqual(await c.read(), ["OK"]);
    assert.equal(await c.read(), "PONG");
    // A name already taken fails inside the array, the rest of the transaction runs.
    assert.equal(await c.call("MULTI"), "OK");
    await c.call("MODULE", "LOAD", SIMPLE);
    await c.call("INCR", "multi-counter");
    const r = await c.call("EXEC") as unknown[];
    assertError(r[0], LOAD_ERR);
    assert.equal(r[1], 1);
    await waitForLog(srv.output, /simple\.js initialization failed\. Module name is busy\./);
  } finally {
    other.close();
    await c.call("DEL", "multi-counter");
    await unloadIfLoaded(c, "simple");
  }
});

t("DISCARD after a queued MODULE LOAD loads nothing", async (c) => {
  await unloadIfLoaded(c, "simple");
  assert.equal(await c.call("MULTI"), "OK");
  assert.equal(await c.call("MODULE", "LOAD", SIMPLE), "QUEUED");
  assert.equal(await c.call("DISCARD"), "OK");
  assert.ok(!(await moduleNames(c)).includes("simple"));
});

// --- 2. Module arguments and configs --------------------------------------------------------------------

t("argsAsConfig: `name value` arguments set config defaults; CONFIG pairs still win", async (c) => {
  await unloadIfLoaded(c, "moduleconfigs");
  assert.equal(
    await c.call(
      "MODULE",
      "LOAD",
      CFGMOD,
      "numeric",
      "42",
      "string",
      "from args",
      "enum",
      "two",
      "flags",
      "one four five",
      "on",
      "yes",
      "unrelated",
    ),
    "OK",
  );
  try {
    assert.deepEqual(await c.call("CONFIG", "GET", "moduleconfigs.*"), [
      "moduleconfigs.enum",
      "two",
      "moduleconfigs.flags",
      "five",
      "moduleconfigs.string",
      "from args",
      "moduleconfigs.numeric",
      "42",
      "moduleconfigs.on",
      "yes",
    ]);
    // onLoad and MODULE LIST still see every argument.
    const entry = (await c.call("MODULE", "LIST") as unknown[][]).find((m) => m[1] === "moduleconfigs")!;
    assert.equal((entry[7] as string[]).length, 11);
  } finally {
    await unloadIfLoaded(c, "moduleconfigs");
  }
  // LOADEX's CONFIG pairs override what the arguments give.
  assert.equal(
    await c.call("MODULE", "LOADEX", CFGMOD, "CONFIG", "moduleconfigs.numeric", "7", "ARGS", "numeric", "42"),
    "OK",
  );
  try {
    assert.deepEqual(await c.call("CONFIG", "GET", "moduleconfigs.numeric"), ["moduleconfigs.numeric", "7"]);
  } finally {
    await unloadIfLoaded(c, "moduleconfigs");
  }
  // A value its config refuses fails the load, and the reason is logged.
  for (
    const [args, why] of [
      [["numeric", "abc"], /module argument 'numeric abc': not an integer/],
      [["numeric", "5000"], /module argument 'numeric 5000': must be between -5 and 2000 inclusive/],
      [["enum", "six"], /module argument 'enum six': must be one of none, five, one, two, four/],
      [["flags", "one"], /module argument 'flags one': one alone is not allowed/],
      [["on", "maybe"], /module argument 'on maybe': must be 'yes' or 'no'/],
    ] as const
  ) {
    assertError(await c.call("MODULE", "LOAD", CFGMOD, ...args), LOAD_ERR);
    await waitForLog(srv.output, why);
    assert.ok(!(await moduleNames(c)).includes("moduleconfigs"));
  }
});

t("argsAsConfig in the example module: MODULE LOAD hellotype.ts max-len 3", async (c) => {
  await unloadIfLoaded(c, "sliced");
  const loaded = (await moduleNames(c)).includes("hellotype");
  if (loaded) {
    // The type cannot be unloaded; set the config the way the argument would have.
    await c.call("CONFIG", "SET", "hellotype.max-len", "3");
  } else {
    assert.equal(await c.call("MODULE", "LOAD", HELLOTYPE, "max-len", "3"), "OK");
    assert.deepEqual(await c.call("CONFIG", "GET", "hellotype.max-len"), ["hellotype.max-len", "3"]);
  }
  try {
    await c.call("DEL", "hl");
    assertError(await c.call("HELLOTYPE.INSERT", "hl", "1", "2", "3", "4"), "ERR hellotype list is full");
    assert.equal(await c.call("HELLOTYPE.INSERT", "hl", "1", "2", "3"), 3);
  } finally {
    await c.call("DEL", "hl");
    await c.call("CONFIG", "SET", "hellotype.max-len", "1000000");
  }
});

// --- 5. Bit-flag enum configs ---------------------------------------------------------------------------

t(
  "bit-flag enum configs: CONFIG SET combines names, CONFIG GET lists them (as moduleconfigs.so)",
  async (c) => {
    await unloadIfLoaded(c, "moduleconfigs");
    assert.equal(await c.call("MODULE", "LOAD", CFGMOD), "OK");
    try {
      // valkey-server 8.1.1 with tests/modules/moduleconfigs.so printed every value below.
      const get = async () => (await c.call("CONFIG", "GET", "moduleconfigs.flags") as string[])[1];
      assert.equal(await get(), "one two"); // default 3
      assert.equal(await c.call("CFG.GET", "flags"), 3);
      for (
        const [set, shown, mask] of [
          ["none", "none", 0],
          ["two four", "two four", 6],
          ["five", "five", 5],
          ["one four", "five", 5],
          ["one two four", "five two", 7],
          ["four five", "five", 5],
          ["TWO", "two", 2],
        ] as const
      ) {
        assert.equal(await c.call("CONFIG", "SET", "moduleconfigs.flags", set), "OK", set);
        assert.equal(await get(), shown, set);
        assert.equal(await c.call("CFG.GET", "flags"), mask, set);
      }
      const enumErr = "argument(s) must be one of the following: none, five, one, two, four";
      const failed = (name: string, why: string) =>
        `ERR CONFIG SET failed (possibly related to argument '${name}') - ${why}`;
      for (const bad of ["one bad", "", "  one", "one  two"]) {
        assertError(
          await c.call("CONFIG", "SET", "moduleconfigs.flags", bad),
          failed("moduleconfigs.flags", enumErr),
        );
      }
      // A plain enum takes one name only.
      assertError(
        await c.call("CONFIG", "SET", "moduleconfigs.enum", "two four"),
        failed("moduleconfigs.enum", enumErr),
      );
      assert.equal(await c.call("CFG.GET", "enum"), "one");
      // The module's validator and change hook see the number.
      assertError(
        await c.call("CONFIG", "SET", "moduleconfigs.flags", "one"),
        failed("moduleconfigs.flags", "one alone is not allowed"),
      );
      assert.equal(await get(), "two");
      const seen = await c.call("CFG.SEEN") as number[];
      // (The file's state outlives unloads: the runtime imports a file once.)
      assert.equal(seen.at(-1), 2);
      for (const v of [3, 0, 6, 5, 7, 2]) assert.ok(seen.includes(v), `${v} in ${seen}`);
      assert.ok(!seen.includes(1));
    } finally {
      await unloadIfLoaded(c, "moduleconfigs");
    }
    // From LOADEX as one word.
    assert.equal(await c.call("MODULE", "LOADEX", CFGMOD, "CONFIG", "moduleconfigs.flags", "two four"), "OK");
    try {
      assert.deepEqual(await c.call("CONFIG", "GET", "moduleconfigs.flags"), [
        "moduleconfigs.flags",
        "two four",
      ]);
    } finally {
      await unloadIfLoaded(c, "moduleconfigs");
    }
  },
);

// --- 4. The defrag callback -----------------------------------------------------------------------------

t(
  "active defrag calls module types' defrag: the example compacts its arrays, sliced calls resume",
  async (c) => {
    if (!(await moduleNames(c)).includes("hellotype")) {
      assert.equal(await c.call("MODULE", "LOAD", HELLOTYPE), "OK");
    }
    if (!(await moduleNames(c)).includes("sliced")) {
      assert.equal(
        await c.call("MODULE", "LOAD", SLICED),
        "OK",
      );
    }
    await c.call("CONFIG", "SET", "hellotype.max-len", "1000000");
    await c.call("CONFIG", "SET", "activedefrag", "no");
    try {
      await c.call("DEL", "hd", "sl");
      const values = Array.from({ length: 1025 }, (_, i) => String(i));
      assert.equal(await c.call("HELLOTYPE.INSERT", "hd", ...values), 1025);
      assert.equal(await c.call("SL.NEW", "sl", "4"), "OK");
      // 1025 values sit in an array of 2048.
      const before = await c.call("MEMORY", "USAGE", "hd") as number;
      assert.ok(before > 2048 * 8, String(before));
      const compactedBefore = Number(await infoField(c, "hellotype", "hellotype_defrag_compacted_lists"));
      // Thresholds every server with a few keys meets: the slab pages are mostly empty.
      await c.call("CONFIG", "SET", "active-defrag-ignore-bytes", "1");
      await c.call("CONFIG", "SET", "active-defrag-threshold-lower", "0");
      await c.call("CONFIG", "SET", "activedefrag", "yes");
      // A cycle starts at the next cron tick (generous bounds: the machine is shared).
      await waitUntil(
        async () => Number(await infoField(c, "memory", "active_defrag_running")) > 0,
        "an active defrag cycle to start",
        30000,
      );
      await waitUntil(
        async () =>
          Number(await infoField(c, "hellotype", "hellotype_defrag_compacted_lists")) > compactedBefore,
        "the example's defrag callback to compact the list",
        30000,
      );
      const after = await c.call("MEMORY", "USAGE", "hd") as number;
      assert.ok(after < before - 1000 * 8, `${before} -> ${after}`);
      assert.ok(Number(await infoField(c, "stats", "active_defrag_hits")) > 0);
      // The values are intact.
      assert.equal(await c.call("HELLOTYPE.LEN", "hd"), 1025);
      assert.deepEqual(await c.call("HELLOTYPE.RANGE", "hd", "1022", "5"), [1022, 1023, 1024]);
      // The sliced type: one value was called from cursors 0, 1, 2, 3 in turn.
      await waitUntil(
        async () => (await c.call("SL.LOG") as number[]).join(",").includes("0,1,2,3"),
        "a value returning 1 to be called again from its cursor",
        30000,
      );
    } finally {
      await c.call("CONFIG", "SET", "activedefrag", "no");
      await c.call("CONFIG", "SET", "active-defrag-ignore-bytes", "100mb");
      await c.call("CONFIG", "SET", "active-defrag-threshold-lower", "10");
      await c.call("DEL", "hd", "sl");
    }
  },
);

Deno.test({
  name: "--loadmodule with arguments for argsAsConfig, and bit-flag config lines, at start",
  ignore: !isValkyr(),
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const s = await startServer([
      "--loadmodule",
      CFGMOD,
      "numeric",
      "12",
      "--moduleconfigs.flags",
      "two four",
    ]);
    const c = await RawConn.connect(s.port);
    try {
      assert.deepEqual(await c.call("CONFIG", "GET", "moduleconfigs.numeric"), [
        "moduleconfigs.numeric",
        "12",
      ]);
      assert.deepEqual(await c.call("CONFIG", "GET", "moduleconfigs.flags"), [
        "moduleconfigs.flags",
        "two four",
      ]);
      assert.equal(await c.call("CFG.GET", "flags"), 6);
    } finally {
      c.close();
      await s.stop();
    }
    await assert.rejects(startServer(["--loadmodule", CFGMOD, "numeric", "x"]), /Can't load module/);
  },
});

Deno.test({
  name: "stop server",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    await srv.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  },
});
