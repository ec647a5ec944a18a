/**
 * The Pub/Sub family: channel, pattern and shard-channel subscriptions, PUBLISH / SPUBLISH, PUBSUB
 * introspection, and keyspace notifications. `installPubSub(server)` wires the subscribed-context gate,
 * the cleanup hooks and keyspace notifications; call it once at startup.
 *
 * @module
 */

import type { CommandSpec } from "../spec.ts";
import {
  psubscribeSpec,
  publishSpec,
  pubsubSpec,
  punsubscribeSpec,
  spublishSpec,
  ssubscribeSpec,
  subscribeSpec,
  sunsubscribeSpec,
  unsubscribeSpec,
} from "./commands.ts";

export {
  installPubSub,
  pubsubChannelCount,
  pubsubClientCount,
  pubsubPatternCount,
  pubsubShardChannelCount,
} from "./install.ts";
export { EVENT_CLASS_BITS, publishKeyspaceEvent } from "./notify.ts";
export { PubSub, pubsubState } from "./state.ts";

export const pubsubCommands: CommandSpec[] = [
  subscribeSpec,
  unsubscribeSpec,
  psubscribeSpec,
  punsubscribeSpec,
  publishSpec,
  pubsubSpec,
  ssubscribeSpec,
  sunsubscribeSpec,
  spublishSpec,
];
