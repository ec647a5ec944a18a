/**
 * The spec-driven argument parser: reads a request's words against a command's argument tree
 * ({@link ArgSpec}) so handlers never loop over options by hand.
 *
 * Matching is structural first, typed later, which is the order Valkey's handlers report errors in:
 * - Required positional arguments are taken in order; a `multiple` positional takes as many words as it can
 *   while leaving enough for the required arguments after it.
 * - A run of consecutive optional token-led arguments (`[NX | XX] [GET] [EX seconds | ...]`) is order-free,
 *   as Valkey's option loops are: any member may come next; a member matches at most once unless it is
 *   `multiple` with `multipleToken`; a second branch of a matched `oneof` is a syntax error.
 * - Words left over, a token without its value, or a required argument missing: `ERR syntax error`.
 * - Values are converted when the handler reads them (`int`, `double`...), so a malformed number is
 *   reported only after the whole structure matched, with Valkey's generic texts
 *   (`ERR value is not an integer or out of range`, `ERR value is not a valid float`).
 *
 * @module
 */

import type { ArgSpec } from "./spec.ts";
import { ERR_NOT_FLOAT, ERR_NOT_INTEGER, ERR_SYNTAX, ReplyError } from "./errors.ts";
import { parseDouble, parseI64, parseInt64 } from "../util/numbers.ts";

const decoder = new TextDecoder();

/** One matched value: the word(s), where they stood, and what the spec says they are. */
type Slot =
  | { kind: "value"; word: Uint8Array; pos: number }
  | { kind: "flag"; pos: number }
  | { kind: "list"; words: Uint8Array[]; pos: number }
  | { kind: "choice"; branch: string; pos: number }
  | { kind: "blocks"; items: Args[]; pos: number };

/** The parsed arguments of one request, read by name (the `name` fields of the spec). */
export class Args {
  readonly #slots = new Map<string, Slot>();

  /** @internal */
  set(name: string, slot: Slot): void {
    this.#slots.set(name, slot);
  }

  has(name: string): boolean {
    return this.#slots.has(name);
  }

  /** Where the argument's word stood in argv (for error messages that quote it). */
  position(name: string): number {
    return this.#slots.get(name)?.pos ?? -1;
  }

  bytes(name: string): Uint8Array {
    const s = this.#slots.get(name);
    if (s?.kind !== "value") throw new Error(`argument '${name}' is missing or not a value`);
    return s.word;
  }

  optBytes(name: string): Uint8Array | undefined {
    const s = this.#slots.get(name);
    return s?.kind === "value" ? s.word : undefined;
  }

  str(name: string): string {
    return decoder.decode(this.bytes(name));
  }

  optStr(name: string): string | undefined {
    const b = this.optBytes(name);
    return b === undefined ? undefined : decoder.decode(b);
  }

  /** A safe JS integer; int64 values beyond 2^53 are rejected like non-integers (use {@link i64} there). */
  int(name: string, error = ERR_NOT_INTEGER): number {
    const n = parseInt64(this.bytes(name));
    if (n === null) throw new ReplyError(error);
    return n;
  }

  optInt(name: string, dflt: number, error = ERR_NOT_INTEGER): number {
    return this.has(name) ? this.int(name, error) : dflt;
  }

  /** A full signed 64-bit integer. */
  i64(name: string, error = ERR_NOT_INTEGER): bigint {
    const n = parseI64(this.bytes(name));
    if (n === null) throw new ReplyError(error);
    return n;
  }

  double(name: string, error = ERR_NOT_FLOAT): number {
    const d = parseDouble(this.bytes(name));
    if (d === null) throw new ReplyError(error);
    return d;
  }

  /** True when a pure token (or any argument) was given. */
  flag(name: string): boolean {
    return this.#slots.has(name);
  }

  /** The words of a `multiple` argument (empty when absent). */
  list(name: string): Uint8Array[] {
    const s = this.#slots.get(name);
    if (s === undefined) return [];
    if (s.kind === "list") return s.words;
    if (s.kind === "value") return [s.word];
    throw new Error(`argument '${name}' is not a list`);
  }

  /** The items of a `multiple` block. */
  blocks(name: string): Args[] {
    const s = this.#slots.get(name);
    if (s === undefined) return [];
    if (s.kind !== "blocks") throw new Error(`argument '${name}' is not a block list`);
    return s.items;
  }

  /** Which branch of a `oneof` was given (the branch's `name`), or undefined. */
  choice(name: string): string | undefined {
    const s = this.#slots.get(name);
    return s?.kind === "choice" ? s.branch : undefined;
  }
}

class SyntaxFail {}
const FAIL = new SyntaxFail();

function tokenEquals(word: Uint8Array, token: string): boolean {
  if (word.length !== token.length) return false;
  for (let i = 0; i < word.length; i++) {
    let c = word[i]!;
    if (c >= 97 && c <= 122) c -= 32;
    let t = token.charCodeAt(i);
    if (t >= 97 && t <= 122) t -= 32;
    if (c !== t) return false;
  }
  return true;
}

/** An argument that starts with a literal token, so it can be recognised wherever it stands. */
function isTokenLed(a: ArgSpec): boolean {
  if (a.token !== undefined) return true;
  if (a.type === "oneof") return (a.arguments ?? []).every(isTokenLed);
  if (a.type === "block") {
    const first = a.arguments?.[0];
    return first !== undefined && isTokenLed(first);
  }
  return false;
}

/** The least number of words a sequence of specs needs. */
function minWords(specs: readonly ArgSpec[]): number {
  let n = 0;
  for (const s of specs) if (!s.optional) n += minWordsOf(s);
  return n;
}

function minWordsOf(s: ArgSpec): number {
  const own = s.token !== undefined ? 1 : 0;
  switch (s.type) {
    case "pure-token":
      return 1;
    case "block":
      return own + minWords(s.arguments ?? []);
    case "oneof": {
      let m = Infinity;
      for (const c of s.arguments ?? []) m = Math.min(m, minWordsOf(c));
      return own + (m === Infinity ? 0 : m);
    }
    default:
      return own + 1;
  }
}

class Matcher {
  constructor(readonly argv: readonly Uint8Array[]) {}

  /** Matches a sequence of specs from `pos`; returns the position after it. */
  seq(specs: readonly ArgSpec[], pos: number, out: Args): number {
    let i = 0;
    while (i < specs.length) {
      const spec = specs[i]!;
      if (spec.optional && isTokenLed(spec)) {
        let j = i;
        while (j < specs.length && specs[j]!.optional && isTokenLed(specs[j]!)) j++;
        pos = this.group(specs.slice(i, j), pos, out);
        i = j;
        continue;
      }
      pos = this.positional(spec, pos, out, minWords(specs.slice(i + 1)));
      i++;
    }
    return pos;
  }

  /** An order-free run of optional token-led arguments. */
  group(members: readonly ArgSpec[], pos: number, out: Args): number {
    const done = new Set<ArgSpec>();
    while (pos < this.argv.length) {
      let advanced = -1;
      for (const m of members) {
        if (done.has(m) && !(m.multiple && m.multipleToken)) continue;
        const p = this.tokenLed(m, pos, out);
        if (p >= 0) {
          done.add(m);
          advanced = p;
          break;
        }
      }
      if (advanced < 0) break;
      pos = advanced;
    }
    return pos;
  }

  /**
   * Tries a token-led argument at `pos`. Returns the new position, or -1 when its token is not there.
   * Throws FAIL when the token is there but what must follow it is not.
   */
  tokenLed(spec: ArgSpec, pos: number, out: Args): number {
    const word = this.argv[pos];
    if (word === undefined) return -1;
    if (spec.token === undefined) {
      if (spec.type === "oneof") {
        for (const c of spec.arguments ?? []) {
          const p = this.tokenLed(c, pos, out);
          if (p >= 0) {
            out.set(spec.name, { kind: "choice", branch: c.name, pos });
            return p;
          }
        }
        return -1;
      }
      if (spec.type === "block") {
        const first = spec.arguments?.[0];
        if (first === undefined || this.tokenLed(first, pos, new Args()) < 0) return -1;
        return this.blockValue(spec, pos, out);
      }
      return -1;
    }
    if (!tokenEquals(word, spec.token)) return -1;
    const after = pos + 1;
    switch (spec.type) {
      case "pure-token":
        out.set(spec.name, { kind: "flag", pos });
        return after;
      case "block":
        return this.blockValue(spec, after, out);
      case "oneof": {
        for (const c of spec.arguments ?? []) {
          const p = isTokenLed(c) ? this.tokenLed(c, after, out) : this.tryPositional(c, after, out);
          if (p >= 0) {
            out.set(spec.name, { kind: "choice", branch: c.name, pos: after });
            return p;
          }
        }
        throw FAIL;
      }
      default: {
        const value = this.argv[after];
        if (value === undefined) throw FAIL;
        if (spec.multiple && spec.multipleToken) {
          const prev = outList(out, spec.name);
          prev.push(value);
          out.set(spec.name, { kind: "list", words: prev, pos });
        } else if (spec.multiple) {
          // A token followed by one or more values: take words up to the next known token of the caller's
          // group is not knowable here, so take all remaining words (such grammars are rare; see XREAD).
          const words = this.argv.slice(after);
          out.set(spec.name, { kind: "list", words, pos: after });
          return this.argv.length;
        } else {
          out.set(spec.name, { kind: "value", word: value, pos: after });
        }
        return after + 1;
      }
    }
  }

  blockValue(spec: ArgSpec, pos: number, out: Args): number {
    const children = spec.arguments ?? [];
    if (spec.multiple) {
      const inner = new Args();
      const p = this.seq(children, pos, inner);
      const prev = out.has(spec.name) ? out.blocks(spec.name) : [];
      prev.push(inner);
      out.set(spec.name, { kind: "blocks", items: prev, pos });
      return p;
    }
    out.set(spec.name, { kind: "flag", pos });
    return this.seq(children, pos, out);
  }

  /** A non-token positional argument that may not be there (used for oneof branches). */
  tryPositional(spec: ArgSpec, pos: number, out: Args): number {
    if (pos >= this.argv.length) return -1;
    try {
      return this.positional(spec, pos, out, 0);
    } catch (e) {
      if (e === FAIL) return -1;
      throw e;
    }
  }

  positional(spec: ArgSpec, pos: number, out: Args, reserve: number): number {
    const argv = this.argv;
    if (spec.token !== undefined) {
      // A required token-led argument standing at a fixed place.
      const p = this.tokenLed(spec, pos, out);
      if (p < 0) {
        if (spec.optional) return pos;
        throw FAIL;
      }
      return p;
    }
    switch (spec.type) {
      case "block": {
        if (spec.multiple) {
          const unit = Math.max(1, minWords(spec.arguments ?? []));
          const items: Args[] = [];
          const start = pos;
          while (argv.length - pos - reserve >= unit) {
            const inner = new Args();
            pos = this.seq(spec.arguments ?? [], pos, inner);
            items.push(inner);
          }
          if (items.length === 0 && !spec.optional) throw FAIL;
          if (items.length > 0) out.set(spec.name, { kind: "blocks", items, pos: start });
          return pos;
        }
        if (spec.optional && argv.length - pos <= reserve) return pos;
        out.set(spec.name, { kind: "flag", pos });
        return this.seq(spec.arguments ?? [], pos, out);
      }
      case "oneof": {
        for (const c of spec.arguments ?? []) {
          const p = isTokenLed(c) ? this.tokenLed(c, pos, out) : this.tryPositional(c, pos, out);
          if (p >= 0) {
            out.set(spec.name, { kind: "choice", branch: c.name, pos });
            return p;
          }
        }
        if (spec.optional) return pos;
        throw FAIL;
      }
      case "pure-token":
        throw new Error(`pure-token '${spec.name}' without a token`);
      default: {
        if (spec.multiple) {
          const n = argv.length - pos - reserve;
          if (n < 1) {
            if (spec.optional) return pos;
            throw FAIL;
          }
          out.set(spec.name, { kind: "list", words: argv.slice(pos, pos + n), pos });
          return pos + n;
        }
        const word = argv[pos];
        if (word === undefined || (spec.optional && argv.length - pos <= reserve)) {
          if (spec.optional) return pos;
          throw FAIL;
        }
        out.set(spec.name, { kind: "value", word, pos });
        return pos + 1;
      }
    }
  }
}

function outList(out: Args, name: string): Uint8Array[] {
  return out.has(name) ? out.list(name) : [];
}

/**
 * Parses `argv[start..]` against `specs`. Throws {@link ReplyError} with `ERR syntax error` when the words
 * do not fit the grammar.
 */
export function parseArgs(specs: readonly ArgSpec[], argv: readonly Uint8Array[], start: number): Args {
  const out = new Args();
  const m = new Matcher(argv);
  let end: number;
  try {
    end = m.seq(specs, start, out);
  } catch (e) {
    if (e === FAIL) throw new ReplyError(ERR_SYNTAX);
    throw e;
  }
  if (end !== argv.length) throw new ReplyError(ERR_SYNTAX);
  return out;
}

/** An empty result, for commands parsed by hand. */
export const NO_ARGS: Args = new Args();
