/**
 * Error replies of the string commands that the core's shared list (`../errors.ts`) does not have. Full wire
 * texts after the leading `-`, code first, as Valkey 8.1 sends them.
 *
 * @module
 */

export const ERR_DECR_OVERFLOW = "ERR decrement would overflow";
export const ERR_LCS_NOT_STRINGS = "ERR The specified keys must contain string values";
export const ERR_LCS_LEN_AND_IDX = "ERR If you want both the length and indexes, please just use IDX.";
export const ERR_LCS_TOO_LONG = "ERR String too long for LCS";
export const ERR_LCS_OVER_MAX_BULK =
  "ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len";
export const ERR_LCS_ALLOC = "ERR Insufficient memory, failed allocating transient memory for LCS";
