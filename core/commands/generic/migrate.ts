/**
 * MIGRATE host port key|"" destination-db timeout [COPY] [REPLACE] [AUTH password | AUTH2 username
 * password] [KEYS key ...] (Valkey 8.1's cluster.c migrateCommand, behaviour only).
 *
 * Each key found (a read lookup: expired keys are missing) is sent as `RESTORE key ttl payload [REPLACE]`
 * (the DUMP payload of dump_restore.ts, the remaining TTL in ms, at least 1; a key whose TTL ran out in
 * between is skipped), after `AUTH` when asked and `SELECT db` when the cached connection last selected
 * another database. No key found: `+NOKEY`. For every RESTORE the target acknowledges with +OK, the key is
 * deleted here (unless COPY) and the command propagates as `DEL key ...` of those keys.
 *
 * Atomicity, as in Valkey: the whole transfer runs while the server waits, so no other command can change
 * a key between its DUMP and its deletion, and a write sent meanwhile by another client simply runs after
 * MIGRATE (on the key's absence). JavaScript has no blocking sockets, so the connection lives in a Worker
 * (migrate_worker.ts) and the main thread waits for its answer with Atomics.wait on a SharedArrayBuffer —
 * the same stall Valkey's synchronous socket calls cause, bounded the same way by `timeout` (ms per
 * connect, write or reply line; 0 or less means 1000). It also works inside MULTI/EXEC and scripts.
 *
 * The Worker keeps Valkey's connection cache: at most 64 connections keyed `host:port`, each remembering
 * the database it selected, closed after 10 seconds unused; a cached connection found closed is reopened
 * and the transfer retried once. Errors, exactly as Valkey's:
 *   IOERR error or timeout connecting to the client
 *   IOERR error or timeout writing to target instance / reading to target instance
 *   ERR Target instance replied with error: <first error line of the target>
 *   ERR When using MIGRATE KEYS option, the key argument must be set to the empty string
 * Keys acknowledged before a failure are deleted all the same (Valkey does too).
 *
 * @module
 */

import { NO_ENTRY } from "../../keyspace/db.ts";
import type { Server } from "../../server/server.ts";
import type { CommandCall } from "../call.ts";
import { ERR_NOT_INTEGER, ERR_SYNTAX, ReplyError } from "../errors.ts";
import { lookupRead } from "../lookup.ts";
import type { CommandSpec } from "../spec.ts";
import { eqIgnoreCase, parseI64 } from "../../util/numbers.ts";
import { FormatError } from "../../persistence/encodings.ts";
import { dumpPayload } from "./dump_restore.ts";
import type { MigrateRequest, MigrateResult } from "./migrate_worker.ts";

const enc = new TextEncoder();
const latin1 = new TextDecoder("latin1");
const DEL = enc.encode("DEL");
const ERR_KEYS_NOT_EMPTY =
  "ERR When using MIGRATE KEYS option, the key argument must be set to the empty string";
/** The Worker (and so every cached connection) goes after this long without a MIGRATE. */
const IDLE_MS = 15_000;

function workerUrl(): string {
  const bunfs = import.meta.url.match(/^(.*\$bunfs\/root\/)/);
  if (bunfs !== null) return `${bunfs[1]}core/commands/generic/migrate_worker.js`;
  return new URL("./migrate_worker.ts", import.meta.url).href;
}

/** One server's migration Worker, created on first use. */
class MigrateThread {
  #worker: Worker | null = null;
  #idle: ReturnType<typeof setTimeout> | undefined;
  /** migrate_cached_sockets, kept by the Worker. */
  readonly cached = new Int32Array(new SharedArrayBuffer(4));

  /** Runs one transfer, blocking the event loop until the Worker answers (at most `boundMs`). */
  run(req: Omit<MigrateRequest, "sab">, boundMs: number): MigrateResult {
    if (this.#idle !== undefined) clearTimeout(this.#idle);
    if (this.#worker === null) {
      this.#worker = new Worker(workerUrl(), { type: "module" });
      this.#worker.postMessage({ op: "init", stats: this.cached.buffer });
    }
    const sab = new SharedArrayBuffer(8 + 2048 + req.keys + 64);
    const i32 = new Int32Array(sab, 0, 2);
    this.#worker.postMessage({ ...req, sab });
    const waited = Atomics.wait(i32, 0, 0, boundMs);
    this.#idle = setTimeout(() => this.stop(), IDLE_MS);
    (this.#idle as { unref?: () => void }).unref?.();
    if (waited === "timed-out") {
      // The Worker did not answer within every timeout it was given: start afresh next time.
      this.stop();
      return { acked: "", error: "IOERR error or timeout reading to target instance" };
    }
    const json = new TextDecoder().decode(new Uint8Array(sab, 8, i32[1]!).slice());
    return JSON.parse(json) as MigrateResult;
  }

  stop(): void {
    if (this.#idle !== undefined) clearTimeout(this.#idle);
    this.#idle = undefined;
    this.#worker?.terminate();
    this.#worker = null;
    Atomics.store(this.cached, 0, 0);
  }
}

const threads = new WeakMap<Server, MigrateThread>();

function threadOf(server: Server): MigrateThread {
  let t = threads.get(server);
  if (t === undefined) {
    t = new MigrateThread();
    threads.set(server, t);
    server.shutdownHooks.push(() => t!.stop());
  }
  return t;
}

/** INFO's migrate_cached_sockets: connections MIGRATE keeps open to target instances. */
export function migrateCachedSockets(server: Server): number {
  const t = threads.get(server);
  return t === undefined ? 0 : Atomics.load(t.cached, 0);
}

/** C's atoi (Valkey reads the port with it): whitespace, a sign, digits; 0 when there are none. */
function atoi(b: Uint8Array): number {
  const m = /^\s*([+-]?\d+)/.exec(latin1.decode(b));
  return m === null ? 0 : Number(m[1]);
}

function longArg(b: Uint8Array): bigint {
  const v = parseI64(b);
  if (v === null) throw new ReplyError(ERR_NOT_INTEGER);
  return v;
}

/** RESP for one command into `out`. */
function resp(out: Uint8Array[], words: Uint8Array[]): void {
  out.push(enc.encode(`*${words.length}\r\n`));
  for (const w of words) {
    out.push(enc.encode(`$${w.length}\r\n`), w, enc.encode("\r\n"));
  }
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) (out.set(p, off), off += p.length);
  return out;
}

function migrate(call: CommandCall): void {
  const argv = call.argv;
  const argc = argv.length;
  let copy = false;
  let replace = false;
  let auth: Uint8Array[] | null = null;
  let firstKey = 3;
  let numKeys = 1;
  for (let j = 6; j < argc; j++) {
    const more = argc - 1 - j;
    const a = argv[j]!;
    if (eqIgnoreCase(a, "copy")) copy = true;
    else if (eqIgnoreCase(a, "replace")) replace = true;
    else if (eqIgnoreCase(a, "auth")) {
      if (more < 1) throw new ReplyError(ERR_SYNTAX);
      auth = [argv[++j]!.slice()];
    } else if (eqIgnoreCase(a, "auth2")) {
      if (more < 2) throw new ReplyError(ERR_SYNTAX);
      auth = [argv[j + 1]!.slice(), argv[j + 2]!.slice()];
      j += 2;
    } else if (eqIgnoreCase(a, "keys")) {
      if (argv[3]!.length !== 0) throw new ReplyError(ERR_KEYS_NOT_EMPTY);
      firstKey = j + 1;
      numKeys = argc - j - 1;
      break;
    } else throw new ReplyError(ERR_SYNTAX);
  }
  let timeout = longArg(argv[5]!);
  const dbid = longArg(argv[4]!);
  if (timeout <= 0n) timeout = 1000n;
  const timeoutMs = Number(timeout > 2147483647n ? 2147483647n : timeout);

  // The keys that exist; none: NOKEY (not an error: they may just have expired).
  const db = call.db;
  const found: { key: Uint8Array; ref: number }[] = [];
  for (let j = 0; j < numKeys; j++) {
    const key = argv[firstKey + j]!;
    const ref = lookupRead(call, key);
    if (ref !== NO_ENTRY) found.push({ key, ref });
  }
  if (found.length === 0) return call.reply.simple("NOKEY");

  const compress = call.server.config.getBool("rdbcompression");
  const parts: Uint8Array[] = [];
  const sent: Uint8Array[] = [];
  const RESTORE = enc.encode("RESTORE");
  const REPLACE = enc.encode("REPLACE");
  for (const { key, ref } of found) {
    let ttl = 0;
    const expireAt = db.getExpire(ref);
    if (expireAt !== -1) {
      ttl = expireAt - call.now;
      if (ttl < 0) continue;
      if (ttl < 1) ttl = 1;
    }
    let payload: Uint8Array;
    try {
      payload = dumpPayload(db.isString(ref) ? db.getString(ref) : db.getObject(ref), compress);
    } catch (e) {
      if (e instanceof FormatError) throw new ReplyError(`ERR ${e.message}`);
      throw e;
    }
    const words = [RESTORE, key, enc.encode(String(ttl)), payload];
    if (replace) words.push(REPLACE);
    resp(parts, words);
    sent.push(key);
  }

  const name = `${latin1.decode(argv[1]!)}:${latin1.decode(argv[2]!)}`;
  // Every wait of the Worker is bounded by the timeout: connect, write, AUTH, SELECT, one line per key,
  // twice over for the retry.
  const bound = Math.min(2147483647, 2 * timeoutMs * (sent.length + 4) + 1000);
  const r = threadOf(call.server).run({
    name,
    host: latin1.decode(argv[1]!),
    port: atoi(argv[2]!),
    timeout: timeoutMs,
    auth,
    dbid: Number(dbid),
    restore: concat(parts),
    keys: sent.length,
  }, bound);
  if ("connect" in r) return call.error("IOERR error or timeout connecting to the client");

  // Keys the target acknowledged leave this instance (unless COPY); the command propagates as their DEL.
  if (!copy) {
    const deleted: Uint8Array[] = [];
    for (let j = 0; j < r.acked.length; j++) {
      if (r.acked[j] !== "1") continue;
      const key = sent[j]!;
      const ref = db.find(key);
      if (ref === NO_ENTRY) continue;
      db.deleteRef(ref);
      call.keyModified(db, key);
      call.notify("g", "del", key, db.id);
      call.dirty();
      deleted.push(key);
    }
    if (deleted.length > 0) call.propagateAs([DEL, ...deleted]);
  }
  if (r.error !== null) return call.error(r.error);
  call.reply.ok();
}

/** migrateGetKeys: the key at 3, or with KEYS (and an empty key) every word after KEYS. */
function migrateKeys(argv: Uint8Array[]): number[] {
  const argc = argv.length;
  let first = 3;
  let num = 1;
  for (let i = 6; i < argc; i++) {
    const a = argv[i]!;
    if (eqIgnoreCase(a, "keys")) {
      if (argv[3]!.length > 0) num = 0;
      else {
        first = i + 1;
        num = argc - first;
      }
      break;
    }
    if (eqIgnoreCase(a, "auth")) i += 1;
    else if (eqIgnoreCase(a, "auth2")) i += 2;
  }
  return Array.from({ length: num }, (_, k) => first + k);
}

export const migrateCommand: CommandSpec = {
  name: "migrate",
  summary: "Atomically transfers a key from one instance to another.",
  since: "2.6.0",
  group: "generic",
  complexity:
    "This command actually executes a DUMP+DEL in the source instance, and a RESTORE in the target instance. See the pages of these commands for time complexity. Also an O(N) data transfer between the two instances is performed.",
  arity: -6,
  flags: ["WRITE"],
  aclCategories: ["keyspace", "dangerous"],
  commandTips: ["NONDETERMINISTIC_OUTPUT"],
  history: [
    ["3.0.0", "Added the `COPY` and `REPLACE` options."],
    ["3.0.6", "Added the `KEYS` option."],
    ["4.0.7", "Added the `AUTH` option."],
    ["6.0.0", "Added the `AUTH2` option."],
  ],
  keySpecs: [
    {
      flags: ["RW", "ACCESS", "DELETE"],
      beginSearch: { index: { pos: 3 } },
      findKeys: { range: { lastkey: 0, step: 1, limit: 0 } },
    },
    {
      flags: ["RW", "ACCESS", "DELETE", "INCOMPLETE"],
      beginSearch: { keyword: { keyword: "KEYS", startFrom: -2 } },
      findKeys: { range: { lastkey: -1, step: 1, limit: 0 } },
    },
  ],
  arguments: [
    { name: "host", type: "string" },
    { name: "port", type: "integer" },
    {
      name: "key-selector",
      type: "oneof",
      arguments: [
        { name: "key", type: "key", keySpecIndex: 0 },
        { name: "empty-string", type: "pure-token", token: '""' },
      ],
    },
    { name: "destination-db", type: "integer" },
    { name: "timeout", type: "integer" },
    { name: "copy", type: "pure-token", token: "COPY", optional: true, since: "3.0.0" },
    { name: "replace", type: "pure-token", token: "REPLACE", optional: true, since: "3.0.0" },
    {
      name: "authentication",
      type: "oneof",
      optional: true,
      arguments: [
        { name: "auth", type: "string", token: "AUTH", displayText: "password", since: "4.0.7" },
        {
          name: "auth2",
          type: "block",
          token: "AUTH2",
          since: "6.0.0",
          arguments: [{ name: "username", type: "string" }, { name: "password", type: "string" }],
        },
      ],
    },
    {
      name: "keys",
      type: "key",
      token: "KEYS",
      displayText: "key",
      keySpecIndex: 1,
      optional: true,
      multiple: true,
      since: "3.0.6",
    },
  ],
  parse: "manual",
  getKeys: migrateKeys,
  handler: migrate,
};
