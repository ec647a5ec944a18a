/**
 * The command line, as valkey-server's: --version, --help, a config file with `include` and options after
 * it, fatal config errors, Valkey-style log lines, clean shutdown on SIGTERM/SIGINT, and `deno task start`
 * passing flags through.
 */

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import process from "node:process";
import {
  freePort,
  isValkeyLike,
  isValkyr,
  ROOT,
  serverCommand,
  target,
  waitReady,
} from "../helpers/server.ts";
import { RawConn } from "../helpers/raw.ts";
import { NotifySocket } from "../helpers/notify_socket.ts";
import { waitForLog, waitUntil } from "../helpers/timing.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };
const own = target() !== "external";

function run(args: string[]): { code: number | null; out: string } {
  const [cmd, full] = serverCommand(args);
  const r = spawnSync(cmd, full, { cwd: ROOT, encoding: "utf8", timeout: 30000 });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

/**
 * Starts the server with `args`, returns a handle with its output and its exit code. (Deno.Command, not
 * node:child_process: Deno's emulation of the latter reports a signal instead of the exit code of a process
 * that handled the signal and exited.) The server gets `--dir` of its own (removed once it exited): run
 * from the repository, it would otherwise load whatever dump.rdb or AOF another test left there.
 */
function launch(
  args: string[],
  cmdOverride?: (dir: string) => [string, string[]],
  env?: Record<string, string>,
) {
  const dir = mkdtempSync(path.join(os.tmpdir(), "valkyr-cli-dir-"));
  const [cmd, full] = cmdOverride?.(dir) ?? serverCommand([...args, "--dir", dir]);
  const child = new Deno.Command(cmd, {
    args: full,
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
    ...(env !== undefined ? { env } : {}),
  }).spawn();
  let out = "";
  const collect = async (stream: ReadableStream<Uint8Array>) => {
    const dec = new TextDecoder();
    for await (const chunk of stream) out += dec.decode(chunk);
  };
  const streams = Promise.all([collect(child.stdout), collect(child.stderr)]);
  const exited = child.status.then(async (st) => {
    await streams;
    rmSync(dir, { recursive: true, force: true });
    return st.code;
  });
  return { child, exited, output: () => out, dir };
}

/**
 * Launches a server on a free port (`make(port)` starts it) and waits until it is ready. A test file running
 * in parallel may bind the same free port first: this server then fails to listen, and the port may even
 * answer (for the other server). So ready means this server's own "Ready to accept connections" line, and
 * "Failed listening on port" makes it try another port (as startServer in tests/helpers/server.ts does).
 */
async function launchOnFreePort(
  make: (port: number) => ReturnType<typeof launch>,
): Promise<{ s: ReturnType<typeof launch>; port: number }> {
  for (let attempt = 1;; attempt++) {
    const port = await freePort();
    const s = make(port);
    let exitCode: number | undefined;
    let exited = false;
    s.exited.then((code) => {
      exitCode = code;
      exited = true;
    });
    try {
      await waitUntil(
        () => exited || /Ready to accept connections/.test(s.output()),
        `the server on port ${port} to log that it is ready`,
        30000,
      );
    } catch (e) {
      s.child.kill("SIGKILL");
      throw e;
    }
    if (!exited) {
      await waitReady("127.0.0.1", port);
      return { s, port };
    }
    if (attempt < 5 && /Failed listening on port \d+ \(tcp\)/i.test(s.output())) continue;
    throw new Error(`the server exited with ${exitCode} before it was ready:\n${s.output()}`);
  }
}

Deno.test({
  name: "--version prints the version and --help the usage",
  ...opts,
  ignore: !isValkyr(),
  fn: () => {
    const v = run(["--version"]);
    assert.equal(v.code, 0);
    assert.match(v.out, /^Valkyr server v=\d+\.\d+\.\d+ \(Valkey 8\.1\.1 compatible\)/);
    const h = run(["--help"]);
    assert.equal(h.code, 1);
    assert.match(h.out, /Usage: valkyr \[\/path\/to\/valkyr\.conf\] \[options\]/);
  },
});

Deno.test({
  name: "a config file with include is loaded and command-line options override it",
  ...opts,
  ignore: !own,
  fn: async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "valkyr-cli-"));
    try {
      writeFileSync(path.join(dir, "extra.conf"), "databases 4\nmaxclients 77\n");
      const { s, port } = await launchOnFreePort((port) => {
        writeFileSync(
          path.join(dir, "main.conf"),
          `# a comment\nport ${port}\nbind 127.0.0.1\nsave ""\ninclude ${path.join(dir, "extra.conf")}\n` +
            `timeout 5\n`,
        );
        return launch([path.join(dir, "main.conf"), "--timeout", "7", "--enable-debug-command", "yes"]);
      });
      try {
        const c = await RawConn.connect(port);
        assert.deepEqual(await c.call("CONFIG", "GET", "databases"), ["databases", "4"]);
        assert.deepEqual(await c.call("CONFIG", "GET", "maxclients"), ["maxclients", "77"]);
        assert.deepEqual(await c.call("CONFIG", "GET", "timeout"), ["timeout", "7"]);
        assert.ok(String(await c.call("SELECT", "4")).startsWith("ERR DB index is out of range"));
        c.close();
      } finally {
        s.child.kill("SIGTERM");
        await s.exited;
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
});

Deno.test({
  name: "a bad directive stops the server with Valkey's fatal config error",
  ...opts,
  ignore: !own,
  fn: () => {
    const r = run(["--port", "0", "--no-such-directive", "1"]);
    assert.equal(r.code, 1);
    assert.match(r.out, /\*\*\* FATAL CONFIG FILE ERROR \((Version|Redis) [\d.]+\) \*\*\*/);
    assert.match(r.out, />>> 'no-such-directive "1"'/);
    assert.match(r.out, /Bad directive or wrong number of arguments/);
  },
});

Deno.test({
  name: "rename-command lines that name no command, a taken name or too few words stop the server",
  ...opts,
  ignore: !own,
  fn: () => {
    const cases: [string[], string, string][] = [
      [["nosuch", "x"], `'rename-command "nosuch" "x"'`, "No such command in rename-command"],
      [["get", "set"], `'rename-command "get" "set"'`, "Target command name already exists"],
      [
        ["get", "g2", "--rename-command", "g2", "set"],
        `'rename-command "g2" "set"'`,
        "Target command name already exists",
      ],
      [
        ["get", "", "--rename-command", "get", "g"],
        `'rename-command "get" "g"'`,
        "No such command in rename-command",
      ],
      [["get"], `'rename-command "get"'`, "Bad directive or wrong number of arguments"],
    ];
    for (const [args, line, reason] of cases) {
      const r = run(["--port", "0", "--save", "", "--rename-command", ...args]);
      assert.equal(r.code, 1, r.out);
      assert.match(r.out, /\*\*\* FATAL CONFIG FILE ERROR/);
      assert.ok(r.out.includes(`>>> ${line}`), r.out);
      assert.ok(r.out.includes(reason), r.out);
    }
  },
});

Deno.test({
  name: "rename-command cannot rename a module's command: modules load after the config file",
  ...opts,
  ignore: !isValkyr(),
  fn: () => {
    const r = run(["--port", "0", "--save", "", "--rename-command", "bf.add", "x"]);
    assert.equal(r.code, 1, r.out);
    assert.ok(r.out.includes("No such command in rename-command"), r.out);
  },
});

Deno.test({
  name: "CONFIG REWRITE keeps rename-command lines as they are",
  ...opts,
  ignore: !own,
  fn: async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "valkyr-cli-"));
    const file = path.join(dir, "main.conf");
    try {
      const { s, port } = await launchOnFreePort((port) => {
        writeFileSync(
          file,
          `port ${port}\nbind 127.0.0.1\nsave ""\nrename-command get g2\nrename-command flushall ""\n`,
        );
        return launch([file]);
      });
      try {
        const c = await RawConn.connect(port);
        assert.equal(await c.call("CONFIG", "SET", "maxclients", "99"), "OK");
        assert.equal(await c.call("CONFIG", "REWRITE"), "OK");
        assert.equal(await c.call("SET", "k", "v"), "OK");
        assert.equal(await c.call("g2", "k"), "v");
        c.close();
        const text = readFileSync(file, "utf8");
        assert.match(text, /^rename-command get g2$/m);
        assert.match(text, /^rename-command flushall ""$/m);
        assert.match(text, /^maxclients 99$/m);
      } finally {
        s.child.kill("SIGTERM");
        await s.exited;
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
});

/** Signals a child that may have exited already. */
function kill(child: Deno.ChildProcess, signal: Deno.Signal): void {
  try {
    child.kill(signal);
  } catch {
    // it has exited
  }
}

/** Valkey built here has no libsystemd (it then refuses systemd supervision); Debian's redis-server has it. */
const hasSystemdNotify = own && target() !== "valkey" && process.platform === "linux";

Deno.test({
  name:
    "supervised systemd: STATUS while loading, READY=1 once serving, STOPPING=1 at shutdown, INFO says so",
  ...opts,
  ignore: !hasSystemdNotify,
  fn: async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "valkyr-notify-"));
    const sock = await NotifySocket.open(path.join(dir, "notify"));
    try {
      const { s, port } = await launchOnFreePort((port) =>
        launch(
          ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--supervised", "systemd"],
          undefined,
          { NOTIFY_SOCKET: sock!.path },
        )
      );
      try {
        assert.match(
          s.output(),
          /Supervised by systemd\. Please make sure you set appropriate values for TimeoutStartSec/,
        );
        await waitUntil(() => sock!.messages.includes("READY=1\n"), "READY=1", 10000);
        assert.match(sock!.messages[0]!, /^STATUS=\w+ is loading\.\.\.\n$/);
        assert.deepEqual(sock!.messages.slice(1), ["STATUS=Ready to accept connections\n", "READY=1\n"]);
        const c = await RawConn.connect(port);
        assert.match(String(await c.call("INFO", "server")), /\r\nprocess_supervised:systemd\r\n/);
        assert.deepEqual(await c.call("CONFIG", "GET", "supervised"), ["supervised", "systemd"]);
        await c.call("SHUTDOWN", "NOSAVE").catch(() => null);
        c.close();
        assert.equal(await s.exited, 0);
        await waitUntil(() => sock!.messages.includes("STOPPING=1\n"), "STOPPING=1", 5000);
      } finally {
        kill(s.child, "SIGKILL");
        await s.exited;
      }
    } finally {
      sock?.close();
      rmSync(dir, { recursive: true, force: true });
    }
  },
});

Deno.test({
  name:
    "supervised systemd without NOTIFY_SOCKET, or upstart without UPSTART_JOB, runs unsupervised with a warning",
  ...opts,
  ignore: !hasSystemdNotify,
  fn: async () => {
    for (
      const [mode, warning] of [
        ["systemd", "systemd supervision error: NOTIFY_SOCKET not found!"],
        ["upstart", "upstart supervision requested, but UPSTART_JOB not found!"],
      ]
    ) {
      // (The test's environment has neither NOTIFY_SOCKET nor UPSTART_JOB.)
      const { s, port } = await launchOnFreePort((port) =>
        launch(["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--supervised", mode!])
      );
      try {
        assert.ok(s.output().includes(warning!), s.output());
        const c = await RawConn.connect(port);
        assert.match(String(await c.call("INFO", "server")), /\r\nprocess_supervised:no\r\n/);
        c.close();
      } finally {
        s.child.kill("SIGTERM");
        await s.exited;
      }
    }
  },
});

Deno.test({
  name: "supervised upstart: the server stops itself at start until upstart continues it",
  ...opts,
  ignore: !own || process.platform !== "linux",
  fn: async () => {
    const port = await freePort();
    const s = launch(
      ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--supervised", "upstart"],
      undefined,
      {
        UPSTART_JOB: "valkyr-test",
      },
    );
    try {
      await waitForLog(s.output, /supervised by upstart, will stop to signal readiness\./, 30000);
      const state = () => readFileSync(`/proc/${s.child.pid}/stat`, "latin1").replace(/^.*\) /, "")[0];
      await waitUntil(() => state() === "T", "the server to stop itself", 10000);
      s.child.kill("SIGCONT");
      await waitForLog(s.output, /Ready to accept connections/, 30000);
      await waitReady("127.0.0.1", port);
      const c = await RawConn.connect(port);
      assert.match(String(await c.call("INFO", "server")), /\r\nprocess_supervised:upstart\r\n/);
      c.close();
    } finally {
      kill(s.child, "SIGCONT");
      kill(s.child, "SIGTERM");
      await s.exited;
    }
  },
});

Deno.test({
  name: "syslog-enabled: each message also goes to the system logger with the ident, facility and pid",
  ...opts,
  // The system logger's socket is moved with Valkyr's internal VALKYR_SYSLOG_SOCKET (a test cannot own /dev/log).
  ignore: !isValkyr() || process.platform !== "linux",
  fn: async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "valkyr-syslog-"));
    const sock = await NotifySocket.open(path.join(dir, "log"));
    try {
      const args = ["--syslog-enabled", "yes", "--syslog-ident", "shop-cache", "--syslog-facility", "local3"];
      const { s, port } = await launchOnFreePort((port) =>
        launch(["--port", String(port), "--bind", "127.0.0.1", "--save", "", ...args], undefined, {
          VALKYR_SYSLOG_SOCKET: sock!.path,
        })
      );
      try {
        const pid = s.child.pid;
        // local3 (19) × 8 + notice (5) = 157.
        const ready = new RegExp(
          `^<157>\\w{3} [ \\d]\\d \\d\\d:\\d\\d:\\d\\d shop-cache\\[${pid}\\]: Ready to accept connections tcp$`,
        );
        await waitUntil(() => sock!.messages.some((m) => ready.test(m)), "the ready line in syslog", 10000);
        const c = await RawConn.connect(port);
        assert.deepEqual(await c.call("CONFIG", "GET", "syslog-ident"), ["syslog-ident", "shop-cache"]);
        await c.call("SHUTDOWN", "NOSAVE").catch(() => null);
        c.close();
        await s.exited;
        // A warning: local3 × 8 + 4 = 156.
        await waitUntil(
          () =>
            sock!.messages.some((m) =>
              /^<156>.* shop-cache\[\d+\]: Valkyr is now ready to exit, bye bye\.\.\.$/.test(m)
            ),
          "the last line in syslog",
          5000,
        );
      } finally {
        killLeftOver(s);
        await s.exited;
      }
    } finally {
      sock?.close();
      rmSync(dir, { recursive: true, force: true });
    }
  },
});

Deno.test({
  name: "pidfile: written with the pid at start, removed at shutdown",
  ...opts,
  ignore: !own,
  fn: async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "valkyr-pid-"));
    const file = path.join(dir, "server.pid");
    try {
      const { s, port } = await launchOnFreePort((port) =>
        launch(["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--pidfile", file])
      );
      try {
        assert.equal(readFileSync(file, "latin1"), `${s.child.pid}\n`);
        const c = await RawConn.connect(port);
        assert.deepEqual(await c.call("CONFIG", "GET", "pidfile"), ["pidfile", file]);
        await c.call("SHUTDOWN", "NOSAVE").catch(() => null);
        c.close();
        assert.equal(await s.exited, 0);
        assert.match(s.output(), /Removing the pid file\./);
        assert.ok(!existsSync(file));
      } finally {
        kill(s.child, "SIGKILL");
        await s.exited;
      }
      // A pid file that cannot be written is a warning; the server runs (Redis 7.0 says nothing).
      if (!isValkeyLike()) return;
      const bad = path.join(dir, "no-such-dir", "x.pid");
      const { s: s2 } = await launchOnFreePort((port) =>
        launch(["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--pidfile", bad])
      );
      s2.child.kill("SIGTERM");
      await s2.exited;
      assert.match(s2.output(), /Failed to write PID file: No such file or directory/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
});

Deno.test({
  name: "daemonize yes: the command returns at once and the server goes on in the background",
  ...opts,
  ignore: !own || process.platform !== "linux",
  fn: async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "valkyr-daemon-"));
    const file = path.join(dir, "server.pid");
    const port = await freePort();
    let pid = 0;
    try {
      // Its own --dir: launch() removes the one it makes as soon as the command returns.
      const s = launch([], () =>
        serverCommand([
          "--port",
          String(port),
          "--bind",
          "127.0.0.1",
          "--save",
          "",
          "--daemonize",
          "yes",
          "--pidfile",
          file,
          "--dir",
          dir,
        ]));
      assert.equal(await s.exited, 0, s.output());
      await waitUntil(
        () => existsSync(file) && readFileSync(file, "latin1").endsWith("\n"),
        "the pid file",
        30000,
      );
      pid = Number(readFileSync(file, "latin1"));
      assert.notEqual(pid, s.child.pid);
      // A session of its own, as after setsid().
      const stat = readFileSync(`/proc/${pid}/stat`, "latin1").replace(/^.*\) /, "").split(" ");
      assert.equal(Number(stat[3]), pid, "session id");
      await waitReady("127.0.0.1", port);
      const c = await RawConn.connect(port);
      assert.match(String(await c.call("INFO", "server")), new RegExp(`\r\nprocess_id:${pid}\r\n`));
      assert.deepEqual(await c.call("CONFIG", "GET", "daemonize"), ["daemonize", "yes"]);
      await c.call("SHUTDOWN", "NOSAVE").catch(() => null);
      c.close();
      await waitUntil(() => !existsSync(file), "the pid file to be removed", 10000);
      await waitUntil(() => !existsSync(`/proc/${pid}`), "the background server to exit", 10000);
      pid = 0;
    } finally {
      if (pid !== 0) {
        try {
          process.kill(pid, "SIGKILL");
        } catch {
          // gone
        }
      }
      rmSync(dir, { recursive: true, force: true });
    }
  },
});

Deno.test({
  name: "SIGTERM exits even while a client keeps its connection open and idle",
  ...opts,
  ignore: !own,
  fn: async () => {
    const { s, port } = await launchOnFreePort((port) =>
      launch(["--port", String(port), "--bind", "127.0.0.1", "--save", ""])
    );
    // A peer that never closes its side (nor reads) must not keep the server alive.
    const idle = await Deno.connect({ hostname: "127.0.0.1", port });
    try {
      await idle.write(new TextEncoder().encode("PING\r\n"));
      await idle.read(new Uint8Array(64));
      s.child.kill("SIGTERM");
      let timer: ReturnType<typeof setTimeout> | undefined;
      const code = await Promise.race([
        s.exited,
        new Promise<string>((r) => timer = setTimeout(() => r("still running after 15 s"), 15000)),
      ]);
      clearTimeout(timer);
      if (code !== 0) s.child.kill("SIGKILL");
      assert.equal(code, 0);
    } finally {
      idle.close();
    }
  },
});

for (const signal of ["SIGTERM", "SIGINT"] as const) {
  Deno.test({
    name: `${signal} shuts the server down cleanly with Valkey's log lines`,
    ...opts,
    ignore: !own,
    fn: async () => {
      const { s } = await launchOnFreePort((port) =>
        launch(["--port", String(port), "--bind", "127.0.0.1", "--save", ""])
      );
      s.child.kill(signal);
      assert.equal(await s.exited, 0);
      const out = s.output();
      assert.match(out, /Ready to accept connections/);
      assert.match(out, new RegExp(`Received ${signal} scheduling shutdown\\.\\.\\.`));
      assert.match(out, /is now ready to exit, bye bye\.\.\./);
      // Valkey's line shape: pid:role day month year time level message (strftime's %d: two digits).
      assert.match(out, /^\d+:M \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d\.\d{3} [*#.-] /m);
      // A signal handler logs its own shape: pid:signal-handler (unix time) message.
      assert.match(
        out,
        new RegExp(`^\\d+:signal-handler \\(\\d+\\) Received ${signal} scheduling shutdown\\.\\.\\.$`, "m"),
      );
    },
  });
}

Deno.test({
  name: "a config file that cannot be opened stops the start with a log line",
  ...opts,
  ignore: !own,
  fn: () => {
    const r = run(["/nonexistent-dir/valkyr.conf"]);
    assert.equal(r.code, 1);
    // (Redis 7.0 writes the role as C: its pid is not recorded yet at that point. Valkey 8.1 writes M.)
    assert.match(
      r.out,
      /^\d+:[MC] \d\d [A-Z][a-z]{2} \d{4} [\d:.]{12} # Fatal error, can't open config file '\/nonexistent-dir\/valkyr\.conf': No such file or directory$/m,
    );
  },
});

Deno.test({
  name: "log-format logfmt and log-timestamp-format iso8601 shape every line from the first, in TZ's offset",
  ...opts,
  ignore: !own || !isValkeyLike(),
  fn: async () => {
    const { s } = await launchOnFreePort((port) =>
      launch(
        ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--log-format", "logfmt"].concat(
          ["--log-timestamp-format", "iso8601"],
        ),
        undefined,
        { TZ: "Asia/Kolkata" },
      )
    );
    s.child.kill("SIGTERM");
    assert.equal(await s.exited, 0);
    const lines = s.output().split("\n").filter((l) => l !== "");
    const logfmt =
      /^pid=\d+ role=primary timestamp="\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+05:30" level=(debug|info|notice|warning) message="[^"]*"$/;
    for (const line of lines) {
      // What a signal handler logs keeps its fixed shape under every format.
      if (/^\d+:signal-handler \(\d+\) Received SIGTERM scheduling shutdown\.\.\.$/.test(line)) continue;
      assert.match(line, logfmt);
    }
    assert.ok(
      lines.some((l) => / level=notice message="oO0OoO0OoO0Oo \w+ is starting oO0OoO0OoO0Oo"$/.test(l)),
    );
    assert.ok(lines.some((l) => / level=warning message="\w+ is now ready to exit, bye bye\.\.\."$/.test(l)));
  },
});

/** Kills a server a failed test left running (nothing when it has exited). */
function killLeftOver(s: ReturnType<typeof launch>): void {
  kill(s.child, "SIGKILL");
}

/** Launches a server with `args` (and --enable-debug-command yes) on a free port; resolves with a client. */
async function launchWith(args: string[]) {
  const { s, port } = await launchOnFreePort((port) =>
    launch(["--port", String(port), "--bind", "127.0.0.1", "--enable-debug-command", "yes", ...args])
  );
  return { s, c: await RawConn.connect(port) };
}

Deno.test({
  name: "shutdown-on-sigterm save saves with no save points, shutdown-on-sigint nosave skips them",
  ...opts,
  ignore: !own,
  fn: async () => {
    const a = await launchWith(["--save", "", "--shutdown-on-sigterm", "save"]);
    assert.equal(await a.c.call("SET", "k", "v"), "OK");
    a.s.child.kill("SIGTERM");
    assert.equal(await a.s.exited, 0);
    a.c.close();
    assert.match(a.s.output(), /Saving the final RDB snapshot before exiting\.\n.*DB saved on disk\n/);

    const b = await launchWith(["--save", "3600 1", "--shutdown-on-sigint", "nosave now"]);
    assert.equal(await b.c.call("SET", "k", "v"), "OK");
    b.s.child.kill("SIGINT");
    assert.equal(await b.s.exited, 0);
    b.c.close();
    assert.match(b.s.output(), /User requested shutdown\.\.\./);
    assert.doesNotMatch(b.s.output(), /Saving the final RDB snapshot/);
  },
});

Deno.test({
  name: "a signal whose shutdown save fails leaves the server running, unless the directive says force",
  ...opts,
  ignore: !own,
  fn: async () => {
    const { s, c } = await launchWith(["--save", "3600 1"]);
    try {
      assert.equal(await c.call("SET", "k", "v"), "OK");
      rmSync(s.dir, { recursive: true, force: true }); // the save cannot create its temp file
      s.child.kill("SIGTERM");
      await waitForLog(
        s.output,
        /Error trying to save the DB, can't exit\.\n.*Errors trying to shut down the server\. Check the logs for more information\.\n/,
      );
      // Still serving, and the failed shutdown save did not turn on MISCONF.
      assert.equal(await c.call("PING"), "PONG");
      assert.equal(await c.call("SET", "k", "v2"), "OK");
      assert.equal(await c.call("CONFIG", "SET", "shutdown-on-sigterm", "force"), "OK");
      s.child.kill("SIGTERM");
      assert.equal(await s.exited, 0);
      assert.match(
        s.output(),
        /Error trying to save the DB\. Exit anyway\.\n.*is now ready to exit, bye bye\.\.\./,
      );
    } finally {
      c.close();
      killLeftOver(s);
      await s.exited;
    }
  },
});

Deno.test({
  name: "a second SIGINT before the shutdown ran exits at once with status 1; a second SIGTERM waits",
  ...opts,
  ignore: !own,
  fn: async () => {
    // With the cron paused the noted signal is never acted on (the cron carries out a signal's shutdown).
    const a = await launchWith(["--save", "3600 1"]);
    assert.equal(await a.c.call("SET", "k", "v"), "OK");
    assert.equal(await a.c.call("DEBUG", "PAUSE-CRON", "1"), "OK");
    a.s.child.kill("SIGINT");
    await waitForLog(a.s.output, /Received SIGINT scheduling shutdown/);
    a.s.child.kill("SIGINT");
    assert.equal(await a.s.exited, 1);
    a.c.close();
    assert.match(a.s.output(), /^\d+:signal-handler \(\d+\) You insist\.\.\. exiting now\.$/m);
    assert.doesNotMatch(a.s.output(), /User requested shutdown|Saving the final/);

    const b = await launchWith(["--save", ""]);
    assert.equal(await b.c.call("DEBUG", "PAUSE-CRON", "1"), "OK");
    b.s.child.kill("SIGTERM");
    await waitForLog(b.s.output, /Received SIGTERM scheduling shutdown/);
    b.s.child.kill("SIGTERM");
    await waitForLog(
      b.s.output,
      /Received SIGTERM scheduling shutdown(.|\n)*Received SIGTERM scheduling shutdown/,
    );
    assert.equal(await b.c.call("PING"), "PONG");
    // The cron resumes and shuts down (the reply to DEBUG may or may not come first).
    b.c.send("*3\r\n$5\r\nDEBUG\r\n$10\r\nPAUSE-CRON\r\n$1\r\n0\r\n");
    assert.equal(await b.s.exited, 0);
    b.c.close();
    assert.match(b.s.output(), /is now ready to exit, bye bye/);
  },
});

Deno.test({
  name: "`deno task start` passes flags through to the server",
  ...opts,
  ignore: target() !== "deno",
  fn: async () => {
    const deno = Deno.execPath();
    const { s, port } = await launchOnFreePort((port) =>
      launch([], (dir) => [deno, [
        "task",
        "start",
        "--port",
        String(port),
        "--save",
        "",
        "--databases",
        "3",
        "--dir",
        dir,
      ]])
    );
    try {
      const c = await RawConn.connect(port);
      assert.deepEqual(await c.call("CONFIG", "GET", "databases"), ["databases", "3"]);
      assert.deepEqual(await c.call("CONFIG", "GET", "save"), ["save", ""]);
      c.close();
    } finally {
      // `deno task` runs the server as a child: stop it through SHUTDOWN so no process is left behind.
      const c = await RawConn.connect(port).catch(() => null);
      c?.send("*2\r\n$8\r\nSHUTDOWN\r\n$6\r\nNOSAVE\r\n");
      await s.exited;
      c?.close();
    }
  },
});
