/**
 * The process itself, where Deno and Bun differ: the command line that starts this very program again
 * (`daemonize yes` starts a detached copy of the server and exits, as Valkey's fork does), and starting
 * such a copy.
 *
 * @module
 */

import { spawn } from "node:child_process";
import process from "node:process";

interface DenoProcess {
  build: { standalone?: boolean };
  mainModule: string;
  execPath(): string;
  args: string[];
}

/**
 * The command and arguments that run this program again with the same arguments, or null when it cannot
 * be told (an embedding that is not a main module).
 *
 * - `deno run`: the deno binary with `run -A` and V8's `--expose-gc` (the `start` task's flags; the
 *   server's MEMORY PURGE uses gc() when it is there) and the main module's path.
 * - an executable (`deno compile`, `bun build --compile`): the executable and the arguments.
 * - `bun`: the bun binary and the main module's path.
 */
export function selfCommand(): [string, string[]] | null {
  const g = globalThis as { Deno?: DenoProcess; Bun?: { main: string } };
  if (g.Deno !== undefined) {
    const d = g.Deno;
    if (d.build.standalone === true) return [d.execPath(), [...d.args]];
    if (!d.mainModule.startsWith("file:")) return null;
    const main = decodeURIComponent(new URL(d.mainModule).pathname);
    return [d.execPath(), ["run", "-A", "--v8-flags=--expose-gc", main, ...d.args]];
  }
  if (g.Bun !== undefined) {
    const args = process.argv.slice(2);
    // A compiled executable's main module lives in its embedded file system.
    if (g.Bun.main.startsWith("/$bunfs/")) return [process.execPath, args];
    return [process.execPath, [g.Bun.main, ...args]];
  }
  return null;
}

/**
 * Starts a command in a new session (setsid), with standard input, output and error on /dev/null and the
 * given extra environment, and does not wait for it. Resolves once it started; rejects when it could not.
 */
export function startDetached(cmd: string, args: string[], env: Record<string, string>): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { detached: true, stdio: "ignore", env: { ...process.env, ...env } });
    child.once("error", reject);
    child.once("spawn", () => {
      child.unref();
      resolve();
    });
  });
}
