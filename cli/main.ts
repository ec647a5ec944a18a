/**
 * `valkyr [/path/to/valkyr.conf] [--port 6379] [--name value ...]`: the valkey-server-like entry point.
 *
 * @module
 */

import process from "node:process";
import { parseCommandLine } from "../core/config/command_line.ts";
import { ConfigError } from "../core/config/config.ts";
import { strerror } from "../core/config/directives.ts";
import { readTextFile } from "../core/runtime/files.ts";
import { startServer } from "../mod.ts";
import { runtimeVersion } from "../core/net/mod.ts";
import { VALKEY_VERSION, VALKYR_VERSION } from "../core/server/version.ts";
import { LoggedError, Logger } from "../core/server/log.ts";
import { Daemonized } from "../core/server/supervision.ts";
import type { ModuleManifest } from "../core/module_api/mod.ts";
import { manifest as bloom } from "../modules/bloom/mod.ts";
import { manifest as conditionalSet } from "../modules/conditional_set/mod.ts";
import { manifest as json } from "../modules/json/mod.ts";

/**
 * First-party modules compiled into the executable, loaded at start unless the `builtin-modules` directive
 * says otherwise (`builtin-modules none`, or a list of names). A first-party module adds itself here with
 * one import and one entry; it uses nothing a user's module could not use.
 */
const BUILTIN_MODULES: ModuleManifest[] = [
  bloom,
  conditionalSet,
  json,
];

const USAGE = `Usage: valkyr [/path/to/valkyr.conf] [options] [-]
       valkyr - (read config from stdin)
       valkyr -v or --version
       valkyr -h or --help

Examples:
       valkyr (run the server with default config)
       valkyr /etc/valkyr/6379.conf
       valkyr --port 7777
       valkyr --port 7777 --replicaof 127.0.0.1 8888
       valkyr /etc/myvalkyr.conf --loglevel verbose -
       valkyr /etc/myvalkyr.conf --loglevel verbose

Any configuration directive of valkey.conf that Valkyr supports can be given as --name value.
Modules: --loadmodule /path/module.ts [args]; --builtin-modules "none" | "all" | "<name> ...".
`;

async function main(argv: string[]): Promise<number> {
  const cl = parseCommandLine(argv);
  if (cl.version) {
    console.log(
      `Valkyr server v=${VALKYR_VERSION} (Valkey ${VALKEY_VERSION} compatible) runtime=${runtimeVersion()} bits=64`,
    );
    return 0;
  }
  if (cl.help) {
    console.error(USAGE);
    return 1;
  }
  // Valkey logs what stops its start as log lines, with the log settings of the config once it is loaded
  // (the server applies them to this logger); a config file that cannot be read is logged with the
  // defaults. Only a fatal config error is printed bare, on standard error.
  const logger = new Logger();
  let text = "";
  try {
    if (cl.configFile !== undefined) text = cl.configFile === "-" ? "" : readTextFile(cl.configFile);
  } catch (e) {
    logger.warning(`Fatal error, can't open config file '${cl.configFile}': ${strerror(e)}`);
    return 1;
  }
  let stdinText = "";
  if (cl.stdin) stdinText = await new Response(process.stdin as unknown as ReadableStream).text();
  try {
    const s = await startServer({
      configText: `${text}\n${stdinText}\n${cl.text}`,
      ...(cl.configFile !== undefined && cl.configFile !== "-" ? { configFile: cl.configFile } : {}),
      logger,
      handleSignals: true,
      onShutdown: (code) => process.exit(code),
      // Valkey's {title} is its argv[0]; Valkyr's is its name, whatever runs it (deno, bun, the executable).
      procTitle: "valkyr",
      modules: BUILTIN_MODULES,
      mayDaemonize: true,
    });
    await s.stopped;
    return 0;
  } catch (e) {
    // `daemonize yes`: the server goes on in a background copy of this process (Valkey's parent exits 0).
    if (e instanceof Daemonized) process.exit(0);
    if (e instanceof ConfigError) {
      console.error(e.message);
      return 1;
    }
    if (!(e instanceof LoggedError)) logger.warning((e as Error).message);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
