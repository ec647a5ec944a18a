/**
 * What the persistence integration files (RDB, AOF) share: temporary server directories, a server started
 * in one with a connection to it, and reading a field of an INFO reply.
 *
 * @module
 */

import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { RawConn } from "./raw.ts";
import { startServer, type TestServer } from "./server.ts";

const dirs: string[] = [];
globalThis.addEventListener("unload", () => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

/** A new temporary directory named `<prefix>XXXXXX`, removed when the test process ends. */
export function tempDir(prefix: string): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  dirs.push(d);
  return d;
}

/** Runs `fn` with a connection to a server started with `--dir dir` and `extra`; stops the server after. */
export async function withServer<T>(
  dir: string,
  extra: string[],
  fn: (c: RawConn, s: TestServer) => Promise<T>,
): Promise<T> {
  const s = await startServer(["--dir", dir, ...extra]);
  const c = await RawConn.connect(s.port);
  try {
    return await fn(c, s);
  } finally {
    c.close();
    await s.stop();
  }
}

/** The value of `name` in an INFO reply, trimmed; undefined when absent. */
export function field(info: string, name: string): string | undefined {
  return new RegExp(`^${name}:(.*)$`, "m").exec(info)?.[1]?.trim();
}
