/**
 * `rdb-save-incremental-fsync` and `aof-rewrite-incremental-fsync` (Valkey's rioSetAutoSync, every 4 MB):
 * an in-process server saves about 10 MB (DEBUG POPULATE, uncompressed) with SAVE, BGSAVE and both forms
 * of BGREWRITEAOF, and the number of intermediate syncs the writer reports (Persistence.lastSaveSyncs,
 * Aof.lastRewriteSyncs) shows whether the setting was honoured.
 */

import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { startServer } from "../server/embed.ts";
import { RawConn } from "../../tests/helpers/raw.ts";
import { freePort } from "../../tests/helpers/server.ts";
import { persistenceOf } from "./persistence.ts";
import { aofOf } from "./aof.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };

async function waitFor(what: string, cond: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

Deno.test(
  "incremental fsync: SAVE, BGSAVE and BGREWRITEAOF sync every 4 MB only when configured",
  opts,
  async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "valkyr-autosync-"));
    const srv = await startServer({
      port: await freePort(),
      bind: ["127.0.0.1"],
      config: { save: "", loglevel: "warning", dir, rdbcompression: "no", "enable-debug-command": "yes" },
    });
    const c = await RawConn.connect(srv.port);
    const p = persistenceOf(srv.server);
    const aof = aofOf(srv.server);
    const idle = async () => {
      const info = String(await c.call("INFO", "persistence"));
      return /rdb_bgsave_in_progress:0/.test(info) && /aof_rewrite_in_progress:0/.test(info) &&
        /aof_rewrite_scheduled:0/.test(info);
    };
    try {
      // 10,000 values of 1,000 bytes: a file of about 10 MB, so 2 syncs at 4 and 8 MB.
      assert.equal(await c.call("DEBUG", "POPULATE", "10000", "key", "1000"), "OK");
      assert.equal(
        await c.call("CONFIG", "GET", "rdb-save-incremental-fsync").then(String),
        "rdb-save-incremental-fsync,yes",
      );

      assert.equal(await c.call("SAVE"), "OK");
      assert.ok(fs.statSync(path.join(dir, "dump.rdb")).size > 10_000_000);
      assert.equal(p.lastSaveSyncs, 2);
      assert.equal(await c.call("BGSAVE"), "Background saving started");
      await waitFor("BGSAVE", idle);
      assert.equal(p.lastSaveSyncs, 2);

      assert.equal(await c.call("CONFIG", "SET", "rdb-save-incremental-fsync", "no"), "OK");
      assert.equal(await c.call("SAVE"), "OK");
      assert.equal(p.lastSaveSyncs, 0);
      assert.equal(await c.call("BGSAVE"), "Background saving started");
      await waitFor("BGSAVE", idle);
      assert.equal(p.lastSaveSyncs, 0);

      // The AOF rewrite follows aof-rewrite-incremental-fsync (not the RDB setting), in both base forms.
      assert.equal(await c.call("CONFIG", "SET", "appendonly", "yes"), "OK");
      await waitFor("the first rewrite", idle);
      assert.equal(aof.lastRewriteSyncs, 2);
      assert.equal(await c.call("CONFIG", "SET", "aof-rewrite-incremental-fsync", "no"), "OK");
      assert.equal(await c.call("BGREWRITEAOF"), "Background append only file rewriting started");
      await waitFor("BGREWRITEAOF", idle);
      assert.equal(aof.lastRewriteSyncs, 0);
      assert.equal(await c.call("CONFIG", "SET", "aof-use-rdb-preamble", "no"), "OK");
      assert.equal(await c.call("BGREWRITEAOF"), "Background append only file rewriting started");
      await waitFor("BGREWRITEAOF", idle);
      assert.equal(aof.lastRewriteSyncs, 0);
      assert.equal(await c.call("CONFIG", "SET", "aof-rewrite-incremental-fsync", "yes"), "OK");
      assert.equal(await c.call("BGREWRITEAOF"), "Background append only file rewriting started");
      await waitFor("BGREWRITEAOF", idle);
      // Commands for 10,000 keys of 1,000 bytes: a little over 10 MB.
      const base = fs.readdirSync(path.join(dir, "appendonlydir")).find((f) => f.endsWith(".base.aof"))!;
      assert.ok(fs.statSync(path.join(dir, "appendonlydir", base)).size > 10_000_000);
      assert.equal(aof.lastRewriteSyncs, 2);
      assert.equal(await c.call("DBSIZE"), 10000);
    } finally {
      c.close();
      await srv.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
);
