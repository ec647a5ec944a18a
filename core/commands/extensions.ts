/**
 * Extension points of core commands: places in a core command's grammar where a module may add an option
 * (the module API's `commandExtensions`). The command asks the table for the option when it meets a word it
 * does not know, and asks the option whether its write proceeds; COMMAND DOCS shows the added arguments
 * while the module is loaded. The core command's code stays the only code that writes; the module neither
 * copies nor patches it.
 *
 * Points offered:
 * - `set` / `condition`: one more member of SET's `NX | XX` oneof, a token with one operand (IFEQ).
 *
 * @module
 */

import { ReplyError } from "./errors.ts";
import type { ArgSpec, CommandSpec } from "./spec.ts";
import type { WrongType } from "../module_api/types.ts";

/** The extension points core commands offer ("command/point"). */
export const EXTENSION_POINTS: ReadonlySet<string> = new Set(["set/condition"]);

/** A registered option (the module API's CommandExtensionSpec plus its owner). */
export interface CommandExtension {
  readonly module: string;
  readonly command: string;
  readonly point: string;
  /** Lower-case option word. */
  readonly token: string;
  readonly argument: ArgSpec;
  readonly history: readonly [string, string][];
  condition(current: Uint8Array | null | WrongType, operand: Uint8Array): boolean;
}

function lowerWord(b: Uint8Array): string {
  let s = "";
  for (let i = 0; i < b.length && i < 64; i++) {
    let c = b[i]!;
    if (c >= 65 && c <= 90) c += 32;
    s += String.fromCharCode(c);
  }
  return b.length > 64 ? "" : s;
}

export class CommandExtensions {
  readonly #byPoint = new Map<string, CommandExtension[]>();
  #count = 0;

  /** Adds an option; throws when the point does not exist or the token is taken there. */
  add(ext: CommandExtension): void {
    const key = `${ext.command}/${ext.point}`;
    if (!EXTENSION_POINTS.has(key)) {
      throw new Error(`command '${ext.command}' has no extension point '${ext.point}'`);
    }
    const list = this.#byPoint.get(key) ?? [];
    if (list.some((e) => e.token === ext.token)) {
      throw new Error(`option '${ext.token}' of '${ext.command}' is already defined`);
    }
    list.push(ext);
    this.#byPoint.set(key, list);
    this.#count++;
  }

  /** Removes every option a module added. */
  removeModule(module: string): void {
    for (const [key, list] of this.#byPoint) {
      const kept = list.filter((e) => e.module !== module);
      this.#count -= list.length - kept.length;
      if (kept.length === 0) this.#byPoint.delete(key);
      else this.#byPoint.set(key, kept);
    }
  }

  /** The option named by `word` at a point, if a module added one (cheap when none did). */
  find(command: string, point: string, word: Uint8Array): CommandExtension | undefined {
    if (this.#count === 0) return undefined;
    const list = this.#byPoint.get(`${command}/${point}`);
    if (list === undefined) return undefined;
    const w = lowerWord(word);
    for (const e of list) if (e.token === w) return e;
    return undefined;
  }

  /**
   * Asks an option's condition. A ModuleError (recognised by name, so a module's own copy of the API
   * works too) becomes the error reply; anything else is a module bug, replied as an error too.
   */
  check(ext: CommandExtension, current: Uint8Array | null | WrongType, operand: Uint8Array): boolean {
    try {
      return ext.condition(current, operand) === true;
    } catch (e) {
      if (e instanceof Error && e.name === "ModuleError") throw new ReplyError(e.message);
      throw new ReplyError(
        `ERR module '${ext.module}' failed in option ${ext.token.toUpperCase()}: ${
          e instanceof Error ? e.message : String(e)
        }`.replace(/[\r\n]/g, " "),
      );
    }
  }

  /** COMMAND DOCS arguments of a command: its own, with the options modules added at its points. */
  docArguments(spec: CommandSpec, fullName: string): ArgSpec[] {
    const args = spec.arguments ?? [];
    if (this.#count === 0) return args;
    return args.map((a) => {
      const list = this.#byPoint.get(`${fullName}/${a.name}`);
      if (list === undefined) return a;
      return { ...a, arguments: [...(a.arguments ?? []), ...list.map((e) => e.argument)] };
    });
  }

  /** COMMAND DOCS history of a command, with the lines its options add. */
  docHistory(spec: CommandSpec, fullName: string): [string, string][] {
    const history = spec.history ?? [];
    if (this.#count === 0) return history;
    const extra: [string, string][] = [];
    for (const [key, list] of this.#byPoint) {
      if (key.startsWith(`${fullName}/`)) { for (const e of list) extra.push(...e.history); }
    }
    return extra.length === 0 ? history : [...history, ...extra];
  }
}
