/**
 * Fuzz tests: random and mutated inputs for the JSON parser and the path engine. Every input must either
 * succeed or fail with a {@link JsonError} (a wire error), never another exception, and quickly. The
 * generator is seeded, so a failure prints a reproducible input.
 */

import assert from "node:assert/strict";
import { parseJson } from "./parser.ts";
import { serialize } from "./serializer.ts";
import { select } from "./path.ts";
import { JsonError } from "./errors.ts";
import type { JValue } from "./document.ts";
import { PATH_TOKENS, rng } from "./test_fuzz.ts";

const SAMPLES = [
  '{"a":[1,2,{"b":null,"c":"x\\n"}],"d":-1.5e3,"e":true,"f":{}}',
  "[[],[0,true],[0,1,false],[0,1,2,null,true]]",
  '{"store":{"book":[{"price":8.95,"isbn":"x"},{"price":12}],"bicycle":{"price":19.95}}}',
  '"\\u00e9\\ud83d\\ude00"',
  "0.3000000",
];

function expectWireOrOk(fn: () => unknown, input: string): void {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof JsonError)) {
      throw new Error(`non-wire error ${String(e)} for input ${JSON.stringify(input)}`);
    }
  }
}

Deno.test("fuzz: the JSON parser accepts or rejects random and mutated input with a wire error", () => {
  const r = rng(0xc0ffee);
  const alphabet = '{}[]",:0123456789.eE+-truefalsn \\u\t\n';
  const started = Date.now();
  for (let i = 0; i < 20000; i++) {
    let s: string;
    if (i % 2 === 0) {
      const len = Math.floor(r() * 40);
      s = "";
      for (let k = 0; k < len; k++) s += alphabet[Math.floor(r() * alphabet.length)];
    } else {
      s = SAMPLES[i % SAMPLES.length]!;
      const edits = 1 + Math.floor(r() * 4);
      for (let k = 0; k < edits; k++) {
        const at = Math.floor(r() * (s.length + 1));
        const op = r();
        if (op < 0.33) s = s.slice(0, at) + s.slice(at + 1);
        else if (op < 0.66) s = s.slice(0, at) + alphabet[Math.floor(r() * alphabet.length)] + s.slice(at);
        else s = s.slice(0, at) + s.slice(at, at + 5) + s.slice(at);
      }
    }
    expectWireOrOk(() => {
      const v = parseJson(s);
      // whatever parses must print as JSON that parses to the same text again
      const out = serialize(v);
      assert.equal(serialize(parseJson(out)), out);
    }, s);
    // random bytes, including invalid UTF-8
    const bytes = new Uint8Array(Math.floor(r() * 16));
    for (let k = 0; k < bytes.length; k++) bytes[k] = Math.floor(r() * 256);
    expectWireOrOk(() => parseJson(bytes), String(bytes));
  }
  assert.ok(Date.now() - started < 30_000, "the parser fuzz took too long");
});

Deno.test("fuzz: random paths either select or fail with a wire error, in bounded time", () => {
  const r = rng(0xbadbeef);
  const docs: JValue[] = SAMPLES.map((s) => parseJson(s));
  const started = Date.now();
  for (let i = 0; i < 20000; i++) {
    let p = r() < 0.5 ? "$" : "";
    const n = Math.floor(r() * 12);
    for (let k = 0; k < n; k++) p += PATH_TOKENS[Math.floor(r() * PATH_TOKENS.length)];
    const doc = docs[i % docs.length]!;
    for (const mode of ["read", "set", "delete"] as const) expectWireOrOk(() => select(doc, p, mode), p);
  }
  assert.ok(Date.now() - started < 30_000, "the path fuzz took too long");
});
