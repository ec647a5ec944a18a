/**
 * `deno task compile`: builds the one executable `dist/valkyr`.
 *
 * On these machines `deno compile` cannot download its runtime base (`denort`), so the build uses
 * `bun build --compile`, which works offline. The code stays `deno compile`-ready; where `denort` can be
 * downloaded, build with:
 *
 *   deno compile -A --unstable-net --output dist/valkyr \
 *     --include core/ --include modules/ cli/main.ts
 *
 * (Workers and first-party modules are plain imports or listed with --include, so both bundlers see them.)
 * Pass `--deno` to try that instead.
 *
 * The sources are staged into a temporary folder without `node_modules`, because Bun embeds the whole of
 * a `node_modules` folder it finds beside the entry point.
 *
 * @module
 */

import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** Entry points besides cli/main.ts (Worker files must be listed for `bun build --compile`). */
export const EXTRA_ENTRIES: string[] = [
  "core/io/io_worker.ts",
  "core/persistence/rdb_writer_worker.ts",
  "core/commands/generic/migrate_worker.ts",
];

const out = path.join(ROOT, "dist", "valkyr");
mkdirSync(path.dirname(out), { recursive: true });

if (process.argv.includes("--deno")) {
  const r = spawnSync(Deno.execPath(), [
    "compile",
    "-A",
    "--unstable-net",
    "--output",
    out,
    "--include",
    "core/",
    "--include",
    "modules/",
    "cli/main.ts",
  ], { cwd: ROOT, stdio: "inherit" });
  process.exit(r.status ?? 1);
}

const stage = mkdtempSync(path.join(os.tmpdir(), "valkyr-build-"));
try {
  for (const dir of ["core", "modules", "cli"]) {
    if (!existsSync(path.join(ROOT, dir))) continue; // modules/ appears with the first module
    cpSync(path.join(ROOT, dir), path.join(stage, dir), {
      recursive: true,
      filter: (src) => !src.endsWith("_test.ts"),
    });
  }
  cpSync(path.join(ROOT, "mod.ts"), path.join(stage, "mod.ts"));
  const bun = path.join(ROOT, "node_modules", ".bin", "bun");
  const entries = ["cli/main.ts", ...EXTRA_ENTRIES];
  const r = spawnSync(bun, ["build", "--compile", "--outfile", out, ...entries], {
    cwd: stage,
    stdio: "inherit",
  });
  if (r.status !== 0) process.exit(r.status ?? 1);
  console.log(`built ${out}`);
} finally {
  rmSync(stage, { recursive: true, force: true });
}
