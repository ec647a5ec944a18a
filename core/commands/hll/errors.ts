/**
 * Error strings of the HyperLogLog commands.
 *
 * @module
 */

/** A string value that is not an HLL (bad magic, encoding or dense size). */
export const ERR_NOT_HLL = "WRONGTYPE Key is not a valid HyperLogLog string value.";
/** An HLL whose sparse opcodes do not cover exactly the 16384 registers. */
export const ERR_INVALID_HLL = "INVALIDOBJ Corrupted HLL object detected";
