/**
 * The `ReJSON-RL` data type: persistence and lifecycle callbacks of a JSON document.
 *
 * RDB (encver 3, as valkey-json writes it): the whole document as one string of compact JSON text. Loading
 * also accepts encver 0 (ReJSON's node-by-node encoding: a meta code per node — 0x01 null, 0x02 string,
 * 0x04 double, 0x08 int64, 0x10 boolean as "0"/"1", 0x20 object with a member count then 0x80 pairs of name
 * and value, 0x40 array with an element count), read with an explicit stack. Newer encodings are refused.
 * AOF rewrite emits `JSON.SET key . <compact json>`; COPY makes a deep copy.
 *
 * @module
 */

import { type DataTypeSpec, ModuleError, type RdbInput } from "../../core/module_api/mod.ts";
import { deepCopy, JObj, type JValue, numFromText } from "./document.ts";
import { JsonDoc } from "./doc.ts";
import { E, JsonError } from "./errors.ts";
import { parseJson } from "./parser.ts";
import { COMPACT, serialize } from "./serializer.ts";
import { serializeAt } from "./tape.ts";
import { fmt17g } from "./document.ts";

export const DOC_TYPE_NAME = "ReJSON-RL";
export const DOC_ENCVER = 3;

/** Documents loaded from RDB may be deeper than the parser limit for commands (they were built by SETs). */
const RDB_MAX_DEPTH = 1 << 30;

const decoder = new TextDecoder();

function loadLegacy(io: RdbInput): JValue {
  type Frame = { obj: JObj | null; arr: JValue[] | null; left: number; key: string };
  const stack: Frame[] = [];
  for (;;) {
    const top = stack[stack.length - 1];
    if (top?.obj) {
      if (io.loadUnsigned() !== 0x80n) throw new ModuleError(E.INVALID_RDB);
      top.key = decoder.decode(io.loadString());
    }
    const code = io.loadUnsigned();
    let value: JValue;
    switch (code) {
      case 0x01n:
        value = null;
        break;
      case 0x02n:
        value = decoder.decode(io.loadString());
        break;
      case 0x04n:
        value = numFromText(fmt17g(io.loadDouble()), true);
        break;
      case 0x08n:
        value = numFromText(io.loadSigned().toString());
        break;
      case 0x10n:
        value = decoder.decode(io.loadString()) === "1";
        break;
      case 0x20n:
      case 0x40n: {
        const n = Number(io.loadUnsigned());
        const frame: Frame = code === 0x20n
          ? { obj: new JObj(), arr: null, left: n, key: "" }
          : { obj: null, arr: [], left: n, key: "" };
        if (n > 0) {
          stack.push(frame);
          continue;
        }
        value = frame.obj ?? frame.arr!;
        break;
      }
      default:
        throw new ModuleError(E.INVALID_RDB);
    }
    // attach, closing finished containers
    for (;;) {
      const f = stack[stack.length - 1];
      if (f === undefined) return value;
      if (f.obj) f.obj.set(f.key, value);
      else f.arr!.push(value);
      if (--f.left > 0) break;
      stack.pop();
      value = f.obj ?? f.arr!;
    }
  }
}

/** The compact JSON text of a document, in either encoding. */
function docText(doc: JsonDoc): string {
  return doc.tape !== null ? serializeAt(doc.tape, 0, COMPACT) : serialize(doc.tree);
}

export const jsonDataType: DataTypeSpec<JsonDoc> = {
  name: DOC_TYPE_NAME,
  encver: DOC_ENCVER,
  rdbSave(io, doc) {
    io.saveString(docText(doc));
  },
  rdbLoad(io, encver) {
    if (encver === 3) {
      try {
        return new JsonDoc(parseJson(io.loadString(), RDB_MAX_DEPTH));
      } catch (e) {
        if (e instanceof JsonError) throw new ModuleError(E.INVALID_RDB);
        throw e;
      }
    }
    if (encver === 0) return new JsonDoc(loadLegacy(io));
    throw new ModuleError(`JSON: unrecognized rdb encoding version ${encver}`);
  },
  aofRewrite(emit, key, doc) {
    emit("JSON.SET", key, ".", docText(doc));
  },
  memUsage: (doc) => doc.size,
  free: (doc) => doc.release(),
  freeEffort: (_key, doc) => Math.max(1, Math.floor(doc.size / 64)),
  // a tape is an immutable string: the copy shares it until either document is written
  copy: (_from, _to, doc) =>
    doc.tape !== null ? new JsonDoc(null, doc.tape) : new JsonDoc(deepCopy(doc.tree)),
  digest(d, doc) {
    d.addString(docText(doc));
    d.endSequence();
  },
  encoding: () => "raw",
};
