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
