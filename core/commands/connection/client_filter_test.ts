import assert from "node:assert/strict";
import { ReplyError } from "../errors.ts";
import { clientMatches, emptyFilter, parseClientFilter } from "./client_filter.ts";
import { ClientType } from "./client_info.ts";
import { callOf, fakeClient, fakeServer } from "./test_util.ts";
import { pingSpec } from "./ping.ts";

const enc = new TextEncoder();
const words = (...w: string[]) => w.map((x) => enc.encode(x));

function parse(...w: string[]) {
  return parseClientFilter(fakeServer(), words("CLIENT", "LIST", ...w), 2, emptyFilter(false));
}

function parseError(...w: string[]): string {
  try {
    parse(...w);
  } catch (e) {
    if (e instanceof ReplyError) return e.reply;
    throw e;
  }
  throw new Error(`no error for ${w.join(" ")}`);
}

Deno.test("filter options are read in any order and any case", () => {
  const f = parse(
    "type",
    "PubSub",
    "MAXAGE",
    "30",
    "addr",
    "1.2.3.4:5",
    "LaDdR",
    "127.0.0.1:6379",
    "skipme",
    "YES",
  );
  assert.equal(f.type, ClientType.PUBSUB);
  assert.equal(f.maxAge, 30n);
  assert.equal(f.addr, "1.2.3.4:5");
  assert.equal(f.laddr, "127.0.0.1:6379");
  assert.equal(f.skipme, true);
  assert.equal(f.ids, null);
  assert.equal(f.user, null);
});

Deno.test("ID takes the integers after it and may be repeated", () => {
  const f = parse("ID", "3", "1", "TYPE", "normal", "id", "7");
  assert.deepEqual([...f.ids!].sort(), [1n, 3n, 7n]);
  assert.equal(f.type, ClientType.NORMAL);
  assert.deepEqual([...parse("ID").ids!], []);
});

Deno.test("the old and new type names map to the same types", () => {
  assert.equal(parse("type", "master").type, ClientType.PRIMARY);
  assert.equal(parse("type", "primary").type, ClientType.PRIMARY);
  assert.equal(parse("type", "slave").type, ClientType.REPLICA);
  assert.equal(parse("type", "replica").type, ClientType.REPLICA);
});

Deno.test("a later option replaces an earlier one", () => {
  const f = parse("SKIPME", "yes", "SKIPME", "no", "MAXAGE", "5", "MAXAGE", "9");
  assert.equal(f.skipme, false);
  assert.equal(f.maxAge, 9n);
});

Deno.test("bad filters fail with Valkey's errors, the first one found wins", () => {
  assert.equal(parseError("id", "10", "wrong_arg"), "ERR syntax error");
  assert.equal(parseError("id", "str"), "ERR syntax error");
  assert.equal(parseError("id", "0"), "ERR client-id should be greater than 0");
  assert.equal(parseError("id", "-1"), "ERR client-id should be greater than 0");
  assert.equal(parseError("id", "01"), "ERR syntax error");
  assert.equal(parseError("type", "wrong_type"), "ERR Unknown client type 'wrong_type'");
  assert.equal(parseError("type", "nor\0mal"), "ERR Unknown client type 'nor'");
  assert.equal(parseError("user", "nobody"), "ERR No such user 'nobody'");
  assert.equal(parseError("user", "a\r\nb"), "ERR No such user 'a  b'");
  assert.equal(parseError("skipme", "maybe"), "ERR syntax error");
  assert.equal(parseError("maxage", "x"), "ERR maxage is not an integer or out of range");
  assert.equal(parseError("maxage", "9223372036854775808"), "ERR maxage is not an integer or out of range");
  assert.equal(parseError("maxage", "0"), "ERR maxage should be greater than 0");
  assert.equal(parseError("maxage"), "ERR syntax error");
  assert.equal(parseError("type"), "ERR syntax error");
  assert.equal(parseError("type", "bogus", "maxage", "x"), "ERR Unknown client type 'bogus'");
  assert.equal(parseError("maxage", "x", "type", "bogus"), "ERR maxage is not an integer or out of range");
});

Deno.test("the default user is the only user without an ACL subsystem", () => {
  assert.equal(parse("USER", "default").user, "default");
  assert.equal(parseError("USER", "Default"), "ERR No such user 'Default'");
});

Deno.test("a client matches when it passes every filter", () => {
  const server = fakeServer([pingSpec]);
  const me = fakeClient({ id: 1, addr: "127.0.0.1:1000", createdAt: 1_700_000_000_000 });
  const other = fakeClient({ id: 2, addr: "127.0.0.1:2000", createdAt: 1_699_999_990_500, user: "default" });
  const call = callOf(server, me, ["PING"], 1_700_000_000_999);
  const f = emptyFilter(false);
  assert.equal(clientMatches(f, me, call), true);
  assert.equal(clientMatches({ ...f, addr: "127.0.0.1:2000" }, other, call), true);
  assert.equal(clientMatches({ ...f, addr: "127.0.0.1:2000" }, me, call), false);
  assert.equal(clientMatches({ ...f, laddr: "127.0.0.1:6380" }, me, call), false);
  assert.equal(clientMatches({ ...f, ids: new Set([2n]) }, other, call), true);
  assert.equal(clientMatches({ ...f, ids: new Set() }, other, call), false);
  assert.equal(clientMatches({ ...f, skipme: true }, me, call), false);
  assert.equal(clientMatches({ ...f, skipme: true }, other, call), true);
  assert.equal(clientMatches({ ...f, user: "someone" }, other, call), false);
  assert.equal(clientMatches({ ...f, type: ClientType.NORMAL }, other, call), true);
  assert.equal(clientMatches({ ...f, type: ClientType.PUBSUB }, other, call), false);
  other.flags.add("P");
  assert.equal(clientMatches({ ...f, type: ClientType.PUBSUB }, other, call), true);
});

Deno.test("MAXAGE compares whole seconds of age as Valkey does", () => {
  const server = fakeServer([pingSpec]);
  const me = fakeClient({ id: 1 });
  // Created at ...89.500 s; now ...99.999 s: floor(now) - floor(created) = 10 seconds.
  const old = fakeClient({ id: 2, createdAt: 1_699_999_989_500 });
  const call = callOf(server, me, ["PING"], 1_699_999_999_999);
  assert.equal(clientMatches({ ...emptyFilter(false), maxAge: 10n }, old, call), true);
  assert.equal(clientMatches({ ...emptyFilter(false), maxAge: 11n }, old, call), false);
  assert.equal(clientMatches({ ...emptyFilter(false), maxAge: 1n << 62n }, old, call), false);
});
