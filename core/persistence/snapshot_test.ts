import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Db, StrEnc } from "../keyspace/db.ts";
import { HashValue } from "../types/hash.ts";
import { loadRdb } from "./rdb_file.ts";
import { Snapshot, WriterThread } from "./snapshot.ts";
import { DEFAULT_LIMITS } from "./test_limits.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();
const b = (s: string) => enc.encode(s);
const writer = new WriterThread();

const LIMITS = DEFAULT_LIMITS;

/** Every key of the Dbs with its value (strings; hashes as sorted pairs) and TTL. */
function image(dbs: Db[]): Record<string, string> {
  const out: Record<string, string> = {};
  dbs.forEach((db, i) => {
    let cursor = 0;
    do {
      cursor = db.scan(cursor, (ref) => {
        const k = `${i}/${dec.decode(db.getKey(ref))}`;
        let v: string;
        if (db.isString(ref)) v = dec.decode(db.getString(ref));
        else {
          const pairs: string[] = [];
          (db.getObject(ref) as HashValue).forEach((f, x) => pairs.push(`${dec.decode(f)}=${dec.decode(x)}`));
          v = pairs.sort().join(",");
        }
        out[k] = `${v}|${db.getExpire(ref)}`;
      });
    } while (cursor !== 0);
  });
  return out;
}

function run(dbs: Db[], file: string, mutate: (round: number) => void): Promise<[string | null, number]> {
  return new Promise((resolve) => {
    const snap = new Snapshot({
      dbs,
      tempPath: file + ".tmp",
      finalPath: file,
      compress: true,
      checksum: true,
      access: "none",
      aux: [],
      sliceMs: 0.05,
      writer,
      onDone: (err) => {
        clearInterval(timer);
        resolve([err, round]);
      },
    });
    snap.start();
    let round = 0;
    const timer = setInterval(() => mutate(round++), 0);
  });
}

function load(file: string, n: number): Db[] {
  const now = Date.now();
  const dbs = Array.from({ length: n }, (_, i) => new Db(i, () => now));
  loadRdb(fs.readFileSync(file), {
    dbs,
    limits: LIMITS,
    nowMs: now,
    checksum: true,
    access: "none",
    dropExpired: false,
    notice: () => {},
    warning: () => {},
  });
  return dbs;
}

Deno.test("a snapshot is the image of its start, whatever happens to the keys meanwhile", async () => {
  const now = Date.now();
  const dbs = [new Db(0, () => now), new Db(1, () => now), new Db(2, () => now)];
  for (let i = 0; i < 20000; i++) dbs[0]!.setString(b(`k${i}`), b(`v${i}`), StrEnc.EMBSTR, false);
  for (let i = 0; i < 3000; i++) {
    const ref = dbs[1]!.setString(b(`t${i}`), b(`w${i}`), StrEnc.EMBSTR, false);
    if (i % 2 === 0) dbs[1]!.setExpire(ref, now + 1e9 + i);
  }
  const h = new HashValue();
  for (let i = 0; i < 50; i++) h.set(b(`f${i}`), b(`x${i}`), { maxEntries: 128, maxValue: 64 });
  dbs[1]!.setObject(b("hash"), h, false);
  for (let i = 0; i < 500; i++) dbs[2]!.setString(b(`z${i}`), b("zz"), StrEnc.EMBSTR, false);
  const before = image(dbs);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "valkyr-snap-"));
  const file = path.join(dir, "dump.rdb");
  const [err, rounds] = await run(dbs, file, (round) => {
    // Overwrites, deletes, new keys (which may land anywhere in the table, growing it), TTL changes, an
    // in-place change of a hash after its lookup, and emptying the last database.
    for (let j = 0; j < 200; j++) {
      const i = (round * 200 + j) % 20000;
      if (j % 3 === 0) dbs[0]!.setString(b(`k${i}`), b("changed"), StrEnc.EMBSTR, false);
      else if (j % 3 === 1) dbs[0]!.delete(b(`k${i}`));
      else dbs[0]!.setString(b(`new${round}:${j}`), b("n"), StrEnc.EMBSTR, false);
    }
    const t = dbs[1]!.lookup(b(`t${round % 3000}`));
    if (t !== -1) dbs[1]!.setExpire(t, now + 5);
    const hr = dbs[1]!.lookup(b("hash"));
    if (hr !== -1) {
      (dbs[1]!.getObject(hr) as HashValue).set(b(`f${round}`), b("changed"), {
        maxEntries: 128,
        maxValue: 64,
      });
    }
    if (round === 3) dbs[2]!.clear();
  });
  assert.equal(err, null);
  assert.ok(rounds > 5, `the changes ran during the snapshot (${rounds} rounds)`);
  assert.deepEqual(image(load(file, 3)), before);
  // The next snapshot sees the current data (every entry is owed again).
  const now2 = image(dbs);
  assert.equal((await run(dbs, file, () => {}))[0], null);
  assert.deepEqual(image(load(file, 3)), now2);
  fs.rmSync(dir, { recursive: true });
});

Deno.test("a cancelled snapshot leaves the Dbs ready for the next one", async () => {
  const now = Date.now();
  const dbs = [new Db(0, () => now)];
  for (let i = 0; i < 50000; i++) dbs[0]!.setString(b(`k${i}`), b(`v${i}`), StrEnc.EMBSTR, false);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "valkyr-snap-"));
  const file = path.join(dir, "dump.rdb");
  const snap = new Snapshot({
    dbs,
    tempPath: file + ".tmp",
    finalPath: file,
    compress: false,
    checksum: true,
    access: "none",
    aux: [],
    sliceMs: 0.01,
    writer,
    onDone: () => assert.fail("a cancelled snapshot reports nothing"),
  });
  snap.start();
  await new Promise((r) => setTimeout(r, 5));
  snap.cancel();
  for (let i = 0; i < 200 && fs.existsSync(file + ".tmp"); i++) await new Promise((r) => setTimeout(r, 10));
  assert.equal(fs.existsSync(file + ".tmp"), false);
  const before = image(dbs);
  assert.equal((await run(dbs, file, () => {}))[0], null);
  assert.deepEqual(image(load(file, 1)), before);
  fs.rmSync(dir, { recursive: true });
  writer.stop();
});
