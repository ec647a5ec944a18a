/**
 * Error texts of the connection commands (AUTH, HELLO, CLIENT ...), exactly as Valkey 8.1 sends them after
 * the leading `-`. Parameterised ones are functions; user text they quote goes through {@link errorText}.
 *
 * @module
 */

import { errorText } from "./text.ts";

export const ERR_AUTH_NO_PASSWORD = "ERR AUTH <password> called without any password configured for the " +
  "default user. Are you sure your configuration is correct?";
export const ERR_HELLO_PROTO_NOT_INT = "ERR Protocol version is not an integer or out of range";
export const ERR_HELLO_NOAUTH = "NOAUTH HELLO must be called with the client already authenticated, " +
  "otherwise the HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client and select " +
  "the RESP protocol version at the same time";
export const ERR_CLIENT_NAME = "ERR Client names cannot contain spaces, newlines or special characters.";
export const ERR_RESET_NOT_NORMAL = "ERR can only reset normal client connections";
export const ERR_NO_SUCH_CLIENT = "ERR No such client";
export const ERR_CLIENT_ID_POSITIVE = "ERR client-id should be greater than 0";
export const ERR_MAXAGE_NOT_INT = "ERR maxage is not an integer or out of range";
export const ERR_MAXAGE_POSITIVE = "ERR maxage should be greater than 0";
export const ERR_PAUSE_MODE = "ERR CLIENT PAUSE mode must be WRITE or ALL";
export const ERR_TIMEOUT_NOT_INT = "ERR timeout is not an integer or out of range";
export const ERR_TIMEOUT_RANGE = "ERR timeout is out of range";
export const ERR_UNBLOCK_REASON = "ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR";
export const ERR_UNBLOCKED = "UNBLOCKED client unblocked via CLIENT UNBLOCK";
export const ERR_NOT_IMPORT_MODE = "ERR Server is not in import mode";

export function errHelloOption(opt: string): string {
  return errorText(`ERR Syntax error in HELLO option '${opt}'`);
}

export function errUnknownClientType(name: string): string {
  return errorText(`ERR Unknown client type '${name}'`);
}

export function errNoSuchUser(name: string): string {
  return errorText(`ERR No such user '${name}'`);
}

export function errSetinfoOption(attr: string): string {
  return errorText(`ERR Unrecognized option '${attr}'`);
}

export function errSetinfoValue(attr: string): string {
  return errorText(`ERR ${attr} cannot contain spaces, newlines or special characters.`);
}

// ---- client-side caching (CLIENT TRACKING, CACHING) --------------------------------------------------------

export const ERR_TRACKING_ONE_REDIRECT = "ERR A client can only redirect to a single other client";
export const ERR_TRACKING_NO_REDIRECT_CLIENT = "ERR The client ID you want redirect to does not exist";
export const ERR_TRACKING_PREFIX_NEEDS_BCAST = "ERR PREFIX option requires BCAST mode to be enabled";
export const ERR_TRACKING_SWITCH_BCAST = "ERR You can't switch BCAST mode on/off before disabling tracking " +
  "for this client, and then re-enabling it with a different mode.";
export const ERR_TRACKING_BCAST_OPTIN = "ERR OPTIN and OPTOUT are not compatible with BCAST";
export const ERR_TRACKING_OPTIN_AND_OPTOUT = "ERR You can't specify both OPTIN mode and OPTOUT mode";
export const ERR_TRACKING_SWITCH_OPTIN = "ERR You can't switch OPTIN/OPTOUT mode before disabling tracking " +
  "for this client, and then re-enabling it with a different mode.";
export const ERR_CACHING_NOT_TRACKING = "ERR CLIENT CACHING can be called only when the client is in " +
  "tracking mode with OPTIN or OPTOUT mode enabled";
export const ERR_CACHING_YES_NEEDS_OPTIN =
  "ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.";
export const ERR_CACHING_NO_NEEDS_OPTOUT =
  "ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.";

/** A BCAST prefix overlaps one the client already listens to (both as `%s` prints them). */
export function errPrefixOverlapsExisting(prefix: string, existing: string): string {
  return errorText(
    `ERR Prefix '${prefix}' overlaps with an existing prefix '${existing}'. ` +
      "Prefixes for a single client must not overlap.",
  );
}

/** Two BCAST prefixes given in the same CLIENT TRACKING overlap. */
export function errPrefixOverlapsProvided(prefix: string, other: string): string {
  return errorText(
    `ERR Prefix '${prefix}' overlaps with another provided prefix '${other}'. ` +
      "Prefixes for a single client must not overlap.",
  );
}
