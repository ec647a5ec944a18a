/**
 * Module type ids, as Valkey computes them (module.c moduleTypeEncodeId): a data type's 9-character name
 * maps each character to its 6-bit position in a 64-symbol charset, and the encoding version fills the low
 * 10 bits: 9 × 6 + 10 = 64 bits. The RDB stores this id before a module value, so a file names the type
 * and its encoding version without a string.
 *
 * @module
 */

/** The 64 symbols a module type name may use, in id order. */
export const TYPE_NAME_CHARSET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/** The 64-bit id of a type name and encoding version, or null when the name or encver is invalid. */
export function moduleTypeId(name: string, encver: number): bigint | null {
  if (name.length !== 9 || !Number.isInteger(encver) || encver < 0 || encver > 1023) return null;
  let id = 0n;
  for (let j = 0; j < 9; j++) {
    const pos = TYPE_NAME_CHARSET.indexOf(name[j]!);
    if (pos < 0) return null;
    id = (id << 6n) | BigInt(pos);
  }
  return (id << 10n) | BigInt(encver);
}

/** The name and encoding version inside a module type id (Valkey's moduleTypeNameByID). */
export function decodeModuleTypeId(id: bigint): { name: string; encver: number } {
  const encver = Number(id & 1023n);
  let rest = id >> 10n;
  let name = "";
  for (let j = 0; j < 9; j++) {
    name = TYPE_NAME_CHARSET[Number(rest & 63n)]! + name;
    rest >>= 6n;
  }
  return { name, encver };
}
