/**
 * The HELP replies of container commands, in Valkey's shape (networking.c addReplyHelp): a status line
 * `<COMMAND> <subcommand> [<arg> [value] [opt] ...]. Subcommands are:`, one status line per help line, then
 * `HELP` / `    Print this help.`. The command word is the one the client sent, upper-cased.
 *
 * @module
 */

import type { CommandCall } from "../call.ts";
import { bytesToAscii } from "../../util/numbers.ts";

/** Replies a container's help text (the lines between the header and the HELP footer). */
export function replyHelp(call: CommandCall, lines: readonly string[]): void {
  const w = call.reply;
  w.arrayHeader(lines.length + 3);
  w.simple(
    `${bytesToAscii(call.argv[0]!).toUpperCase()} <subcommand> [<arg> [value] [opt] ...]. Subcommands are:`,
  );
  for (const l of lines) w.simple(l);
  w.simple("HELP");
  w.simple("    Print this help.");
}

/**
 * Valkey's addReplySubcommandSyntaxError, for containers that parse their subcommands by hand (DEBUG):
 * `ERR unknown subcommand or wrong number of arguments for '<sub>'. Try <COMMAND> HELP.`
 */
export function subcommandSyntaxError(call: CommandCall): string {
  const sub = call.argv[1]!;
  const nul = sub.indexOf(0);
  // `%.128s`: the C string (up to a NUL) cut to 128 bytes.
  const name = new TextDecoder().decode(sub.subarray(0, Math.min(nul >= 0 ? nul : sub.length, 128)));
  return `ERR unknown subcommand or wrong number of arguments for '${name}'. Try ${
    bytesToAscii(call.argv[0]!).toUpperCase()
  } HELP.`;
}
