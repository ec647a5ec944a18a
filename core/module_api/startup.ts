/**
 * Loading modules when the server starts: the embedder's first-party modules (filtered by the
 * `builtin-modules` directive), then every `loadmodule` line of the config file / command line, then the
 * check that no `<module>.<name>` config line was left without a module to take it. Any failure aborts
 * the start, as Valkey exits when a module given at start cannot load.
 *
 * @module
 */

import type { StringDirective } from "../config/directives.ts";
import type { Server } from "../server/server.ts";
import { LoggedError } from "../server/log.ts";
import { moduleHost } from "./host.ts";
import type { ModuleManifest } from "./types.ts";

/**
 * `builtin-modules`: which modules compiled into the executable load at start. `all` (default), `none`,
 * or a space-separated list of module names (`"bf json"`). Valkyr-only; immutable, and hidden: CONFIG GET
 * shows it by its exact name only, so `CONFIG GET *` lists Valkey's directives (tools that set every listed
 * directive back, like Valkey's "CONFIG sanity" test, know nothing of it).
 */
export const BUILTIN_MODULES_DIRECTIVE: StringDirective = {
  name: "builtin-modules",
  type: "string",
  default: "all",
  flags: ["IMMUTABLE", "HIDDEN"],
};

/** The built-in modules a `builtin-modules` value selects; throws on an unknown name. */
export function selectBuiltins(value: string, available: readonly ModuleManifest[]): ModuleManifest[] {
  const words = value.trim().toLowerCase().split(/[\s,]+/).filter((w) => w !== "");
  if (words.length === 1 && words[0] === "all") return [...available];
  if (words.length === 0 || (words.length === 1 && words[0] === "none")) return [];
  const out: ModuleManifest[] = [];
  for (const w of words) {
    const m = available.find((x) => x.name.toLowerCase() === w);
    if (m === undefined) {
      throw new Error(
        `builtin-modules: unknown module '${w}' (built in: ${
          available.map((x) => x.name).join(" ") || "none"
        })`,
      );
    }
    if (!out.includes(m)) out.push(m);
  }
  return out;
}

/** Loads the start-up modules; throws an Error whose message is the fatal reason. */
export async function loadStartupModules(server: Server, builtins: readonly ModuleManifest[]): Promise<void> {
  const host = moduleHost(server);
  const log = server.logger;
  for (const m of selectBuiltins(server.config.getStr("builtin-modules"), builtins)) {
    try {
      host.register(m, `builtin:${m.name}`, [], { builtin: true });
    } catch {
      log.warning(`Can't load built-in module ${m.name}: server aborting`);
      throw new LoggedError(`Can't load built-in module ${m.name}: server aborting`);
    }
  }
  for (const l of server.config.loadModules) {
    try {
      await host.loadFile(l.path, l.args);
    } catch {
      log.warning(`Can't load module from ${l.path}: server aborting`);
      throw new LoggedError(`Can't load module from ${l.path}: server aborting`);
    }
  }
  const queue = server.config.moduleConfigQueue;
  if (queue.size > 0) {
    for (const name of queue.keys()) {
      log.warning(
        `Module Configuration detected without loadmodule directive or no ApplyConfig call: aborting (${name})`,
      );
    }
    throw new LoggedError(
      "Module Configuration detected without loadmodule directive or no ApplyConfig call: aborting",
    );
  }
}
