/**
 * valkey-server's command line: `[configfile] [--name value [value ...]] ... [-]`, turned into config file
 * lines exactly as Valkey's main() does, so `--port 7000 --save ""` behaves as the lines `port "7000"` and
 * `save ""` appended after the config file.
 *
 * The rules (Valkey 8.1):
 * - `-v` / `--version` or `-h` / `--help` as the first argument: print and exit (the caller does it).
 * - A first argument not starting with `-` is the config file; its absolute path is kept for CONFIG REWRITE.
 * - `-` as the first or the last argument: the config is also read from stdin (after the file).
 * - `--name` starts a new line `name `; `--name value` given as one argument starts the line `name value `.
 * - Any other argument is a value of the current line, quoted (sdscatrepr), so `--bind 127.0.0.1 ::1` gives
 *   `bind "127.0.0.1" "::1" `. After a bare `--name`, the next argument is its value even if it starts
 *   with `--` (`--maxmemory-policy --x` is an error about the value, not two options).
 * - `--save` followed by another option or at the end means `save ""` (no snapshots).
 * - `--sentinel` is a flag without a value (sentinel mode itself is not supported here).
 * - `--test-memory` and `--check-system` are not supported: they become (bad) config lines.
 *
 * @module
 */

import process from "node:process";
import { asciiEqualsIgnoreCase, repr } from "./directives.ts";
import { splitArgsText, trimChars } from "./config_file.ts";

export interface CommandLine {
  /** The config file, as an absolute path (Valkey's getAbsolutePath). */
  configFile?: string;
  /** The options as config lines, to load after the file (and stdin), preceded by "\n". */
  text: string;
  /** `-` was given: read the config from stdin too. */
  stdin?: true;
  /** `-v` / `--version`: print the version and exit 0. */
  version?: true;
  /** `-h` / `--help`: print {@link usage} to stderr and exit 1. */
  help?: true;
}

/**
 * Parses the arguments after the program name. `cwd` (default: the process's) resolves a relative config
 * file path.
 */
export function parseCommandLine(args: readonly string[], cwd: string = process.cwd()): CommandLine {
  const first = args[0];
  if (first === undefined) return { text: "" };
  if (first === "-v" || first === "--version") return { text: "", version: true };
  if (first === "--help" || first === "-h") return { text: "", help: true };

  const result: CommandLine = { text: "" };
  let j = 0;
  if (!first.startsWith("-")) {
    result.configFile = absolutePath(first, cwd);
    j = 1;
  }
  const n = args.length;
  let options = "";
  // False right after a bare `--name`: its value may itself start with `--`.
  let handledLastOption = true;
  for (; j < n; j++) {
    const a = args[j]!;
    if (a === "-" && (j === 0 || j === n - 1)) {
      result.stdin = true;
    } else if (handledLastOption && a.startsWith("--")) {
      if (options.length > 0) options += "\n";
      options += a.slice(2) + " ";
      const words = splitArgsText(a);
      if (words !== null && words.length === 1) {
        // Only the option name: its value comes in the next argument(s).
        handledLastOption = false;
        const next = args[j + 1];
        const nextIsOption = next !== undefined && next.startsWith("--");
        if (asciiEqualsIgnoreCase(a, "--save")) {
          // `--save` with no value (before another option or at the end) is `save ""`.
          if (nextIsOption) {
            options += '""';
            handledLastOption = true;
          } else if (j === n - 1) {
            options += '""';
          }
        } else if (asciiEqualsIgnoreCase(a, "--sentinel") && nextIsOption) {
          handledLastOption = true;
        }
      } else {
        // `--name value` in one argument: the line is complete.
        handledLastOption = true;
      }
    } else {
      options += repr(a) + " ";
      handledLastOption = true;
    }
  }
  result.text = options;
  return result;
}

/**
 * Valkey's getAbsolutePath: trims " \r\n\t"; an absolute path is kept as is; a relative one is joined to
 * `cwd`, each leading "../" removing one trailing component of `cwd` (nothing else is normalised).
 */
export function absolutePath(file: string, cwd: string): string {
  let rel = trimChars(file, " \r\n\t");
  if (rel.startsWith("/")) return rel;
  let abs = cwd;
  if (abs.length > 0 && !abs.endsWith("/")) abs += "/";
  while (rel.length >= 3 && rel.startsWith("../")) {
    rel = rel.slice(3);
    if (abs.length > 1) {
      const cut = abs.lastIndexOf("/", abs.length - 2);
      abs = abs.slice(0, cut + 1);
    }
  }
  return abs + rel;
}

/** The usage text valkey-server prints for `--help`, with `program` in place of `./valkey-server`. */
export function usage(program: string): string {
  const p = program;
  const name = p.replace(/^.*\//, "");
  return [
    `Usage: ${p} [/path/to/${name}.conf] [options] [-]`,
    `       ${p} - (read config from stdin)`,
    `       ${p} -v or --version`,
    `       ${p} -h or --help`,
    "",
    "Examples:",
    `       ${p} (run the server with default conf)`,
    `       echo 'maxmemory 128mb' | ${p} -`,
    `       ${p} /etc/${name}/6379.conf`,
    `       ${p} --port 7777`,
    `       ${p} /etc/my${name}.conf --loglevel verbose -`,
    `       ${p} /etc/my${name}.conf --loglevel verbose`,
    "",
    "",
  ].join("\n");
}
