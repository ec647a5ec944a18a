/**
 * The module's configs (`json.max-document-size`, `json.max-path-limit`), as valkey-json registers them.
 *
 * @module
 */

import type { ModuleConfigSpec } from "../../core/module_api/mod.ts";

export const MAX_DOCUMENT_SIZE = "max-document-size";
export const MAX_PATH_LIMIT = "max-path-limit";

export const configs: ModuleConfigSpec[] = [
  {
    // bytes; 0 = unlimited. Not enforced for commands from the primary or the AOF.
    name: MAX_DOCUMENT_SIZE,
    type: "numeric",
    default: 0,
    min: 0,
    max: Number.MAX_SAFE_INTEGER,
    flags: ["memory"],
  },
  {
    // maximum nesting depth of a document
    name: MAX_PATH_LIMIT,
    type: "numeric",
    default: 128,
    min: 0,
    max: 2147483647,
  },
];
