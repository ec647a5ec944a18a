/**
 * Conditional SET: `SET key value IFEQ comparison-value` as in Valkey 8.1, as a module.
 *
 * The module owns no command. It adds one option to the core SET through the module API's command
 * extension point `set/condition` (one more member of SET's `NX | XX` choice): SET parses the rest of its
 * grammar, replies and writes as always, and asks this module's condition whether the write proceeds.
 *
 * Semantics (Valkey 8.1, t_string.c):
 * - the key holds a string equal (byte for byte) to `comparison-value`: SET writes (with any GET / expiry
 *   options) and replies OK (or the old value with GET);
 * - the key does not exist: nothing is written, the reply is nil (or nil with GET);
 * - the value differs: nothing is written, nil (or the old value with GET);
 * - the key holds another type: WRONGTYPE (SET's GET reports it first when given);
 * - IFEQ with NX or XX, or twice, or without its value: `ERR syntax error` (SET's parser).
 *
 * COMMAND DOCS SET lists the option (Valkey 8.1's `comparison-value` argument and history line) while
 * the module is loaded; without it, IFEQ is a syntax error as in Valkey 8.0.
 *
 * @module
 */

import { ModuleError, type ModuleManifest, WRONG_TYPE, type WrongType } from "../../core/module_api/mod.ts";
import { ERR_WRONGTYPE } from "./errors.ts";

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** IFEQ's decision: write only over a string equal to the comparison value. */
export function ifeqCondition(current: Uint8Array | null | WrongType, comparison: Uint8Array): boolean {
  if (current === WRONG_TYPE) throw new ModuleError(ERR_WRONGTYPE);
  if (current === null) return false;
  return sameBytes(current, comparison);
}

export const manifest: ModuleManifest = {
  name: "setifeq",
  version: 10000,
  apiVersion: 1,
  commands: [],
  commandExtensions: [{
    command: "set",
    point: "condition",
    token: "IFEQ",
    argument: {
      name: "comparison-value",
      type: "string",
      token: "IFEQ",
      since: "8.1.0",
      summary: "Sets the key's value only if the current value matches the specified comparison value.",
    },
    history: [["8.1.0", "Added the `IFEQ` option."]],
    condition: ifeqCondition,
  }],
};
