/**
 * The conditional-SET module's wire errors.
 *
 * @module
 */

export const ERR_WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value";
