/**
 * File access for the core, through `node:fs`, which Deno and Bun both provide with the same behaviour.
 * Everything the core does with files goes through here, so a runtime with a faster native API can be
 * plugged in at one place.
 *
 * @module
 */

import * as fs from "node:fs";
import process from "node:process";

export function readTextFile(path: string): string {
  return fs.readFileSync(path, "utf8");
}

export function writeTextFileAtomic(path: string, text: string): void {
  const tmp = `${path}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, path);
}

export function fileExists(path: string): boolean {
  return fs.existsSync(path);
}

export function appendTextFile(path: string, text: string): void {
  fs.appendFileSync(path, text);
}
