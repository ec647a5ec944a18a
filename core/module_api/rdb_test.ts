import assert from "node:assert/strict";
import { RdbReader, RdbWriter } from "../persistence/rdb_io.ts";
import { readValue, writeValue } from "../persistence/rdb_value.ts";
import type { EncodingLimits } from "../persistence/rdb_value.ts";
import { registerRdbType, unregisterRdbType } from "./rdb.ts";
import { moduleTypeId } from "./type_id.ts";
import { ModuleValue, type RegisteredType } from "./value.ts";
import type { DataTypeSpec } from "./types.ts";

interface Rec {
  u: bigint;
  s: bigint;
  f: number;
  d: number;
  str: Uint8Array;
}

const spec: DataTypeSpec<Rec> = {
  name: "rdbtestty",
  encver: 3,
  rdbSave(io, v) {
    io.saveUnsigned(v.u);
    io.saveSigned(v.s);
    io.saveFloat(v.f);
    io.saveDouble(v.d);
    io.saveString(v.str);
  },
  rdbLoad(io, encver) {
    assert.equal(encver, 3);
    return {
      u: io.loadUnsigned(),
      s: io.loadSigned(),
      f: io.loadFloat(),
      d: io.loadDouble(),
      str: io.loadString(),
    };
  },
  aofRewrite() {},
  memUsage: () => 0,
};

function registered(s: DataTypeSpec<Rec>): RegisteredType<Rec> {
  const id = moduleTypeId(s.name, s.encver)!;
  return { spec: s, handle: { name: s.name, encver: s.encver, moduleId: id }, module: "rdbtest" };
}

const LIMITS = {} as EncodingLimits;

Deno.test("a module value round-trips through RDB_TYPE_MODULE_2 with Valkey's opcodes", () => {
  const rt = registered(spec);
  registerRdbType(rt as RegisteredType);
  try {
    const rec: Rec = {
      u: (1n << 64n) - 1n,
      s: -(1n << 63n),
      f: 1.5,
      d: Math.PI,
      str: new TextEncoder().encode("hi"),
    };
    const w = new RdbWriter(false);
    writeValue(w, new ModuleValue(rt, rec));
    const bytes = w.take();
    assert.equal(bytes[0], 7); // RDB_TYPE_MODULE_2
    const r = new RdbReader(bytes);
    const type = r.byte();
    const v = readValue(r, type, LIMITS) as ModuleValue<Rec>;
    assert.ok(v instanceof ModuleValue);
    assert.equal(v.type, "rdbtestty");
    assert.deepEqual(v.value, rec);
    assert.equal(r.pos, bytes.length);
  } finally {
    unregisterRdbType(rt as RegisteredType);
  }
});

Deno.test("reading a module value in another order than it was written fails", () => {
  const swapped: DataTypeSpec<Rec> = {
    ...spec,
    rdbLoad(io) {
      const s = io.loadSigned(); // saved first as unsigned
      return { u: 0n, s, f: 0, d: 0, str: new Uint8Array() };
    },
  };
  const rt = registered(swapped);
  registerRdbType(rt as RegisteredType);
  try {
    const w = new RdbWriter(false);
    writeValue(w, new ModuleValue(rt, { u: 1n, s: 2n, f: 0, d: 0, str: new Uint8Array() }));
    const r = new RdbReader(w.take());
    assert.throws(
      () => readValue(r, r.byte(), LIMITS),
      /module 'rdbtest' read type 'rdbtestty' with opcode 1, found 2/,
    );
  } finally {
    unregisterRdbType(rt as RegisteredType);
  }
});

Deno.test("the module's rdbLoad gets the stored encver, and its error fails the load", () => {
  const strict: DataTypeSpec<Rec> = {
    ...spec,
    rdbLoad(_io, encver) {
      throw new Error(`can't load encoding version ${encver}`);
    },
  };
  const rt = registered(strict);
  registerRdbType(rt as RegisteredType);
  try {
    const newer = registered({ ...spec, encver: 4 });
    const w = new RdbWriter(false);
    writeValue(w, new ModuleValue(newer, { u: 1n, s: 2n, f: 0, d: 0, str: new Uint8Array() }));
    const r = new RdbReader(w.take());
    assert.throws(
      () => readValue(r, r.byte(), LIMITS),
      /Module 'rdbtest' failed to load a value of type 'rdbtestty': can't load encoding version 4/,
    );
  } finally {
    unregisterRdbType(rt as RegisteredType);
  }
});
