/**
 * The Worker that writes a BGSAVE's file (see snapshot.ts): it receives the serialized RDB in chunks
 * (transferred, not copied), keeps the running CRC64, writes them, and at the end appends EOF's checksum,
 * fsyncs, closes and renames the temp file over the final one. The main thread only serializes, so neither
 * the checksum nor the write system calls take time from commands.
 *
 * Messages in:  {op:"open", path, autosync} · {op:"chunk", buf} · {op:"finish", trailer, finalPath} ·
 *               {op:"abort"}
 * Messages out: {op:"written", bytes} · {op:"done", error, syncs} (after finish or abort)
 *
 * `autosync` (bytes, 0 for none) is Valkey's rioSetAutoSync: with `rdb-save-incremental-fsync` /
 * `aof-rewrite-incremental-fsync` (REDIS_AUTOSYNC_BYTES, 4 MB) the data written so far is synced every
 * `autosync` bytes (fdatasync here; Valkey uses sync_file_range), so the kernel never holds much dirty
 * data for this file and the final fsync (and any other fsync on the same disk meanwhile, such as the
 * AOF's or the manifest's on the main thread) does not wait for hundreds of MB to reach the disk. `syncs`
 * counts these intermediate syncs (not the final fsync) for tests.
 *
 * `trailer`: "crc" appends the CRC64 of everything written (an RDB with `rdbchecksum yes`), "zero" eight
 * zero bytes (an RDB without a checksum), "none" nothing (a command-form AOF base, aof_rewrite.ts).
 * The Worker lives across BGSAVEs (creating one costs the main thread 10-60 ms on Deno); each message names
 * its session.
 *
 * It imports only crc64.ts and node:fs/path (no keyspace).
 *
 * @module
 */

import * as fs from "node:fs";
import { Crc64 } from "./crc64.ts";

/** Messages carry the session (one BGSAVE) they belong to in `s`; sessions run one after the other. */
export type ToWriter =
  | { s: number; op: "open"; path: string; autosync: number }
  | { s: number; op: "chunk"; buf: ArrayBuffer }
  | { s: number; op: "finish"; trailer: "crc" | "zero" | "none"; finalPath: string }
  | { s: number; op: "abort" };

/** A failure: the step (open, rdbSaveRio, fsync, fclose, rename) and the system error. */
export interface WriterError {
  step: string;
  code: string | undefined;
  message: string;
}

export type FromWriter =
  | { s: number; op: "written"; bytes: number }
  | { s: number; op: "done"; error: WriterError | null; syncs: number };

interface WorkerScope {
  onmessage: ((e: MessageEvent<ToWriter>) => void) | null;
  postMessage(m: FromWriter): void;
}

const scope = globalThis as unknown as WorkerScope;
let fd: number | null = null;
let tempPath = "";
let failed: WriterError | null = null;
let crc = new Crc64();
let autosync = 0;
let unsynced = 0;
let syncs = 0;

function failure(step: string, e: unknown): WriterError {
  return { step, code: (e as { code?: string }).code, message: e instanceof Error ? e.message : String(e) };
}

function writeAll(buf: Uint8Array): void {
  let off = 0;
  while (off < buf.length) off += fs.writeSync(fd!, buf, off, buf.length - off);
}

function cleanup(): void {
  if (fd !== null) {
    try {
      fs.closeSync(fd);
    } catch { /* closed */ }
    fd = null;
  }
  try {
    fs.unlinkSync(tempPath);
  } catch { /* gone */ }
}

scope.onmessage = (e) => {
  const m = e.data;
  switch (m.op) {
    case "open":
      tempPath = m.path;
      failed = null;
      crc = new Crc64();
      autosync = m.autosync;
      unsynced = 0;
      syncs = 0;
      try {
        fd = fs.openSync(m.path, "w");
      } catch (err) {
        failed = failure("open", err);
      }
      return;
    case "chunk": {
      const buf = new Uint8Array(m.buf);
      if (failed === null) {
        crc.update(buf);
        try {
          writeAll(buf);
          unsynced += buf.length;
          if (autosync > 0 && unsynced >= autosync) {
            fs.fdatasyncSync(fd!);
            syncs++;
            unsynced = 0;
          }
        } catch (err) {
          failed = failure("rdbSaveRio", err);
        }
      }
      scope.postMessage({ s: m.s, op: "written", bytes: buf.length });
      return;
    }
    case "finish": {
      if (failed === null) {
        let op = "rdbSaveRio";
        try {
          if (m.trailer !== "none") writeAll(m.trailer === "crc" ? crc.bytes() : new Uint8Array(8));
          op = "fsync";
          fs.fsyncSync(fd!);
          op = "fclose";
          fs.closeSync(fd!);
          fd = null;
        } catch (err) {
          failed = failure(op, err);
        }
      }
      if (failed === null) {
        try {
          fs.renameSync(tempPath, m.finalPath);
        } catch (err) {
          failed = failure("rename", err);
        }
      }
      if (failed !== null) cleanup();
      scope.postMessage({ s: m.s, op: "done", error: failed, syncs });
      return;
    }
    case "abort":
      cleanup();
      scope.postMessage({
        s: m.s,
        op: "done",
        error: { step: "abort", code: undefined, message: "aborted" },
        syncs,
      });
      return;
  }
};
