/**
 * Valkey's wire error strings owned by the core, in one place. Each constant is the full error text as it
 * goes on the wire after the leading `-` (code first). Parameterised errors are functions.
 *
 * Wire errors are data: handlers reply them with `call.reply.error(...)` (or throw a {@link ReplyError}
 * from deep helpers); JavaScript exceptions are never turned into wire text implicitly.
 *
 * @module
 */

export const ERR_SYNTAX = "ERR syntax error";
export const ERR_NOT_INTEGER = "ERR value is not an integer or out of range";
export const ERR_NOT_FLOAT = "ERR value is not a valid float";
export const ERR_WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value";
export const ERR_NO_SUCH_KEY = "ERR no such key";
export const ERR_OVERFLOW = "ERR increment or decrement would overflow";
export const ERR_INCR_NAN_INF = "ERR increment would produce NaN or Infinity";
export const ERR_DB_INDEX = "ERR DB index is out of range";
export const ERR_NOAUTH = "NOAUTH Authentication required.";
/** A deny-oom command while used memory is over `maxmemory` and nothing could be evicted. */
export const ERR_OOM = "OOM command not allowed when used memory > 'maxmemory'.";
export const ERR_WRONGPASS = "WRONGPASS invalid username-password pair or user is disabled.";
export const ERR_STRING_TOO_LONG = "ERR string exceeds maximum allowed size (proto-max-bulk-len)";
export const ERR_BIT_OFFSET = "ERR bit offset is not an integer or out of range";
export const ERR_BIT_VALUE = "ERR bit is not an integer or out of range";
export const ERR_OFFSET_RANGE = "ERR offset is out of range";
export const ERR_SAME_OBJECT = "ERR source and destination objects are the same";
export const ERR_NOT_IN_MULTI = "ERR Command not allowed inside a transaction";
export const ERR_TIMEOUT_NEGATIVE = "ERR timeout is negative";
export const ERR_UNSUPPORTED_PROTOCOL = "NOPROTO unsupported protocol version";
export const ERR_MAX_CLIENTS = "ERR max number of clients reached";

export function errInvalidExpire(command: string): string {
  return `ERR invalid expire time in '${command}' command`;
}

export function errWrongArity(fullName: string): string {
  return `ERR wrong number of arguments for '${fullName}' command`;
}

export function errUnknownSubcommand(sub: string, container: string): string {
  return `ERR unknown subcommand '${sub.slice(0, 128)}'. Try ${container.toUpperCase()} HELP.`;
}

/**
 * Valkey's unknown-command error: the name cut to 128 bytes, then the first arguments quoted, each cut so
 * the list stays near 128 bytes, newlines mapped to spaces.
 */
export function errUnknownCommand(name: string, args: string[]): string {
  let list = "";
  for (let i = 0; i < args.length && list.length < 128; i++) {
    list += `'${args[i]!.slice(0, 128 - list.length)}' `;
  }
  return `ERR unknown command '${name.slice(0, 128)}', with args beginning with: ${list}`;
}

/** An error reply raised from code that cannot reach the reply writer directly; the dispatcher replies it. */
export class ReplyError extends Error {
  constructor(readonly reply: string) {
    super(reply);
  }
}
