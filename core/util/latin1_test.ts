import assert from "node:assert/strict";
import { latin1, latin1Bytes } from "./latin1.ts";

const b = (s: string) => new TextEncoder().encode(s);

Deno.test("binary strings round-trip every byte value", () => {
  const all = new Uint8Array(256);
  for (let i = 0; i < 256; i++) all[i] = i;
  assert.deepEqual(latin1Bytes(latin1(all)), all);
  const long = new Uint8Array(20000).map((_, i) => (i * 7) & 255);
  assert.deepEqual(latin1Bytes(latin1(long)), long);
  assert.ok(latin1(b("ab")) !== latin1(b("ba")));
});
