import assert from "node:assert/strict";
import * as net from "node:net";
import { Buffer } from "node:buffer";
import { EpollConnection, EpollLoop, formatSockaddr, openLibc, sockaddr } from "./epoll.ts";
import type { ConnectionHandler } from "./types.ts";

Deno.test("sockaddr parses IPv4 and IPv6 literals and formatSockaddr prints them as node:net does", () => {
  const cases: [string, string][] = [
    ["127.0.0.1", "127.0.0.1"],
    ["0.0.0.0", "0.0.0.0"],
    ["::1", "::1"],
    ["::", "::"],
    ["fe80::1:2", "fe80::1:2"],
    ["2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"],
    ["2001:DB8:0:0:0:0:0:1", "2001:db8::1"],
    ["1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8"],
    ["::ffff:10.1.2.3", "10.1.2.3"],
  ];
  for (const [input, printed] of cases) {
    const sa = sockaddr(input, 6379);
    assert.ok(sa !== null, input);
    assert.deepEqual(formatSockaddr(sa), { address: printed, port: 6379 }, input);
  }
  for (const bad of ["1.2.3", "256.1.1.1", "localhost", "1::2::3", "1:2:3:4:5:6:7:8:9", "fe80::1%eth0", ""]) {
    assert.equal(sockaddr(bad, 1), null, bad);
  }
});

const libc = await openLibc();

/** Runs the loop (without blocking) and the event loop in turns until `done()` or 5 s. */
async function pump(loop: EpollLoop, done: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!done()) {
    if (Date.now() > deadline) throw new Error("timed out");
    loop.poll(0);
    await new Promise((r) => setTimeout(r, 1));
  }
}

interface Seen {
  data: string[];
  drains: number;
  closed: number;
}

function recorder(seen: Seen): ConnectionHandler {
  return {
    data: (c) => seen.data.push(new TextDecoder().decode(c)),
    drain: () => seen.drains++,
    closed: () => seen.closed++,
  };
}

Deno.test({
  name: "an epoll loop accepts, reads, writes, pauses, drains and closes like the runtime's sockets",
  ignore: libc === null,
  async fn() {
    const loop = new EpollLoop(libc!);
    const seen: Seen = { data: [], drains: 0, closed: 0 };
    let conn: EpollConnection | undefined;
    const listener = loop.listen({ host: "127.0.0.1", port: 0 }, (c) => {
      conn = c as EpollConnection;
      return recorder(seen);
    });
    assert.ok(listener.port > 0);
    const client = net.connect({ host: "127.0.0.1", port: listener.port });
    const got: Uint8Array[] = [];
    let clientEnded = false;
    client.on("data", (b: Uint8Array) => got.push(b));
    client.on("end", () => (clientEnded = true));
    await pump(loop, () => conn !== undefined);
    assert.equal(conn!.remoteAddress, "127.0.0.1");
    assert.equal(conn!.remotePort, client.localPort);
    assert.equal(conn!.localPort, listener.port);
    assert.ok(conn!.fd > 2);

    client.write("PING\r\n");
    await pump(loop, () => seen.data.join("") === "PING\r\n");

    // A borrowed buffer is copied only for what the kernel did not take.
    const reply = new TextEncoder().encode("+PONG\r\n");
    conn!.writeBorrowed(reply);
    reply.fill(0);
    await pump(loop, () => Buffer.concat(got).toString() === "+PONG\r\n");
    assert.equal(conn!.pendingBytes, 0);

    // Paused: nothing is read until resumed.
    conn!.pauseReading();
    client.write("one");
    await new Promise((r) => setTimeout(r, 50));
    loop.poll(0);
    assert.deepEqual(seen.data, ["PING\r\n"]);
    conn!.resumeReading();
    await pump(loop, () => seen.data.length === 2);
    assert.equal(seen.data[1], "one");

    // A client that does not read: the kernel takes part, the rest waits, then drains.
    client.pause();
    const big = new Uint8Array(16 * 1024 * 1024).fill(120);
    got.length = 0;
    conn!.write(big);
    assert.ok(conn!.pendingBytes > 0, "the kernel cannot take 16 MiB at once");
    assert.equal(seen.drains, 0);
    client.resume();
    await pump(loop, () => seen.drains === 1);
    assert.equal(conn!.pendingBytes, 0);
    await pump(loop, () => got.reduce((n, b) => n + b.length, 0) === big.length);

    // close(): what is queued is sent, then the client sees the end, and closed() is called once.
    got.length = 0;
    conn!.write(new TextEncoder().encode("+BYE\r\n"));
    conn!.close();
    conn!.write(new TextEncoder().encode("dropped"));
    await pump(loop, () => clientEnded);
    assert.equal(Buffer.concat(got).toString(), "+BYE\r\n");
    client.end();
    await pump(loop, () => seen.closed === 1);
    await new Promise((r) => setTimeout(r, 20));
    loop.poll(0);
    assert.equal(seen.closed, 1);

    await listener.close();
    // The port is free again.
    const again = loop.listen({ host: "127.0.0.1", port: listener.port }, () => recorder(seen));
    await again.close();
    client.destroy();
  },
});

Deno.test({
  name: "an epoll connection reports closed() when the peer goes away, also while reading is paused",
  ignore: libc === null,
  async fn() {
    const loop = new EpollLoop(libc!);
    const conns: EpollConnection[] = [];
    const seen: Seen[] = [];
    const listener = loop.listen({ host: "127.0.0.1", port: 0, reusePort: true, keepAlive: 300 }, (c) => {
      conns.push(c as EpollConnection);
      const s: Seen = { data: [], drains: 0, closed: 0 };
      seen.push(s);
      return recorder(s);
    });
    const a = net.connect({ host: "127.0.0.1", port: listener.port });
    const b = net.connect({ host: "127.0.0.1", port: listener.port });
    await pump(loop, () => conns.length === 2);
    conns[1]!.pauseReading();
    a.end();
    b.resetAndDestroy();
    await pump(loop, () => seen[0]!.closed === 1 && seen[1]!.closed === 1);
    // destroy() after the fact does nothing more.
    conns[0]!.destroy();
    loop.poll(0);
    assert.equal(seen[0]!.closed, 1);
    await listener.close();
  },
});

Deno.test({
  name: "an epoll loop is woken through its eventfd from another thread's write",
  ignore: libc === null,
  fn() {
    const loop = new EpollLoop(libc!);
    loop.woken = false;
    EpollLoop.wake(libc!, loop.wakeFd);
    const t0 = Date.now();
    loop.poll(2000);
    assert.ok(loop.woken);
    assert.ok(Date.now() - t0 < 1000);
    loop.woken = false;
    loop.poll(0);
    assert.equal(loop.woken, false, "the eventfd was read");
  },
});
