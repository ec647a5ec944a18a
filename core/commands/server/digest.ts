/**
 * DEBUG DIGEST and DEBUG DIGEST-VALUE: a 160-bit fingerprint of the whole dataset or of single values,
 * with the same semantics and the same bytes as Valkey 8.1 (debug.c), so two servers holding the same
 * data — Valkyr and Valkey, a primary and its replica, a server before and after a reload — print the
 * same 40 hex characters. An empty dataset is all zeros.
 *
 * Two ways of folding data into a 20-byte digest D, both over SHA-1:
 *
 *     xor(D, data):  D ^= SHA1(data)            order-free: xor(a) then xor(b) = xor(b) then xor(a)
 *     mix(D, data):  D = SHA1(D ^ SHA1(data))   ordered: mix(a) then mix(b) ≠ mix(b) then mix(a),
 *                                               and mix("foo") mix("bar") ≠ mix("fo") mix("obar")
 *
 * A value's digest (DIGEST-VALUE, starting from zeros; the dataset digest starts from mix(key)):
 *     mix(type code as 4 bytes big-endian: string 0, list 1, set 2, zset 3, hash 4, module 5, stream 6)
 *     string   mix(bytes)                      (an integer-encoded string: its decimal text)
 *     list     mix(element) head to tail
 *     set      xor(member) for each member     (so member order does not matter)
 *     zset     xor(E) for each member, E = mix(mix(0, member), fpconv text of the score)
 *     hash     xor(E) for each field, E = mix(mix(0, field), value)
 *     stream   for each entry in ID order: mix("<ms>.<seq>"), then mix(field), mix(value) per pair
 *              (consumer groups are not part of it)
 *     module   the type's digest callback gets a builder holding two digests O and X: addStringBuffer /
 *              addLongLong mix into O, endSequence does xor(X, O) and clears O; then xor(D, X). A type
 *              without the callback adds nothing after its type code.
 *     then, if the key has a TTL (any), xor("!!expire!!").
 * The dataset: F = 0; for each non-empty database j in order: mix(F, j as 4 bytes big-endian), then for
 * each key xor(F, the key's digest). Logically expired keys not yet removed count, as in Valkey (the
 * digest reads the table, it does not look keys up).
 *
 * Cost: two SHA-1 runs per mix, one per xor; a digest is O(total elements) and blocks the server while
 * it runs, as in Valkey. It is a debugging command.
 *
 * @module
 */

import { createHash } from "node:crypto";
import type { Db } from "../../keyspace/db.ts";
import type { Server } from "../../server/server.ts";
import { HashValue } from "../../types/hash.ts";
import { ListValue } from "../../types/list.ts";
import { SetValue } from "../../types/set.ts";
import { ID_MAX, idMs, idSeq, lpBytes, StreamValue } from "../../types/stream.ts";
import { ZSet } from "../../types/zset.ts";
import { ModuleValue } from "../../module_api/value.ts";
import type { DigestBuilder } from "../../module_api/types.ts";
import { fpconvDtoa } from "../../util/numbers.ts";

const enc = new TextEncoder();

/** SHA-1 of `data`. */
function sha1(data: Uint8Array): Uint8Array {
  return createHash("sha1").update(data).digest();
}

/** D ^= SHA1(data). */
export function xorDigest(digest: Uint8Array, data: Uint8Array): void {
  const h = sha1(data);
  for (let i = 0; i < 20; i++) digest[i]! ^= h[i]!;
}

/** D = SHA1(D ^ SHA1(data)). */
export function mixDigest(digest: Uint8Array, data: Uint8Array): void {
  xorDigest(digest, data);
  digest.set(sha1(digest));
}

/** A 32-bit integer as 4 bytes, big-endian (htonl). */
function be32(n: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n >>> 0, false);
  return b;
}

const TYPE_STRING = 0;
const TYPE_LIST = 1;
const TYPE_SET = 2;
const TYPE_ZSET = 3;
const TYPE_HASH = 4;
const TYPE_MODULE = 5;
const TYPE_STREAM = 6;
const EXPIRE_MARK = enc.encode("!!expire!!");

/** The builder a module type's digest callback gets (Valkey's ValkeyModuleDigest). */
class ModuleDigest implements DigestBuilder {
  /** The running sequence. */
  readonly o = new Uint8Array(20);
  /** The xor of the finished sequences. */
  readonly x = new Uint8Array(20);

  constructor(readonly key: Uint8Array, readonly dbId: number) {}

  addStringBuffer(b: Uint8Array | string): void {
    mixDigest(this.o, typeof b === "string" ? enc.encode(b) : b);
  }
  addLongLong(n: number | bigint): void {
    const v = typeof n === "bigint" ? BigInt.asIntN(64, n) : BigInt(Math.trunc(n));
    mixDigest(this.o, enc.encode(v.toString()));
  }
  endSequence(): void {
    xorDigest(this.x, this.o);
    this.o.fill(0);
  }
  addString(b: Uint8Array | string): void {
    this.addStringBuffer(b);
  }
  addInt(n: number | bigint): void {
    this.addLongLong(n);
  }
}

/**
 * Folds the value of entry `ref` (key `key`) of `db` into `digest` (Valkey's xorObjectDigest): its type,
 * its content, its TTL mark.
 */
export function xorObjectDigest(db: Db, ref: number, key: Uint8Array, digest: Uint8Array): void {
  const hasExpire = db.getExpire(ref) !== -1;
  if (db.isString(ref)) {
    mixDigest(digest, be32(TYPE_STRING));
    mixDigest(digest, db.getString(ref));
  } else {
    const obj = db.getObject(ref);
    if (obj instanceof ListValue) {
      mixDigest(digest, be32(TYPE_LIST));
      obj.ql.forEach(0, false, (v) => void mixDigest(digest, v));
    } else if (obj instanceof SetValue) {
      mixDigest(digest, be32(TYPE_SET));
      obj.forEach((m) => xorDigest(digest, m));
    } else if (obj instanceof ZSet) {
      mixDigest(digest, be32(TYPE_ZSET));
      const e = new Uint8Array(20);
      obj.forEach((r) => {
        e.fill(0);
        mixDigest(e, obj.memberOf(r));
        mixDigest(e, enc.encode(fpconvDtoa(obj.scoreOf(r))));
        xorDigest(digest, e);
      });
    } else if (obj instanceof HashValue) {
      mixDigest(digest, be32(TYPE_HASH));
      const e = new Uint8Array(20);
      obj.forEach((f, v) => {
        e.fill(0);
        mixDigest(e, f);
        mixDigest(e, v);
        xorDigest(digest, e);
      });
    } else if (obj instanceof StreamValue) {
      mixDigest(digest, be32(TYPE_STREAM));
      obj.range(0n, ID_MAX, false, (id, pairs) => {
        mixDigest(digest, enc.encode(`${idMs(id)}.${idSeq(id)}`));
        for (const p of pairs) mixDigest(digest, lpBytes(p));
      });
    } else if (obj instanceof ModuleValue) {
      mixDigest(digest, be32(TYPE_MODULE));
      const fn = obj.dt.spec.digest;
      if (fn !== undefined) {
        const md = new ModuleDigest(key.slice(), db.id);
        fn.call(obj.dt.spec, md, obj.value);
        xorDigest(digest, md.x);
      }
    } else {
      throw new Error(`DEBUG DIGEST: unknown value type '${(obj as { type?: string }).type}'`);
    }
  }
  if (hasExpire) xorDigest(digest, EXPIRE_MARK);
}

/** Lower-case hex of a digest. */
export function digestHex(d: Uint8Array): string {
  let s = "";
  for (const b of d) s += b.toString(16).padStart(2, "0");
  return s;
}

/** DEBUG DIGEST-VALUE of one key of `db`: zeros when it does not exist (logically expired keys count). */
export function valueDigest(db: Db, key: Uint8Array): Uint8Array {
  const d = new Uint8Array(20);
  const ref = db.find(key);
  if (ref !== -1) xorObjectDigest(db, ref, key, d);
  return d;
}

/** DEBUG DIGEST: the digest of every database (Valkey's computeDatasetDigest). */
export function datasetDigest(server: Server): Uint8Array {
  const final = new Uint8Array(20);
  const kv = new Uint8Array(20);
  const dbs = server.dbs;
  for (let j = 0; j < dbs.length; j++) {
    const db = dbs[j]!;
    if (db.size === 0) continue;
    mixDigest(final, be32(j));
    let cursor = 0;
    do {
      cursor = db.scan(cursor, (ref) => {
        const key = db.getKey(ref);
        kv.fill(0);
        mixDigest(kv, key);
        xorObjectDigest(db, ref, key, kv);
        xorDigest(final, kv);
      });
    } while (cursor !== 0);
  }
  return final;
}
