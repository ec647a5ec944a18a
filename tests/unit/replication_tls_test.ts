/**
 * Replication over TLS (`tls-replication yes`): the replica connects to its primary's TLS port with the
 * client side of its own TLS context (`tls-client-cert-file`/`-key-file`, else its server pair) and
 * verifies the primary's certificate against `tls-ca-cert-file`; a primary it cannot verify is never
 * synced from (the link stays down, retried), and neither server stops serving.
 *
 * Both servers are of the target kind (startTargetServer). Expectations are valkey-server 8.1.1's; the
 * file passes against Debian's redis-server 7.0 (built with TLS) too.
 */

import assert from "node:assert/strict";
import * as fs from "node:fs";
import { Valkey } from "iovalkey";
import { freePort, target } from "../helpers/server.ts";
import {
  call,
  inSync,
  linkStatus,
  linkUp,
  slaveLine,
  startTargetServer,
  type TargetProcess,
  waitFor,
} from "../helpers/replica.ts";
import { tlsPath, tlsServerArgs } from "../helpers/tls.ts";
import { sleep } from "../helpers/timing.ts";

const opts = { sanitizeOps: false, sanitizeResources: false, ignore: target() === "external" };

/** The client pair a replica presents (client.crt allows client authentication). */
const CLIENT_PAIR = [
  "--tls-client-cert-file",
  tlsPath("client.crt"),
  "--tls-client-key-file",
  tlsPath("client.key"),
];

async function client(port: number): Promise<Valkey> {
  const c = new Valkey({ host: "127.0.0.1", port, lazyConnect: true, maxRetriesPerRequest: 0 });
  c.on("error", () => {});
  await c.connect();
  return c;
}

async function withServers(fn: (start: (extra: string[]) => Promise<TargetProcess>) => Promise<void>) {
  const procs: TargetProcess[] = [];
  try {
    await fn(async (extra) => {
      const s = await startTargetServer(["--repl-diskless-sync-delay", "0", ...extra]);
      procs.push(s);
      return s;
    });
  } finally {
    await Promise.all(procs.map((s) => s.stop()));
    for (const s of procs) fs.rmSync(s.dir, { recursive: true, force: true });
  }
}

Deno.test({
  name: "tls-replication yes: the replica syncs over the primary's TLS port and follows its stream",
  ...opts,
  fn: () =>
    withServers(async (start) => {
      const tlsPort = await freePort();
      const primary = await start(tlsServerArgs(tlsPort));
      const p = await client(primary.port);
      assert.equal(await call(p, "SET", "before", "1"), "OK");
      const replicaTlsPort = await freePort();
      const replica = await start([
        ...tlsServerArgs(replicaTlsPort),
        ...CLIENT_PAIR,
        "--tls-replication",
        "yes",
        "--replicaof",
        "127.0.0.1",
        String(tlsPort),
      ]);
      const r = await client(replica.port);
      try {
        await linkUp(r);
        await inSync(p, r);
        assert.equal(await call(r, "GET", "before"), "1");
        // A TLS replica announces its TLS port (its replicas, and FAILOVER TO, reach it there).
        await waitFor(
          "the primary to list the replica online at its TLS port",
          async () => /,state=online,/.test((await slaveLine(p, replicaTlsPort)) ?? ""),
        );
        for (let i = 0; i < 50; i++) assert.equal(await call(p, "SET", `k${i}`, "v".repeat(i)), "OK");
        await inSync(p, r);
        assert.equal(await call(r, "GET", "k49"), "v".repeat(49));
        assert.equal(await call(r, "DEBUG", "DIGEST"), await call(p, "DEBUG", "DIGEST"));
      } finally {
        p.disconnect();
        r.disconnect();
      }
    }),
});

Deno.test({
  name: "tls-replication yes: a primary whose certificate does not verify is never synced from",
  ...opts,
  fn: () =>
    withServers(async (start) => {
      const tlsPort = await freePort();
      const primary = await start(tlsServerArgs(tlsPort));
      const p = await client(primary.port);
      assert.equal(await call(p, "SET", "secret", "1"), "OK");
      // The replica trusts another authority only.
      const replica = await start([
        "--tls-port",
        "0",
        "--tls-cert-file",
        tlsPath("server.crt"),
        "--tls-key-file",
        tlsPath("server.key"),
        "--tls-ca-cert-file",
        tlsPath("other-ca.crt"),
        ...CLIENT_PAIR,
        "--tls-replication",
        "yes",
        "--replicaof",
        "127.0.0.1",
        String(tlsPort),
      ]);
      const r = await client(replica.port);
      try {
        await sleep(2500);
        assert.equal(await linkStatus(r), "down");
        assert.equal(await call(r, "GET", "secret"), null);
        // Both keep serving.
        assert.equal(await call(r, "PING"), "PONG");
        assert.equal(await call(p, "PING"), "PONG");
        assert.equal(replica.alive(), true);
      } finally {
        p.disconnect();
        r.disconnect();
      }
    }),
});
