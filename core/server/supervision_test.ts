import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import process from "node:process";
import { Logger } from "./log.ts";
import { Supervision } from "./supervision.ts";
import { unixDatagramSender } from "../net/epoll.ts";
import { NotifySocket } from "../../tests/helpers/notify_socket.ts";

const linux = process.platform === "linux";

/** A logger that keeps its lines (file: /dev/null, so nothing reaches the test's output). */
function quietLogger(): { log: Logger; lines: string[] } {
  const log = new Logger();
  log.level = "verbose";
  log.file = "/dev/null";
  const lines: string[] = [];
  log.sink = (l) => lines.push(l.replace(/^\d+:\w \d+ \w+ \d+ [\d:.]+ . /, "").trimEnd());
  return { log, lines };
}

/** Runs fn with environment variables set (undefined: unset), restoring them after. */
async function withEnv(vars: Record<string, string | undefined>, fn: () => Promise<void>): Promise<void> {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  const apply = (v: Record<string, string | undefined>) => {
    for (const [k, x] of Object.entries(v)) {
      if (x === undefined) delete process.env[k];
      else process.env[k] = x;
    }
  };
  apply(vars);
  try {
    await fn();
  } finally {
    apply(saved);
  }
}

Deno.test({
  name: "auto finds systemd by NOTIFY_SOCKET, and messages reach the socket in order",
  ignore: !linux,
  fn: async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "valkyr-sup-"));
    const sock = (await NotifySocket.open(path.join(dir, "n")))!;
    try {
      await withEnv({ NOTIFY_SOCKET: sock.path, UPSTART_JOB: undefined }, async () => {
        const { log, lines } = quietLogger();
        const s = new Supervision(log);
        await s.detect("auto");
        assert.equal(s.mode, "systemd");
        s.notify("READY=1\n");
        sock.close();
        assert.deepEqual(sock.messages, ["STATUS=Valkyr is loading...\n", "READY=1\n"]);
        assert.equal(lines[0], "Systemd supervision detected.");
        assert.match(lines[1]!, /^Supervised by systemd\./);
      });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
});

Deno.test({
  name:
    "a NOTIFY_SOCKET nobody listens on, or not a path, leaves the server unsupervised with sd_notify's errno",
  ignore: !linux,
  fn: async () => {
    for (const [socket, errno] of [["/nonexistent/notify", -2], ["relative", -22], ["", -22]] as const) {
      await withEnv({ NOTIFY_SOCKET: socket }, async () => {
        const { log, lines } = quietLogger();
        const s = new Supervision(log);
        await s.detect("systemd");
        assert.equal(s.mode, "no");
        assert.deepEqual(lines, [`systemd supervision error: sd_notify: ${errno}`]);
        s.notify("READY=1\n"); // not supervised: nothing is sent or logged
        assert.equal(lines.length, 1);
      });
    }
  },
});

Deno.test({
  name: "no mode, or auto with nothing to find, does nothing",
  fn: async () => {
    await withEnv({ NOTIFY_SOCKET: undefined, UPSTART_JOB: undefined }, async () => {
      for (const mode of ["no", "auto"]) {
        const { log, lines } = quietLogger();
        const s = new Supervision(log);
        await s.detect(mode);
        assert.equal(s.mode, "no");
        assert.deepEqual(lines, []);
      }
    });
  },
});

Deno.test({
  name: "unixDatagramSender refuses names that are not absolute or abstract, or too long for sun_path",
  ignore: !linux,
  fn: async () => {
    const send = await unixDatagramSender();
    const msg = new TextEncoder().encode("x");
    assert.equal(send("relative/path", msg), -22);
    assert.equal(send(`/${"a".repeat(107)}`, msg), -22);
    // An abstract name nobody bound: ECONNREFUSED.
    assert.equal(send(`@valkyr-test-${process.pid}-${Date.now()}`, msg), -111);
  },
});

Deno.test("the pid file: written when set, removed once, a write failure is a warning", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "valkyr-sup-"));
  try {
    const { log, lines } = quietLogger();
    const s = new Supervision(log);
    s.writePidFile(null);
    assert.equal(s.pidFile, null, "not daemonized and no pidfile: none");
    const file = path.join(dir, "p.pid");
    s.writePidFile(file);
    assert.equal(fs.readFileSync(file, "utf8"), `${process.pid}\n`);
    s.removePidFile();
    s.removePidFile();
    assert.ok(!fs.existsSync(file));
    assert.deepEqual(lines, ["Removing the pid file."]);
    s.writePidFile(path.join(dir, "missing", "p.pid"));
    assert.deepEqual(lines.slice(1), ["Failed to write PID file: No such file or directory"]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
