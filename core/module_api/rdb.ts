/**
 * Module values in RDB files: the bridge between a data type's `rdbSave` / `rdbLoad` callbacks and the
 * persistence layer's reader and writer (core/persistence/rdb_value.ts asks a {@link ModuleTypeRegistry}).
 *
 * A module value is written as Valkey's RDB_TYPE_MODULE_2: the 64-bit module id (type name + encver), then
 * every value the callback saves preceded by its opcode, then the EOF opcode (written by the caller):
 *
 *     opcode  value                          written by
 *     1 SINT  int64 as rdbSaveLen (2's comp.) saveSigned
 *     2 UINT  uint64 as rdbSaveLen            saveUnsigned
 *     3 FLOAT 4 bytes, little endian          saveFloat
 *     4 DOUBLE 8 bytes, little endian         saveDouble
 *     5 STRING rdb string                     saveString
 *
 * Reading checks each opcode against the load call (Valkey's moduleRDBLoadError on a mismatch), so a
 * module reading its data back in another order fails loudly instead of misreading.
 *
 * The registry is process-wide (the persistence layer has one): a type id resolves to the type registered
 * last under it; values keep the registered type they were created with.
 *
 * @module
 */

import { FormatError } from "../persistence/encodings.ts";
import type { RdbReader, RdbWriter } from "../persistence/rdb_io.ts";
import { type RdbModuleType, setModuleTypeRegistry } from "../persistence/rdb_value.ts";
import type { ValueObject } from "../types/value.ts";
import type { RdbInput, RdbOutput } from "./types.ts";
import { ModuleValue, type RegisteredType } from "./value.ts";

const OP_SINT = 1;
const OP_UINT = 2;
const OP_FLOAT = 3;
const OP_DOUBLE = 4;
const OP_STRING = 5;

const U64 = (1n << 64n) - 1n;
const encoder = new TextEncoder();

/** RdbOutput over the persistence writer. */
export class ModuleRdbOutput implements RdbOutput {
  constructor(readonly w: RdbWriter) {}
  saveUnsigned(n: number | bigint): void {
    this.w.length(OP_UINT);
    this.w.lengthBig(BigInt(n) & U64);
  }
  saveSigned(n: number | bigint): void {
    this.w.length(OP_SINT);
    this.w.lengthBig(BigInt.asUintN(64, BigInt(n)));
  }
  saveFloat(f: number): void {
    this.w.length(OP_FLOAT);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, f, true);
    this.w.raw(b);
  }
  saveDouble(d: number): void {
    this.w.length(OP_DOUBLE);
    this.w.binaryDouble(d);
  }
  saveString(s: Uint8Array | string): void {
    this.w.length(OP_STRING);
    this.w.string(typeof s === "string" ? encoder.encode(s) : s);
  }
}

/** RdbInput over the persistence reader. */
export class ModuleRdbInput implements RdbInput {
  constructor(readonly r: RdbReader, readonly module: string, readonly type: string) {}
  #expect(op: number): void {
    const got = this.r.length();
    if (got !== op) {
      throw new FormatError(
        `Error loading data from RDB: module '${this.module}' read type '${this.type}' with opcode ${op}, ` +
          `found ${got}`,
      );
    }
  }
  loadUnsigned(): bigint {
    this.#expect(OP_UINT);
    return this.r.lengthBig();
  }
  loadSigned(): bigint {
    this.#expect(OP_SINT);
    return BigInt.asIntN(64, this.r.lengthBig());
  }
  loadFloat(): number {
    this.#expect(OP_FLOAT);
    const b = this.r.bytes(4);
    return new DataView(b.buffer, b.byteOffset, 4).getFloat32(0, true);
  }
  loadDouble(): number {
    this.#expect(OP_DOUBLE);
    return this.r.binaryDouble();
  }
  loadString(): Uint8Array {
    this.#expect(OP_STRING);
    return this.r.string().slice();
  }
}

/** Persistence's view of one registered type. */
function rdbType(rt: RegisteredType): RdbModuleType {
  return {
    name: rt.spec.name,
    id: rt.handle.moduleId,
    rdbSave(w: RdbWriter, value: ValueObject): void {
      rt.spec.rdbSave(new ModuleRdbOutput(w), (value as ModuleValue).value);
    },
    rdbLoad(r: RdbReader, encver: number): ValueObject {
      // As Valkey: the module gets the stored encver and decides (valkey-bloom refuses newer ones).
      let v: unknown;
      try {
        v = rt.spec.rdbLoad(new ModuleRdbInput(r, rt.module, rt.spec.name), encver);
      } catch (e) {
        if (e instanceof FormatError) throw e;
        throw new FormatError(
          `Module '${rt.module}' failed to load a value of type '${rt.spec.name}': ${
            e instanceof Error ? e.message : String(e)
          }`,
        );
      }
      return new ModuleValue(rt, v);
    },
  };
}

const byId = new Map<bigint, RegisteredType>();
const adapters = new WeakMap<RegisteredType, RdbModuleType>();

function adapter(rt: RegisteredType): RdbModuleType {
  let a = adapters.get(rt);
  if (a === undefined) {
    a = rdbType(rt);
    adapters.set(rt, a);
  }
  return a;
}

let installed = false;

/** Makes a registered type known to RDB loading (its id without the encver bits). */
export function registerRdbType(rt: RegisteredType): void {
  byId.set(rt.handle.moduleId >> 10n, rt);
  if (installed) return;
  installed = true;
  setModuleTypeRegistry({
    byId: (id) => {
      const rt = byId.get(id);
      return rt === undefined ? undefined : adapter(rt);
    },
    forValue: (v) => (v instanceof ModuleValue ? adapter(v.dt) : undefined),
  });
}

/** Forgets a type (its module failed to load or was unloaded), unless another registration replaced it. */
export function unregisterRdbType(rt: RegisteredType): void {
  const id = rt.handle.moduleId >> 10n;
  if (byId.get(id) === rt) byId.delete(id);
}
