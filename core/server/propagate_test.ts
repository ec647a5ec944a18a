/**
 * The propagation layer in-process: what a feed receives for plain writes, reads, handler rewrites, effects
 * added with alsoPropagate, prevented propagation, nested executions (EXEC) and expiry deletions.
 */

import assert from "node:assert/strict";
import { Config } from "../config/config.ts";
import { nullConnection } from "../net/null.ts";
import { Client } from "./client.ts";
import { Server } from "./server.ts";
import { dispatch } from "../commands/dispatch.ts";
import { coreCommands } from "../commands/all.ts";
import { installTransactions } from "../commands/transaction/mod.ts";
import { encodeCommand, PREVENT, word } from "./propagate.ts";
import type { CommandSpec } from "../commands/spec.ts";

const conn = nullConnection({
  remoteAddress: "127.0.0.1",
  remotePort: 40000,
  localAddress: "127.0.0.1",
  localPort: 6379,
  unix: false,
});

const dec = new TextDecoder();
const enc = new TextEncoder();

/** A test command: writes nothing itself, propagates two effects and prevents its own words. */
const effectsSpec: CommandSpec = {
  name: "test.effects",
  summary: "",
  since: "",
  group: "server",
  arity: 2,
  flags: ["WRITE"],
  parse: "manual",
  handler(call) {
    call.alsoPropagate([enc.encode("SET"), call.argv[1]!, enc.encode("1")]);
    call.alsoPropagate([enc.encode("SET"), call.argv[1]!, enc.encode("2")]);
    call.dirty();
    call.preventPropagation();
    call.reply.ok();
  },
};

async function harness() {
  const config = new Config();
  config.loadText("port 0\nloglevel warning\n", "(test)");
  const server = new Server({ config, commands: [...coreCommands(), effectsSpec] });
  installTransactions(server);
  await server.start();
  const client = new Client(1, conn, 512 * 1024 * 1024, false, Date.now());
  const fed: string[] = [];
  server.propagation.feeds.push((db, argv) => fed.push(`${db}:${argv.map((a) => dec.decode(a)).join(" ")}`));
  const run = (...argv: string[]) => {
    dispatch(server, client, argv.map((a) => enc.encode(a)));
    client.writer.take();
  };
  const take = () => fed.splice(0);
  return { server, run, take };
}

Deno.test("writes are fed with their db, reads and failed no-op writes are not", async () => {
  const h = await harness();
  try {
    h.run("SET", "a", "1");
    h.run("GET", "a");
    h.run("DEL", "missing");
    h.run("SELECT", "2");
    h.run("RPUSH", "l", "x");
    assert.deepEqual(h.take(), ["0:SET a 1", "2:RPUSH l x"]);
  } finally {
    await h.server.stop();
  }
});

Deno.test("handler rewrites replace the words; EXPIRE becomes PEXPIREAT with the absolute time", async () => {
  const h = await harness();
  try {
    h.run("SET", "a", "1");
    h.take();
    const before = Date.now();
    h.run("EXPIRE", "a", "10");
    const [line] = h.take();
    const m = /^0:PEXPIREAT a (\d+)$/.exec(line!);
    assert.ok(m !== null, String(line));
    const when = Number(m[1]);
    // The command time is the server's cached clock (a few ms of tolerance).
    assert.ok(when >= before + 10000 - 50 && when <= Date.now() + 10000, `${when - before}`);
    h.run("INCRBYFLOAT", "f", "0.5");
    assert.deepEqual(h.take(), ["0:SET f 0.5 KEEPTTL"]);
  } finally {
    await h.server.stop();
  }
});

Deno.test("several effects of one command are wrapped in MULTI/EXEC (db -1 for the markers)", async () => {
  const h = await harness();
  try {
    h.run("TEST.EFFECTS", "k");
    assert.deepEqual(h.take(), ["-1:MULTI", "0:SET k 1", "0:SET k 2", "-1:EXEC"]);
  } finally {
    await h.server.stop();
  }
});

Deno.test("EXEC propagates its writes once, wrapped only when there are several", async () => {
  const h = await harness();
  try {
    h.run("MULTI");
    h.run("SET", "a", "1");
    h.run("GET", "a");
    h.run("EXEC");
    assert.deepEqual(h.take(), ["0:SET a 1"]);
    h.run("MULTI");
    h.run("SET", "a", "2");
    h.run("SELECT", "1");
    h.run("SET", "b", "3");
    h.run("EXEC");
    assert.deepEqual(h.take(), ["-1:MULTI", "0:SET a 2", "1:SET b 3", "-1:EXEC"]);
  } finally {
    await h.server.stop();
  }
});

Deno.test("a key expired by a write's lookup is deleted first, in the same unit", async () => {
  const h = await harness();
  try {
    h.server.config.set([["lazyfree-lazy-expire", "no"]]);
    h.run("DEBUG", "SET-ACTIVE-EXPIRE", "0");
    h.run("SET", "k", "v", "PXAT", String(Date.now() + 5));
    h.take();
    await new Promise((r) => setTimeout(r, 20));
    h.run("SET", "k", "w");
    assert.deepEqual(h.take(), ["-1:MULTI", "0:DEL k", "0:SET k w", "-1:EXEC"]);
  } finally {
    await h.server.stop();
  }
});

Deno.test("without a feed nothing is recorded", async () => {
  const config = new Config();
  config.loadText("port 0\nloglevel warning\n", "(test)");
  const server = new Server({ config, commands: coreCommands() });
  await server.start();
  try {
    const client = new Client(1, conn, 512 * 1024 * 1024, false, Date.now());
    dispatch(server, client, [enc.encode("SET"), enc.encode("a"), enc.encode("1")]);
    assert.equal(server.propagation.active, false);
    assert.equal(server.propagation.replOffset, 0);
    assert.equal(client.call.propArgv, undefined);
  } finally {
    await server.stop();
  }
});

Deno.test("encodeCommand writes a RESP array of bulk strings; PREVENT is empty", () => {
  assert.equal(
    dec.decode(encodeCommand([enc.encode("SET"), enc.encode("k"), word(12)])),
    "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$2\r\n12\r\n",
  );
  assert.equal(dec.decode(encodeCommand([new Uint8Array(0)])), "*1\r\n$0\r\n\r\n");
  assert.equal(PREVENT.length, 0);
});
