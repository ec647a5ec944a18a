/**
 * The AOF manifest (Valkey's aofLoadManifestFromFile / getAofManifestAsString): format, parsing, and the
 * errors a bad manifest gets.
 */

import assert from "node:assert/strict";
import { Manifest, ManifestError } from "./aof.ts";

Deno.test("the manifest prints base, history, then incr files, one line each", () => {
  const m = new Manifest();
  m.base = { name: "appendonly.aof.2.base.rdb", seq: 2, type: "b" };
  m.history = [{ name: "appendonly.aof.1.base.rdb", seq: 1, type: "h" }];
  m.incrs = [
    { name: "appendonly.aof.2.incr.aof", seq: 2, type: "i" },
    { name: "appendonly.aof.3.incr.aof", seq: 3, type: "i" },
  ];
  assert.equal(
    m.format(),
    "file appendonly.aof.2.base.rdb seq 2 type b\n" +
      "file appendonly.aof.1.base.rdb seq 1 type h\n" +
      "file appendonly.aof.2.incr.aof seq 2 type i\n" +
      "file appendonly.aof.3.incr.aof seq 3 type i\n",
  );
});

Deno.test("a name that needs it is quoted with C escapes, and parses back", () => {
  const m = new Manifest();
  m.base = { name: 'my "aof" file\n.1.base.rdb', seq: 1, type: "b" };
  const text = m.format();
  assert.equal(text, 'file "my \\"aof\\" file\\n.1.base.rdb" seq 1 type b\n');
  assert.equal(Manifest.parse(text).base?.name, 'my "aof" file\n.1.base.rdb');
});

Deno.test("parsing keeps the sequence numbers, skips comments, accepts keys in any order and case", () => {
  const m = Manifest.parse(
    "# a comment\nfile a.1.base.aof seq 1 type b\nTYPE i SEQ 4 FILE a.4.incr.aof extra x\nfile a.0.base.aof seq 9 type h\n",
  );
  assert.equal(m.base?.name, "a.1.base.aof");
  assert.equal(m.baseSeq, 1);
  assert.deepEqual(m.incrs, [{ name: "a.4.incr.aof", seq: 4, type: "i" }]);
  assert.equal(m.incrSeq, 4);
  assert.equal(m.history.length, 1);
});

Deno.test("bad manifests get Valkey's messages", () => {
  const bad: [string, string][] = [
    ["", "Found an empty AOF manifest"],
    ["file a seq 1\n", "Invalid AOF manifest file format"],
    ["file a seq 1 type b\n\n", "Invalid AOF manifest file format"],
    ["file a/b seq 1 type b\n", "File can't be a path, just a filename"],
    ["file a seq 0 type b\n", "Invalid AOF manifest file format"],
    ["file a seq 1 type b\nfile b seq 2 type b\n", "Found duplicate base file information"],
    ["file a seq 2 type i\nfile b seq 2 type i\n", "Found a non-monotonic sequence number"],
    ["file a seq 1 type x\n", "Unknown AOF file type"],
    ["file a seq 1 type b", "The AOF manifest file contains too long line"],
    ["file " + "a".repeat(1100) + " seq 1 type b\n", "The AOF manifest file contains too long line"],
  ];
  for (const [text, msg] of bad) {
    assert.throws(
      () => Manifest.parse(text),
      (e: unknown) => e instanceof ManifestError && e.message === msg,
      msg,
    );
  }
});
