/**
 * The unix socket's directives (Valkey's anetListen): `unixsocketperm` sets its mode and `unixsocketgroup`
 * its group (a name getgrnam knows); an unknown group stops the start with Valkey's log line. Redis 7.0 has
 * no `unixsocketgroup` (Valkey-only there).
 */

import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import process from "node:process";
import { isValkeyLike, startServer, target } from "../helpers/server.ts";

const opts = { sanitizeOps: false, sanitizeResources: false, ignore: target() === "external" };

/** The name of this process's group in /etc/group (the server runs as the same user), or null. */
function ownGroupName(): string | null {
  const gid = process.getgid?.();
  if (gid === undefined) return null;
  for (const line of fs.readFileSync("/etc/group", "latin1").split("\n")) {
    const f = line.split(":");
    if (f.length >= 3 && Number(f[2]) === gid && f[2] !== "") return f[0]!;
  }
  return null;
}

function ping(sock: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ path: sock }, () => s.write("PING\r\n"));
    s.once("data", (d) => {
      resolve(d.toString("latin1"));
      s.end();
    });
    s.once("error", reject);
  });
}

Deno.test({
  name: "unixsocketperm and unixsocketgroup set the unix socket's mode and group",
  ...opts,
  fn: async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "valkyr-unix-"));
    const sock = path.join(dir, "s.sock");
    const group = isValkeyLike() ? ownGroupName() : null;
    const args = ["--unixsocket", sock, "--unixsocketperm", "710"];
    if (group !== null) args.push("--unixsocketgroup", group);
    const srv = await startServer(args);
    try {
      const st = fs.statSync(sock);
      assert.equal(st.mode & 0o777, 0o710);
      if (group !== null) assert.equal(st.gid, process.getgid!());
      assert.equal(await ping(sock), "+PONG\r\n");
    } finally {
      await srv.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
});

Deno.test({
  name: "an unknown unixsocketgroup stops the start with Valkey's getgrnam error",
  ...opts,
  ignore: opts.ignore || !isValkeyLike(),
  fn: async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "valkyr-unix-"));
    try {
      await assert.rejects(
        startServer(["--unixsocket", path.join(dir, "s.sock"), "--unixsocketgroup", "no-such-group-x"]),
        /Failed opening Unix socket: getgrnam error for group 'no-such-group-x': Success/,
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
});
