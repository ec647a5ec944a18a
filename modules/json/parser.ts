/**
 * A strict JSON parser (RFC 8259, as RapidJSON's default mode) over UTF-8 bytes, producing the document
 * model of document.ts. It is iterative (an explicit stack of open containers), so hostile input such as a
 * million nested brackets is rejected with `LIMIT Parser recursion depth is exceeded` after
 * {@link PARSER_MAX_DEPTH} levels instead of overflowing the call stack. Numbers keep their original text.
 *
 * @module
 */

import { intern, JObj, type JValue, numFromText } from "./document.ts";
import { E, JsonError, PARSER_MAX_DEPTH } from "./errors.ts";

const decoder = new TextDecoder();

function fail(): never {
  throw new JsonError(E.PARSE);
}

interface Frame {
  obj: JObj | null;
  arr: JValue[] | null;
  key: string; // pending member name (objects)
}

/** Parses one JSON value (surrounding whitespace allowed). Throws {@link JsonError}. */
export function parseJson(src: Uint8Array | string, maxDepth = PARSER_MAX_DEPTH): JValue {
  const b = typeof src === "string" ? new TextEncoder().encode(src) : src;
  const n = b.length;
  let i = 0;
  const stack: Frame[] = [];
  let result: JValue = null;

  const ws = () => {
    while (i < n) {
      const c = b[i]!;
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) i++;
      else break;
    }
  };

  const parseString = (): string => {
    // b[i] is the opening quote
    i++;
    const start = i;
    let ascii = true;
    while (i < n) {
      const c = b[i]!;
      if (c === 0x22) {
        const s = ascii ? latin1(b, start, i) : decoder.decode(b.subarray(start, i));
        i++;
        return s;
      }
      if (c === 0x5c) break;
      if (c < 0x20) fail();
      if (c >= 0x80) ascii = false;
      i++;
    }
    // slow path with escapes
    let out = ascii ? latin1(b, start, i) : decoder.decode(b.subarray(start, i));
    let runStart = i;
    while (i < n) {
      const c = b[i]!;
      if (c === 0x22) {
        out += decoder.decode(b.subarray(runStart, i));
        i++;
        return out;
      }
      if (c < 0x20) fail();
      if (c !== 0x5c) {
        i++;
        continue;
      }
      out += decoder.decode(b.subarray(runStart, i));
      i++;
      if (i >= n) fail();
      const e = b[i++]!;
      switch (e) {
        case 0x22:
          out += '"';
          break;
        case 0x5c:
          out += "\\";
          break;
        case 0x2f:
          out += "/";
          break;
        case 0x62:
          out += "\b";
          break;
        case 0x66:
          out += "\f";
          break;
        case 0x6e:
          out += "\n";
          break;
        case 0x72:
          out += "\r";
          break;
        case 0x74:
          out += "\t";
          break;
        case 0x75: {
          let cp = hex4();
          if (cp >= 0xd800 && cp <= 0xdbff) {
            // a high surrogate must be followed by \uDC00-\uDFFF
            if (b[i] !== 0x5c || b[i + 1] !== 0x75) fail();
            i += 2;
            const lo = hex4();
            if (lo < 0xdc00 || lo > 0xdfff) fail();
            cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
          } else if (cp >= 0xdc00 && cp <= 0xdfff) fail();
          out += String.fromCodePoint(cp);
          break;
        }
        default:
          fail();
      }
      runStart = i;
    }
    fail();
  };

  const hex4 = (): number => {
    if (i + 4 > n) fail();
    let v = 0;
    for (let k = 0; k < 4; k++) {
      const c = b[i++]!;
      let d: number;
      if (c >= 0x30 && c <= 0x39) d = c - 0x30;
      else if (c >= 0x41 && c <= 0x46) d = c - 0x37;
      else if (c >= 0x61 && c <= 0x66) d = c - 0x57;
      else fail();
      v = v * 16 + d;
    }
    return v;
  };

  const parseNumber = (): JValue => {
    const start = i;
    if (b[i] === 0x2d) i++;
    if (i >= n) fail();
    if (b[i] === 0x30) i++;
    else if (b[i]! >= 0x31 && b[i]! <= 0x39) { while (i < n && b[i]! >= 0x30 && b[i]! <= 0x39) i++; }
    else fail();
    if (b[i] === 0x2e) {
      i++;
      if (!(b[i]! >= 0x30 && b[i]! <= 0x39)) fail();
      while (i < n && b[i]! >= 0x30 && b[i]! <= 0x39) i++;
    }
    if (b[i] === 0x65 || b[i] === 0x45) {
      i++;
      if (b[i] === 0x2b || b[i] === 0x2d) i++;
      if (!(b[i]! >= 0x30 && b[i]! <= 0x39)) fail();
      while (i < n && b[i]! >= 0x30 && b[i]! <= 0x39) i++;
    }
    const text = latin1(b, start, i);
    if (!Number.isFinite(Number(text))) fail(); // RapidJSON: number too big
    return numFromText(text);
  };

  const literal = (word: string, v: JValue): JValue => {
    for (let k = 0; k < word.length; k++) if (b[i + k] !== word.charCodeAt(k)) fail();
    i += word.length;
    return v;
  };

  // Main loop: read a value; containers push a frame; after each complete value attach it to the parent.
  outer: for (;;) {
    ws();
    if (i >= n) fail();
    let value: JValue;
    const c = b[i]!;
    if (c === 0x7b || c === 0x5b) {
      if (stack.length >= maxDepth) throw new JsonError(E.PARSER_DEPTH_LIMIT);
      i++;
      ws();
      if (c === 0x7b) {
        const obj = new JObj();
        if (b[i] === 0x7d) {
          i++;
          value = obj;
        } else {
          if (b[i] !== 0x22) fail();
          const key = intern(parseString());
          ws();
          if (b[i] !== 0x3a) fail();
          i++;
          stack.push({ obj, arr: null, key });
          continue outer;
        }
      } else {
        const arr: JValue[] = [];
        if (b[i] === 0x5d) {
          i++;
          value = arr;
        } else {
          stack.push({ obj: null, arr, key: "" });
          continue outer;
        }
      }
    } else if (c === 0x22) {
      const str = parseString();
      value = str.length <= 16 ? intern(str) : str;
    } else if (c === 0x74) value = literal("true", true);
    else if (c === 0x66) value = literal("false", false);
    else if (c === 0x6e) value = literal("null", null);
    else if (c === 0x2d || (c >= 0x30 && c <= 0x39)) value = parseNumber();
    else fail();

    // attach `value` to its parent, closing containers as they end
    for (;;) {
      const top = stack[stack.length - 1];
      if (top === undefined) {
        result = value;
        break outer;
      }
      if (top.obj !== null) top.obj.set(top.key, value);
      else top.arr!.push(value);
      ws();
      const d = b[i];
      if (d === 0x2c) {
        i++;
        if (top.obj !== null) {
          ws();
          if (b[i] !== 0x22) fail();
          top.key = intern(parseString());
          ws();
          if (b[i] !== 0x3a) fail();
          i++;
        }
        continue outer;
      }
      if ((top.obj !== null && d === 0x7d) || (top.arr !== null && d === 0x5d)) {
        i++;
        stack.pop();
        if (top.obj !== null) {
          top.obj.seal();
          value = top.obj;
        } else value = top.arr!.slice();
        continue;
      }
      fail();
    }
  }
  ws();
  if (i !== n) fail();
  return result;
}

/** ASCII bytes as a flat string (a `+=` loop would build a tree of cons strings, 20 bytes per character). */
function latin1(b: Uint8Array, start: number, end: number): string {
  if (end - start < 64) {
    return String.fromCharCode.apply(null, b.subarray(start, end) as unknown as number[]);
  }
  return decoder.decode(b.subarray(start, end));
}
