/**
 * The one-line description of a client that CLIENT LIST and CLIENT INFO print (Valkey's
 * catClientInfoString), and the client classification the TYPE filters and output limits use.
 *
 * Field order and spelling are Valkey 8.1's:
 *
 *     id addr laddr fd name age idle flags capa db sub psub ssub multi watch qbuf qbuf-free argv-mem
 *     multi-mem rbs rbp obl oll omem tot-mem events cmd user redir resp lib-name lib-ver tot-net-in
 *     tot-net-out tot-cmds
 *
 * Values that describe Valkey's own memory layout are modelled on it from what Valkyr has:
 *
 * - Replies: Valkey fills a per-client buffer first (`obl` bytes used of `rbs`), then a list of 16 KiB
 *   blocks (`oll` blocks, `omem` bytes). Valkyr's reply writer keeps a buffer of the same size, resized by
 *   the cron from its peak use (`rbp`) as Valkey's (core/server/reply_buffer.ts); its pending output
 *   (reply writer + socket queue) is laid out the same way: the first `rbs` bytes count as `obl`, the rest
 *   as `omem` in `oll` blocks.
 * - Query buffer: `qbuf` is what Valkey's buffer would hold (the bytes after the last complete line or
 *   argument of an unfinished request), `qbuf-free` the rest of the buffer Valkey would have allocated,
 *   read by read (core/server/query_buffer.ts): 0/0 for a client between requests, which reads through
 *   the shared buffer.
 * - `argv-mem` is the size of the arguments of the command the client is executing (or is held with by
 *   CLIENT PAUSE); `tot-mem` adds a fixed per-client overhead to every buffer above.
 * - `fd` is the socket's descriptor where the runtime exposes it. Where it does not (Deno's sockets), each
 *   client is given the number the kernel would have given it: the lowest one not held by another live
 *   client, counting from where Valkey's first client lands (8 descriptors of its own plus one per
 *   listener), assigned to all unnumbered clients in connection order the first time one is shown.
 *
 * Flag letters, in Valkey's order: S/O replica/monitor, M primary, P pubsub, x MULTI, b blocked, t
 * tracking, R broken redirect, B broadcast tracking, d dirty CAS, c close after reply, u unblocked, A close
 * ASAP, U unix socket, r READONLY, e no-evict, T no-touch, I import source; N when none applies. The ones
 * other subsystems own are read from `client.flags`; c, U, e and T from the client's state.
 *
 * @module
 */

import type { Client } from "../../server/client.ts";
import type { Server } from "../../server/server.ts";
import type { CommandCall } from "../call.ts";
import { clientCounters } from "./hooks.ts";
import { heldArgvBytes } from "./pause.ts";
import { cutAtNul } from "./text.ts";
import { REPLY_CHUNK_BYTES } from "../../resp/writer.ts";

/** Valkey's client types (getClientType): what TYPE filters and output-buffer limits classify by. */
export const ClientType = { NORMAL: 0, REPLICA: 1, PUBSUB: 2, PRIMARY: 3 } as const;
export type ClientType = typeof ClientType[keyof typeof ClientType];

/** A client's type: the primary link, a replica (MONITOR clients count as normal), pub/sub, or normal. */
export function clientType(c: Client): ClientType {
  if (c.flags.has("M")) return ClientType.PRIMARY;
  if (c.flags.has("S")) return ClientType.REPLICA;
  if (c.flags.has("P")) return ClientType.PUBSUB;
  return ClientType.NORMAL;
}

/** Valkey's getClientTypeByName (case-insensitive; `slave` and `master` are the old names). */
export function clientTypeByName(lowerName: string): ClientType | -1 {
  switch (lowerName) {
    case "normal":
      return ClientType.NORMAL;
    case "slave":
    case "replica":
      return ClientType.REPLICA;
    case "pubsub":
      return ClientType.PUBSUB;
    case "master":
    case "primary":
      return ClientType.PRIMARY;
    default:
      return -1;
  }
}

const capaRedirect = new WeakSet<Client>();

/** CLIENT CAPA REDIRECT: the client can follow `-REDIRECT` replies (standalone failover). */
export function setCapaRedirect(c: Client): void {
  capaRedirect.add(c);
}

export function hasCapaRedirect(c: Client): boolean {
  return capaRedirect.has(c);
}

/** Letters the other subsystems set in `client.flags`, in the order CLIENT LIST prints them. */
const ORDER = ["S", "O", "M", "P", "x", "b", "t", "R", "B", "d", "c", "u", "A", "U", "r", "e", "T", "I"];

/** The `flags=` field. */
export function clientFlags(c: Client): string {
  let s = "";
  for (const f of ORDER) {
    let on = c.flags.has(f);
    if (f === "c") on ||= c.closeAfterReply;
    else if (f === "U") on ||= c.conn.unix;
    else if (f === "e") on ||= c.noEvict;
    else if (f === "T") on ||= c.noTouch;
    if (on) s += f;
  }
  return s === "" ? "N" : s;
}

/** Fixed memory a connected client costs besides its buffers (Valkey's client struct and connection). */
const CLIENT_OVERHEAD_BYTES = 640;

/** Descriptors a Valkey server holds before its first client's (stdio, log, event loop, pipes). */
const SERVER_OWN_FDS = 8;
const virtualFds = new WeakMap<Client, number>();

function knownFd(c: Client): number | undefined {
  return c.conn.fd >= 0 ? c.conn.fd : virtualFds.get(c);
}

/** The `fd=` field: the socket's descriptor, or a stable kernel-like number where the runtime hides it. */
export function clientFd(server: Server, c: Client): number {
  const fd = knownFd(c);
  if (fd !== undefined) return fd;
  const used = new Set<number>();
  for (const o of server.clients.values()) {
    const v = knownFd(o);
    if (v !== undefined) used.add(v);
  }
  let next = SERVER_OWN_FDS + server.listeners.length;
  const assign = (x: Client) => {
    while (used.has(next)) next++;
    virtualFds.set(x, next);
    used.add(next);
  };
  for (const o of server.clients.values()) if (knownFd(o) === undefined) assign(o);
  if (!virtualFds.has(c)) assign(c);
  return virtualFds.get(c)!;
}

/** Output layout: [obl, oll, omem] for `total` pending bytes and a reply buffer of `rbs` bytes. */
export function outputLayout(total: number, rbs: number): [obl: number, oll: number, omem: number] {
  const obl = Math.min(total, rbs);
  const omem = total - obl;
  return [obl, omem > 0 ? Math.ceil(omem / REPLY_CHUNK_BYTES) : 0, omem];
}

function argvBytes(argv: readonly Uint8Array[]): number {
  let n = 0;
  for (const a of argv) n += a.length;
  return n;
}

/**
 * The CLIENT LIST line of `c` (without the trailing newline). `call` is the command being executed: its
 * client is shown running it (`cmd=`, `argv-mem=`) and its time is "now".
 */
export function clientInfoLine(server: Server, c: Client, call: CommandCall): string {
  const now = call.now;
  const current = call.client === c;
  const k = clientCounters(server, c);
  const qbuf = c.parser.unconsumedBytes;
  const qfree = c.qb.free(qbuf);
  const argvMem = current ? argvBytes(call.argv) : heldArgvBytes(server, c);
  const rbs = c.writer.size;
  const [obl, oll, omem] = outputLayout(c.outputBytes, server.enforceReplyList ? 0 : rbs);
  const totMem = CLIENT_OVERHEAD_BYTES + qbuf + qfree + argvMem + k.multiMem + rbs + omem + k.trackingMem;
  const nowSec = Math.floor(now / 1000);
  const age = nowSec - Math.floor(c.createdAt / 1000);
  const idle = nowSec - Math.floor(c.lastInteraction / 1000);
  const events = (c.readPaused ? "" : "r") + (c.conn.pendingBytes > 0 ? "w" : "");
  const cmd = current ? call.fullName : c.lastCommand;
  return `id=${c.id} addr=${c.addr} laddr=${c.laddr} fd=${clientFd(server, c)} name=${
    cutAtNul(c.name)
  } age=${age} ` +
    `idle=${idle} flags=${clientFlags(c)} capa=${hasCapaRedirect(c) ? "r" : ""} db=${c.db} sub=${k.sub} ` +
    `psub=${k.psub} ssub=${k.ssub} multi=${k.multi} watch=${k.watch} qbuf=${qbuf} qbuf-free=${qfree} ` +
    `argv-mem=${argvMem} multi-mem=${k.multiMem} rbs=${rbs} rbp=${c.writer.peak} obl=${obl} oll=${oll} omem=${omem} ` +
    `tot-mem=${totMem} events=${events} cmd=${cmd} user=${
      cutAtNul(c.user)
    } redir=${k.redir} resp=${c.resp} ` +
    `lib-name=${cutAtNul(c.libName)} lib-ver=${cutAtNul(c.libVer)} tot-net-in=${c.netIn} ` +
    `tot-net-out=${c.netOut} tot-cmds=${c.totalCommands}`;
}
