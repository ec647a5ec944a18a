/**
 * The module API: the only thing a module imports (`import { ... } from "../../core/module_api/mod.ts"`,
 * or from Valkyr's published `mod.ts` for a user's module).
 *
 * A module is a file whose default-free export `manifest` (or `module`) is a {@link ModuleManifest}: name,
 * version, the API version it needs, and what it registers (commands, data types, configs, ACL categories,
 * INFO sections, extensions of core commands, load/unload hooks). The server registers it all or nothing.
 *
 * How a module gets loaded:
 * - First-party modules (compiled into the executable): the embedder passes them to `startServer({
 *   modules: [...] })` (see core/server/embed.ts); `cli/main.ts` lists them in its `BUILTIN_MODULES`
 *   array (`import { manifest as bloom } from "../modules/bloom/mod.ts"`). The `builtin-modules` directive
 *   (default `all`; `none`, or a list of names such as `"bf json"`) chooses which of them load at start.
 * - A user's module: `loadmodule /path/mod.ts [args]` in the config file, `--loadmodule /path/mod.ts [args]`
 *   on the command line, or `MODULE LOAD /path/mod.ts [args]` / `MODULE LOADEX` at run time. The file is a
 *   `.ts` or `.js` ES module exporting `manifest` (a {@link ModuleManifest}); it is loaded with a dynamic
 *   `import()`, which also works in the compiled `dist/valkyr`. A module that lives outside Valkyr's tree
 *   may import only types from here (`import type`) and instead export `createModule(api)`, which receives
 *   this module's runtime values ({@link ModuleRuntime}: WRONG_TYPE, ModuleError, the helpers) and returns
 *   the manifest. (WRONG_TYPE is a `Symbol.for` and ModuleError is recognised by its name, so a second copy
 *   of this file imported by path works too.)
 *
 * @example A tiny module
 * ```ts
 * import type { ModuleManifest } from "./mod.ts";
 * export const manifest: ModuleManifest = {
 *   name: "hello",
 *   version: 1,
 *   apiVersion: 1,
 *   commands: [{
 *     name: "hello.world",
 *     arity: 1,
 *     flags: ["READONLY", "FAST"],
 *     handler: (ctx) => ctx.reply.bulkStr("hello"),
 *   }],
 * };
 * ```
 *
 * @module
 */

export * from "./types.ts";
export {
  bytesToAscii,
  eqIgnoreCase,
  formatDouble,
  formatInt,
  lowerAscii,
  parseDouble,
  parseI64,
  parseInt64,
  parseU64,
  utf8,
} from "../util/numbers.ts";
export { moduleTypeId } from "./type_id.ts";

import * as numbers from "../util/numbers.ts";
import { MODULE_API_VERSION, ModuleError, WRONG_TYPE } from "./types.ts";
import type { ModuleManifest } from "./types.ts";

/** The runtime values `createModule(api)` receives (for modules that import only types). */
export interface ModuleRuntime {
  readonly MODULE_API_VERSION: number;
  readonly WRONG_TYPE: typeof WRONG_TYPE;
  readonly ModuleError: typeof ModuleError;
  readonly parseI64: typeof numbers.parseI64;
  readonly parseInt64: typeof numbers.parseInt64;
  readonly parseU64: typeof numbers.parseU64;
  readonly parseDouble: typeof numbers.parseDouble;
  readonly formatDouble: typeof numbers.formatDouble;
  readonly formatInt: typeof numbers.formatInt;
  readonly eqIgnoreCase: typeof numbers.eqIgnoreCase;
  readonly lowerAscii: typeof numbers.lowerAscii;
  readonly bytesToAscii: typeof numbers.bytesToAscii;
  readonly utf8: typeof numbers.utf8;
}

export const moduleRuntime: ModuleRuntime = {
  MODULE_API_VERSION,
  WRONG_TYPE,
  ModuleError,
  parseI64: numbers.parseI64,
  parseInt64: numbers.parseInt64,
  parseU64: numbers.parseU64,
  parseDouble: numbers.parseDouble,
  formatDouble: numbers.formatDouble,
  formatInt: numbers.formatInt,
  eqIgnoreCase: numbers.eqIgnoreCase,
  lowerAscii: numbers.lowerAscii,
  bytesToAscii: numbers.bytesToAscii,
  utf8: numbers.utf8,
};

/** What a module file exports: `manifest`, or `createModule(api)` returning it. */
export interface ModuleFile {
  manifest?: ModuleManifest;
  createModule?: (api: ModuleRuntime) => ModuleManifest;
}
