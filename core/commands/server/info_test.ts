import assert from "node:assert/strict";
import { Db, StrEnc } from "../../keyspace/db.ts";
import { DEFAULT_SECTIONS, estimateAvgTtl, selectSections } from "./info.ts";

const enc = new TextEncoder();
const words = (...w: string[]) => w.map((s) => enc.encode(s));

Deno.test("selectSections picks the default sections when there is no argument", () => {
  const sel = selectSections([]);
  assert.deepEqual([...sel.names], DEFAULT_SECTIONS);
  assert.equal(sel.all, false);
  assert.equal(sel.everything, false);
});

Deno.test("selectSections reads names case-insensitively and expands default, all and everything", () => {
  assert.deepEqual([...selectSections(words("SERVER", "Clients")).names], ["server", "clients"]);
  const d = selectSections(words("default", "commandstats"));
  assert.deepEqual([...d.names], [...DEFAULT_SECTIONS, "commandstats"]);
  const all = selectSections(words("ALL"));
  assert.equal(all.all, true);
  assert.equal(all.everything, false);
  assert.equal(all.names.size, 0);
  const ev = selectSections(words("everything"));
  assert.equal(ev.all, true);
  assert.equal(ev.everything, true);
});

Deno.test("selectSections ends a section name at a NUL byte like a C string", () => {
  assert.deepEqual([...selectSections([new Uint8Array([0x63, 0x70, 0x75, 0, 0x78])]).names], ["cpu"]);
});

Deno.test("estimateAvgTtl averages the remaining TTL of volatile keys and is 0 without them", () => {
  const now = 1_000_000;
  const db = new Db(0, () => now);
  assert.equal(estimateAvgTtl(db, now), 0);
  db.setString(enc.encode("plain"), enc.encode("v"), StrEnc.EMBSTR, false);
  assert.equal(estimateAvgTtl(db, now), 0);
  for (let i = 0; i < 10; i++) {
    const ref = db.setString(enc.encode(`k${i}`), enc.encode("v"), StrEnc.EMBSTR, false);
    db.setExpire(ref, now + (i % 2 === 0 ? 1000 : 3000));
  }
  assert.equal(estimateAvgTtl(db, now), 2000);
  // Keys already past their time do not count.
  assert.equal(estimateAvgTtl(db, now + 2000), 1000);
});
