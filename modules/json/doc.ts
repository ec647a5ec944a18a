/**
 * A stored JSON document (the value of a `ReJSON-RL` key) and the module-wide statistics.
 *
 * A document has one of two encodings (tape.ts explains both and the thresholds):
 * - **tape**: `tape` holds the packed string, `tree` is null. Small documents (≤ TAPE_MAX units). Reads walk
 *   the tape; a write first switches the document to a tree ({@link JsonDoc.useTree}), except JSON.SET of
 *   one value, which splices the tape ({@link JsonDoc.setTape}).
 * - **tree**: `tree` holds the root (document.ts), `tape` is null. Large documents, and every document while
 *   a write is working on it; {@link JsonDoc.settle} then picks the encoding again for the new size.
 *
 * `size` is the document's tracked memory: this holder plus the tape string (tape.ts's tapeCost), or plus
 * document.ts's sizeOf of the tree. Tree writes keep it exact with deltas; settling recomputes it. MEMORY
 * USAGE, JSON.DEBUG MEMORY and INFO `json_total_memory_bytes` read it in O(1). `json.max-document-size` is
 * checked against the size a write's result has as a tree (every write works on the tree form when a limit
 * is set), the larger of the two, so a write is accepted or refused the same way in either encoding.
 *
 * @module
 */

import { JObj, type JValue, sizeOf } from "./document.ts";
import { decode, encode, TAPE_MAX, tapeCost, tapeCostOf, TREE_TO_TAPE, unitBytes } from "./tape.ts";

/** Bytes of the holder object itself (map, properties, elements and 3 fields). */
export const DOC_OVERHEAD = 48;

export class JsonDoc {
  /** Tracked bytes; -1 once released. */
  size: number;
  /** The packed form, or null while the document is a tree. */
  tape: string | null;
  /** The tree form, or null while the document is a tape. */
  tree: JValue | null;

  /** A document of `root`, stored packed when it is small enough (or the given tape, e.g. a COPY's). */
  constructor(root: JValue | null, tape: string | null = null) {
    this.tape = tape;
    this.tree = tape === null ? root : null;
    this.size = 0;
    if (tape === null) this.pack(TAPE_MAX);
    this.size = this.measure();
    stats.documents++;
    stats.memory += this.size;
  }

  /** The document as a tree: the tree itself, or a fresh decoding of the tape (not stored). */
  get root(): JValue {
    return this.tape !== null ? decode(this.tape) : this.tree;
  }

  /** Replaces the tree root (tree form). */
  set root(v: JValue) {
    this.tape = null;
    this.tree = v;
  }

  /** What {@link size} should be for the current encoding. */
  measure(): number {
    return DOC_OVERHEAD + (this.tape !== null ? tapeCost(this.tape) : sizeOf(this.tree));
  }

  /** Switches to the tree form (for a write) and returns the root; the size follows. */
  useTree(): JValue {
    if (this.tape !== null) {
      this.tree = decode(this.tape);
      this.tape = null;
      this.resize();
    }
    return this.tree;
  }

  /**
   * Replaces a tape document's tape (a splice); the size follows. Goes to the tree form when too big.
   * `narrowSplice`: the splice inserted only units ≤ 0xFF, so a tape stored one byte per unit stays so and
   * its new cost follows from its length, without a scan of the whole new tape (a JSON.SET of one value
   * would otherwise spend a tenth of its time on that scan).
   */
  setTape(tape: string, narrowSplice = false): void {
    const staysNarrow = narrowSplice && this.tape !== null && this.narrow();
    this.tape = tape;
    this.tree = null;
    if (tape.length > TAPE_MAX) {
      this.tree = unpinned(decode(tape));
      this.tape = null;
    } else if (staysNarrow) {
      return this.grow(DOC_OVERHEAD + tapeCostOf(tape.length, 1) - this.size);
    }
    this.resize();
  }

  /**
   * Whether the tape is stored one byte per unit, read off the tracked size, which is exact for a tape:
   * past 8 units the narrow and wide costs differ (`(n + 7) & ~7` < 2n); shorter tapes are scanned.
   */
  private narrow(): boolean {
    const n = this.tape!.length;
    return n > 8 ? this.size - DOC_OVERHEAD === tapeCostOf(n, 1) : unitBytes(this.tape!) === 1;
  }

  /**
   * After a write: picks the encoding for the new size. A document that was a tape stays one while its
   * tape fits in TAPE_MAX units; a tree becomes a tape once its tracked size is at most TREE_TO_TAPE
   * (see tape.ts for the hysteresis).
   */
  settle(wasTape: boolean): void {
    if (this.size < 0 || this.tape !== null) return;
    if (!wasTape && this.size - DOC_OVERHEAD > TREE_TO_TAPE) return;
    if (this.pack(TAPE_MAX)) this.resize();
    else if (wasTape) this.tree = unpinned(this.tree); // grew out of its tape: it stays a tree
  }

  private pack(limit: number): boolean {
    const t = encode(this.tree, limit);
    if (t === null) return false;
    this.tape = t;
    this.tree = null;
    return true;
  }

  /** Adjusts the tracked size by `delta` bytes. */
  grow(delta: number): void {
    this.size += delta;
    stats.memory += delta;
  }

  /** Recomputes the size from scratch (used after bulk changes). */
  resize(): void {
    this.grow(this.measure() - this.size);
  }

  /** Called when the server frees the value (or the module deletes the key); runs once. */
  release(): void {
    if (this.size < 0) return;
    stats.documents--;
    stats.memory -= this.size;
    this.size = -1;
  }
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A copy of a string with storage of its own (short strings are copied by every slice anyway). */
function own(s: string): string {
  return s.length < 13 ? s : decoder.decode(encoder.encode(s));
}

/**
 * The tree with strings of its own, its objects sealed (document.ts's shared key lists). Strings decoded
 * from a tape are slices of it (V8 SlicedString, JSC substring) that keep the whole tape alive; a document
 * that leaves the tape form and stays a tree gets its strings copied once, so it does not hold its old tape.
 * Iterative: any depth.
 */
function unpinned(tree: JValue): JValue {
  if (typeof tree === "string") return own(tree);
  const stack: JValue[] = [tree];
  while (stack.length > 0) {
    const v = stack.pop()!;
    const vals = v instanceof JObj ? v.vals : Array.isArray(v) ? v : null;
    if (vals === null) continue;
    for (let i = 0; i < vals.length; i++) {
      const x = vals[i]!;
      if (typeof x === "string") vals[i] = own(x);
      else if (x instanceof JObj || Array.isArray(x)) stack.push(x);
    }
    if (v instanceof JObj) {
      v.keys = v.keys.map(own);
      v.seal();
    }
  }
  return tree;
}

/** INFO json_core_metrics. */
export const stats = { documents: 0, memory: 0 };
