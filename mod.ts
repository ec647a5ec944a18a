/**
 * Valkyr's embedding API: start a Valkey-compatible server inside your own Deno or Bun program.
 *
 * @example
 * ```ts
 * import { startServer } from "./mod.ts";
 * const server = await startServer({ port: 0, config: { save: "" } });
 * console.log(`listening on ${server.port}`);
 * await server.stop();
 * ```
 *
 * @module
 */

export { startServer } from "./core/server/embed.ts";
export type { EmbeddedServer, StartOptions } from "./core/server/embed.ts";
export * as moduleApi from "./core/module_api/mod.ts";
export type { ModuleManifest } from "./core/module_api/mod.ts";
