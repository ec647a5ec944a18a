/**
 * The Bloom module's wire errors, exactly as valkey-bloom 1.0 sends them (verbatim: the server adds no
 * prefix, so BF.RESERVE's bare `ERROR` really is the whole reply).
 *
 * @module
 */

export const ERROR = "ERROR";
export const NON_SCALING_FILTER_FULL = "ERR non scaling filter is full";
export const NOT_FOUND = "ERR not found";
export const ITEM_EXISTS = "ERR item exists";
export const INVALID_INFO_VALUE = "ERR invalid information value";
export const INVALID_SEED = "ERR invalid seed";
export const BAD_EXPANSION = "ERR bad expansion";
export const BAD_CAPACITY = "ERR bad capacity";
export const BAD_ERROR_RATE = "ERR bad error rate";
export const ERROR_RATE_RANGE = "ERR (0 < error rate range < 1)";
export const BAD_TIGHTENING_RATIO = "ERR bad tightening ratio";
export const TIGHTENING_RATIO_RANGE = "ERR (0 < tightening ratio range < 1)";
export const CAPACITY_LARGER_THAN_0 = "ERR (capacity should be larger than 0)";
export const FALSE_POSITIVE_DEGRADES_TO_0 = "ERR false positive degrades to 0 on scale out";
export const UNKNOWN_ARGUMENT = "ERR unknown argument received";
export const EXCEEDS_MAX_BLOOM_SIZE = "ERR operation exceeds bloom object memory limit";
export const VALIDATE_SCALE_TO_EXCEEDS_MAX_SIZE =
  "ERR provided VALIDATESCALETO causes bloom object to exceed memory limit";
export const MAX_NUM_SCALING_FILTERS = "ERR bloom object reached max number of filters";
export const VALIDATE_SCALE_TO_FALSE_POSITIVE_INVALID =
  "ERR provided VALIDATESCALETO causes false positive to degrade to 0";
export const KEY_EXISTS = "BUSYKEY Target key name already exists.";
export const DECODE_BLOOM_OBJECT_FAILED = "ERR bloom object decoding failed";
export const DECODE_UNSUPPORTED_VERSION = "ERR bloom object decoding failed. Unsupported version";
export const NON_SCALING_AND_VALIDATE_SCALE_TO_IS_INVALID =
  "ERR cannot use NONSCALING and VALIDATESCALETO options together";
/** CONFIG SET of a float config whose value does not parse. */
export const INVALID_FLOAT_CONFIG = "Invalid floating-point value";

/**
 * A failure of a Bloom operation, carrying one of the wire errors above. The pure code throws it; the
 * command layer replies its message (or turns it into an error element of an array reply).
 */
export class BloomError extends Error {
  constructor(readonly reply: string) {
    super(reply);
    this.name = "BloomError";
  }
}
