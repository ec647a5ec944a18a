import assert from "node:assert/strict";
import { aclCategories, CommandTable } from "../commands/registry.ts";
import type { CommandSpec } from "../commands/spec.ts";
import {
  checkUserDirective,
  type CommandCatalog,
  hashPassword,
  mergeSelectorArgs,
  newUser,
  splitRules,
} from "./user.ts";

const enc = new TextEncoder();

function spec(name: string, flags: CommandSpec["flags"], extra: Partial<CommandSpec> = {}): CommandSpec {
  return { name, summary: "", since: "1.0.0", group: "generic", arity: -1, flags, ...extra };
}

const table = new CommandTable();
table.register(spec("get", ["READONLY", "FAST"], { aclCategories: ["string"] }));
table.register(spec("set", ["WRITE", "DENYOOM"], { aclCategories: ["string"] }));
table.register(spec("select", ["LOADING", "FAST"], { aclCategories: ["connection"] }));
table.register(spec("auth", ["NO_AUTH", "FAST"], { aclCategories: ["connection"] }));
table.register(
  spec("config", [], {
    subcommands: [spec("get", ["ADMIN"]), spec("set", ["ADMIN"])],
  }),
);

const catalog: CommandCatalog = {
  lookup(name) {
    const parts = name.split("|");
    if (parts.length > 2) return undefined;
    const base = table.get(parts[0]!);
    if (base === undefined || parts.length === 1) return base;
    if (base.subcommands === undefined) return undefined;
    return table.subcommand(base, parts[1]!.toLowerCase());
  },
  parentOf: (s) => table.parentOf(s),
  all: () => table.all(),
  fullName: (s) => table.fullName(s),
  category: (n) => ["string", "connection", "admin", "read", "write", "fast", "slow"].find((c) => c === n),
  categoriesOf: (s) => new Set(aclCategories(s)),
};

function user(...rules: string[]) {
  const u = newUser("u", false);
  for (const r of rules) assert.equal(u.apply(r, catalog, false), null, r);
  return u;
}

Deno.test("passwords are stored as SHA-256 hex digests", () => {
  assert.equal(hashPassword("pw"), "30c952fab122c3f9759f02a6d95c3758b246b4fee239957b2d4fee46e26170c4");
  const u = user("on", ">pw");
  assert.deepEqual(u.passwords, [hashPassword("pw")]);
  assert.equal(u.checkPassword("pw"), true);
  assert.equal(u.checkPassword("px"), false);
});

Deno.test("the command rules keep their order, and a later rule replaces an earlier one", () => {
  const u = user("+get", "+config|get", "+@string", "-get");
  assert.equal(u.root.describeCommands(), "-@all +config|get +@string -get");
  u.apply("-config", catalog, false);
  assert.equal(u.root.describeCommands(), "-@all +@string -get -config");
  u.apply("+@all", catalog, false);
  assert.equal(u.root.describeCommands(), "+@all");
  assert.equal(u.root.allCommands, true);
  u.apply("-@all", catalog, false);
  assert.equal(u.root.describeCommands(), "-@all");
});

Deno.test("a container rule covers its subcommands; a category rule covers matching ones", () => {
  const u = user("+config");
  const get = catalog.lookup("config|get")!;
  const set = catalog.lookup("config|set")!;
  assert.equal(u.root.allowsCommand(get, table.get("config"), []), true);
  u.apply("-@admin", catalog, false);
  assert.equal(u.root.allowsCommand(set, table.get("config"), []), false);
});

Deno.test("first arguments are allowed for commands without subcommands, case-insensitively", () => {
  const u = user("+select|0");
  const select = table.get("select")!;
  assert.equal(u.root.allowsCommand(select, undefined, [enc.encode("SELECT"), enc.encode("0")]), true);
  assert.equal(u.root.allowsCommand(select, undefined, [enc.encode("SELECT"), enc.encode("1")]), false);
  assert.equal(newUser("x", false).apply("+config|get|x", catalog, false), "ECHILD");
  assert.equal(newUser("x", false).apply("+config|nosuch", catalog, false), "ENOENT");
  assert.equal(newUser("x", false).apply("+get|", catalog, false), "EINVAL");
});

Deno.test("NO_AUTH commands need no permission", () => {
  assert.equal(user().root.allowsCommand(table.get("auth")!, undefined, []), true);
});

Deno.test("key patterns carry read/write permissions and match by glob", () => {
  const u = user("~a*", "%R~r*", "%W~w*", "%RW~b*");
  assert.equal(u.root.describeKeys(), "~a* %R~r* %W~w* ~b*");
  assert.equal(u.root.allowsKey(enc.encode("r1"), ["RO", "ACCESS"]), true);
  assert.equal(u.root.allowsKey(enc.encode("r1"), ["RW", "UPDATE"]), false);
  assert.equal(u.root.allowsKey(enc.encode("w1"), ["OW", "UPDATE"]), true);
  assert.equal(u.root.allowsKey(enc.encode("w1"), ["RW", "ACCESS", "UPDATE"]), false);
  // A key spec without access flags (EXISTS-like RO alone) needs no permission bit: any pattern matches.
  assert.equal(u.root.allowsKey(enc.encode("w1"), ["RO"]), true);
  assert.equal(newUser("x", false).apply("%~a", catalog, false), "EINVAL");
  assert.equal(newUser("x", false).apply("%RR~a", catalog, false), "EINVAL");
  assert.equal(user("allkeys").apply("~a", catalog, false), "EEXIST");
});

Deno.test("PSUBSCRIBE patterns are compared literally, channels by glob", () => {
  const s = user("&news.*").root;
  assert.equal(s.allowsChannel(enc.encode("news.1"), false), true);
  assert.equal(s.allowsChannel(enc.encode("news.1*"), true), false);
  assert.equal(s.allowsChannel(enc.encode("news.*"), true), true);
});

Deno.test("selectors are merged from several words and split like sdssplitargs", () => {
  assert.deepEqual(mergeSelectorArgs(["on", "(+get", "~a)", "(+set)"]), ["on", "(+get ~a)", "(+set)"]);
  assert.deepEqual(mergeSelectorArgs(["(+get", "~a"]), { unmatched: 0 });
  assert.deepEqual(splitRules(` +get "~a b" 'c' `), ["+get", "~a b", "c"]);
  assert.deepEqual(splitRules(`"unterminated`), []);
  const u = user("(+get ~a)");
  assert.equal(u.describe(), "off sanitize-payload resetchannels -@all (~a resetchannels -@all +get)");
});

Deno.test("user directives are checked when the config is read", () => {
  assert.deepEqual(checkUserDirective(["alice", "on", "(+get", "~a)"], []), ["alice", "on", "(+get ~a)"]);
  assert.equal(
    checkUserDirective(["alice", "on", "bad"], []),
    // Valkey names the word at the failing rule's index counted from `user` (here the user's name).
    "Error in user declaration 'alice': Syntax error",
  );
  assert.equal(
    checkUserDirective(["alice"], [["alice"]]),
    "Error in user declaration 'alice': Duplicate user found. A user can only be defined once in config files",
  );
  // Unknown commands wait for the modules.
  assert.deepEqual(checkUserDirective(["bob", "+bf.add"], []), ["bob", "+bf.add"]);
});

Deno.test("unrestricted is kept for the dispatcher's fast path", () => {
  const u = user("+@all", "~*", "&*");
  assert.equal(u.unrestricted, true);
  u.apply("-get", catalog, false);
  assert.equal(u.unrestricted, false);
});
