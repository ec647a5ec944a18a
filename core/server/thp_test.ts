import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import process from "node:process";
import { checkTransparentHugePages, THP_WARNING, thpAlways } from "./thp.ts";
import { Logger } from "./log.ts";

function capture(): { logger: Logger; lines: string[] } {
  const logger = new Logger();
  logger.file = "/dev/null";
  const lines: string[] = [];
  logger.sink = (l) => lines.push(l);
  return { logger, lines };
}

function modeFile(text: string): string {
  const f = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "thp-")), "enabled");
  fs.writeFileSync(f, text);
  return f;
}

Deno.test("thpAlways reads the kernel's selected mode", () => {
  assert.equal(thpAlways("[always] madvise never\n"), true);
  assert.equal(thpAlways("always [madvise] never\n"), false);
  assert.equal(thpAlways("always madvise [never]\n"), false);
});

Deno.test("with THP always, disable-thp turns it off quietly; without it (or when that fails) a warning", async () => {
  if (process.platform !== "linux") return;
  const always = modeFile("[always] madvise never\n");
  let calls = 0;
  const ok = () => (calls++, Promise.resolve(0));
  const fail = () => (calls++, Promise.resolve(-1));
  let c = capture();
  await checkTransparentHugePages(true, c.logger, always, ok);
  assert.equal(calls, 1);
  assert.deepEqual(c.lines, []);
  c = capture();
  await checkTransparentHugePages(true, c.logger, always, fail);
  assert.equal(c.lines.length, 1);
  assert.ok(c.lines[0]!.includes(` # ${THP_WARNING}`));
  c = capture();
  await checkTransparentHugePages(false, c.logger, always, ok);
  assert.equal(calls, 2);
  assert.equal(c.lines.length, 1);
  c = capture();
  await checkTransparentHugePages(true, c.logger, modeFile("always [madvise] never\n"), ok);
  assert.equal(calls, 2);
  assert.deepEqual(c.lines, []);
});

Deno.test("disableTransparentHugePages sets the process's THP_enabled to 0 (prctl through libc)", () => {
  if (process.platform !== "linux" || !fs.readFileSync("/proc/self/status", "utf8").includes("THP_enabled")) {
    return;
  }
  // In a child process: the flag stays for the life of the process.
  const code = `import { disableTransparentHugePages } from ${
    JSON.stringify(new URL("../net/epoll.ts", import.meta.url).href)
  };
const r = await disableTransparentHugePages();
const s = Deno.readTextFileSync("/proc/self/status");
console.log(r, /THP_enabled:\\s*(\\d)/.exec(s)?.[1]);`;
  const r = spawnSync(Deno.execPath(), ["eval", code], { encoding: "utf8" });
  assert.equal(r.stdout.trim(), "0 0", r.stderr);
});
