import assert from "node:assert/strict";
import { Config } from "../config/config.ts";
import { coreCommands } from "../commands/all.ts";
import { Logger } from "../server/log.ts";
import { Server } from "../server/server.ts";
import { moduleHost, ModuleLoadError } from "./host.ts";
import { decodeModuleTypeId, moduleTypeId } from "./type_id.ts";
import type { ModuleManifest } from "./types.ts";
import { BUILTIN_MODULES_DIRECTIVE, selectBuiltins } from "./startup.ts";
import { parseLoadex } from "../commands/module/mod.ts";

/** A server that is never started: registration needs its config, command table and logger only. */
function newServer(configText = ""): { server: Server; lines: string[] } {
  const config = new Config([BUILTIN_MODULES_DIRECTIVE]);
  if (configText !== "") config.loadText(configText, "test");
  const lines: string[] = [];
  const logger = new Logger();
  logger.log = (_level: string, msg: string) => void lines.push(msg);
  return { server: new Server({ config, commands: coreCommands(), logger }), lines };
}

function sample(over: Partial<ModuleManifest> = {}): ModuleManifest {
  return {
    name: "sample",
    version: 3,
    apiVersion: 1,
    aclCategories: ["samplecat"],
    dataTypes: [{
      name: "sampletyp",
      encver: 2,
      rdbSave() {},
      rdbLoad: () => ({}),
      aofRewrite() {},
      memUsage: () => 10,
    }],
    configs: [
      { name: "size", type: "numeric", default: 4, min: 1, max: 8 },
      { name: "flag", type: "bool", default: false },
    ],
    commands: [{
      name: "sample.ping",
      arity: 1,
      flags: ["FAST"],
      handler: (ctx) => ctx.reply.simple("PONG"),
    }],
    ...over,
  };
}

Deno.test("module type ids follow Valkey's encoding: 9 × 6 bits of name, 10 bits of encver", () => {
  // 'A' is symbol 0, '_' symbol 63.
  assert.equal(moduleTypeId("AAAAAAAAA", 0), 0n);
  assert.equal(moduleTypeId("AAAAAAAAA", 5), 5n);
  assert.equal(moduleTypeId("AAAAAAAAB", 0), 1n << 10n);
  assert.equal(moduleTypeId("_________", 1023), (1n << 64n) - 1n);
  assert.equal(moduleTypeId("short", 0), null);
  assert.equal(moduleTypeId("bad.chars", 0), null);
  assert.equal(moduleTypeId("bloomfltr", 1024), null);
  for (const [name, v] of [["bloomfltr", 1], ["ReJSON-RL", 3], ["hellotype", 0]] as const) {
    assert.deepEqual(decodeModuleTypeId(moduleTypeId(name, v)!), { name, encver: v });
  }
});

Deno.test("registering a module adds its commands, configs, types and categories; unloading removes them", () => {
  const { server, lines } = newServer();
  const host = moduleHost(server);
  const mod = host.register(sample({ dataTypes: [] }), "/m/sample.ts", ["a"]);
  assert.equal(mod.name, "sample");
  assert.ok(server.commands.get("sample.ping") !== undefined);
  assert.equal(server.config.get("sample.size"), "4");
  assert.deepEqual(host.aclCategories(), ["samplecat"]);
  assert.ok(lines.includes("Module 'sample' loaded from /m/sample.ts"));
  assert.equal(host.unload("sample"), null);
  assert.equal(server.commands.get("sample.ping"), undefined);
  assert.equal(server.config.has("sample.size"), false);
  assert.deepEqual(host.aclCategories(), []);
  assert.equal(host.unload("sample"), "no such module with that name");
});

Deno.test("a command keeps the case its module declares; it is found in any case", () => {
  const { server } = newServer();
  const host = moduleHost(server);
  const pong = (ctx: { reply: { simple(s: string): void } }) => ctx.reply.simple("PONG");
  host.register(
    sample({
      dataTypes: [],
      commands: [{
        name: "Sample.Ping",
        arity: 1,
        flags: [],
        handler: pong,
      }, {
        name: "SAMPLE.CONT",
        arity: -2,
        flags: [],
        subcommands: [{ name: "SUB", arity: 2, flags: [], handler: pong }],
      }],
    }),
    "/m/sample.ts",
    [],
  );
  const table = server.commands;
  const ping = table.get("sample.ping")!;
  assert.equal(ping.name, "Sample.Ping");
  assert.equal(table.get("SAMPLE.PING"), ping);
  assert.equal(table.lookupWord(new TextEncoder().encode("sAmPlE.pInG")), ping);
  const cont = table.get("sample.cont")!;
  const sub = table.subcommand(cont, "sub")!;
  assert.equal(table.fullName(sub), "SAMPLE.CONT|SUB");
  const enc = (...w: string[]) => w.map((x) => new TextEncoder().encode(x));
  const r = table.resolve(enc("sample.cont", "sub"));
  assert.ok("fullName" in r && r.fullName === "SAMPLE.CONT|SUB");
  const bad = table.resolve(enc("sample.cont", "Sub", "extra"));
  assert.ok("error" in bad && bad.error === "ERR wrong number of arguments for 'SAMPLE.CONT|SUB' command");
  const bad2 = table.resolve(enc("SAMPLE.PING", "extra"));
  assert.ok("error" in bad2 && bad2.error === "ERR wrong number of arguments for 'Sample.Ping' command");
  assert.equal(host.unload("sample"), null);
  assert.equal(table.get("sample.ping"), undefined);
  assert.equal(table.lookupWord(new TextEncoder().encode("sample.ping")), undefined);
});

Deno.test("data types are found by name and by module id, whatever the encver", () => {
  const { server } = newServer();
  const host = moduleHost(server);
  host.register(sample(), "/m/sample.ts", []);
  const byName = host.findTypeByName("sampletyp")!;
  assert.equal(byName.handle.encver, 2);
  assert.equal(byName.handle.moduleId, moduleTypeId("sampletyp", 2));
  assert.equal(host.findTypeById(moduleTypeId("sampletyp", 0)!), byName);
  assert.equal(host.findTypeById(moduleTypeId("othertype", 0)!), undefined);
  const v = host.wrapValue(byName, { x: 1 });
  assert.equal(v.type, "sampletyp");
  assert.equal(v.encoding, "raw");
  assert.equal(
    host.unload("sample"),
    "the module exports one or more module-side data types, can't unload",
  );
});

Deno.test("a failed load leaves nothing registered", () => {
  const cases: [Partial<ModuleManifest>, RegExp][] = [
    [{
      onLoad: () => {
        throw new Error("nope");
      },
    }, /onLoad failed: nope/],
    [{ apiVersion: 2 }, /requires module API version 2, this server provides 1/],
    [{ apiVersion: undefined as unknown as number }, /no valid 'apiVersion'/],
    [{ commands: [{ name: "get", arity: 2, flags: [], handler() {} }] }, /command 'get' already exists/],
    [{ commands: [{ name: "GET", arity: 2, flags: [], handler() {} }] }, /command 'GET' already exists/],
    [{
      commands: [
        { name: "sample.x", arity: 1, flags: [], handler() {} },
        { name: "SAMPLE.X", arity: 1, flags: [], handler() {} },
      ],
    }, /command 'SAMPLE.X' already exists/],
    [
      { commands: [{ name: "sample x", arity: 1, flags: [], handler() {} }] },
      /invalid command name 'sample x'/,
    ],
    [{ aclCategories: ["read"] }, /ACL category 'read' already exists/],
    [{ configs: [{ name: "size", type: "numeric", default: 99, min: 1, max: 8 }] }, /size/],
    [
      {
        commandExtensions: [{
          command: "get",
          point: "x",
          token: "T",
          argument: { name: "t", type: "string" },
          condition: () => true,
        }],
      },
      /has no extension point/,
    ],
  ];
  for (const [over, reason] of cases) {
    const { server, lines } = newServer();
    const host = moduleHost(server);
    const before = server.commands.size;
    assert.throws(() => host.register(sample(over), "/m/bad.ts", []), ModuleLoadError);
    assert.equal(server.commands.size, before);
    assert.equal(server.commands.get("sample.ping"), undefined);
    assert.equal(server.config.has("sample.size"), false);
    assert.equal(host.findTypeByName("sampletyp"), undefined);
    assert.deepEqual(host.aclCategories(), []);
    assert.deepEqual([...host.modules], []);
    assert.ok(lines.some((l) => reason.test(l)), `${reason} not in ${lines.join(" | ")}`);
  }
});

Deno.test("the config file's values for a module's configs apply when it loads; a bad one fails the load", () => {
  const { server } = newServer("sample.size 6\nsample.flag yes");
  assert.equal(server.config.moduleConfigQueue.size, 2);
  const host = moduleHost(server);
  host.register(sample(), "/m/sample.ts", []);
  assert.equal(server.config.get("sample.size"), "6");
  assert.equal(server.config.get("sample.flag"), "yes");
  assert.equal(server.config.moduleConfigQueue.size, 0);

  const bad = newServer("sample.size 60").server;
  assert.throws(() => moduleHost(bad).register(sample(), "/m/sample.ts", []), ModuleLoadError);
  assert.equal(bad.config.has("sample.size"), false);
});

Deno.test("a duplicate module name is refused (Module name is busy)", () => {
  const { server, lines } = newServer();
  const host = moduleHost(server);
  host.register(sample({ dataTypes: [] }), "/m/a.ts", []);
  assert.throws(
    () =>
      host.register(sample({ dataTypes: [], commands: [], configs: [], aclCategories: [] }), "/m/b.ts", []),
    ModuleLoadError,
  );
  assert.ok(lines.includes("Module /m/b.ts initialization failed. Module name is busy."));
});

Deno.test("config change hooks see typed values at load and on CONFIG SET", () => {
  const { server } = newServer();
  const seen: unknown[] = [];
  moduleHost(server).register(
    sample({
      dataTypes: [],
      configs: [{ name: "size", type: "numeric", default: 4, min: 1, max: 8, onChange: (v) => seen.push(v) }],
    }),
    "/m/sample.ts",
    [],
  );
  assert.equal(server.config.set([["sample.size", "7"]]), null);
  assert.deepEqual(seen, [4, 7]);
});

Deno.test("builtin-modules selects all, none or named modules", () => {
  const a = sample({ name: "a" });
  const b = sample({ name: "b" });
  assert.deepEqual(selectBuiltins("all", [a, b]), [a, b]);
  assert.deepEqual(selectBuiltins("none", [a, b]), []);
  assert.deepEqual(selectBuiltins("", [a, b]), []);
  assert.deepEqual(selectBuiltins("B a", [a, b]), [b, a]);
  assert.throws(() => selectBuiltins("c", [a, b]), /unknown module 'c'/);
});

Deno.test("MODULE LOADEX's words: CONFIG pairs, then ARGS", () => {
  assert.deepEqual(parseLoadex([]), { configs: [], args: [] });
  assert.deepEqual(parseLoadex(["config", "m.a", "1", "CONFIG", "m.b", "2", "args", "x", "CONFIG"]), {
    configs: [["m.a", "1"], ["m.b", "2"]],
    args: ["x", "CONFIG"],
  });
  assert.deepEqual(parseLoadex(["CONFIG", "m.a"]), { error: "CONFIG specified without name value pair" });
  assert.deepEqual(parseLoadex(["x"]), { error: "Syntax Error from arguments to loadex around x." });
});

Deno.test("argsAsConfig: the argument after a config's short name is its default; bad values fail", () => {
  const { server } = newServer();
  const host = moduleHost(server);
  const m = sample({ argsAsConfig: true });
  host.register(m, "/x/sample.js", ["other", "size", "6", "flag", "yes", "size", "2"]);
  assert.equal(server.config.get("sample.size"), "6"); // the first match
  assert.equal(server.config.get("sample.flag"), "yes");
  host.unloadAll();
  // Without argsAsConfig the arguments are only the module's.
  host.register(sample(), "/x/sample.js", ["size", "6"]);
  assert.equal(server.config.get("sample.size"), "4");
  host.unloadAll();
  // A name as the last argument has no value: the default stays.
  host.register(sample({ argsAsConfig: true }), "/x/sample.js", ["size"]);
  assert.equal(server.config.get("sample.size"), "4");
  host.unloadAll();
  for (const args of [["size", "9"], ["size", "x"], ["flag", "maybe"]]) {
    assert.throws(
      () => host.register(sample({ argsAsConfig: true }), "/x/sample.js", args),
      ModuleLoadError,
      args.join(" "),
    );
    assert.equal(server.config.has("sample.size"), false);
  }
});

Deno.test("bit-flag enum configs: names combine into a mask; the module sees the number", () => {
  const { server } = newServer('sample.bits "one four"');
  const host = moduleHost(server);
  const values: number[] = [];
  const m = sample({
    configs: [{
      name: "bits",
      type: "enum",
      flags: ["bitflags"],
      default: 0,
      enumValues: [["none", 0], ["five", 5], ["one", 1], ["two", 2], ["four", 4]],
      onChange: (v) => void values.push(v as number),
    }],
  });
  host.register(m, "/x/sample.js", []);
  assert.equal(server.config.get("sample.bits"), "five");
  assert.deepEqual(values, [5]);
  assert.equal(server.config.set([["sample.bits", "two four one"]]), null);
  assert.equal(server.config.get("sample.bits"), "five two");
  assert.deepEqual(values, [5, 7]);
  // bitflags on another type, or a default naming no member, is refused.
  host.unloadAll();
  for (
    const c of [
      { name: "n", type: "numeric" as const, default: 1, flags: ["bitflags" as const] },
      { name: "e", type: "enum" as const, default: "six", flags: ["bitflags" as const], enumValues: ["a"] },
      { name: "e", type: "enum" as const, default: 8, flags: ["bitflags" as const], enumValues: [["a", 1]] },
    ]
  ) {
    assert.throws(
      () => host.register(sample({ configs: [c as never] }), "/x/sample.js", []),
      ModuleLoadError,
    );
  }
});
