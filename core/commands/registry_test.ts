import assert from "node:assert/strict";
import { CommandTable } from "./registry.ts";
import type { CommandSpec } from "./spec.ts";

function spec(name: string, arity: number, subcommands?: CommandSpec[]): CommandSpec {
  return {
    name,
    arity,
    flags: [],
    firstKey: 0,
    lastKey: 0,
    keyStep: 0,
    ...(subcommands !== undefined ? { subcommands } : {}),
    handler: () => {},
  } as unknown as CommandSpec;
}

const words = (...a: string[]) => a.map((s) => new TextEncoder().encode(s));

Deno.test("rename: the command is looked up under its new name only, and keeps its declared name", () => {
  const t = new CommandTable();
  const get = spec("get", 2);
  const cfg = spec("config", -2, [spec("get", -3)]);
  t.register(get);
  t.register(spec("set", -3));
  t.register(cfg);
  const v = t.version;
  assert.equal(t.rename("GET", "G2"), null);
  assert.ok(t.version > v, "the I/O Workers' copy of the table is renewed");
  assert.equal(t.get("get"), undefined);
  assert.equal(t.get("g2"), get);
  assert.equal(t.lookupWord(words("g2")[0]!), get);
  const r = t.resolve(words("G2", "k"));
  assert.ok("spec" in r && r.spec === get && "fullName" in r && r.fullName === "get");
  assert.deepEqual(t.resolve(words("g2")), {
    error: "ERR wrong number of arguments for 'get' command",
    spec: get,
  });
  assert.match((t.resolve(words("get", "k")) as { error: string }).error, /^ERR unknown command 'get'/);
  assert.equal(t.fullName(get), "get");
  assert.equal(t.original("GET"), get);
  assert.deepEqual([...t.named()].map(([n]) => n), ["set", "config", "g2"]);
  assert.equal(t.rename("g2", "set"), "Target command name already exists");
  assert.equal(t.rename("nosuch", "x"), "No such command in rename-command");
  // Removed: nothing calls it, ACL rules still name it.
  assert.equal(t.rename("config", ""), null);
  assert.equal(t.get("config"), undefined);
  assert.equal(t.size, 2);
  assert.equal(t.original("config"), cfg);
  assert.deepEqual([...t.allOriginal()].map((s) => s.name), ["get", "set", "config"]);
});

Deno.test("unregister takes a command out of both its current and its declared name", () => {
  const t = new CommandTable();
  const m = spec("mod.cmd", 1);
  t.register(m);
  assert.equal(t.unregister("MOD.CMD"), true);
  assert.equal(t.get("mod.cmd"), undefined);
  assert.equal(t.original("mod.cmd"), undefined);
  assert.equal(t.unregister("mod.cmd"), false);
});
