/**
 * Reading configuration the connection commands depend on, including directives that a build may not
 * declare yet (`extended-redis-compatibility`, `import-mode`): an undeclared directive reads as its Valkey
 * default.
 *
 * @module
 */

import type { Server } from "../../server/server.ts";

/** A `bool` directive, or `dflt` when the directive is not declared. */
export function configFlag(server: Server, name: string, dflt: boolean): boolean {
  return server.config.has(name) ? server.config.getBool(name) : dflt;
}

/** A `string` directive, or `dflt` when the directive is not declared. */
export function configText(server: Server, name: string, dflt: string): string {
  return server.config.has(name) ? server.config.getStr(name) : dflt;
}
