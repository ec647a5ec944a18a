/**
 * Keyspace notifications (Valkey's notify.c, behaviour only): every event a command emits through
 * `call.notify(cls, event, key, dbId)` is published, when `notify-keyspace-events` enables its class, as
 *
 *     __keyspace@<db>__:<key>   with the event name as the message   (flag K)
 *     __keyevent@<db>__:<event> with the key as the message          (flag E)
 *
 * in that order, to channel and pattern subscribers (never to shard channels).
 *
 * @module
 */

import { NOTIFY } from "../../config/directives.ts";
import type { Server } from "../../server/server.ts";
import type { EventClass } from "../call.ts";
import type { PubSub } from "./state.ts";

/** The `notify-keyspace-events` bit of each event class letter. */
export const EVENT_CLASS_BITS: Readonly<Record<EventClass, number>> = {
  g: NOTIFY.GENERIC,
  $: NOTIFY.STRING,
  l: NOTIFY.LIST,
  s: NOTIFY.SET,
  h: NOTIFY.HASH,
  z: NOTIFY.ZSET,
  x: NOTIFY.EXPIRED,
  e: NOTIFY.EVICTED,
  t: NOTIFY.STREAM,
  m: NOTIFY.KEY_MISS,
  d: NOTIFY.MODULE,
  n: NOTIFY.NEW,
};

const encoder = new TextEncoder();

/** `prefix` bytes followed by `tail`. */
function concat(prefix: Uint8Array, tail: Uint8Array): Uint8Array {
  const out = new Uint8Array(prefix.length + tail.length);
  out.set(prefix, 0);
  out.set(tail, prefix.length);
  return out;
}

const keyspacePrefixes: Uint8Array[] = [];
const eventPrefixes: Uint8Array[] = [];

function keyspacePrefix(dbId: number): Uint8Array {
  return keyspacePrefixes[dbId] ??= encoder.encode(`__keyspace@${dbId}__:`);
}

function eventPrefix(dbId: number): Uint8Array {
  return eventPrefixes[dbId] ??= encoder.encode(`__keyevent@${dbId}__:`);
}

/**
 * Publishes the notifications of one event as the configured `flags` (a `notify-keyspace-events` bit
 * set) ask. Returns how many messages were built (0 when the class is off or nothing is enabled).
 */
export function publishKeyspaceEvent(
  pubsub: PubSub,
  flags: number,
  cls: EventClass,
  event: string,
  key: Uint8Array,
  dbId: number,
): number {
  if ((flags & EVENT_CLASS_BITS[cls]) === 0) return 0;
  let sent = 0;
  const eventBytes = encoder.encode(event);
  if ((flags & NOTIFY.KEYSPACE) !== 0) {
    pubsub.publish(concat(keyspacePrefix(dbId), key), eventBytes, false);
    sent++;
  }
  if ((flags & NOTIFY.KEYEVENT) !== 0) {
    pubsub.publish(concat(eventPrefix(dbId), eventBytes), key, false);
    sent++;
  }
  return sent;
}

/** Subscribes the server's keyspace-event stream to Pub/Sub delivery. */
export function installKeyspaceNotifications(server: Server, pubsub: PubSub): void {
  server.keyspaceEventListeners.push((cls, event, key, dbId) => {
    // Nobody listens: nothing observable can happen (modules would be notified elsewhere).
    if (pubsub.idle) return;
    const flags = server.config.getNotifyKeyspaceEvents();
    if (flags === 0) return;
    publishKeyspaceEvent(pubsub, flags, cls, event, key, dbId);
  });
}
