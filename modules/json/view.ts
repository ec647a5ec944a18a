/**
 * A read-only view of a stored document in either encoding (doc.ts): the node operations the path selector
 * needs (node.ts) plus what the read commands ask of a node (JSON text, JSON.TYPE, string value, memory,
 * field count, depth). Readers get one with {@link viewOf} and never care whether the document is a tape
 * or a tree; on a tape nothing is decoded except the scalars and subtrees a reply needs as values.
 *
 * @module
 */

import { countValues, depthOf, type JType, type JValue, sizeOf, typeOf } from "./document.ts";
import type { JsonDoc } from "./doc.ts";
import { type NodeOps, treeOps } from "./node.ts";
import { type PrintFormat, serialize } from "./serializer.ts";
import { countAt, depthAt, nodeCost, nodeText, serializeAt, TapeOps, typeAt } from "./tape.ts";

export interface DocView<N> {
  ops: NodeOps<N>;
  root: N;
  /** JSON text of a node printed at nesting `level` (serializer.ts's layout). */
  serialize(n: N, f: PrintFormat, level?: number): string;
  type(n: N): JType;
  /** The value of a string node. */
  text(n: N): string;
  /** Bytes of a subtree (JSON.DEBUG MEMORY with a path). */
  size(n: N): number;
  /** Values in a subtree, itself included. */
  count(n: N): number;
  /** JSON.DEBUG DEPTH of a subtree. */
  depth(n: N): number;
}

const treeView = (root: JValue): DocView<JValue> => ({
  ops: treeOps,
  root,
  serialize: (v, f, level = 0) => serialize(v, f, level),
  type: typeOf,
  text: (v) => v as string,
  size: sizeOf,
  count: countValues,
  depth: depthOf,
});

function tapeView(s: string): DocView<number> {
  return {
    ops: new TapeOps(s),
    root: 0,
    serialize: (n, f, level = 0) => serializeAt(s, n, f, level),
    type: (n) => typeAt(s, n),
    text: (n) => nodeText(s, n),
    size: (n) => nodeCost(s, n),
    count: (n) => countAt(s, n),
    depth: (n) => depthAt(s, n),
  };
}

/** The view of a document in its current encoding. */
export function viewOf(doc: JsonDoc): DocView<unknown> {
  return (doc.tape !== null ? tapeView(doc.tape) : treeView(doc.tree)) as DocView<unknown>;
}

/** The JSON array of several nodes (JSONPath replies), as serializer.ts's serializeArray prints it. */
export function serializeList<N>(view: DocView<N>, nodes: N[], f: PrintFormat): string {
  if (f.indent === "" && f.newline === "" && f.space === "") {
    let s = "[";
    for (let i = 0; i < nodes.length; i++) {
      if (i > 0) s += ",";
      s += view.serialize(nodes[i]!, f);
    }
    return s + "]";
  }
  let s = "[" + f.newline;
  for (let i = 0; i < nodes.length; i++) {
    s += f.indent + view.serialize(nodes[i]!, f, 1);
    if (i < nodes.length - 1) s += ",";
    s += f.newline;
  }
  return s + "]";
}
