/**
 * The tracked size of a packed (tape) document after JSON.SET splices: JSON.SET of one value on a tape takes
 * the new cost from the tape's length when both the document and the inserted units are one byte per unit
 * (no scan of the new tape), and rescans otherwise. Either way the tracked size (JSON.DEBUG MEMORY without
 * a path) must equal a fresh measure (JSON.DEBUG MEMORY with the root path). Valkyr only.
 */

import assert from "node:assert/strict";
import { isValkyr, startServer } from "../../helpers/server.ts";
import type { RawConn } from "../../helpers/raw.ts";
import { flushedTest } from "../../helpers/suite.ts";

const srv = await startServer();
const base = flushedTest(srv);
const test = (name: string, fn: (c: RawConn) => Promise<void>) => base(name, fn, { ignore: !isValkyr() });

async function exact(c: RawConn, key: string): Promise<number> {
  const tracked = await c.call("JSON.DEBUG", "MEMORY", key) as number;
  assert.equal(tracked, await c.call("JSON.DEBUG", "MEMORY", key, "."), `${key}: tracked = measured`);
  return tracked;
}

test("splices keep the tracked size exact for narrow and wide tapes", async (c) => {
  const steps: [string, string, string][] = [
    ["n", "$", '{"name":"plain latin-1 text é","stock":1,"tags":["a","b"]}'],
    ["n", "$.stock", "42"], // narrow into narrow: the length-only path
    ["n", "$.stock", "123456789012"],
    ["n", "$.new", '"fresh member"'], // an added member, narrow name and value
    ["n", "$.tags[0]", '"ü"'],
    ["n", "$.snow", '"☃"'], // a wide value: the tape becomes two bytes per unit
    ["n", "$.stock", "7"], // narrow into a wide tape: measured again
    ["n", "$.snow", '"melted"'], // the only wide unit goes: one byte per unit again
    ["n", "$.stock", "8"],
    ["n", "$.☃", "1"], // a wide member name
    ["n", "$['☃']", "2"],
    ["t", "$", "[1]"], // tiny tapes (8 units or fewer) are always scanned
    ["t", "$[0]", '"☃"'],
    ["t", "$[0]", "2"],
  ];
  let last = new Map<string, number>();
  for (const [key, path, json] of steps) {
    assert.equal(await c.call("JSON.SET", key, path, json), "OK", `${key} ${path} ${json}`);
    const size = await exact(c, key);
    last = new Map(last).set(key, size);
  }
  assert.equal(
    await c.call("JSON.GET", "n"),
    '{"name":"plain latin-1 text é","stock":8,"tags":["ü","b"],"new":"fresh member","snow":"melted","☃":2}',
  );
  // the same document written at once costs the same as the spliced one
  assert.equal(await c.call("JSON.SET", "n2", "$", await c.call("JSON.GET", "n") as string), "OK");
  assert.equal(await exact(c, "n2"), last.get("n"));
});

Deno.test({
  name: "stop the server",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: () => srv.stop(),
});
