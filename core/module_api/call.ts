/**
 * `ctx.call(command, args, flags)`: a module runs a command and gets its reply as a value (Valkey's
 * ValkeyModule_Call). The command runs on a temporary client, as in Valkey:
 *
 * - It sees the caller's database; its protocol is RESP2, or RESP3 with flag `3`, or the caller's with `0`.
 * - It may not block (a blocking command answers as on timeout, as inside MULTI), and its effects are not
 *   propagated to the AOF unless flag `!` asks for it (`A` then leaves the AOF out; `R`, replicas, is
 *   accepted: there are none). Without `!`, nothing a nested command propagates is recorded either.
 * - The checks the dispatcher makes for clients are not made, except those the flags ask for, in Valkey's
 *   order: the lookup and arity, `S` (script mode: no `noscript` command, and no write while writes are
 *   refused: too few replicas, a failed save or AOF write), `M` (no `denyoom` command while the server was
 *   out of memory when the caller's command began), `W` (no write command), `C` (the caller's user's ACL;
 *   a denial is logged in ACL LOG's `module` context). `D` stops after the checks (dry run).
 * - A failed check returns null and sets `ctx.callErrno` (ENOENT, EINVAL, ESPIPE, ENOSPC, EACCES, ...);
 *   with flag `E` it returns the error as an error reply instead, with Valkey's texts.
 * - Errors inside the reply are not counted in INFO errorstats (nor the command's failed calls) when they
 *   happen, but when the module sends the reply on with `ctx.reply.callReply()` (Valkey's deferred errors).
 *
 * Flag `K` (blocking calls answered later) is not supported: a call with it fails with errno ENOTSUP.
 *
 * @module
 */

import type { CommandCall } from "../commands/call.ts";
import { execute } from "../commands/dispatch.ts";
import { ERR_OOM } from "../commands/errors.ts";
import { nullConnection } from "../net/null.ts";
import { parseReply } from "../resp/reply_parser.ts";
import { Client } from "../server/client.ts";
import type { CallReply } from "./types.ts";

const FLAGS = new Set(["!", "A", "R", "3", "0", "C", "S", "W", "M", "E", "D"]);

/** Errors a reply carried, counted once the module forwards the reply (see the head). */
export const DEFERRED_ERRORS: WeakMap<CallReply, string[]> = new WeakMap();

const encoder = new TextEncoder();

export interface CallOutcome {
  reply: CallReply | null;
  errno: string;
}

/** A module's argument as bytes: strings UTF-8 encoded, numbers in decimal. */
export function argBytes(a: string | Uint8Array | number | bigint): Uint8Array {
  if (a instanceof Uint8Array) return a;
  return encoder.encode(typeof a === "string" ? a : String(a));
}

/** Valkey's callReplyCreateError: a message without its code gets `ERR `. */
function errorReply(msg: string): CallReply {
  const text = /^[A-Z]+ /.test(msg) || msg.startsWith("-") ? msg.replace(/^-/, "") : `ERR ${msg}`;
  const clean = text.replace(/[\r\n]+$/, "");
  return { type: "error", value: clean, proto: encoder.encode(`-${clean}\r\n`) };
}

/** Runs `command` for the module command being executed by `caller` (see the head). */
export function moduleCall(
  caller: CommandCall,
  command: string | Uint8Array,
  args: readonly (string | Uint8Array | number | bigint)[],
  flags: string,
): CallOutcome {
  const server = caller.server;
  for (const f of flags) if (!FLAGS.has(f)) return { reply: null, errno: f === "K" ? "ENOTSUP" : "EBADF" };
  const asErrors = flags.includes("E");
  const fail = (errno: string, msg: string): CallOutcome => ({
    reply: asErrors ? errorReply(msg) : null,
    errno,
  });
  const argv = [argBytes(command), ...args.map(argBytes)];
  const client = new Client(0, nullConnection(), Number.MAX_SAFE_INTEGER, false, caller.now);
  client.db = caller.client.db;
  client.resp = flags.includes("3") ? 3 : flags.includes("0") ? caller.client.resp : 2;
  client.writer.proto = client.resp;
  const resolved = server.commands.resolve(argv);
  if ("error" in resolved) {
    // An unknown command or subcommand, or a wrong number of arguments.
    return fail(resolved.spec === undefined ? "ENOENT" : "EINVAL", resolved.error);
  }
  const spec = resolved.spec;
  const cmdFlags = spec.flags;
  const isWrite = cmdFlags.includes("WRITE");
  if (flags.includes("S") && cmdFlags.includes("NOSCRIPT")) {
    return fail("ESPIPE", `command '${resolved.fullName}' is not allowed on script mode`);
  }
  if (flags.includes("M") && server.config.getInt("maxmemory") > 0 && cmdFlags.includes("DENYOOM")) {
    if (server.preCommandOom) return fail("ENOSPC", ERR_OOM);
  }
  if (flags.includes("W") && isWrite) {
    return fail("ENOSPC", `Write command '${resolved.fullName}' was called while write is not allowed.`);
  }
  if (flags.includes("S") && isWrite) {
    for (const why of server.writeDenials) {
      const denied = why();
      if (denied !== null) return fail("ESPIPE", denied);
    }
  }
  const call = client.call.begin(server, client, argv, spec, resolved.fullName, caller.now);
  // Cannot block: blocking commands answer at once, as inside MULTI (Valkey's deny_blocking).
  call.inExec = true;
  if (flags.includes("C")) {
    client.access = caller.client.access;
    client.user = caller.client.user;
    if (!client.access.unrestricted && server.permissionCheck !== null) {
      const denied = server.permissionCheck(call, resolved, { call: caller, context: "module" });
      if (denied !== null) return fail("EACCES", denied);
    }
  }
  if (flags.includes("D")) return { reply: null, errno: "" };
  const errors: string[] = [];
  client.deferredErrors = errors;
  const prop = server.propagation;
  const allowedBefore = prop.allowed;
  prop.allowed = allowedBefore && flags.includes("!") && !flags.includes("A");
  try {
    execute(call, resolved.argStart, performance.now(), resolved.stats);
  } finally {
    prop.allowed = allowedBefore;
  }
  const bytes = client.writer.take();
  // A command that sent no reply (CLIENT REPLY OFF through ctx.call) has nothing to give back.
  if (bytes.length === 0) return { reply: null, errno: "ENODATA" };
  const { reply } = parseReply(bytes);
  if (errors.length > 0) DEFERRED_ERRORS.set(reply, errors);
  return { reply, errno: "" };
}
