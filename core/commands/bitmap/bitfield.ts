/**
 * BITFIELD key [GET type offset | [OVERFLOW WRAP|SAT|FAIL] SET type offset value | INCRBY type offset incr
 * ...] and BITFIELD_RO key [GET type offset ...].
 *
 * Every operation is parsed and validated before anything runs (Valkey's order: the subcommand word, the
 * type, the offset, then the SET/INCRBY integer). OVERFLOW applies to the SET/INCRBY operations after it.
 * A BITFIELD with only GETs reads the key like a read command; with any write it first creates or pads the
 * string up to the highest bit written (even when every write then fails with OVERFLOW FAIL). Replies: one
 * element per GET/SET/INCRBY: the value read, the old value (SET), the new value (INCRBY), or null when
 * OVERFLOW FAIL stopped the write.
 *
 * @module
 */

import { NO_ENTRY } from "../../keyspace/db.ts";
import { parseI64 } from "../../util/numbers.ts";
import type { CommandCall } from "../call.ts";
import { ERR_NOT_INTEGER, ERR_SYNTAX, ERR_WRONGTYPE, ReplyError } from "../errors.ts";
import { lookupRead } from "../lookup.ts";
import type { CommandSpec } from "../spec.ts";
import { oneKey, optionIs } from "../string/common.ts";
import { keysWithFlags } from "../server/keys_from_spec.ts";
import {
  getSignedField,
  getUnsignedField,
  Overflow,
  setField,
  signedFieldResult,
  unsignedFieldResult,
} from "./bits.ts";
import {
  bitfieldTypeArgument,
  bitOffsetArgument,
  bitTarget,
  ERR_BITFIELD_OVERFLOW,
  ERR_BITFIELD_RO,
} from "./common.ts";

const OP_GET = 0;
const OP_SET = 1;
const OP_INCRBY = 2;

interface FieldOp {
  op: number;
  signed: boolean;
  bits: number;
  offset: number;
  value: bigint;
  overflow: Overflow;
}

/** Parses the operations of argv[2..]; throws the first error Valkey would report. */
function parseOps(call: CommandCall): FieldOp[] {
  const argv = call.argv;
  const ops: FieldOp[] = [];
  let overflow: Overflow = Overflow.WRAP;
  for (let j = 2; j < argv.length; j++) {
    const rest = argv.length - j - 1;
    const word = argv[j]!;
    let op: number;
    if (optionIs(word, "get") && rest >= 2) op = OP_GET;
    else if (optionIs(word, "set") && rest >= 3) op = OP_SET;
    else if (optionIs(word, "incrby") && rest >= 3) op = OP_INCRBY;
    else if (optionIs(word, "overflow") && rest >= 1) {
      const kind = argv[++j]!;
      if (optionIs(kind, "wrap")) overflow = Overflow.WRAP;
      else if (optionIs(kind, "sat")) overflow = Overflow.SAT;
      else if (optionIs(kind, "fail")) overflow = Overflow.FAIL;
      else throw new ReplyError(ERR_BITFIELD_OVERFLOW);
      continue;
    } else {
      throw new ReplyError(ERR_SYNTAX);
    }
    const [signed, bits] = bitfieldTypeArgument(argv[j + 1]!);
    const offset = bitOffsetArgument(call, argv[j + 2]!, bits);
    let value = 0n;
    if (op !== OP_GET) {
      const v = parseI64(argv[j + 3]!);
      if (v === null) throw new ReplyError(ERR_NOT_INTEGER);
      value = v;
    }
    ops.push({ op, signed, bits, offset, value, overflow });
    j += op === OP_GET ? 2 : 3;
  }
  return ops;
}

function bitfieldGeneric(call: CommandCall, readOnly: boolean): void {
  const ops = parseOps(call);
  const key = call.argv[1]!;
  const db = call.db;
  let highest = -1;
  for (const o of ops) {
    if (o.op !== OP_GET && o.offset + o.bits - 1 > highest) highest = o.offset + o.bits - 1;
  }
  const reply = call.reply;
  if (highest < 0) {
    // Only GETs: a read.
    const ref = lookupRead(call, key, db);
    if (ref !== NO_ENTRY && !db.isString(ref)) return call.error(ERR_WRONGTYPE);
    const p = ref === NO_ENTRY ? new Uint8Array(0) : db.getString(ref);
    reply.arrayHeader(ops.length);
    for (const o of ops) {
      reply.int(o.signed ? getSignedField(p, o.offset, o.bits) : getUnsignedField(p, o.offset, o.bits));
    }
    return;
  }
  if (readOnly) return call.error(ERR_BITFIELD_RO);
  const { ref, grown } = bitTarget(call, key, highest);
  const p = db.getString(ref);
  let changes = 0;
  reply.arrayHeader(ops.length);
  for (const o of ops) {
    if (o.op === OP_GET) {
      reply.int(o.signed ? getSignedField(p, o.offset, o.bits) : getUnsignedField(p, o.offset, o.bits));
      continue;
    }
    const old = o.signed ? getSignedField(p, o.offset, o.bits) : getUnsignedField(p, o.offset, o.bits);
    let next: bigint | null;
    if (o.op === OP_INCRBY) {
      next = o.signed
        ? signedFieldResult(old, o.value, o.bits, o.overflow)
        : unsignedFieldResult(old, o.value, o.bits, o.overflow);
    } else {
      next = o.signed
        ? signedFieldResult(o.value, 0n, o.bits, o.overflow)
        : unsignedFieldResult(BigInt.asUintN(64, o.value), 0n, o.bits, o.overflow);
    }
    if (next === null) {
      reply.nullBulk();
      continue;
    }
    reply.int(o.op === OP_INCRBY ? next : old);
    setField(p, o.offset, o.bits, next);
    if (grown || old !== next) changes++;
  }
  if (changes > 0) {
    call.keyModified(db, key);
    call.notify("$", "setbit", key, db.id);
    call.dirty(changes);
  }
}

/**
 * Valkey's bitfieldGetKeys: the key is only read when every operation is a GET (OVERFLOW aside); a SET,
 * INCRBY or an unparsable word makes it read-write.
 */
function bitfieldReadOnly(argv: Uint8Array[]): boolean {
  for (let i = 2; i < argv.length; i++) {
    const rest = argv.length - i - 1;
    const a = argv[i]!;
    if (optionIs(a, "get") && rest >= 2) i += 2;
    else if (optionIs(a, "overflow") && rest >= 1) i += 1;
    else return false;
  }
  return true;
}

export const bitfieldSpec: CommandSpec = {
  name: "bitfield",
  summary: "Performs arbitrary bitfield integer operations on strings.",
  since: "3.2.0",
  group: "bitmap",
  complexity: "O(1) for each subcommand specified",
  arity: -2,
  flags: ["WRITE", "DENYOOM"],
  aclCategories: ["bitmap"],
  keySpecs: [oneKey(
    ["RW", "UPDATE", "ACCESS", "VARIABLE_FLAGS"],
    "This command allows both access and modification of the key",
  )],
  getKeys: (argv) =>
    keysWithFlags([1], [bitfieldReadOnly(argv) ? ["RO", "ACCESS"] : ["RW", "ACCESS", "UPDATE"]]),
  arguments: [
    { name: "key", type: "key", keySpecIndex: 0 },
    {
      name: "operation",
      type: "oneof",
      multiple: true,
      optional: true,
      arguments: [
        {
          name: "get-block",
          type: "block",
          token: "GET",
          arguments: [
            { name: "encoding", type: "string" },
            { name: "offset", type: "integer" },
          ],
        },
        {
          name: "write",
          type: "block",
          arguments: [
            {
              name: "overflow-block",
              type: "oneof",
              token: "OVERFLOW",
              optional: true,
              arguments: [
                { name: "wrap", type: "pure-token", token: "WRAP" },
                { name: "sat", type: "pure-token", token: "SAT" },
                { name: "fail", type: "pure-token", token: "FAIL" },
              ],
            },
            {
              name: "write-operation",
              type: "oneof",
              arguments: [
                {
                  name: "set-block",
                  type: "block",
                  token: "SET",
                  arguments: [
                    { name: "encoding", type: "string" },
                    { name: "offset", type: "integer" },
                    { name: "value", type: "integer" },
                  ],
                },
                {
                  name: "incrby-block",
                  type: "block",
                  token: "INCRBY",
                  arguments: [
                    { name: "encoding", type: "string" },
                    { name: "offset", type: "integer" },
                    { name: "increment", type: "integer" },
                  ],
                },
              ],
            },
          ],
        },
      ],
    },
  ],
  parse: "manual",
  handler: (call) => bitfieldGeneric(call, false),
};

export const bitfieldRoSpec: CommandSpec = {
  name: "bitfield_ro",
  summary: "Performs arbitrary read-only bitfield integer operations on strings.",
  since: "6.0.0",
  group: "bitmap",
  complexity: "O(1) for each subcommand specified",
  arity: -2,
  flags: ["READONLY", "FAST"],
  aclCategories: ["bitmap"],
  keySpecs: [oneKey(["RO", "ACCESS"])],
  arguments: [
    { name: "key", type: "key", keySpecIndex: 0 },
    {
      name: "get-block",
      type: "block",
      token: "GET",
      optional: true,
      multiple: true,
      multipleToken: true,
      arguments: [
        { name: "encoding", type: "string" },
        { name: "offset", type: "integer" },
      ],
    },
  ],
  parse: "manual",
  handler: (call) => bitfieldGeneric(call, true),
};
