import assert from "node:assert/strict";
import * as os from "node:os";
import { Config } from "../config/config.ts";
import { Logger } from "./log.ts";
import {
  OOM_SCORE_ADJ_FAILED,
  OOM_SCORE_ADJ_ORDER_WARNING,
  type OomScoreAdjFile,
  OomScoreAdjuster,
  oomScoreAdjValuesOutOfOrder,
  watchOomScoreAdj,
} from "./oom_score_adj.ts";
import { Server } from "./server.ts";

/**
 * A stand-in for /proc/self/oom_score_adj that refuses, as the kernel does without CAP_SYS_RESOURCE, any
 * value below `min`.
 */
class FakeFile implements OomScoreAdjFile {
  reads = 0;
  writes: string[] = [];
  constructor(public value: number, readonly min = -1000) {}
  read(): string {
    this.reads++;
    return `${this.value}\n`;
  }
  write(text: string): void {
    const v = Number.parseInt(text, 10);
    if (v < this.min) throw Object.assign(new Error("EACCES: permission denied, write"), { code: "EACCES" });
    this.writes.push(text);
    this.value = v;
  }
}

Deno.test("relative adds the value to the base read when control is taken; absolute writes it", () => {
  const f = new FakeFile(50);
  const a = new OomScoreAdjuster(f);
  assert.deepEqual(a.apply("yes", 10), { ok: true });
  assert.equal(f.value, 60);
  assert.deepEqual(a.apply("yes", 15), { ok: true });
  assert.equal(f.value, 65, "the base is not read again while the server holds the file");
  assert.deepEqual(a.apply("absolute", 7), { ok: true });
  assert.equal(f.value, 7);
  assert.equal(f.reads, 1);
  assert.deepEqual(f.writes, ["60\n", "65\n", "7\n"]);
});

Deno.test("no writes the base back once, then leaves the file alone", () => {
  const f = new FakeFile(3);
  const a = new OomScoreAdjuster(f);
  assert.deepEqual(a.apply("no", 100), { ok: true });
  assert.deepEqual(f.writes, [], "never adjusted: nothing to restore");
  a.apply("absolute", 100);
  assert.equal(a.adjusted, true);
  assert.deepEqual(a.apply("no", 100), { ok: true });
  assert.equal(f.value, 3);
  assert.equal(a.adjusted, false);
  // Someone else changes the file: the next time control is taken, that is the new base.
  f.value = 20;
  assert.deepEqual(a.apply("no", 100), { ok: true });
  assert.equal(f.value, 20);
  a.apply("yes", 5);
  assert.equal(f.value, 25);
  assert.equal(f.reads, 2);
});

Deno.test("written values are clamped to the kernel's -1000..1000", () => {
  const f = new FakeFile(900);
  const a = new OomScoreAdjuster(f);
  a.apply("yes", 2000);
  assert.equal(f.value, 1000);
  a.apply("absolute", -2000);
  assert.equal(f.value, -1000);
});

Deno.test("a refused write is reported with the system error, and the base is still restored later", () => {
  const f = new FakeFile(0, 0);
  const a = new OomScoreAdjuster(f);
  assert.deepEqual(a.apply("yes", -5), {
    ok: false,
    log: "Unable to write oom_score_adj: Permission denied",
  });
  assert.equal(f.value, 0);
  assert.deepEqual(a.apply("no", 0), { ok: true });
  assert.deepEqual(f.writes, ["0\n"]);
});

Deno.test("an unreadable file fails and is read again next time", () => {
  let readable = false;
  const f: OomScoreAdjFile = {
    read: () => {
      if (!readable) throw Object.assign(new Error("no"), { code: "ENOENT" });
      return "4";
    },
    write: () => {},
  };
  const a = new OomScoreAdjuster(f);
  assert.deepEqual(a.apply("yes", 1), {
    ok: false,
    log: "Unable to read oom_score_adj: No such file or directory",
  });
  assert.equal(a.adjusted, false);
  readable = true;
  assert.deepEqual(a.apply("yes", 1), { ok: true });
});

Deno.test("without the file (not Linux) every apply fails with nothing to log", () => {
  const a = new OomScoreAdjuster(null);
  assert.deepEqual(a.apply("no", 0), { ok: false, log: null });
  assert.deepEqual(a.apply("yes", 0), { ok: false, log: null });
});

Deno.test("values are in order when primary <= replica <= bgchild", () => {
  assert.equal(oomScoreAdjValuesOutOfOrder([0, 200, 800]), false);
  assert.equal(oomScoreAdjValuesOutOfOrder([5, 5, 5]), false);
  assert.equal(oomScoreAdjValuesOutOfOrder([5, 4, 10]), true);
  assert.equal(oomScoreAdjValuesOutOfOrder([0, 10, 9]), true);
});

/** A server whose oom_score_adj is `file`, its warnings collected. */
function watched(file: FakeFile): { config: Config; warnings: string[] } {
  const config = new Config();
  const logger = new Logger();
  logger.file = os.devNull;
  const warnings: string[] = [];
  logger.sink = (line) => warnings.push(line.slice(line.indexOf("# ") + 2, -1));
  const server = new Server({ config, logger });
  config.warn = (m) => logger.warning(m);
  watchOomScoreAdj(server, new OomScoreAdjuster(file));
  return { config, warnings };
}

Deno.test("CONFIG SET of either directive applies both, once", () => {
  const f = new FakeFile(10);
  const { config } = watched(f);
  assert.equal(config.set([["oom-score-adj-values", "1 2 3"]]), null);
  assert.deepEqual(f.writes, [], "oom-score-adj no: the values alone change nothing");
  assert.equal(config.set([["oom-score-adj", "yes"], ["oom-score-adj-values", "4 5 6"]]), null);
  assert.deepEqual(f.writes, ["14\n"]);
  assert.equal(config.set([["oom-score-adj", "no"]]), null);
  assert.deepEqual(f.writes, ["14\n", "10\n"]);
});

Deno.test("a refused value fails CONFIG SET with Valkey's errors and keeps the old values", () => {
  const f = new FakeFile(0, 0);
  const { config, warnings } = watched(f);
  assert.equal(config.set([["oom-score-adj-values", "-1000 -1000 -1000"]]), null);
  assert.equal(
    config.set([["oom-score-adj", "yes"]]),
    `ERR CONFIG SET failed (possibly related to argument 'oom-score-adj') - ${OOM_SCORE_ADJ_FAILED}`,
  );
  assert.equal(config.get("oom-score-adj"), "no");
  assert.deepEqual(warnings, [
    "Unable to write oom_score_adj: Permission denied",
    "Failed applying new configuration. Possibly related to new oom-score-adj setting. " +
    "Restoring previous settings.",
  ]);
  assert.equal(config.set([["oom-score-adj-values", "0 100 100"], ["oom-score-adj", "yes"]]), null);
  assert.equal(
    config.set([["oom-score-adj-values", "-1000 -1000 -1000"]]),
    `ERR CONFIG SET failed (possibly related to argument 'oom-score-adj-values') - ${OOM_SCORE_ADJ_FAILED}`,
  );
  assert.equal(config.get("oom-score-adj-values"), "0 100 100");
  assert.equal(f.value, 0);
});

Deno.test("values out of order are accepted with Valkey's warning", () => {
  const f = new FakeFile(0);
  const { config, warnings } = watched(f);
  assert.equal(config.set([["oom-score-adj-values", "5 4 3"]]), null);
  assert.deepEqual(warnings, [OOM_SCORE_ADJ_ORDER_WARNING]);
});
