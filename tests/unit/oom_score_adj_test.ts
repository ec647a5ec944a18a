/**
 * `oom-score-adj` and `oom-score-adj-values` (Valkey's tests/unit/oom-score-adj.tcl and more): CONFIG GET /
 * SET with Valkey's errors, the server process's /proc/<pid>/oom_score_adj following them (relative to the
 * base, absolute, restored on `no`, untouched while disabled), a value the kernel refuses failing CONFIG SET
 * with the old values kept, the values applied at start, and CONFIG REWRITE. Only the primary's value is
 * checked: the replica's and the background child's need replication and fork, which Valkyr does not have.
 *
 * The /proc checks run on Linux with a server this file started; the refusal checks only where this
 * process lacks CAP_SYS_RESOURCE (as the Tcl test decides: writing -1000 to its own oom_score_adj is
 * refused). Redis 7.0 behaves the same (the directives are from 6.2).
 */

import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import process from "node:process";
import { freePort, ROOT, serverCommand, startServer, target, waitReady } from "../helpers/server.ts";
import { RawConn, RespError, withRaw } from "../helpers/raw.ts";
import { waitForLog } from "../helpers/timing.ts";

const srv = await startServer();
const opts = { sanitizeOps: false, sanitizeResources: false };
const own = srv.ownProcess && process.platform === "linux";

const FAILED = "Failed to set current oom_score_adj. Check server logs.";
const RANGE = "Invalid oom-score-adj-values, elements must be between -2000 and 2000.";
const failed = (name: string, reason: string) =>
  new RespError(`ERR CONFIG SET failed (possibly related to argument '${name}') - ${reason}`);

function readAdj(pid: number | "self"): number {
  return Number.parseInt(fs.readFileSync(`/proc/${pid}/oom_score_adj`, "utf8"), 10);
}

function writeAdj(pid: number | "self", value: number): void {
  fs.writeFileSync(`/proc/${pid}/oom_score_adj`, `${value}\n`);
}

/** True when the kernel refuses this process a lower oom_score_adj (no CAP_SYS_RESOURCE). */
function unprivileged(): boolean {
  if (process.platform !== "linux") return false;
  const original = readAdj("self");
  try {
    writeAdj("self", -1000);
  } catch (e) {
    if ((e as { code?: string }).code === "EACCES") return true;
    throw e;
  }
  writeAdj("self", original);
  return false;
}
const refusing = own && unprivileged();

async function pidOf(c: RawConn): Promise<number> {
  const m = /^process_id:(\d+)/m.exec(String(await c.call("INFO", "server")));
  assert.ok(m !== null);
  return Number(m[1]);
}

async function set(c: RawConn, ...pairs: string[]): Promise<unknown> {
  return await c.call("CONFIG", "SET", ...pairs);
}

/** Runs `fn` on a connection, then puts both directives back at their defaults. */
function withDefaultsAfter(fn: (c: RawConn) => Promise<void>): () => Promise<void> {
  return () =>
    withRaw(srv.port, async (c) => {
      try {
        await fn(c);
      } finally {
        await set(c, "oom-score-adj", "no", "oom-score-adj-values", "0 200 800");
      }
    });
}

Deno.test({
  name: "oom-score-adj is no and oom-score-adj-values 0 200 800 by default; relative reads back as yes",
  ...opts,
  fn: withDefaultsAfter(async (c) => {
    // A pattern lists in table order here, in hash-table order in Valkey: compare as a map.
    const pairs = (await c.call("CONFIG", "GET", "oom*")) as string[];
    const got = new Map(pairs.flatMap((v, i) => (i % 2 === 0 ? [[v, pairs[i + 1]!] as const] : [])));
    assert.deepEqual(got, new Map([["oom-score-adj", "no"], ["oom-score-adj-values", "0 200 800"]]));
    assert.equal(await set(c, "oom-score-adj-values", "0 200 800", "oom-score-adj", "relative"), "OK");
    assert.deepEqual(await c.call("CONFIG", "GET", "oom-score-adj"), ["oom-score-adj", "yes"]);
    assert.equal(await set(c, "oom-score-adj", "ABSOLUTE"), "OK");
    assert.deepEqual(await c.call("CONFIG", "GET", "oom-score-adj"), ["oom-score-adj", "absolute"]);
    assert.deepEqual(
      await set(c, "oom-score-adj", "maybe"),
      failed("oom-score-adj", "argument(s) must be one of the following: no, yes, relative, absolute"),
    );
  }),
});

Deno.test({
  name: "CONFIG SET oom-score-adj-values takes three integers in -2000..2000 and refuses the rest",
  ...opts,
  fn: withDefaultsAfter(async (c) => {
    assert.deepEqual(
      await set(c, "oom-score-adj-values", "-2001 -2001 -2001"),
      failed("oom-score-adj-values", RANGE),
    );
    assert.deepEqual(
      await set(c, "oom-score-adj-values", "2001 2001 2001"),
      failed("oom-score-adj-values", RANGE),
    );
    for (const bad of ["a b c", "0x10 0 0", "1.5 0 0", "99999999999999999999 0 0"]) {
      assert.deepEqual(await set(c, "oom-score-adj-values", bad), failed("oom-score-adj-values", RANGE), bad);
    }
    for (const bad of ["", "1 2", "1 2 3 4", "1  2 3"]) {
      assert.deepEqual(
        await set(c, "oom-score-adj-values", bad),
        failed("oom-score-adj-values", "wrong number of arguments"),
        bad,
      );
    }
    assert.deepEqual(await c.call("CONFIG", "GET", "oom-score-adj-values"), [
      "oom-score-adj-values",
      "0 200 800",
    ]);
    // strtoll's reading: a '+', leading zeros, and an empty last word (a trailing space) as 0.
    assert.equal(await set(c, "oom-score-adj-values", "+5 010 -2000"), "OK");
    assert.deepEqual(await c.call("CONFIG", "GET", "oom-score-adj-values"), [
      "oom-score-adj-values",
      "5 10 -2000",
    ]);
    assert.equal(await set(c, "oom-score-adj-values", "1 2 "), "OK");
    assert.deepEqual(await c.call("CONFIG", "GET", "oom-score-adj-values"), [
      "oom-score-adj-values",
      "1 2 0",
    ]);
  }),
});

Deno.test({
  name: "CONFIG SET oom-score-adj sets the process's oom_score_adj, relative to its base or absolute",
  ...opts,
  ignore: !own,
  fn: withDefaultsAfter(async (c) => {
    const pid = await pidOf(c);
    const base = readAdj(pid);
    assert.equal(await set(c, "oom-score-adj-values", "10 20 30"), "OK");
    assert.equal(readAdj(pid), base, "nothing changes while oom-score-adj is no");
    assert.equal(await set(c, "oom-score-adj", "yes"), "OK");
    assert.equal(readAdj(pid), base + 10);
    // Modifying the current (primary) class applies at once.
    assert.equal(await set(c, "oom-score-adj-values", "15 20 30"), "OK");
    assert.equal(readAdj(pid), base + 15);
    // The kernel's range clamps what is written.
    assert.equal(await set(c, "oom-score-adj-values", "2000 2000 2000"), "OK");
    assert.equal(readAdj(pid), 1000);
    const absolute = base + 1;
    assert.equal(await set(c, "oom-score-adj-values", `${absolute} 0 0`, "oom-score-adj", "absolute"), "OK");
    assert.equal(readAdj(pid), absolute);
    assert.equal(await set(c, "oom-score-adj", "no"), "OK");
    assert.equal(readAdj(pid), base);
  }),
});

Deno.test({
  name: "CONFIG SET oom-score-adj-values doesn't touch proc when disabled, and no restores the base",
  ...opts,
  ignore: !own,
  fn: withDefaultsAfter(async (c) => {
    const pid = await pidOf(c);
    assert.equal(await set(c, "oom-score-adj", "no"), "OK");
    const orig = readAdj(pid);
    writeAdj(pid, orig + 2);
    assert.equal(await set(c, "oom-score-adj-values", `${orig + 1} ${orig + 1} ${orig + 1}`), "OK");
    assert.equal(readAdj(pid), orig + 2);
    // The base is read when the server takes control: the value someone else wrote.
    const custom = readAdj(pid) + 1;
    writeAdj(pid, custom);
    assert.equal(await set(c, "oom-score-adj-values", "9 9 9", "oom-score-adj", "yes"), "OK");
    assert.equal(readAdj(pid), custom + 9);
    assert.equal(await set(c, "oom-score-adj", "no"), "OK");
    assert.equal(readAdj(pid), custom);
    writeAdj(pid, orig);
  }),
});

Deno.test({
  name: "a value the kernel refuses fails CONFIG SET with Valkey's error and keeps the old values",
  ...opts,
  ignore: !refusing,
  fn: withDefaultsAfter(async (c) => {
    const pid = await pidOf(c);
    const base = readAdj(pid);
    assert.equal(await set(c, "oom-score-adj", "no", "oom-score-adj-values", "-1000 -1000 -1000"), "OK");
    assert.deepEqual(await set(c, "oom-score-adj", "yes"), failed("oom-score-adj", FAILED));
    assert.deepEqual(await c.call("CONFIG", "GET", "oom-score-adj"), ["oom-score-adj", "no"]);
    assert.equal(readAdj(pid), base);
    assert.equal(await set(c, "oom-score-adj-values", "0 100 100", "oom-score-adj", "yes"), "OK");
    assert.deepEqual(
      await set(c, "oom-score-adj-values", "-1000 -1000 -1000"),
      failed("oom-score-adj-values", FAILED),
    );
    assert.deepEqual(await c.call("CONFIG", "GET", "oom-score-adj-values"), [
      "oom-score-adj-values",
      "0 100 100",
    ]);
    assert.equal(readAdj(pid), base);
    await waitForLog(srv.output, /# Unable to write oom_score_adj: Permission denied/);
    await waitForLog(
      srv.output,
      /# Failed applying new configuration\. Possibly related to new oom-score-adj-values setting\. Restoring previous settings\./,
    );
  }),
});

Deno.test({
  name: "oom-score-adj given at start applies once the server is ready, and a refusal is only logged",
  ...opts,
  ignore: !own,
  fn: async () => {
    // The server inherits this process's oom_score_adj: that is its base.
    const base = readAdj("self");
    const s = await startServer(["--oom-score-adj", "relative", "--oom-score-adj-values", "7 200 800"]);
    try {
      await withRaw(s.port, async (c) => assert.equal(readAdj(await pidOf(c)), Math.min(1000, base + 7)));
    } finally {
      await s.stop();
    }
    if (!refusing) return;
    const t = await startServer(["--oom-score-adj", "absolute", "--oom-score-adj-values", "-1000 0 0"]);
    try {
      await waitForLog(t.output, /# Unable to write oom_score_adj: Permission denied/);
      await withRaw(t.port, async (c) => {
        assert.equal(readAdj(await pidOf(c)), base);
        assert.deepEqual(await c.call("CONFIG", "GET", "oom-score-adj"), ["oom-score-adj", "absolute"]);
      });
    } finally {
      await t.stop();
    }
  },
});

Deno.test({
  name: "CONFIG REWRITE writes both directives: in place when the file has them, appended when changed",
  ...opts,
  ignore: target() === "external",
  fn: async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "valkyr-oom-"));
    const file = path.join(dir, "oom.conf");
    fs.writeFileSync(file, "# oom\noom-score-adj-values 0 200 800\n");
    const port = await freePort();
    const [cmd, args] = serverCommand([file, "--port", String(port), "--dir", dir, "--save", ""]);
    const child = spawn(cmd, args, { stdio: "ignore", cwd: ROOT });
    const exited = new Promise((r) => child.once("exit", r));
    try {
      await waitReady("127.0.0.1", port);
      await withRaw(port, async (c) => {
        assert.equal(await set(c, "oom-score-adj", "relative", "oom-score-adj-values", "1 2 3"), "OK");
        assert.equal(await c.call("CONFIG", "REWRITE"), "OK");
        let lines = fs.readFileSync(file, "utf8").split("\n");
        assert.deepEqual(lines.slice(0, 2), ["# oom", "oom-score-adj-values 1 2 3"]);
        assert.ok(lines.includes("oom-score-adj yes"));
        // Back at their defaults, the lines stay where they are, with the default values.
        assert.equal(await set(c, "oom-score-adj", "no", "oom-score-adj-values", "0 200 800"), "OK");
        assert.equal(await c.call("CONFIG", "REWRITE"), "OK");
        lines = fs.readFileSync(file, "utf8").split("\n");
        assert.deepEqual(lines.slice(0, 2), ["# oom", "oom-score-adj-values 0 200 800"]);
        assert.ok(lines.includes("oom-score-adj no"));
      });
    } finally {
      child.kill("SIGTERM");
      await exited;
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
});

Deno.test({ name: "stop the server", ...opts, fn: () => srv.stop() });
