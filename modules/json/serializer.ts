/**
 * JSON text output, as valkey-json prints it: compact by default; with INDENT / NEWLINE / SPACE the pretty
 * layout `{` NEWLINE (INDENT × level) `"key"` `:` SPACE value `,` ... NEWLINE (INDENT × (level-1)) `}`.
 * Empty containers print as `{}` / `[]`. Strings escape `"`, `\` and control characters (`\n`, `\u001F`...);
 * other characters are written as UTF-8. Numbers print with their stored text.
 *
 * @module
 */

import { JNum, JObj, type JValue } from "./document.ts";

export interface PrintFormat {
  indent: string;
  newline: string;
  space: string;
}

export const COMPACT: PrintFormat = { indent: "", newline: "", space: "" };

export function isCompact(f: PrintFormat): boolean {
  return f.indent === "" && f.newline === "" && f.space === "";
}

// deno-lint-ignore no-control-regex
const NEEDS_ESCAPE = /["\\\u0000-\u001f]/;
const HEX = "0123456789ABCDEF";

export function quote(s: string): string {
  if (!NEEDS_ESCAPE.test(s)) return '"' + s + '"';
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x22) out += '\\"';
    else if (c === 0x5c) out += "\\\\";
    else if (c < 0x20) {
      if (c === 0x08) out += "\\b";
      else if (c === 0x09) out += "\\t";
      else if (c === 0x0a) out += "\\n";
      else if (c === 0x0c) out += "\\f";
      else if (c === 0x0d) out += "\\r";
      else out += "\\u00" + HEX[c >> 4] + HEX[c & 15];
    } else out += s[i];
  }
  return out + '"';
}

function scalar(v: JValue): string {
  if (v === null) return "null";
  if (v === true) return "true";
  if (v === false) return "false";
  if (typeof v === "number") return String(v);
  if (typeof v === "string") return quote(v);
  return (v as JNum).text;
}

/** Serializes `v`; `level` is the nesting level `v` is printed at (its closing bracket's indentation). */
export function serialize(v: JValue, f: PrintFormat = COMPACT, level = 0): string {
  if (isCompact(f)) return compact(v);
  return pretty(v, f, level);
}

function compact(v: JValue): string {
  if (v instanceof JObj) {
    let s = "{";
    for (let i = 0; i < v.keys.length; i++) {
      if (i > 0) s += ",";
      s += quote(v.keys[i]!) + ":" + compact(v.vals[i]!);
    }
    return s + "}";
  }
  if (Array.isArray(v)) {
    let s = "[";
    for (let i = 0; i < v.length; i++) {
      if (i > 0) s += ",";
      s += compact(v[i]!);
    }
    return s + "]";
  }
  return scalar(v);
}

function pretty(v: JValue, f: PrintFormat, level: number): string {
  if (v instanceof JObj) {
    if (v.keys.length === 0) return "{}";
    const inner = f.indent.repeat(level + 1);
    let s = "{" + f.newline;
    for (let i = 0; i < v.keys.length; i++) {
      if (i > 0) s += "," + f.newline;
      s += inner + quote(v.keys[i]!) + ":" + f.space + pretty(v.vals[i]!, f, level + 1);
    }
    return s + f.newline + f.indent.repeat(level) + "}";
  }
  if (Array.isArray(v)) {
    if (v.length === 0) return "[]";
    const inner = f.indent.repeat(level + 1);
    let s = "[" + f.newline;
    for (let i = 0; i < v.length; i++) {
      if (i > 0) s += "," + f.newline;
      s += inner + pretty(v[i]!, f, level + 1);
    }
    return s + f.newline + f.indent.repeat(level) + "]";
  }
  return scalar(v);
}

/** The JSON array of several values (JSONPath replies): `[v1,v2]`, values printed one level deep. */
export function serializeArray(values: JValue[], f: PrintFormat = COMPACT): string {
  if (isCompact(f)) {
    let s = "[";
    for (let i = 0; i < values.length; i++) {
      if (i > 0) s += ",";
      s += compact(values[i]!);
    }
    return s + "]";
  }
  let s = "[" + f.newline;
  for (let i = 0; i < values.length; i++) {
    s += f.indent + pretty(values[i]!, f, 1);
    if (i < values.length - 1) s += ",";
    s += f.newline;
  }
  return s + "]";
}
