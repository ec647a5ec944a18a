/**
 * A module value in the keyspace: the module's own JavaScript object wrapped in a {@link ValueObject} whose
 * `type` is the data type's 9-character name (Valkey's moduleValue: type pointer + value pointer), so TYPE,
 * OBJECT ENCODING, MEMORY USAGE, COPY, DEL and expiry treat it like any other value.
 *
 * @module
 */

import { ReplyError } from "../commands/errors.ts";
import type { ValueObject } from "../types/value.ts";
import type { DataTypeHandle, DataTypeSpec } from "./types.ts";

const NO_KEY = new Uint8Array(0);

/** A registered data type: its spec, the handle modules hold, and the module that owns it. */
export interface RegisteredType<T = unknown> {
  readonly spec: DataTypeSpec<T>;
  readonly handle: DataTypeHandle<T>;
  readonly module: string;
}

/** Bytes of the wrapper itself (object header + 2 fields), added to what the module reports. */
const WRAPPER_BYTES = 32;

export class ModuleValue<T = unknown> implements ValueObject {
  /** Keys holding this value (0 or 1; RENAME/MOVE detach and re-attach it within one command). */
  #holders = 0;
  #freeScheduled = false;

  constructor(readonly dt: RegisteredType<T>, public value: T) {}

  attach(): void {
    if (this.#holders++ === 0) attachedValues++;
  }

  /**
   * The keyspace let go of the value: once the running command is over (the host drains the list after
   * every command and from the cron), if no key took it back, the data type's `free` callback runs
   * (Valkey's moduleFreeValue on delete, overwrite, expiry, eviction, flush).
   */
  detach(): void {
    if (this.#holders > 0 && --this.#holders === 0) attachedValues--;
    if (this.#freeScheduled || this.dt.spec.free === undefined) return;
    this.#freeScheduled = true;
    pendingFrees.push(this);
  }

  /** Runs the free callback when the value is still detached. */
  settle(): void {
    this.#freeScheduled = false;
    if (this.#holders > 0) return;
    try {
      this.dt.spec.free?.call(this.dt.spec, this.value);
    } catch {
      // A module's free callback that throws must not take the server down; the value is gone anyway.
    }
  }

  get type(): string {
    return this.dt.spec.name;
  }

  /** Valkey answers "raw" for module values. */
  get encoding(): string {
    return this.dt.spec.encoding?.(this.value) ?? "raw";
  }

  memoryUsage(): number {
    return WRAPPER_BYTES + this.dt.spec.memUsage(this.value);
  }

  get length(): number {
    return this.dt.spec.length?.(this.value) ?? 1;
  }

  /** COPY (Valkey's moduleTypeDupOrReply and its errors). */
  dup(fromKey: Uint8Array = NO_KEY, toKey: Uint8Array = NO_KEY): ModuleValue<T> {
    const copy = this.dt.spec.copy;
    if (copy === undefined) throw new ReplyError("ERR not supported for this module key");
    const v = copy.call(this.dt.spec, fromKey, toKey, this.value);
    if (v === null || v === undefined) throw new ReplyError("ERR module key failed to copy");
    return new ModuleValue(this.dt, v);
  }
}

/** Module values held by some key, in every server of the process (active defrag skips its walk at 0). */
let attachedValues = 0;

/** How many module values keys hold (all servers of the process). */
export function attachedModuleValues(): number {
  return attachedValues;
}

/** Values detached from the keyspace whose `free` callback is due (see {@link ModuleValue.detach}). */
const pendingFrees: ModuleValue[] = [];

/** Runs the due `free` callbacks; cheap when there are none. */
export function settleModuleFrees(): void {
  if (pendingFrees.length === 0) return;
  const due = pendingFrees.splice(0);
  for (const v of due) v.settle();
}

/** True when a stored object is a module value. */
export function isModuleValue(obj: object): obj is ModuleValue {
  return obj instanceof ModuleValue;
}
