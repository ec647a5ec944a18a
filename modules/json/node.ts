/**
 * One read interface over both document encodings (see tape.ts): the path selector (path.ts) and the read
 * commands see a document as nodes of type `N` through {@link NodeOps}, so the same code walks a tree of
 * JavaScript values (`N` = {@link JValue}, {@link treeOps}) and a packed tape (`N` = an offset into the tape
 * string, tape.ts's `TapeOps`) without building a tree from the tape.
 *
 * @module
 */

import { JObj, type JValue } from "./document.ts";

/** Node kinds, in JSON.TYPE order of appearance. */
export const K_NULL = 0;
export const K_BOOL = 1;
export const K_NUMBER = 2;
export const K_STRING = 3;
export const K_ARRAY = 4;
export const K_OBJECT = 5;

export type Kind = 0 | 1 | 2 | 3 | 4 | 5;

export interface NodeOps<N> {
  kind(n: N): Kind;
  /** Members of an object node (names and values in order) or elements of an array node (names null). */
  children(n: N): { keys: string[] | null; vals: N[] };
  /** Member `key` of an object node. */
  get(n: N, key: string): N | undefined;
  /** Element `i` (0 ≤ i < length) of an array node. */
  at(n: N, i: number): N | undefined;
  /** Members of an object / elements of an array. */
  length(n: N): number;
  /** The node as a value (a scalar, or the container; a tape builds a copy). */
  value(n: N): JValue;
}

/** {@link NodeOps} over the tree form: a node is the value itself. */
export const treeOps: NodeOps<JValue> = {
  kind(v) {
    if (v === null) return K_NULL;
    switch (typeof v) {
      case "boolean":
        return K_BOOL;
      case "number":
        return K_NUMBER;
      case "string":
        return K_STRING;
    }
    if (v instanceof JObj) return K_OBJECT;
    return Array.isArray(v) ? K_ARRAY : K_NUMBER;
  },
  children(v) {
    if (v instanceof JObj) return { keys: v.keys, vals: v.vals };
    return { keys: null, vals: v as JValue[] };
  },
  get: (v, key) => (v as JObj).get(key),
  at: (v, i) => (v as JValue[])[i],
  length: (v) => v instanceof JObj ? v.size : (v as JValue[]).length,
  value: (v) => v,
};
