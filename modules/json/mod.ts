/**
 * The JSON module (`json`), compatible with valkey-json: JSON documents as a native data type
 * (`ReJSON-RL`), addressed with legacy paths (`.a.b[0]`) and JSONPath (`$..price`, filters, slices, unions).
 *
 * Layout: document.ts (the tree form), tape.ts (the packed form of small documents), node.ts and view.ts
 * (one read interface over both), parser.ts, serializer.ts, path.ts (both path dialects), doc.ts (a stored
 * document, its encoding and INFO statistics), data_type.ts (RDB/AOF/COPY), configs.ts, commands/, errors.ts.
 *
 * @module
 */

import { MODULE_API_VERSION, type ModuleManifest } from "../../core/module_api/mod.ts";
import { setDocType } from "./commands/common.ts";
import { readCommands } from "./commands/read.ts";
import { writeCommands } from "./commands/write.ts";
import { configs } from "./configs.ts";
import { DOC_TYPE_NAME, jsonDataType } from "./data_type.ts";
import type { JsonDoc } from "./doc.ts";
import { stats } from "./doc.ts";

export const manifest: ModuleManifest = {
  name: "json",
  version: 10000,
  apiVersion: MODULE_API_VERSION,
  aclCategories: ["json"],
  dataTypes: [jsonDataType],
  commands: [...writeCommands, ...readCommands],
  configs,
  info(info) {
    info.section("core_metrics");
    info.field("total_memory_bytes", stats.memory);
    info.field("num_documents", stats.documents);
  },
  onLoad(ctx) {
    setDocType(ctx.dataType<JsonDoc>(DOC_TYPE_NAME));
  },
};
