/**
 * What every non-string value stored in the keyspace provides (lists, hashes, sets, sorted sets, streams,
 * module types). The Db stores these objects as they are; commands and INFO/MEMORY/OBJECT/COPY/DEBUG read
 * them through this interface only.
 *
 * @module
 */

export type ValueType = "list" | "hash" | "set" | "zset" | "stream";

export interface ValueObject {
  /** TYPE's answer ("list", "hash"...; a module type answers its 9-character name). */
  readonly type: string;
  /** OBJECT ENCODING's answer for the current representation ("listpack", "hashtable", "quicklist"...). */
  readonly encoding: string;
  /** Bytes this value costs (MEMORY USAGE); `samples` as MEMORY USAGE SAMPLES (0 = all elements). */
  memoryUsage(samples?: number): number;
  /** A deep copy (COPY). */
  dup(): ValueObject;
  /** Number of elements (used by lazy freeing and INFO). */
  readonly length: number;
  /**
   * Optional ownership bookkeeping: the keyspace calls `attach()` when a key starts holding the value and
   * `detach()` when a key lets go of it (delete, overwrite, expiry, eviction, flush). RENAME and MOVE
   * detach and re-attach the same value inside one command, so a value that frees resources (a module
   * type's `free` callback) does so only once it is still detached after the command.
   */
  attach?(): void;
  detach?(): void;
}

/** Narrows an unknown stored object to a value of `type`, or returns undefined. */
export function asValue<T extends ValueObject>(obj: object, type: string): T | undefined {
  return (obj as ValueObject).type === type ? obj as T : undefined;
}
