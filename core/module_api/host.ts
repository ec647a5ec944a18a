/**
 * The module host: one per server. It registers a module's manifest in one step (data types, configs,
 * ACL categories, commands, extensions of core commands) and takes it all back on a failed load or on
 * MODULE UNLOAD, so a failure leaves the server as it was. It also answers what the rest of the core asks
 * about modules: MODULE LIST, INFO's module lines and sections, data types by name or by 64-bit module id
 * (for the persistence layer), the custom ACL categories.
 *
 * Load order (Valkey's RedisModule_OnLoad sequence, as valkeymodule-rs runs it): validate the manifest →
 * data types → ACL categories → configs (values from the config file / LOADEX applied, the module's
 * validators and change hooks run) → `onLoad(ctx, args)` → commands and command extensions become visible.
 * Any failure undoes the steps already done, in reverse.
 *
 * @module
 */

import { ACL_CATEGORY_ORDER } from "../commands/server/command_reply.ts";
import { pathToFileURL } from "node:url";
import * as path from "node:path";
import type { CommandCall } from "../commands/call.ts";
import { ReplyError } from "../commands/errors.ts";
import type { CommandExtension } from "../commands/extensions.ts";
import type { AclCategory, CommandSpec } from "../commands/spec.ts";
import { ConfigError } from "../config/config.ts";
import type { DirectiveDef, DirectiveFlag } from "../config/directives.ts";
import type { Server } from "../server/server.ts";
import { moduleAuthOf } from "./auth.ts";
import { ModuleCommandContext, moduleLog } from "./context.ts";
import { moduleRuntime } from "./mod.ts";
import { decodeModuleTypeId, moduleTypeId } from "./type_id.ts";
import {
  type DataTypeHandle,
  type InfoBuilder,
  MODULE_API_VERSION,
  type ModuleCommandSpec,
  type ModuleConfigSpec,
  type ModuleConfigValue,
  type ModuleLoadContext,
  type ModuleManifest,
} from "./types.ts";
import { attachedModuleValues, ModuleValue, type RegisteredType, settleModuleFrees } from "./value.ts";
import { registerRdbType, unregisterRdbType } from "./rdb.ts";
import { ModuleDefrag } from "./defrag.ts";
import { evictorOf } from "../eviction/evict.ts";

/** The error MODULE LOAD / LOADEX reply for every load failure (the reason goes to the log). */
export const ERR_MODULE_LOAD = "ERR Error loading the extension. Please check the server logs.";

/** Valkey's built-in ACL categories (a module may not add one of these). */
const CORE_ACL_CATEGORIES: ReadonlySet<string> = new Set(ACL_CATEGORY_ORDER);

const NAME_RE = /^[A-Za-z0-9_-]+$/;
const TYPE_NAME_RE = /^[A-Za-z0-9_-]{9}$/;
const COMMAND_NAME_RE = /^[A-Za-z0-9_.:-]+$/;
const CONFIG_NAME_RE = /^[a-z0-9_-]+$/;

/** A load failure: the message is the log line's reason. */
export class ModuleLoadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ModuleLoadError";
  }
}

/** A module the host registered. */
export interface LoadedModule {
  readonly name: string;
  readonly manifest: ModuleManifest;
  /** MODULE LIST path: the file, or `builtin:<name>` for a module compiled into the executable. */
  readonly path: string;
  readonly args: string[];
  readonly builtin: boolean;
  readonly types: RegisteredType[];
  readonly commands: CommandSpec[];
  readonly configs: ModuleConfigSpec[];
  readonly aclCategories: string[];
}

const hosts = new WeakMap<Server, ModuleHost>();

/** The server's module host (created on first use). */
export function moduleHost(server: Server): ModuleHost {
  let h = hosts.get(server);
  if (h === undefined) {
    h = new ModuleHost(server);
    hosts.set(server, h);
  }
  return h;
}

/** The host if one was created (INFO and others that must not create it). */
export function existingModuleHost(server: Server): ModuleHost | undefined {
  return hosts.get(server);
}

function errText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** A module file's import: its namespace, or why it failed. */
type ImportResult = { ns: Record<string, unknown> } | { error: string };

interface PreparedImport {
  result: ImportResult | undefined;
}

/** Imports a module file (dynamic `import()`, which Deno, Bun and the compiled executable support). */
async function importModuleFile(file: string): Promise<ImportResult> {
  try {
    return { ns: await import(pathToFileURL(path.resolve(file)).href) };
  } catch (e) {
    return { error: errText(e) };
  }
}

export class ModuleHost {
  readonly #modules = new Map<string, LoadedModule>();
  readonly #typesByName = new Map<string, RegisteredType>();
  /** By the id without its encver bits (Valkey's moduleTypeLookupModuleByID compares those). */
  readonly #typesById = new Map<bigint, RegisteredType>();
  readonly #handles = new WeakMap<object, RegisteredType>();
  readonly #categories: string[] = [];
  /** Imports started by {@link prepareFile}, by absolute path. */
  readonly #prepared = new Map<string, PreparedImport>();

  /** The module-value pass of active defrag. */
  readonly defrag: ModuleDefrag;

  constructor(readonly server: Server) {
    server.afterCommandHooks.push(settleModuleFrees);
    server.cronHooks.push(settleModuleFrees);
    this.defrag = new ModuleDefrag(server, () => {
      if (attachedModuleValues() === 0) return false;
      for (const t of this.#typesByName.values()) if (t.spec.defrag !== undefined) return true;
      return false;
    });
    evictorOf(server)?.defrag.passes.push((deadline) => this.defrag.pass(deadline));
  }

  /** Loaded modules in load order. */
  get modules(): IterableIterator<LoadedModule> {
    return this.#modules.values();
  }

  get(name: string): LoadedModule | undefined {
    return this.#modules.get(name);
  }

  /** A data type by its 9-character name (persistence: RDB module values, DEBUG). */
  findTypeByName(name: string): RegisteredType | undefined {
    return this.#typesByName.get(name);
  }

  /** A data type by name without regard to ASCII case (SCAN TYPE, as moduleTypeLookupModuleByNameIgnoreCase). */
  findTypeByNameIgnoreCase(name: string): RegisteredType | undefined {
    const lower = name.toLowerCase();
    for (const [n, t] of this.#typesByName) if (n.toLowerCase() === lower) return t;
    return undefined;
  }

  /** A data type by the 64-bit module id an RDB file stores (the encver bits are ignored). */
  findTypeById(id: bigint): RegisteredType | undefined {
    return this.#typesById.get(id >> 10n);
  }

  /** Wraps a module's value for storing in the keyspace (persistence: after rdbLoad). */
  wrapValue<T>(type: RegisteredType<T>, value: T): ModuleValue<T> {
    return new ModuleValue(type, value);
  }

  /** Custom ACL categories of the loaded modules, in registration order. */
  aclCategories(): string[] {
    return [...this.#categories];
  }

  // --- loading -------------------------------------------------------------------------------------------

  /**
   * Loads a module file (`.ts` / `.js`) and registers it. `loadexConfigs` are LOADEX's CONFIG pairs.
   * Logs the outcome as Valkey does; throws {@link ModuleLoadError} after logging a failure.
   */
  async loadFile(file: string, args: string[], loadexConfigs?: [string, string][]): Promise<LoadedModule> {
    return this.#registerImported(file, await importModuleFile(file), args, loadexConfigs);
  }

  /**
   * Starts importing a module file ahead of a synchronous {@link loadPrepared} (MODULE LOAD queued in
   * MULTI: EXEC must register it without waiting). Resolves when the import settled, never rejects.
   */
  prepareFile(file: string): Promise<void> {
    const abs = path.resolve(file);
    const entry: PreparedImport = { result: undefined };
    this.#prepared.set(abs, entry);
    return importModuleFile(file).then((r) => {
      entry.result = r;
    });
  }

  /** True when {@link prepareFile} finished for `file` (its result, good or bad, is ready). */
  isPrepared(file: string): boolean {
    return this.#prepared.get(path.resolve(file))?.result !== undefined;
  }

  /**
   * Registers a module file whose import {@link prepareFile} finished: synchronous, so EXEC stays atomic.
   * Same logging and errors as {@link loadFile}.
   */
  loadPrepared(file: string, args: string[], loadexConfigs?: [string, string][]): LoadedModule {
    const result = this.#prepared.get(path.resolve(file))?.result;
    if (result === undefined) {
      const msg = `Module ${file} failed to load: the file was not read before the transaction ran`;
      this.server.logger.warning(msg);
      throw new ModuleLoadError(msg);
    }
    return this.#registerImported(file, result, args, loadexConfigs);
  }

  #registerImported(
    file: string,
    imported: ImportResult,
    args: string[],
    loadexConfigs: [string, string][] | undefined,
  ): LoadedModule {
    const log = this.server.logger;
    const abs = path.resolve(file);
    if ("error" in imported) {
      const msg = `Module ${file} failed to load: ${imported.error}`.replace(/[\r\n]+/g, " ");
      log.warning(msg);
      throw new ModuleLoadError(msg);
    }
    const mod = imported.ns;
    let manifest: unknown = mod.manifest;
    if (manifest === undefined && typeof mod.createModule === "function") {
      try {
        manifest = (mod.createModule as (api: typeof moduleRuntime) => unknown)(moduleRuntime);
      } catch (e) {
        const msg = `Module ${file} initialization failed: createModule threw: ${
          errText(e)
        }. Module not loaded.`;
        log.warning(msg);
        throw new ModuleLoadError(msg);
      }
    }
    if (manifest === undefined) {
      const msg = `Module ${file} does not export 'manifest' or 'createModule'. Module not loaded.`;
      log.warning(msg);
      throw new ModuleLoadError(msg);
    }
    return this.register(manifest as ModuleManifest, abs, args, { loadexConfigs, builtin: false });
  }

  /**
   * Registers a manifest: all or nothing. Logs `Module '<name>' loaded from <path>` on success, the reason
   * on failure (then throws {@link ModuleLoadError}).
   */
  register(
    manifest: ModuleManifest,
    file: string,
    args: string[],
    opts: { loadexConfigs?: [string, string][] | undefined; builtin?: boolean } = {},
  ): LoadedModule {
    const log = this.server.logger;
    const fail = (reason: string): never => {
      const msg = `Module ${file} initialization failed: ${reason}. Module not loaded.`;
      log.warning(msg);
      throw new ModuleLoadError(msg);
    };
    // As RedisModule_Init: a taken name is the first thing refused.
    if (manifest !== null && typeof manifest === "object" && this.#modules.has(manifest.name)) {
      const msg = `Module ${file} initialization failed. Module name is busy.`;
      log.warning(msg);
      throw new ModuleLoadError(msg);
    }
    const problem = this.#validate(manifest);
    if (problem !== null) fail(problem);
    const name = manifest.name;
    const mod: LoadedModule = {
      name,
      manifest,
      path: file,
      args: [...args],
      builtin: opts.builtin ?? false,
      types: [],
      commands: [],
      configs: [],
      aclCategories: [],
    };
    const undo: (() => void)[] = [];
    const rollback = () => {
      for (let i = undo.length - 1; i >= 0; i--) {
        try {
          undo[i]!();
        } catch (e) {
          log.warning(`Module ${name}: error while undoing a failed load: ${errText(e)}`);
        }
      }
    };
    const config = this.server.config;
    const queue = config.moduleConfigQueue;
    const loadexKeys: string[] = [];
    try {
      // Data types.
      for (const spec of manifest.dataTypes ?? []) {
        const id = moduleTypeId(spec.name, spec.encver)!;
        const rt: RegisteredType = {
          spec,
          handle: Object.freeze({ name: spec.name, encver: spec.encver, moduleId: id }),
          module: name,
        };
        this.#typesByName.set(spec.name, rt);
        this.#typesById.set(id >> 10n, rt);
        this.#handles.set(rt.handle, rt);
        registerRdbType(rt);
        mod.types.push(rt);
        undo.push(() => {
          this.#typesByName.delete(spec.name);
          this.#typesById.delete(id >> 10n);
          unregisterRdbType(rt);
        });
      }
      // ACL categories.
      for (const cat of manifest.aclCategories ?? []) {
        this.#categories.push(cat);
        mod.aclCategories.push(cat);
        undo.push(() => this.#categories.splice(this.#categories.indexOf(cat), 1));
      }
      // Configs: LOADEX values join the queue the config file filled; define() applies what is queued.
      for (const [k, v] of opts.loadexConfigs ?? []) {
        const key = k.toLowerCase();
        queue.set(key, v);
        loadexKeys.push(key);
      }
      undo.push(() => {
        for (const k of loadexKeys) queue.delete(k);
      });
      const argDefaults = manifest.argsAsConfig === true
        ? configsFromArgs(manifest.configs ?? [], args)
        : null;
      if (typeof argDefaults === "string") throw new ModuleLoadError(argDefaults);
      for (const spec of manifest.configs ?? []) {
        const full = `${name}.${spec.name}`;
        const fromArgs = argDefaults?.get(spec.name);
        try {
          config.define(directiveFor(full, fromArgs === undefined ? spec : { ...spec, default: fromArgs }));
        } catch (e) {
          throw new ModuleLoadError(e instanceof ConfigError ? e.message : `config ${full}: ${errText(e)}`);
        }
        mod.configs.push(spec);
        undo.push(() => config.remove(full));
      }
      for (const k of loadexKeys) {
        if (queue.has(k)) {
          throw new ModuleLoadError(
            "Loadex configurations were not applied, likely due to invalid arguments. Unloading the module",
          );
        }
      }
      // Change hooks run once with the initial values (valkeymodule-rs calls on_changed while loading).
      for (const spec of mod.configs) {
        if (spec.onChange === undefined) continue;
        spec.onChange(this.#configValue(name, spec));
        const full = `${name}.${spec.name}`;
        config.onChange(full, (text) => {
          try {
            spec.onChange!(parseConfigText(spec, text));
            return null;
          } catch (e) {
            return errText(e);
          }
        });
      }
      // The module's own initialisation.
      if (manifest.onLoad !== undefined) {
        try {
          const r: unknown = manifest.onLoad(this.#loadContext(mod), [...args]);
          if (r instanceof Promise) {
            r.catch(() => {});
            throw new Error("onLoad is asynchronous (it must finish before returning)");
          }
        } catch (e) {
          throw new ModuleLoadError(`onLoad failed: ${errText(e)}`);
        }
        undo.push(() => manifest.onUnload?.(this.#loadContext(mod)));
      }
      // Commands and extensions last: nothing is callable until the load cannot fail any more.
      const table = this.server.commands;
      const ctx = new ModuleCommandContext({
        name,
        typeOf: (h) => this.#typeOf(h),
        config: (n) => this.#configValueByName(mod, n),
      });
      for (const c of manifest.commands) {
        const spec = toCommandSpec(name, c, ctx, this.server);
        table.register(spec);
        mod.commands.push(spec);
        undo.push(() => table.unregister(spec.name));
      }
      for (const x of manifest.commandExtensions ?? []) {
        const ext: CommandExtension = {
          module: name,
          command: x.command.toLowerCase(),
          point: x.point,
          token: x.token.toLowerCase(),
          argument: x.argument,
          history: x.history ?? [],
          condition: x.condition.bind(x),
        };
        table.extensions.add(ext);
      }
      undo.push(() => table.extensions.removeModule(name));
      if (manifest.authCallbacks !== undefined && manifest.authCallbacks.length > 0) {
        moduleAuthOf(this.server).add(name, manifest.authCallbacks);
        undo.push(() => moduleAuthOf(this.server).remove(name));
      }
    } catch (e) {
      rollback();
      const reason = e instanceof ModuleLoadError ? e.message : errText(e);
      fail(reason);
    }
    this.#modules.set(name, mod);
    log.notice(`Module '${name}' loaded from ${file}`);
    return mod;
  }

  /** Checks a manifest before anything is registered; returns the reason it is refused, or null. */
  #validate(m: ModuleManifest): string | null {
    if (m === null || typeof m !== "object") return "the manifest is not an object";
    if (typeof m.name !== "string" || !NAME_RE.test(m.name)) {
      return "the manifest has no valid 'name' ([A-Za-z0-9_-]+)";
    }
    if (typeof m.version !== "number" || !Number.isInteger(m.version)) {
      return "the manifest has no integer 'version'";
    }
    if (typeof m.apiVersion !== "number" || !Number.isInteger(m.apiVersion) || m.apiVersion < 1) {
      return "the manifest has no valid 'apiVersion'";
    }
    if (m.apiVersion > MODULE_API_VERSION) {
      return `it requires module API version ${m.apiVersion}, this server provides ${MODULE_API_VERSION}`;
    }
    if (!Array.isArray(m.commands)) return "the manifest has no 'commands' array";
    const typeNames = new Set<string>();
    for (const t of m.dataTypes ?? []) {
      if (typeof t?.name !== "string" || !TYPE_NAME_RE.test(t.name)) {
        return `data type name '${t?.name}' is not 9 characters of [A-Za-z0-9_-]`;
      }
      if (!Number.isInteger(t.encver) || t.encver < 0 || t.encver > 1023) {
        return `data type ${t.name}: encver must be an integer in 0..1023`;
      }
      for (const cb of ["rdbSave", "rdbLoad", "aofRewrite", "memUsage"] as const) {
        if (typeof t[cb] !== "function") return `data type ${t.name}: missing callback '${cb}'`;
      }
      if (typeNames.has(t.name) || this.#typesByName.has(t.name)) {
        return `data type name '${t.name}' is already taken`;
      }
      if (this.#typesById.has(moduleTypeId(t.name, 0)! >> 10n)) {
        return `data type name '${t.name}' is already taken`;
      }
      typeNames.add(t.name);
    }
    const cats = new Set<string>();
    for (const c of m.aclCategories ?? []) {
      if (typeof c !== "string" || !/^[a-z0-9_-]+$/i.test(c)) return `invalid ACL category '${c}'`;
      const lc = c.toLowerCase();
      if (CORE_ACL_CATEGORIES.has(lc) || this.#categories.includes(lc) || cats.has(lc)) {
        return `ACL category '${c}' already exists`;
      }
      cats.add(lc);
    }
    const known = new Set([...CORE_ACL_CATEGORIES, ...this.#categories, ...cats]);
    const table = this.server.commands;
    const names = new Set<string>();
    const checkCommand = (c: ModuleCommandSpec, sub: boolean): string | null => {
      if (typeof c?.name !== "string" || !COMMAND_NAME_RE.test(c.name)) {
        return `invalid command name '${c?.name}' (letters, digits and ._:- only)`;
      }
      if (!sub) {
        // Names are case-insensitive: `BF.ADD` and `bf.add` are the same command.
        const key = c.name.toLowerCase();
        if (names.has(key) || table.get(key) !== undefined) return `command '${c.name}' already exists`;
        names.add(key);
      }
      if (!Number.isInteger(c.arity) || c.arity === 0) return `command '${c.name}': invalid arity`;
      if (!Array.isArray(c.flags)) return `command '${c.name}': 'flags' must be an array`;
      for (const cat of c.aclCategories ?? []) {
        if (!known.has(cat)) return `command '${c.name}': unknown ACL category '${cat}'`;
      }
      if (c.subcommands !== undefined) {
        for (const s of c.subcommands) {
          const p = checkCommand(s, true);
          if (p !== null) return p;
        }
      } else if (typeof c.handler !== "function") return `command '${c.name}' has no handler`;
      return null;
    };
    for (const c of m.commands) {
      const p = checkCommand(c, false);
      if (p !== null) return p;
    }
    const configNames = new Set<string>();
    for (const c of m.configs ?? []) {
      if (typeof c?.name !== "string" || !CONFIG_NAME_RE.test(c.name) || configNames.has(c.name)) {
        return `invalid or duplicate config name '${c?.name}'`;
      }
      configNames.add(c.name);
      if (!["bool", "numeric", "string", "enum"].includes(c.type)) {
        return `config ${c.name}: unknown type '${c.type}'`;
      }
      if (c.type === "enum") {
        if (!Array.isArray(c.enumValues) || c.enumValues.length === 0) {
          return `config ${c.name}: an enum needs 'enumValues'`;
        }
        for (const m of c.enumValues) {
          const ok = typeof m === "string"
            ? m !== ""
            : Array.isArray(m) && typeof m[0] === "string" && m[0] !== "" && Number.isInteger(m[1]);
          if (!ok) return `config ${c.name}: invalid enum value ${JSON.stringify(m)}`;
        }
      } else if (c.flags?.includes("bitflags")) {
        return `config ${c.name}: 'bitflags' is for enum configs`;
      }
      const dflt = c.default;
      if (c.type === "numeric") {
        if (typeof dflt !== "number" || !Number.isInteger(dflt)) {
          return `config ${c.name}: the default must be an integer`;
        }
        if ((c.min !== undefined && dflt < c.min) || (c.max !== undefined && dflt > c.max)) {
          return `config ${c.name}: the default ${dflt} is out of range`;
        }
      } else if (c.type === "bool" && typeof dflt !== "boolean") {
        return `config ${c.name}: the default must be a boolean`;
      } else if (c.type === "string" && typeof dflt !== "string") {
        return `config ${c.name}: the default must be a string`;
      } else if (c.type === "enum" && enumDefaultText(c) === null) {
        return `config ${c.name}: the default is not one of its values`;
      }
      if (this.server.config.has(`${m.name}.${c.name}`)) return `config ${m.name}.${c.name} already exists`;
    }
    for (const x of m.commandExtensions ?? []) {
      if (
        typeof x?.command !== "string" || typeof x.token !== "string" || typeof x.condition !== "function"
      ) {
        return "invalid command extension";
      }
      const key = `${x.command.toLowerCase()}/${x.point}`;
      if (key !== "set/condition") return `command '${x.command}' has no extension point '${x.point}'`;
      if (["nx", "xx", "get", "ex", "px", "exat", "pxat", "keepttl"].includes(x.token.toLowerCase())) {
        return `option '${x.token}' of '${x.command}' already exists`;
      }
    }
    return null;
  }

  #typeOf(h: DataTypeHandle<unknown>): RegisteredType {
    const rt = this.#handles.get(h) ?? this.#typesByName.get(h?.name);
    if (rt === undefined) throw new ReplyError("ERR module data type is not registered");
    return rt;
  }

  #configValue(module: string, spec: ModuleConfigSpec): ModuleConfigValue {
    const c = this.server.config;
    const full = `${module}.${spec.name}`;
    switch (spec.type) {
      case "bool":
        return c.getBool(full);
      case "numeric":
        return c.getInt(full);
      case "enum":
        return isBitflags(spec) ? bitflagsValue(spec, c.getEnum(full)) : c.getEnum(full);
      default:
        return c.getStr(full);
    }
  }

  #configValueByName(mod: LoadedModule, name: string): ModuleConfigValue {
    const spec = mod.configs.find((c) => c.name === name);
    if (spec === undefined) throw new Error(`module ${mod.name} has no config '${name}'`);
    return this.#configValue(mod.name, spec);
  }

  #loadContext(mod: LoadedModule): ModuleLoadContext {
    return {
      dataType: <T>(n: string) => {
        const rt = mod.types.find((t) => t.spec.name === n);
        if (rt === undefined) throw new Error(`module ${mod.name} has no data type '${n}'`);
        return rt.handle as DataTypeHandle<T>;
      },
      config: (n) => this.#configValueByName(mod, n),
      log: (level, msg) => moduleLog(this.server.logger, mod.name, level, msg),
    };
  }

  // --- unloading -----------------------------------------------------------------------------------------

  /** MODULE UNLOAD: null when done, else the reason (Valkey's texts). */
  unload(name: string): string | null {
    const mod = this.#modules.get(name);
    if (mod === undefined) return "no such module with that name";
    if (mod.types.length > 0) return "the module exports one or more module-side data types, can't unload";
    try {
      mod.manifest.onUnload?.(this.#loadContext(mod));
    } catch (e) {
      this.server.logger.warning(`Module ${name} OnUnload failed: ${errText(e)}`);
      return "operation not possible.";
    }
    this.#remove(mod);
    this.server.logger.notice(`Module ${name} unloaded`);
    return null;
  }

  /** Unloads every module at server stop (types included: the keyspace goes away too). */
  unloadAll(): void {
    for (const mod of [...this.#modules.values()].reverse()) {
      try {
        mod.manifest.onUnload?.(this.#loadContext(mod));
      } catch (e) {
        this.server.logger.warning(`Module ${mod.name} OnUnload failed: ${errText(e)}`);
      }
      this.#remove(mod);
    }
  }

  #remove(mod: LoadedModule): void {
    const table = this.server.commands;
    table.extensions.removeModule(mod.name);
    moduleAuthOf(this.server).remove(mod.name);
    for (const c of mod.commands) table.unregister(c.name);
    for (const c of mod.configs) this.server.config.remove(`${mod.name}.${c.name}`);
    for (const cat of mod.aclCategories) this.#categories.splice(this.#categories.indexOf(cat), 1);
    for (const t of mod.types) {
      this.#typesByName.delete(t.spec.name);
      this.#typesById.delete(t.handle.moduleId >> 10n);
      unregisterRdbType(t);
    }
    this.#modules.delete(mod.name);
  }

  // --- INFO --------------------------------------------------------------------------------------------

  /** The `# Modules` section's lines (Valkey's genModulesInfoString). */
  infoModuleLines(): string {
    let s = "";
    for (const m of this.#modules.values()) {
      s += `module:name=${m.name},ver=${m.manifest.version},api=${m.manifest.apiVersion},filters=0,` +
        "usedby=[],using=[],options=[]\r\n";
    }
    return s;
  }

  /**
   * Module INFO sections (Valkey's modulesCollectInfo): every module's sections when `requested` is null
   * (`everything`, `modules`), else only the sections named (full `<module>_<section>` name, or the module
   * name for all of its sections). Returns the sections' texts.
   */
  infoSections(requested: ReadonlySet<string> | null, forCrashReport = false): string[] {
    const out: string[][] = [];
    for (const m of this.#modules.values()) {
      const info = m.manifest.info;
      if (info === undefined) continue;
      const modName = m.name.toLowerCase();
      let current: string[] | null = null;
      const builder: InfoBuilder = {
        section: (sec: string) => {
          const full = sec === "" ? m.name : `${m.name}_${sec}`;
          if (requested !== null && !requested.has(full.toLowerCase()) && !requested.has(modName)) {
            current = null;
            return;
          }
          current = [`# ${full}`];
          out.push(current);
        },
        field: (field: string, value: string | number) => {
          current?.push(`${m.name}_${field}:${value}`);
        },
      };
      try {
        info.call(m.manifest, builder, forCrashReport);
      } catch (e) {
        this.server.logger.warning(`Module ${m.name} INFO callback failed: ${errText(e)}`);
      }
    }
    return out.map((lines) => lines.join("\r\n") + "\r\n");
  }
}

/** Turns a module command into a core CommandSpec whose handler runs the module's in a context. */
function toCommandSpec(
  module: string,
  c: ModuleCommandSpec,
  ctx: ModuleCommandContext,
  server: Server,
): CommandSpec {
  const flags = c.flags.includes("MODULE") ? [...c.flags] : [...c.flags, "MODULE" as const];
  const spec: CommandSpec = {
    name: c.name,
    summary: c.summary ?? "",
    since: c.since ?? "",
    group: c.group ?? "module",
    arity: c.arity,
    flags,
    module,
    parse: "manual",
  };
  if (c.complexity !== undefined) spec.complexity = c.complexity;
  if (c.aclCategories !== undefined) spec.aclCategories = c.aclCategories as AclCategory[];
  if (c.keySpecs !== undefined) spec.keySpecs = c.keySpecs;
  if (c.arguments !== undefined) spec.arguments = c.arguments;
  if (c.history !== undefined) spec.history = c.history;
  if (c.docFlags !== undefined) spec.docFlags = c.docFlags;
  if (c.deprecatedSince !== undefined) spec.deprecatedSince = c.deprecatedSince;
  if (c.replacedBy !== undefined) spec.replacedBy = c.replacedBy;
  if (c.commandTips !== undefined) spec.commandTips = c.commandTips;
  if (c.getKeys !== undefined) spec.getKeys = c.getKeys;
  if (c.subcommands !== undefined) {
    spec.subcommands = c.subcommands.map((s) => toCommandSpec(module, s, ctx, server));
  }
  const handler = c.handler;
  if (handler !== undefined) {
    spec.handler = (call: CommandCall) => runModuleHandler(module, handler, ctx, call);
  }
  return spec;
}

/**
 * Runs a module handler. A ModuleError (matched by name, so a module's own copy of the API works) is its
 * error reply, verbatim; any other exception is a module bug: what the handler wrote is dropped, the
 * stack is logged and the client gets an error, and the server keeps serving. A handler that replied
 * nothing gets an error too, so the client is never left waiting.
 */
function runModuleHandler(
  module: string,
  handler: (ctx: ModuleCommandContext) => void,
  ctx: ModuleCommandContext,
  call: CommandCall,
): void {
  const w = call.reply;
  const mark = w.length;
  // Nested calls (a handler running another module command) must not lose the outer binding.
  const outer = ctx.cc;
  try {
    const r: unknown = handler(ctx.bind(call));
    if (r instanceof Promise) {
      // A handler must reply before it returns; an async one cannot, and its rejection must not go unhandled
      // (that would end the process).
      r.catch((e) =>
        call.server.logger.warning(`Module ${module}: async command '${call.fullName}' failed: ${errText(e)}`)
      );
      throw new Error("the handler is asynchronous (handlers must reply before returning)");
    }
  } catch (e) {
    w.truncate(mark);
    if (e instanceof Error && e.name === "ModuleError") {
      call.error(e.message.replace(/[\r\n]/g, " "));
    } else {
      call.server.logger.warning(
        `Module ${module}: command '${call.fullName}' threw: ${
          e instanceof Error ? e.stack ?? e.message : e
        }`,
      );
      call.error(
        `ERR module '${module}' command '${call.fullName}' failed: ${errText(e)}`.replace(/[\r\n]/g, " "),
      );
    }
    return;
  } finally {
    if (outer !== undefined) ctx.bind(outer);
  }
  if (w.length === mark && !call.client.replyOff && !call.client.skipThis) {
    call.error(`ERR module '${module}' command '${call.fullName}' did not reply`);
  }
}

/** A module config as a core directive (`<module>.<name>`, flag MODULE). */
export function directiveFor(full: string, c: ModuleConfigSpec): DirectiveDef {
  const flags: DirectiveFlag[] = ["MODULE"];
  for (const f of c.flags ?? []) {
    if (f === "immutable") flags.push("IMMUTABLE");
    else if (f === "sensitive") flags.push("SENSITIVE");
    else if (f === "hidden") flags.push("HIDDEN");
    else if (f === "protected") flags.push("PROTECTED");
  }
  const check = (v: ModuleConfigValue): string | null => {
    if (c.validate === undefined) return null;
    try {
      return c.validate(v) ?? null;
    } catch (e) {
      return errText(e);
    }
  };
  switch (c.type) {
    case "bool":
      return { name: full, type: "bool", default: Boolean(c.default), flags, validate: (v) => check(v) };
    case "numeric": {
      const memory = c.flags?.includes("memory") ?? false;
      return {
        name: full,
        type: memory ? "memory" : "int",
        default: BigInt(Math.trunc(Number(c.default))),
        min: c.min !== undefined ? BigInt(Math.trunc(c.min)) : -(1n << 63n),
        max: c.max !== undefined ? BigInt(Math.trunc(c.max)) : (1n << 63n) - 1n,
        flags,
        validate: (v: bigint) => check(Number(v)),
      };
    }
    case "enum": {
      const members = enumMembers(c);
      const bitflags = isBitflags(c);
      if (bitflags) flags.push("MULTI_ARG");
      return {
        name: full,
        type: "enum",
        values: members,
        default: enumDefaultText(c) ?? "",
        flags,
        // The module sees a bit-flag enum as its number, a plain one as its name.
        validate: (v) => check(bitflags ? v : members.find((m) => m[1] === v)?.[0] ?? String(v)),
      };
    }
    default:
      return { name: full, type: "string", default: String(c.default), flags, validate: (v) => check(v) };
  }
}

/**
 * `argsAsConfig`: the defaults module arguments give (valkeymodule-rs's module_args_as_configuration): for
 * each config, the argument after the first one equal to its short name. Returns the reason when a value
 * does not fit its config (the load then fails).
 */
export function configsFromArgs(
  configs: readonly ModuleConfigSpec[],
  args: readonly string[],
): Map<string, ModuleConfigValue> | string {
  const out = new Map<string, ModuleConfigValue>();
  for (const c of configs) {
    const at = args.indexOf(c.name);
    if (at < 0 || at + 1 >= args.length) continue;
    const text = args[at + 1]!;
    let value: ModuleConfigValue;
    const bad = (why: string) => `module argument '${c.name} ${text}': ${why}`;
    if (c.type === "numeric") {
      if (!/^[+-]?[0-9]+$/.test(text)) return bad("not an integer");
      const n = Number(text);
      if (!Number.isSafeInteger(n)) return bad("not an integer");
      if ((c.min !== undefined && n < c.min) || (c.max !== undefined && n > c.max)) {
        return bad(`must be between ${c.min ?? "-inf"} and ${c.max ?? "inf"} inclusive`);
      }
      value = n;
    } else if (c.type === "bool") {
      const l = text.toLowerCase();
      if (l !== "yes" && l !== "no") return bad("must be 'yes' or 'no'");
      value = l === "yes";
    } else if (c.type === "enum") {
      if (enumDefaultText({ ...c, default: text }) === null) {
        return bad(`must be one of ${enumMembers(c).map(([n]) => n).join(", ")}`);
      }
      value = text;
    } else {
      value = text;
    }
    let refused: string | undefined;
    try {
      refused = c.validate?.(
        c.type === "enum" && isBitflags(c) ? bitflagsValue(c, text) : value,
      );
    } catch (e) {
      refused = errText(e);
    }
    if (refused !== undefined) return bad(refused);
    out.set(c.name, value);
  }
  return out;
}

/** A config's CONFIG GET text back to the module's value type. */
function parseConfigText(c: ModuleConfigSpec, text: string): ModuleConfigValue {
  if (c.type === "bool") return text === "yes";
  if (c.type === "numeric") return Number(text);
  if (c.type === "enum" && isBitflags(c)) return bitflagsValue(c, text);
  return text;
}

function isBitflags(c: ModuleConfigSpec): boolean {
  return c.type === "enum" && (c.flags?.includes("bitflags") ?? false);
}

/** An enum config's members as `[name, value]` (a bare name's value is its index). */
function enumMembers(c: ModuleConfigSpec): [string, number][] {
  return (c.enumValues ?? []).map((m, i) => typeof m === "string" ? [m, i] : [m[0], m[1]]);
}

/**
 * The names of a bit mask, as CONFIG GET prints them (Valkey's configEnumGetName): the member whose value
 * is the whole mask, else every member whose bits are all still unmatched, in declaration order; null
 * when some bit has no name.
 */
function bitflagsText(members: [string, number][], mask: number): string | null {
  const names: string[] = [];
  let unmatched = mask;
  for (const [name, v] of members) {
    if (v === mask) return name;
    if (v !== 0 && (unmatched & v) === v) {
      names.push(name);
      unmatched &= ~v;
    }
  }
  return names.length === 0 || unmatched !== 0 ? null : names.join(" ");
}

/** The bit mask of a bit-flag enum's CONFIG GET text. */
function bitflagsValue(c: ModuleConfigSpec, text: string): number {
  const members = enumMembers(c);
  let mask = 0;
  for (const w of text.split(" ")) {
    const m = members.find(([n]) => n.toLowerCase() === w.toLowerCase());
    if (m !== undefined) mask |= m[1];
  }
  return mask;
}

/** An enum config's default as a config line would write it; null when it names no member. */
function enumDefaultText(c: ModuleConfigSpec): string | null {
  const members = enumMembers(c);
  const d = c.default;
  if (isBitflags(c)) {
    if (typeof d === "number") return Number.isInteger(d) ? bitflagsText(members, d) : null;
    if (typeof d !== "string") return null;
    const words = d.split(" ").filter((w) => w !== "");
    const known = (w: string) => members.some(([n]) => n.toLowerCase() === w.toLowerCase());
    return words.length > 0 && words.every(known) ? words.join(" ") : null;
  }
  if (typeof d === "number") return members.find(([, v]) => v === d)?.[0] ?? null;
  if (typeof d !== "string") return null;
  return members.find(([n]) => n.toLowerCase() === d.toLowerCase())?.[0] ?? null;
}

export { decodeModuleTypeId, moduleTypeId };
