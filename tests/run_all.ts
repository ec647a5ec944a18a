/**
 * The whole test run (README's test command, and CI): unit tests, then the integration suite against
 * every host of the server — Deno, Bun, the compiled executable — and against Debian's redis-server 7.0
 * when it is installed (Valkey-8.1-only tests skip themselves there). Prints one closing line,
 * `N passed, N failed`, summed over all runs, and exits non-zero when anything failed.
 *
 * `deno-io4` runs the Deno integration suite again with `--io-threads 4` (VALKYR_TEST_IO_THREADS), whose
 * Workers drive their sockets through libc's epoll on Linux; `bun-io4` does the same on Bun, whose Workers
 * use Bun.listen (as the compiled executable does); `deno-io4-sockets` runs the I/O-thread-sensitive test
 * files on Deno with Workers on node:net (VALKYR_IO_EPOLL=0, the path where epoll is not available).
 *
 * Usage: deno run -A tests/run_all.ts [--only deno,deno-io4,deno-io4-sockets,bun,bun-io4,binary,redis,valkey]
 *        [--skip-unit]
 *
 * @module
 */

import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import * as path from "node:path";
import process from "node:process";
import { parseArgs } from "node:util";
import { ROOT } from "./helpers/server.ts";

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    only: { type: "string" },
    "skip-unit": { type: "boolean", default: false },
  },
});

const deno = Deno.execPath();

function which(cmd: string): string | null {
  const r = spawnSync("sh", ["-c", `command -v ${cmd}`], { encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim() : null;
}

interface RunResult {
  name: string;
  passed: number;
  failed: number;
  ignored: number;
  code: number;
  /** The failed tests' lines and the head of Deno's ERRORS section, repeated in the closing summary. */
  failures: string[];
}

/**
 * What a failed run said about its failures: the `... FAILED` lines, then up to 40 lines of the ERRORS
 * section. CI shows only the tail of the output, so the summary repeats them.
 */
function failureLines(out: string): string[] {
  const lines = out.split("\n");
  const failed = lines.filter((l) => /\.\.\. FAILED/.test(l));
  const start = lines.findIndex((l) => /^\s*ERRORS\s*$/.test(l));
  const end = lines.findIndex((l, i) => i > start && /^\s*FAILURES\s*$/.test(l));
  const errors = start < 0
    ? []
    : lines.slice(start + 1, Math.min(end < 0 ? lines.length : end, start + 41)).filter((l) =>
      l.trim() !== ""
    );
  return [...failed, ...errors];
}

function runDenoTest(name: string, paths: string[], env: Record<string, string>): RunResult {
  console.log(`\n=== ${name} ===`);
  const r = spawnSync(deno, ["test", "-A", "--parallel", ...paths], {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: "1", ...env },
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
  });
  const out = `${r.stdout ?? ""}${r.stderr ?? ""}`;
  process.stdout.write(out);
  // Deno's summary: "ok | 12 passed | 0 failed | 1 ignored (2s)" or "FAILED | 11 passed | 1 failed (2s)".
  const m = out.match(
    /(?:ok|FAILED) \| (\d+) passed(?: \((\d+) steps?\))? \| (\d+) failed(?: \((\d+) steps?\))?(?: \| (\d+) ignored)?/,
  );
  const passed = m ? Number(m[1]) : 0;
  const failed = m ? Number(m[3]) : 0;
  const ignored = m && m[5] ? Number(m[5]) : 0;
  const code = r.status ?? 1;
  // A run that crashed before its summary counts as one failure.
  const failures = code === 0 ? [] : failureLines(out);
  return { name, passed, failed: m ? failed : code === 0 ? 0 : 1, ignored, code, failures };
}

const only = values.only?.split(",");
const want = (t: string) => only === undefined || only.includes(t);
const results: RunResult[] = [];

if (!values["skip-unit"] && want("unit")) {
  const dirs = ["core/", "modules/", "cli/"].filter((d) => existsSync(path.join(ROOT, d)));
  results.push(runDenoTest("unit tests (core, modules)", dirs, {}));
}
if (want("deno")) {
  results.push(runDenoTest("integration: Valkyr on Deno", ["tests/"], { VALKYR_TEST_TARGET: "deno" }));
}
if (want("deno-io4")) {
  // The same suite with the TCP clients on I/O Workers (io-threads 4, issue #7).
  results.push(
    runDenoTest("integration: Valkyr on Deno, io-threads 4", ["tests/"], {
      VALKYR_TEST_TARGET: "deno",
      VALKYR_TEST_IO_THREADS: "4",
    }),
  );
}
if (want("deno-io4-sockets")) {
  const files = [
    "io_threads_test.ts",
    "limits_test.ts",
    "introspection_test.ts",
    "pubsub_test.ts",
    "monitor_test.ts",
    "type/list_blocking_test.ts",
  ].map((f) => `tests/unit/${f}`);
  results.push(
    runDenoTest("integration (I/O thread files): Valkyr on Deno, io-threads 4 on node:net", files, {
      VALKYR_TEST_TARGET: "deno",
      VALKYR_TEST_IO_THREADS: "4",
      VALKYR_IO_EPOLL: "0",
    }),
  );
}
if (want("bun")) {
  results.push(runDenoTest("integration: Valkyr on Bun", ["tests/"], { VALKYR_TEST_TARGET: "bun" }));
}
if (want("bun-io4")) {
  results.push(
    runDenoTest("integration: Valkyr on Bun, io-threads 4", ["tests/"], {
      VALKYR_TEST_TARGET: "bun",
      VALKYR_TEST_IO_THREADS: "4",
    }),
  );
}
if (want("binary")) {
  console.log("\n=== compiling dist/valkyr ===");
  const c = spawnSync(deno, ["run", "-A", "cli/compile.ts"], { cwd: ROOT, stdio: "inherit" });
  if (c.status !== 0 || !existsSync(path.join(ROOT, "dist/valkyr"))) {
    results.push({ name: "compile", passed: 0, failed: 1, ignored: 0, code: 1, failures: [] });
  } else {
    results.push(
      runDenoTest("integration: compiled executable", ["tests/"], { VALKYR_TEST_TARGET: "binary" }),
    );
  }
}
if (want("redis")) {
  if (which("redis-server") !== null) {
    results.push(
      runDenoTest("integration: reference redis-server 7.0", ["tests/"], { VALKYR_TEST_TARGET: "redis" }),
    );
  } else console.log("\n(redis-server not installed: reference run skipped)");
}
if (only?.includes("valkey")) {
  results.push(
    runDenoTest("integration: reference valkey-server", ["tests/"], { VALKYR_TEST_TARGET: "valkey" }),
  );
}

console.log("\n=== summary ===");
let passed = 0;
let failed = 0;
let ignored = 0;
for (const r of results) {
  console.log(`${r.name}: ${r.passed} passed, ${r.failed} failed, ${r.ignored} ignored (exit ${r.code})`);
  passed += r.passed;
  failed += r.failed;
  ignored += r.ignored;
  if (r.code !== 0 && r.failed === 0) failed++;
}
for (const r of results.filter((r) => r.failures.length > 0)) {
  console.log(`\n--- what failed in ${r.name} ---`);
  for (const l of r.failures) console.log(l);
}
console.log(`${passed} passed, ${failed} failed, ${ignored} skipped`);
process.exit(failed > 0 ? 1 : 0);
