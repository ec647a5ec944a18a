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

/** A file's bytes as a Latin-1 string (one char per byte): text whose bytes must survive unchanged. */
export function readLatin1File(path: string): string {
  return fs.readFileSync(path, "latin1");
}

/** Writes a Latin-1 string's bytes to a temporary file, then renames it over `path`. */
export function writeLatin1FileAtomic(path: string, text: string): void {
  const tmp = `${path}.tmp-${process.pid}-${Date.now()}`;
  fs.writeFileSync(tmp, text, "latin1");
  fs.renameSync(tmp, path);
}

/** Creates or truncates `path` and writes `text` (C's fopen "w", then fprintf). */
export function writeTextFile(path: string, text: string): void {
  fs.writeFileSync(path, text);
}

/** unlink(2). */
export function removeFile(path: string): void {
  fs.unlinkSync(path);
}

export function fileExists(path: string): boolean {
  return fs.existsSync(path);
}

export function appendTextFile(path: string, text: string): void {
  fs.appendFileSync(path, text);
}

/**
 * Writes `text` into a file that must exist, without creating or truncating it (C's `open(O_WRONLY)` then
 * one `write`): for kernel files such as `/proc/self/oom_score_adj`, where the write itself is the request
 * and its error (EACCES...) is the answer.
 */
export function writeExistingFile(path: string, text: string): void {
  const fd = fs.openSync(path, fs.constants.O_WRONLY);
  try {
    fs.writeSync(fd, text);
  } finally {
    fs.closeSync(fd);
  }
}

/** chmod(2). */
export function chmodPath(path: string, mode: number): void {
  fs.chmodSync(path, mode);
}

/** chown(2) of the group only (the owner stays). */
export function chownGroup(path: string, gid: number): void {
  fs.chownSync(path, -1, gid);
}

/**
 * getgrnam(3) on the local group database: the id of the group named `name` in /etc/group, or null
 * (names only, as getgrnam: "0" is not a name).
 */
export function groupIdByName(name: string): number | null {
  let text: string;
  try {
    text = fs.readFileSync("/etc/group", "latin1");
  } catch {
    return null;
  }
  for (const line of text.split("\n")) {
    const f = line.split(":");
    if (f.length >= 3 && f[0] === name && /^\d+$/.test(f[2]!)) return Number(f[2]);
  }
  return null;
}

/** fsync of a directory, so a rename in it is durable; a directory that cannot be opened or synced is left. */
export function fsyncDir(dir: string): void {
  try {
    const fd = fs.openSync(dir, "r");
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch { /* not supported everywhere (e.g. some runtimes refuse to open a directory) */ }
}
