import assert from "node:assert/strict";
import { ModuleError, WRONG_TYPE } from "../../core/module_api/mod.ts";
import { ifeqCondition, manifest } from "./mod.ts";

const b = (s: string) => new TextEncoder().encode(s);

Deno.test("IFEQ proceeds only over an equal string", () => {
  assert.ok(ifeqCondition(b("10"), b("10")));
  assert.ok(!ifeqCondition(b("10"), b("11")));
  assert.ok(!ifeqCondition(b("10"), b("10 ")));
  assert.ok(ifeqCondition(b(""), b("")));
});

Deno.test("IFEQ does not write a missing key", () => {
  assert.deepEqual(ifeqCondition(null, b("x")), false);
});

Deno.test("IFEQ over another type raises WRONGTYPE", () => {
  assert.throws(() => ifeqCondition(WRONG_TYPE, b("x")), (e: unknown) => {
    assert.ok(e instanceof ModuleError);
    assert.equal(e.message, "WRONGTYPE Operation against a key holding the wrong kind of value");
    return true;
  });
});

Deno.test("the manifest extends SET's condition point with Valkey 8.1's docs entry", () => {
  const x = manifest.commandExtensions![0]!;
  assert.deepEqual([x.command, x.point, x.token], ["set", "condition", "IFEQ"]);
  assert.deepEqual(x.argument.name, "comparison-value");
  assert.deepEqual(x.history, [["8.1.0", "Added the `IFEQ` option."]]);
});
