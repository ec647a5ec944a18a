/**
 * CONFIG SET port / bind take effect at once, as Valkey's changeListener: the server listens on the new
 * address (connected clients stay), and an address it cannot listen on is refused with Valkey's apply
 * error while the old one keeps serving. Replies compared with valkey-server 8.1.1.
 */

import assert from "node:assert/strict";
import { freePort, startServer } from "../helpers/server.ts";
import { RawConn } from "../helpers/raw.ts";
import { assertError } from "../helpers/suite.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };

async function refused(port: number): Promise<boolean> {
  try {
    const c = await Deno.connect({ hostname: "127.0.0.1", port });
    c.close();
    return false;
  } catch {
    return true;
  }
}

Deno.test({
  name: "CONFIG SET port moves the listener; a busy port or an unusable bind address is refused",
  ...opts,
  fn: async () => {
    const srv = await startServer();
    const c = await RawConn.connect(srv.port);
    try {
      const next = await freePort();
      assert.equal(await c.call("CONFIG", "SET", "port", String(next)), "OK");
      // The connection that asked stays; new ones go to the new port only.
      assert.equal(await c.call("PING"), "PONG");
      assert.ok(await refused(srv.port), "the old port no longer listens");
      const d = await RawConn.connect(next);
      assert.equal(await d.call("PING"), "PONG");
      d.close();

      const busy = Deno.listen({ hostname: "127.0.0.1", port: await freePort() });
      const before = await c.call("CONFIG", "GET", "maxmemory", "client-query-buffer-limit");
      try {
        assertError(
          await c.call("CONFIG", "SET", "port", String(busy.addr.port)),
          "ERR CONFIG SET failed (possibly related to argument 'port') - Unable to listen on this port. Check server logs.",
        );
        // Every config of the call is rolled back, not only the port (Valkey's "CONFIG SET rollback on
        // apply error").
        assertError(
          await c.call(
            "CONFIG",
            "SET",
            "maxmemory",
            "10000001",
            "port",
            String(busy.addr.port),
            "client-query-buffer-limit",
            "10m",
          ),
          "ERR CONFIG SET failed (possibly related to argument 'port') - Unable to listen on this port. Check server logs.",
        );
      } finally {
        busy.close();
      }
      assert.deepEqual(await c.call("CONFIG", "GET", "maxmemory", "client-query-buffer-limit"), before);
      assert.deepEqual(await c.call("CONFIG", "GET", "port"), ["port", String(next)]);
      const e = await RawConn.connect(next);
      assert.equal(await e.call("PING"), "PONG");
      e.close();

      // 192.0.2.1 (TEST-NET-1) is not an address of this machine.
      assertError(
        await c.call("CONFIG", "SET", "bind", "192.0.2.1"),
        "ERR CONFIG SET failed (possibly related to argument 'bind') - Failed to bind to specified addresses.",
      );
      const f = await RawConn.connect(next);
      assert.equal(await f.call("PING"), "PONG");
      f.close();
      assert.equal(await c.call("CONFIG", "SET", "bind", "127.0.0.1 -::1"), "OK");
      assert.deepEqual(await c.call("CONFIG", "GET", "bind"), ["bind", "127.0.0.1 -::1"]);
      const g = await RawConn.connect(next);
      assert.equal(await g.call("PING"), "PONG");
      g.close();
    } finally {
      c.close();
      await srv.stop();
    }
  },
});
