/**
 * The JSON module through real clients' JSON APIs: node-redis (`client.json.*`) and redis-py (`r.json()`).
 * Valkyr only (other targets have no JSON module loaded).
 */

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createClient } from "redis";
import { isValkyr, startServer } from "../../helpers/server.ts";

const srv = await startServer();
const ignore = !isValkyr();

Deno.test({
  name: "node-redis json commands set, read and modify documents",
  ignore,
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const client = createClient({ socket: { host: "127.0.0.1", port: srv.port } });
    await client.connect();
    try {
      await client.flushAll();
      assert.equal(
        await client.json.set("doc", "$", { name: "Ann", tags: ["a"], n: 1, nested: { ok: true } }),
        "OK",
      );
      assert.deepEqual(await client.json.get("doc"), {
        name: "Ann",
        tags: ["a"],
        n: 1,
        nested: { ok: true },
      });
      assert.deepEqual(await client.json.get("doc", { path: "$.name" }), ["Ann"]);
      assert.deepEqual(await client.json.get("doc", { path: ".nested" }), { ok: true });
      assert.deepEqual(await client.json.arrAppend("doc", "$.tags", "b", "c"), [3]);
      assert.deepEqual(await client.json.arrLen("doc", { path: "$.tags" }), [3]);
      assert.equal(await client.json.numIncrBy("doc", "$.n", 2.5), "[3.5]");
      assert.deepEqual(await client.json.strAppend("doc", "!", { path: "$.name" }), [4]);
      assert.deepEqual([await client.json.type("doc", { path: "$.tags" })].flat(), ["array"]);
      assert.deepEqual(await client.json.objKeys("doc", { path: "$" }), [["name", "tags", "n", "nested"]]);
      assert.deepEqual(await client.json.toggle("doc", "$.nested.ok"), [0]);
      assert.deepEqual(await client.json.arrPop("doc", { path: "$.tags" }), ["c"]);
      assert.equal(await client.json.set("doc2", "$", [1, 2, 3]), "OK");
      assert.deepEqual(await client.json.mGet(["doc", "doc2", "none"], "$..n"), [[3.5], [], null]);
      assert.equal(await client.json.del("doc", { path: "$.nested" }), 1);
      assert.equal(await client.json.clear("doc2"), 1);
      assert.deepEqual(await client.json.get("doc2"), []);
      assert.equal(await client.json.set("doc3", "$", "x", { condition: "NX" }), "OK");
      assert.equal(await client.json.set("doc3", "$", "y", { condition: "NX" }), null);
    } finally {
      await client.quit();
    }
  },
});

const PY = `
import sys, warnings, redis
from redis.commands.json.path import Path
warnings.simplefilter("ignore")
r = redis.Redis(port=int(sys.argv[1]))
j = r.json()
r.delete("py")
assert j.set("py", Path.root_path(), {"a": [1, 2], "s": "x", "f": 1.5}) is True
assert j.get("py") == {"a": [1, 2], "s": "x", "f": 1.5}
assert j.get("py", "$.a[*]") == [1, 2]
assert j.arrappend("py", "$.a", 3) == [3]
assert j.arrindex("py", ".a", 3) == 2
assert j.numincrby("py", "$.f", 1) == [2.5]
assert j.nummultby("py", ".f", 2) == 5
assert j.strlen("py", "$.s") == [1]
assert j.type("py", ".a") == b"array"
assert j.objlen("py") == 3
assert j.resp("py", ".a") == ["[", 1, 2, 3]
assert j.delete("py", "$.s") == 1
assert j.debug("MEMORY", "py") > 0
assert j.mget(["py", "nope"], ".f") == [5, None]
try:
    j.set("py", ".x.y", 1)
    raise SystemExit("expected an error")
except redis.ResponseError as e:
    assert str(e).startswith("NONEXISTENT"), str(e)
print("ok")
`;

Deno.test({
  name: "redis-py json() commands work against the module",
  ignore,
  sanitizeOps: false,
  sanitizeResources: false,
  fn: () => {
    const r = spawnSync("/usr/bin/python3", ["-c", PY, String(srv.port)], { encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim(), "ok");
  },
});

Deno.test({ name: "stop server", sanitizeOps: false, sanitizeResources: false, fn: () => srv.stop() });
