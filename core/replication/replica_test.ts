import assert from "node:assert/strict";
import { LinkReader } from "./replica.ts";

const bytes = (s: string) => new TextEncoder().encode(s);

Deno.test("LinkReader: lines split across chunks, keep-alive newlines skipped, the rest kept", async () => {
  const r = new LinkReader();
  r.push(bytes("\n\n+FULLRE"));
  const line = r.line();
  r.push(bytes("SYNC abc 0\r"));
  r.push(bytes("\n$EOF:"));
  assert.equal(await line, "+FULLRESYNC abc 0");
  assert.equal(r.length, 5);
  assert.equal(new TextDecoder().decode(r.all()), "$EOF:");
  r.skip(2);
  assert.equal(new TextDecoder().decode(r.all()), "OF:");
});

Deno.test("LinkReader: a closed link fails the waiting read", async () => {
  const r = new LinkReader();
  const line = r.line();
  r.close();
  await assert.rejects(line, /Connection lost/);
});
