/**
 * The JSON module's wire errors, exactly as valkey-json sends them (the first word is the error code).
 *
 * Pure code throws {@link JsonError} carrying one of these strings; command handlers send its message
 * verbatim. Keeping the strings here, apart from JavaScript exceptions, makes them data.
 *
 * @module
 */

export const E = {
  PARSE: "SYNTAXERR Failed to parse JSON string due to syntax error",
  NX_XX: "SYNTAXERR Option NX and XX should be mutually exclusive",
  INVALID_PATH: "SYNTAXERR Invalid JSON path",
  INVALID_MEMBER: "SYNTAXERR Invalid object member name",
  INVALID_NUMBER: "SYNTAXERR Invalid number",
  INVALID_IDENTIFIER: "SYNTAXERR Invalid identifier",
  INVALID_DOT: "SYNTAXERR Invalid dot sequence",
  EMPTY_EXPR: "SYNTAXERR Expression token cannot be empty",
  INDEX_NOT_NUMBER: "SYNTAXERR Array index is not a number",
  ZERO_STEP: "SYNTAXERR Step in the slice cannot be zero",
  WILDCARD: "ERR Invalid use of wildcard",
  PATH_NOT_EXIST: "NONEXISTENT JSON path does not exist",
  PARENT_NOT_EXIST: "NONEXISTENT Parent element does not exist",
  KEY_NOT_FOUND: "NONEXISTENT Document key does not exist",
  DOC_NOT_FOUND: "NONEXISTENT JSON document is not found",
  NOT_DOC_KEY: "WRONGTYPE Not a JSON document key",
  DELETE_FAILED: "OPFAIL Failed to delete JSON value",
  NOT_NUMBER: "WRONGTYPE JSON element is not a number",
  NOT_BOOL: "WRONGTYPE JSON element is not a bool",
  NOT_STRING: "WRONGTYPE JSON element is not a string",
  NOT_OBJECT: "WRONGTYPE JSON element is not an object",
  NOT_ARRAY: "WRONGTYPE JSON element is not an array",
  VALUE_NOT_NUMBER: "WRONGTYPE Value is not a number",
  VALUE_NOT_STRING: "WRONGTYPE Value is not a string",
  VALUE_NOT_INTEGER: "WRONGTYPE Value is not an integer",
  PATH_AT_END: "SYNTAXERR Path arguments should be positioned at the end",
  SYNTAX: "SYNTAXERR Command syntax error",
  MUL_OVERFLOW: "OVERFLOW Multiplication would overflow",
  ADD_OVERFLOW: "OVERFLOW Addition would overflow",
  EMPTY_OBJECT: "EMPTYVAL Empty JSON object",
  EMPTY_ARRAY: "EMPTYVAL Empty JSON array",
  OUT_OF_BOUNDS: "OUTOFBOUNDARIES Array index is out of bounds",
  UNKNOWN_SUBCOMMAND: "SYNTAXERR Unknown subcommand",
  DOC_SIZE_LIMIT: "LIMIT Document size limit is exceeded",
  DOC_PATH_LIMIT: "LIMIT Document path nesting limit is exceeded",
  PARSER_DEPTH_LIMIT: "LIMIT Parser recursion depth is exceeded",
  RD_TOKEN_LIMIT: "LIMIT Total number of recursive descent tokens in the query string exceeds the limit",
  QUERY_SIZE_LIMIT: "LIMIT Query string size limit is exceeded",
  INSERT_INTO_NON_OBJECT: "ERROR Cannot insert a member into a non-object value",
  INVALID_RDB: "ERROR Invalid value in RDB format",
  DOLLAR_NON_ROOT: "SYNTAXERR Dollar sign cannot apply to non-root element",
  NEW_KEY_NOT_ROOT: "SYNTAXERR A new Valkey key's path must be root",
} as const;

export type JsonErrorMessage = typeof E[keyof typeof E];

/** An error whose message is one of {@link E}'s wire strings. */
export class JsonError extends Error {
  constructor(readonly wire: JsonErrorMessage) {
    super(wire);
    this.name = "JsonError";
  }
}

/** Fixed limits of valkey-json (not configurable). */
export const PARSER_MAX_DEPTH = 200;
export const MAX_RECURSIVE_DESCENT_TOKENS = 20;
export const MAX_QUERY_STRING_SIZE = 128 * 1024;
