/**
 * Parses a command's reply bytes (RESP2 or RESP3, as the server wrote them) into a tree of values: what a
 * module's `ctx.call()` returns (Valkey's CallReply). Every node keeps its own bytes (`proto`, a view into
 * the reply), so a reply or any part of it can be forwarded unchanged.
 *
 * Shapes: simple and bulk strings are `string` (bytes), `-` and `!` are `error` (text), `:` is `integer`
 * (bigint: RESP integers are 64-bit), `_` and RESP2's null bulk/array are `null`, `*` `array`, `%` `map`,
 * `~` `set`, `#` `bool`, `,` `double`, `(` `bignumber`, `=` `verbatim`, `>` `push`; a `|` attribute is
 * attached to the value that follows it.
 *
 * @module
 */

/** A reply's value, by type. */
export type RespValue =
  | { type: "string"; value: Uint8Array }
  | { type: "error"; value: string }
  | { type: "integer"; value: bigint }
  | { type: "null" }
  | { type: "array"; value: RespReply[] }
  | { type: "set"; value: RespReply[] }
  | { type: "push"; value: RespReply[] }
  | { type: "map"; value: [RespReply, RespReply][] }
  | { type: "bool"; value: boolean }
  | { type: "double"; value: number }
  | { type: "bignumber"; value: string }
  | { type: "verbatim"; format: string; value: Uint8Array };

export type RespReply =
  & RespValue
  & {
    /** The value's RESP bytes (its attribute included). */
    proto: Uint8Array;
    /** A RESP3 attribute sent before the value. */
    attribute?: [RespReply, RespReply][];
  };

const latin1 = new TextDecoder("latin1");
const utf8 = new TextDecoder();

/** A reply that is not well-formed RESP (a server bug: the bytes come from the server's own writer). */
export class ReplyParseError extends Error {}

/** Parses the one reply that `bytes` holds, from `start`; returns it and where it ends. */
export function parseReply(bytes: Uint8Array, start = 0): { reply: RespReply; end: number } {
  let pos = start;

  const line = (): string => {
    const cr = bytes.indexOf(13, pos);
    if (cr < 0 || bytes[cr + 1] !== 10) throw new ReplyParseError(`unterminated line at ${pos}`);
    const s = latin1.decode(bytes.subarray(pos, cr));
    pos = cr + 2;
    return s;
  };
  const lineBytes = (): Uint8Array => {
    const from = pos;
    line();
    return bytes.subarray(from, pos - 2);
  };
  const count = (s: string): number => {
    if (!/^-?\d+$/.test(s)) throw new ReplyParseError(`bad length '${s}'`);
    return Number(s);
  };
  const blob = (n: number): Uint8Array => {
    if (pos + n + 2 > bytes.length || bytes[pos + n] !== 13 || bytes[pos + n + 1] !== 10) {
      throw new ReplyParseError(`short bulk at ${pos}`);
    }
    const b = bytes.subarray(pos, pos + n);
    pos += n + 2;
    return b;
  };
  const pairs = (n: number): [RespReply, RespReply][] => {
    const out: [RespReply, RespReply][] = [];
    for (let i = 0; i < n; i++) out.push([value(), value()]);
    return out;
  };
  const items = (n: number): RespReply[] => {
    const out: RespReply[] = [];
    for (let i = 0; i < n; i++) out.push(value());
    return out;
  };

  function value(): RespReply {
    const from = pos;
    let attribute: [RespReply, RespReply][] | undefined;
    if (bytes[pos] === 0x7c) { // '|'
      pos++;
      attribute = pairs(count(line()));
    }
    const kind = bytes[pos++];
    let r: RespValue;
    switch (kind) {
      case 0x2b: // '+'
        r = { type: "string", value: lineBytes().slice() };
        break;
      case 0x2d: // '-'
        r = { type: "error", value: utf8.decode(lineBytes()) };
        break;
      case 0x3a: { // ':'
        const s = line();
        if (!/^-?\d+$/.test(s)) throw new ReplyParseError(`bad integer '${s}'`);
        r = { type: "integer", value: BigInt(s) };
        break;
      }
      case 0x24: { // '$'
        const n = count(line());
        r = n < 0 ? { type: "null" } : { type: "string", value: blob(n).slice() };
        break;
      }
      case 0x2a: { // '*'
        const n = count(line());
        r = n < 0 ? { type: "null" } : { type: "array", value: items(n) };
        break;
      }
      case 0x7e: // '~'
        r = { type: "set", value: items(count(line())) };
        break;
      case 0x3e: // '>'
        r = { type: "push", value: items(count(line())) };
        break;
      case 0x25: // '%'
        r = { type: "map", value: pairs(count(line())) };
        break;
      case 0x5f: // '_'
        line();
        r = { type: "null" };
        break;
      case 0x23: { // '#'
        const s = line();
        if (s !== "t" && s !== "f") throw new ReplyParseError(`bad boolean '${s}'`);
        r = { type: "bool", value: s === "t" };
        break;
      }
      case 0x2c: { // ','
        const s = line();
        const d = s === "inf" ? Infinity : s === "-inf" ? -Infinity : s === "nan" ? NaN : Number(s);
        r = { type: "double", value: d };
        break;
      }
      case 0x28: // '('
        r = { type: "bignumber", value: line() };
        break;
      case 0x21: // '!'
        r = { type: "error", value: utf8.decode(blob(count(line()))) };
        break;
      case 0x3d: { // '='
        const b = blob(count(line()));
        r = { type: "verbatim", format: latin1.decode(b.subarray(0, 3)), value: b.slice(4) };
        break;
      }
      default:
        throw new ReplyParseError(`unknown reply type byte ${kind} at ${pos - 1}`);
    }
    const out = r as RespReply;
    out.proto = bytes.subarray(from, pos);
    if (attribute !== undefined) out.attribute = attribute;
    return out;
  }

  const reply = value();
  return { reply, end: pos };
}

/** True when the reply (or a part of it) uses a type RESP2 does not have (Valkey's callReplyIsResp3). */
export function isResp3(r: RespReply): boolean {
  if (r.attribute !== undefined) return true;
  switch (r.type) {
    case "map":
    case "set":
    case "push":
    case "bool":
    case "double":
    case "bignumber":
    case "verbatim":
      return true;
    case "null":
      return r.proto[0] === 0x5f;
    case "error":
      return r.proto[0] === 0x21;
    case "array":
      return r.value.some(isResp3);
    default:
      return false;
  }
}
