import assert from "node:assert/strict";
import { ReplyWriter } from "../../resp/writer.ts";
import { CommandTable } from "../registry.ts";
import type { CommandSpec } from "../spec.ts";
import {
  commandFlagNames,
  keyFlagNames,
  orderedAclCategories,
  replyCommandDocs,
  replyCommandInfo,
} from "./command_reply.ts";

const dec = new TextDecoder();

function render(proto: 2 | 3, fn: (w: ReplyWriter) => void): string {
  const w = new ReplyWriter();
  w.proto = proto;
  fn(w);
  return dec.decode(w.take());
}

const MODULE_CMD: CommandSpec = {
  name: "mod.move",
  summary: "Moves things.",
  since: "1.2.0",
  group: "module",
  complexity: "O(1)",
  arity: -3,
  flags: ["WRITE", "MODULE", "MAY_REPLICATE", "DENYOOM"],
  aclCategories: ["mycat", "keyspace"],
  module: "mod",
  docFlags: ["SYSCMD", "DEPRECATED"],
  deprecatedSince: "2.0.0",
  replacedBy: "`MOD.MOVE2`",
  commandTips: ["nondeterministic_output"],
  keySpecs: [
    {
      notes: "the source",
      flags: ["RW", "DELETE"],
      beginSearch: { keyword: { keyword: "FROM", startFrom: 1 } },
      findKeys: { keynum: { keynumidx: 0, firstkey: 1, step: 1 } },
    },
    { flags: ["OW"], beginSearch: { unknown: null }, findKeys: { unknown: null } },
  ],
  arguments: [
    {
      name: "src",
      type: "key",
      keySpecIndex: 0,
      token: "FROM",
      multiple: true,
      multipleToken: true,
      summary: "A source.",
      deprecatedSince: "1.5.0",
    },
  ],
};

Deno.test("commandFlagNames prints flags in Valkey's order, hides internal ones, adds movablekeys", () => {
  assert.deepEqual(commandFlagNames(MODULE_CMD), ["write", "denyoom", "module", "movablekeys"]);
  const plain: CommandSpec = {
    name: "x",
    summary: "",
    since: "",
    group: "generic",
    arity: 1,
    flags: [
      "PROTECTED",
      "SENTINEL",
      "ONLY_SENTINEL",
      "TOUCHES_ARBITRARY_KEYS",
      "FAST",
      "NO_AUTH",
      "ALLOW_BUSY",
    ],
  };
  assert.deepEqual(commandFlagNames(plain), ["fast", "no_auth", "allow_busy"]);
});

Deno.test("orderedAclCategories lists Valkey's categories in table order, module categories last", () => {
  // A module command has only the categories it declares (Valkey adds no implicit ones to module commands).
  assert.deepEqual(orderedAclCategories(MODULE_CMD), ["keyspace", "mycat"]);
  const { module: _module, ...coreCmd } = MODULE_CMD;
  assert.deepEqual(orderedAclCategories(coreCmd), [
    "keyspace",
    "write",
    "slow",
    "mycat",
  ]);
});

Deno.test("keyFlagNames prints RO/RW/OW/RM upper-case and the rest lower-case, in Valkey's order", () => {
  assert.deepEqual(keyFlagNames(["VARIABLE_FLAGS", "ACCESS", "RW", "NOT_KEY", "INCOMPLETE"]), [
    "RW",
    "access",
    "not_key",
    "incomplete",
    "variable_flags",
  ]);
});

Deno.test("replyCommandInfo prints keyword, keynum and unknown key specs with notes first", () => {
  const table = new CommandTable();
  table.register(MODULE_CMD);
  const out = render(3, (w) => replyCommandInfo(w, table, MODULE_CMD));
  assert.equal(
    out,
    "*10\r\n$8\r\nmod.move\r\n:-3\r\n~4\r\n+write\r\n+denyoom\r\n+module\r\n+movablekeys\r\n:0\r\n:0\r\n:0\r\n" +
      "~2\r\n+@keyspace\r\n+@mycat\r\n~1\r\n$23\r\nnondeterministic_output\r\n~2\r\n" +
      "%4\r\n$5\r\nnotes\r\n$10\r\nthe source\r\n$5\r\nflags\r\n~2\r\n+RW\r\n+delete\r\n" +
      "$12\r\nbegin_search\r\n%2\r\n$4\r\ntype\r\n$7\r\nkeyword\r\n$4\r\nspec\r\n%2\r\n" +
      "$7\r\nkeyword\r\n$4\r\nFROM\r\n$9\r\nstartfrom\r\n:1\r\n" +
      "$9\r\nfind_keys\r\n%2\r\n$4\r\ntype\r\n$6\r\nkeynum\r\n$4\r\nspec\r\n%3\r\n" +
      "$9\r\nkeynumidx\r\n:0\r\n$8\r\nfirstkey\r\n:1\r\n$7\r\nkeystep\r\n:1\r\n" +
      "%3\r\n$5\r\nflags\r\n~1\r\n+OW\r\n$12\r\nbegin_search\r\n%2\r\n$4\r\ntype\r\n$7\r\nunknown\r\n" +
      "$4\r\nspec\r\n%0\r\n$9\r\nfind_keys\r\n%2\r\n$4\r\ntype\r\n$7\r\nunknown\r\n$4\r\nspec\r\n%0\r\n~0\r\n",
  );
});

Deno.test("replyCommandInfo of an unknown command is a null", () => {
  const table = new CommandTable();
  assert.equal(render(2, (w) => replyCommandInfo(w, table, undefined)), "$-1\r\n");
  assert.equal(render(3, (w) => replyCommandInfo(w, table, undefined)), "_\r\n");
});

Deno.test("replyCommandDocs prints module, doc flags, deprecation and every argument field", () => {
  const table = new CommandTable();
  table.register(MODULE_CMD);
  const out = render(2, (w) => replyCommandDocs(w, table, MODULE_CMD));
  const fields: [string, string][] = [
    ["summary", "Moves things."],
    ["since", "1.2.0"],
    ["group", "module"],
    ["complexity", "O(1)"],
    ["module", "mod"],
  ];
  let expected = "*18\r\n";
  for (const [k, v] of fields) expected += `$${k.length}\r\n${k}\r\n$${v.length}\r\n${v}\r\n`;
  expected += "$9\r\ndoc_flags\r\n*2\r\n+deprecated\r\n+syscmd\r\n";
  expected += "$16\r\ndeprecated_since\r\n$5\r\n2.0.0\r\n$11\r\nreplaced_by\r\n$11\r\n`MOD.MOVE2`\r\n";
  expected += "$9\r\narguments\r\n*1\r\n*16\r\n$4\r\nname\r\n$3\r\nsrc\r\n$4\r\ntype\r\n$3\r\nkey\r\n" +
    "$12\r\ndisplay_text\r\n$3\r\nsrc\r\n$14\r\nkey_spec_index\r\n:0\r\n$5\r\ntoken\r\n$4\r\nFROM\r\n" +
    "$7\r\nsummary\r\n$9\r\nA source.\r\n$16\r\ndeprecated_since\r\n$5\r\n1.5.0\r\n" +
    "$5\r\nflags\r\n*2\r\n+multiple\r\n+multiple_token\r\n";
  assert.equal(out, expected);
});

Deno.test("replyCommandDocs leaves out an empty summary and since, as for module commands without docs", () => {
  const table = new CommandTable();
  const bare: CommandSpec = { name: "bare", summary: "", since: "", group: "module", arity: 1, flags: [] };
  table.register(bare);
  assert.equal(render(3, (w) => replyCommandDocs(w, table, bare)), "%1\r\n$5\r\ngroup\r\n$6\r\nmodule\r\n");
});
