/**
 * The connection command family: PING, ECHO, HELLO, AUTH, QUIT, RESET and CLIENT (SELECT is a generic
 * keyspace command). `installClientPause(server)` must run once at startup for CLIENT PAUSE to hold
 * commands; {@link connectionHooks} is where later subsystems plug into RESET, CLIENT LIST, CLIENT UNBLOCK,
 * HELLO and AUTH. `installTracking(server)` wires client-side caching (CLIENT TRACKING).
 *
 * @module
 */

import type { CommandSpec } from "../spec.ts";
import { authSpec } from "./auth.ts";
import { clientSpec } from "./client.ts";
import { helloSpec } from "./hello.ts";
import { echoSpec, pingSpec } from "./ping.ts";
import { quitSpec, resetSpec } from "./reset.ts";

export const connectionCommands: CommandSpec[] = [
  authSpec,
  clientSpec,
  echoSpec,
  helloSpec,
  pingSpec,
  quitSpec,
  resetSpec,
];

export { authenticate, userDirectory } from "./auth.ts";
export { clientInfoLine, ClientType, clientType, hasCapaRedirect } from "./client_info.ts";
export { type ClientCounters, type ConnectionHooks, connectionHooks, type UserDirectory } from "./hooks.ts";
export {
  installClientPause,
  isPausedAction,
  PauseAction,
  type PauseInfo,
  pauseInfo,
  pauseState,
} from "./pause.ts";
export { setProtocol } from "./reset.ts";
export { installTracking, Tracking, TRACKING_CHANNEL, trackingOf } from "./tracking.ts";
