/**
 * COMMANDLOG over TCP (Valkey 8.1): the three logs, their thresholds and max lengths, entry fields,
 * argument capture limits, redaction, and the errors of every subcommand.
 */

import assert from "node:assert/strict";
import { startServer, valkeyOnly } from "../helpers/server.ts";
import { RawConn, RespError } from "../helpers/raw.ts";
import { waitUntil } from "../helpers/timing.ts";

const srv = await startServer();
const opts = { sanitizeOps: false, sanitizeResources: false, ...valkeyOnly() };

/** Waits until INFO reports `n` blocked clients (a sleep does not prove the command reached the server). */
async function waitBlocked(c: RawConn, n: number): Promise<void> {
  await waitUntil(
    async () => /blocked_clients:(\d+)/.exec(String(await c.call("INFO", "clients")))?.[1] === String(n),
    `${n} blocked clients`,
  );
}

async function withConn<T>(fn: (c: RawConn) => Promise<T>): Promise<T> {
  const c = await RawConn.connect(srv.port, srv.host);
  try {
    return await fn(c);
  } finally {
    c.close();
  }
}

type Entry = [number, number, number, string[], string, string];

const DEFAULTS: [string, string][] = [
  ["commandlog-execution-slower-than", "10000"],
  ["commandlog-slow-execution-max-len", "128"],
  ["commandlog-request-larger-than", "1048576"],
  ["commandlog-large-request-max-len", "128"],
  ["commandlog-reply-larger-than", "1048576"],
  ["commandlog-large-reply-max-len", "128"],
];

/** Puts every commandlog config back to its default and empties the three logs. */
async function resetAll(c: RawConn): Promise<void> {
  assert.equal(await c.call("CONFIG", "SET", ...DEFAULTS.flat()), "OK");
  for (const t of ["slow", "large-request", "large-reply"]) {
    assert.equal(await c.call("COMMANDLOG", "RESET", t), "OK");
  }
}

async function addr(c: RawConn): Promise<string> {
  const info = String(await c.call("CLIENT", "INFO"));
  return /addr=(\S+)/.exec(info)![1]!;
}

Deno.test({
  name: "the six configs have Valkey's defaults and the slowlog aliases read the slow log's",
  ...opts,
  fn: () =>
    withConn(async (c) => {
      await resetAll(c);
      const got = (await c.call("CONFIG", "GET", "commandlog-*")) as string[];
      const m = new Map<string, string>();
      for (let i = 0; i < got.length; i += 2) m.set(got[i]!, got[i + 1]!);
      for (const [k, v] of DEFAULTS) assert.equal(m.get(k), v, k);
      assert.equal(m.size, 6);
      assert.deepEqual(await c.call("CONFIG", "GET", "slowlog-log-slower-than"), [
        "slowlog-log-slower-than",
        "10000",
      ]);
      assert.deepEqual(await c.call("CONFIG", "GET", "slowlog-max-len"), ["slowlog-max-len", "128"]);
      assert.equal(await c.call("CONFIG", "SET", "slowlog-max-len", "7"), "OK");
      assert.deepEqual(await c.call("CONFIG", "GET", "commandlog-slow-execution-max-len"), [
        "commandlog-slow-execution-max-len",
        "7",
      ]);
      assert.ok((await c.call("CONFIG", "SET", "commandlog-reply-larger-than", "-2")) instanceof RespError);
      await resetAll(c);
    }),
});

Deno.test({
  name: "a slow-log entry has id, time, microseconds, arguments, address and name, newest first",
  ...opts,
  fn: () =>
    withConn(async (c) => {
      const me = await addr(c);
      await resetAll(c);
      assert.equal(await c.call("CLIENT", "SETNAME", "logger"), "OK");
      assert.equal(await c.call("CONFIG", "SET", "commandlog-execution-slower-than", "0"), "OK");
      assert.equal(await c.call("SET", "cl:a", "1"), "OK");
      assert.equal(await c.call("GET", "cl:a"), "1");
      const before = Math.floor(Date.now() / 1000);
      const all = (await c.call("COMMANDLOG", "GET", "-1", "slow")) as Entry[];
      // CONFIG SET itself (it finished after the threshold changed), SET, GET.
      assert.deepEqual(all.map((e) => e[3]), [
        ["GET", "cl:a"],
        ["SET", "cl:a", "1"],
        ["CONFIG", "SET", "commandlog-execution-slower-than", "0"],
      ]);
      for (const e of all) {
        assert.equal(e.length, 6);
        assert.ok(Math.abs(e[1] - before) <= 2);
        assert.ok(e[2] >= 0);
        assert.equal(e[4], me);
        assert.equal(e[5], "logger");
      }
      assert.equal(all[0]![0], all[1]![0] + 1);
      assert.equal(all[1]![0], all[2]![0] + 1);
      const two = (await c.call("COMMANDLOG", "GET", "2", "SLOW")) as Entry[];
      assert.equal(two.length, 2);
      assert.deepEqual(two[0]![3], ["COMMANDLOG", "GET", "-1", "slow"]);
      assert.equal(await c.call("COMMANDLOG", "LEN", "slow"), 5);
      const big = (await c.call("COMMANDLOG", "GET", "1000", "slow")) as Entry[];
      assert.equal(big.length, 6);
      assert.deepEqual(await c.call("COMMANDLOG", "GET", "0", "slow"), []);
      await resetAll(c);
    }),
});

Deno.test({
  name: "ids keep counting after RESET and each log has its own",
  ...opts,
  fn: () =>
    withConn(async (c) => {
      await resetAll(c);
      await c.call("CONFIG", "SET", "commandlog-execution-slower-than", "0");
      await c.call("PING");
      const [first] = (await c.call("COMMANDLOG", "GET", "1", "slow")) as Entry[];
      await c.call("COMMANDLOG", "RESET", "slow");
      const after = (await c.call("COMMANDLOG", "GET", "-1", "slow")) as Entry[];
      assert.equal(after.length, 1);
      assert.deepEqual(after[0]![3], ["COMMANDLOG", "RESET", "slow"]);
      assert.equal(after[0]![0], first![0] + 2);
      await c.call(
        "CONFIG",
        "SET",
        "commandlog-request-larger-than",
        "0",
        "commandlog-execution-slower-than",
        "-1",
      );
      await c.call("COMMANDLOG", "RESET", "large-request");
      await c.call("PING");
      const req = (await c.call("COMMANDLOG", "GET", "-1", "large-request")) as Entry[];
      assert.deepEqual(req.map((e) => e[3]), [["PING"], ["COMMANDLOG", "RESET", "large-request"]]);
      assert.equal(req[0]![0], req[1]![0] + 1);
      await resetAll(c);
    }),
});

Deno.test({
  name: "max-len trims from the oldest end after every command, and 0 or a negative threshold turn a log off",
  ...opts,
  fn: () =>
    withConn(async (c) => {
      await resetAll(c);
      await c.call(
        "CONFIG",
        "SET",
        "commandlog-execution-slower-than",
        "0",
        "commandlog-slow-execution-max-len",
        "3",
      );
      for (let i = 0; i < 5; i++) await c.call("PING", `p${i}`);
      assert.equal(await c.call("COMMANDLOG", "LEN", "slow"), 3);
      const got = (await c.call("COMMANDLOG", "GET", "-1", "slow")) as Entry[];
      assert.deepEqual(got.map((e) => e[3]), [["COMMANDLOG", "LEN", "slow"], ["PING", "p4"], ["PING", "p3"]]);
      // Lowering max-len: the log is trimmed when the next command is logged.
      await c.call("CONFIG", "SET", "commandlog-slow-execution-max-len", "1");
      assert.equal(await c.call("COMMANDLOG", "LEN", "slow"), 1);
      // A negative threshold: nothing is added.
      await c.call(
        "CONFIG",
        "SET",
        "commandlog-execution-slower-than",
        "-1",
        "commandlog-slow-execution-max-len",
        "10",
      );
      await c.call("COMMANDLOG", "RESET", "slow");
      await c.call("PING");
      assert.equal(await c.call("COMMANDLOG", "LEN", "slow"), 0);
      // max-len 0: nothing is added either.
      await c.call(
        "CONFIG",
        "SET",
        "commandlog-execution-slower-than",
        "0",
        "commandlog-slow-execution-max-len",
        "0",
      );
      await c.call("PING");
      assert.equal(await c.call("COMMANDLOG", "LEN", "slow"), 0);
      await resetAll(c);
    }),
});

Deno.test({
  name: "entries keep 32 arguments and 128 bytes per argument with Valkey's markers",
  ...opts,
  fn: () =>
    withConn(async (c) => {
      await resetAll(c);
      await c.call("CONFIG", "SET", "commandlog-execution-slower-than", "0");
      const args: string[] = [];
      for (let i = 0; i < 40; i++) args.push(`m${i}`);
      assert.equal(await c.call("DEL", ...args), 0);
      await c.call("SET", "cl:long", "x".repeat(200));
      const got = (await c.call("COMMANDLOG", "GET", "-1", "slow")) as Entry[];
      const del = got.find((e) => e[3][0] === "DEL")!;
      assert.equal(del[3].length, 32);
      assert.equal(del[3][30], "m29");
      assert.equal(del[3][31], "... (10 more arguments)");
      const set = got.find((e) => e[3][0] === "SET")!;
      assert.deepEqual(set[3], ["SET", "cl:long", "x".repeat(128) + "... (72 more bytes)"]);
      await c.call("DEL", "cl:long");
      await resetAll(c);
    }),
});

Deno.test({
  name: "AUTH, HELLO AUTH and CONFIG SET of a sensitive config are logged redacted",
  ...opts,
  fn: () =>
    withConn(async (c) => {
      await resetAll(c);
      await c.call("CONFIG", "SET", "commandlog-execution-slower-than", "0");
      assert.ok((await c.call("AUTH", "wrong-password")) instanceof RespError);
      assert.ok((await c.call("AUTH", "someone", "wrong-password")) instanceof RespError);
      assert.ok((await c.call("HELLO", "2", "AUTH", "someone", "wrong-password")) instanceof RespError);
      assert.equal(await c.call("CONFIG", "SET", "requirepass", "", "maxmemory-samples", "5"), "OK");
      const got = (await c.call("COMMANDLOG", "GET", "4", "slow")) as Entry[];
      assert.deepEqual(got.map((e) => e[3]), [
        ["CONFIG", "SET", "requirepass", "(redacted)", "maxmemory-samples", "5"],
        ["HELLO", "2", "AUTH", "(redacted)", "(redacted)"],
        ["AUTH", "(redacted)", "(redacted)"],
        ["AUTH", "(redacted)"],
      ]);
      await resetAll(c);
    }),
});

Deno.test({
  name: "a 2 MB write shows in large-request and its read in large-reply, with size, address and name",
  ...opts,
  fn: async () => {
    const writer = await RawConn.connect(srv.port, srv.host);
    const reader = await RawConn.connect(srv.port, srv.host);
    try {
      await resetAll(writer);
      // Size never puts a command in the slow log, but time does: a 2 MB SET on a loaded machine can take
      // more than the default 10 ms, so the slow log only takes commands slower than 10 s here.
      assert.equal(await writer.call("CONFIG", "SET", "commandlog-execution-slower-than", "10000000"), "OK");
      await writer.call("CLIENT", "SETNAME", "video-cache");
      await reader.call("CLIENT", "SETNAME", "video-reader");
      const value = "v".repeat(2 * 1024 * 1024);
      assert.equal(await writer.call("SET", "cl:video", value), "OK");
      assert.equal(((await reader.call("GET", "cl:video")) as string).length, value.length);
      const reqs = (await writer.call("COMMANDLOG", "GET", "-1", "large-request")) as Entry[];
      assert.equal(reqs.length, 1);
      const wire = `*3\r\n$3\r\nSET\r\n$8\r\ncl:video\r\n$${value.length}\r\n`.length + value.length + 2;
      assert.equal(reqs[0]![2], wire);
      assert.deepEqual(reqs[0]![3], [
        "SET",
        "cl:video",
        "v".repeat(128) + `... (${value.length - 128} more bytes)`,
      ]);
      assert.equal(reqs[0]![4], await addr(writer));
      assert.equal(reqs[0]![5], "video-cache");
      const reps = (await writer.call("COMMANDLOG", "GET", "-1", "large-reply")) as Entry[];
      assert.equal(reps.length, 1);
      assert.equal(reps[0]![2], `$${value.length}\r\n`.length + value.length + 2);
      assert.deepEqual(reps[0]![3], ["GET", "cl:video"]);
      assert.equal(reps[0]![4], await addr(reader));
      assert.equal(reps[0]![5], "video-reader");
      assert.equal(await writer.call("COMMANDLOG", "LEN", "slow"), 0);
      await writer.call("DEL", "cl:video");
      await resetAll(writer);
    } finally {
      writer.close();
      reader.close();
    }
  },
});

Deno.test({
  name: "request and reply sizes are exact for small commands with a zero threshold",
  ...opts,
  fn: () =>
    withConn(async (c) => {
      await resetAll(c);
      await c.call(
        "CONFIG",
        "SET",
        "commandlog-request-larger-than",
        "0",
        "commandlog-reply-larger-than",
        "0",
      );
      await c.call("COMMANDLOG", "RESET", "large-request");
      await c.call("COMMANDLOG", "RESET", "large-reply");
      c.send("*2\r\n$4\r\nECHO\r\n$5\r\nhello\r\n");
      assert.equal(await c.read(), "hello");
      c.send("PING\r\n"); // inline
      assert.equal(await c.read(), "PONG");
      const req = (await c.call("COMMANDLOG", "GET", "2", "large-request")) as Entry[];
      assert.deepEqual(req.map((e) => [e[2], e[3]]), [[6, ["PING"]], [25, ["ECHO", "hello"]]]);
      const rep = (await c.call("COMMANDLOG", "GET", "3", "large-reply")) as Entry[];
      // The newest is the previous COMMANDLOG GET's reply; then "+PONG\r\n" and "$5\r\nhello\r\n".
      assert.deepEqual(rep.map((e) => e[3][0]), ["COMMANDLOG", "PING", "ECHO"]);
      assert.deepEqual([rep[1]![2], rep[2]![2]], [7, 11]);
      await resetAll(c);
    }),
});

Deno.test({
  name: "the commands inside MULTI/EXEC are logged and EXEC itself is not",
  ...opts,
  fn: () =>
    withConn(async (c) => {
      await resetAll(c);
      await c.call("CONFIG", "SET", "commandlog-execution-slower-than", "0");
      await c.call("COMMANDLOG", "RESET", "slow");
      assert.equal(await c.call("MULTI"), "OK");
      assert.equal(await c.call("SET", "cl:m", "1"), "QUEUED");
      assert.equal(await c.call("INCR", "cl:m"), "QUEUED");
      assert.deepEqual(await c.call("EXEC"), ["OK", 2]);
      const got = (await c.call("COMMANDLOG", "GET", "-1", "slow")) as Entry[];
      assert.deepEqual(got.map((e) => e[3]), [["INCR", "cl:m"], ["SET", "cl:m", "1"], ["MULTI"], [
        "COMMANDLOG",
        "RESET",
        "slow",
      ]]);
      await c.call("DEL", "cl:m");
      await resetAll(c);
    }),
});

Deno.test({
  name: "a blocking command is logged when it is served or times out, not when it blocks",
  ...opts,
  fn: async () => {
    const a = await RawConn.connect(srv.port, srv.host);
    const b = await RawConn.connect(srv.port, srv.host);
    try {
      await resetAll(b);
      await b.call("CONFIG", "SET", "commandlog-execution-slower-than", "0");
      await b.call("DEL", "cl:bl", "cl:bl2");
      await b.call("COMMANDLOG", "RESET", "slow");
      a.send("*3\r\n$5\r\nBLPOP\r\n$5\r\ncl:bl\r\n$1\r\n0\r\n");
      await waitBlocked(b, 1);
      let got = (await b.call("COMMANDLOG", "GET", "-1", "slow")) as Entry[];
      assert.ok(!got.some((e) => e[3][0] === "BLPOP"));
      assert.equal(await b.call("RPUSH", "cl:bl", "x"), 1);
      assert.deepEqual(await a.read(), ["cl:bl", "x"]);
      got = (await b.call("COMMANDLOG", "GET", "2", "slow")) as Entry[];
      assert.deepEqual(got.map((e) => e[3]), [["BLPOP", "cl:bl", "0"], ["RPUSH", "cl:bl", "x"]]);
      assert.equal(got[0]![4], await addr(a));
      // A timeout ends the wait: the command is logged too.
      a.send("*3\r\n$5\r\nBLPOP\r\n$6\r\ncl:bl2\r\n$4\r\n0.05\r\n");
      assert.equal(await a.read(), null);
      await new Promise((r) => setTimeout(r, 250));
      got = (await b.call("COMMANDLOG", "GET", "-1", "slow")) as Entry[];
      assert.equal(got.filter((e) => e[3][0] === "BLPOP").length, 2);
      assert.deepEqual(got.find((e) => e[3][1] === "cl:bl2")![3], ["BLPOP", "cl:bl2", "0.05"]);
      await resetAll(b);
    } finally {
      a.close();
      b.close();
    }
  },
});

Deno.test({
  name: "a blocking command that times out or is unblocked is logged at once, with its reply's size",
  ...opts,
  fn: async () => {
    const b = await RawConn.connect(srv.port, srv.host);
    try {
      await resetAll(b);
      await b.call(
        "CONFIG",
        "SET",
        "commandlog-execution-slower-than",
        "0",
        "commandlog-reply-larger-than",
        "0",
      );
      await b.call("DEL", "cl:bl3");
      await b.call("COMMANDLOG", "RESET", "slow");
      await b.call("COMMANDLOG", "RESET", "large-reply");
      await b.call("CONFIG", "RESETSTAT");
      // The client leaves as soon as it has the timeout reply: the entry must not be lost with it.
      const a = await RawConn.connect(srv.port, srv.host);
      const aAddr = await addr(a);
      a.send("*3\r\n$5\r\nBLPOP\r\n$6\r\ncl:bl3\r\n$4\r\n0.05\r\n");
      assert.equal(await a.read(), null);
      a.close();
      await new Promise((r) => setTimeout(r, 150));
      const slow = (await b.call("SLOWLOG", "GET", "-1")) as Entry[];
      const s = slow.find((e) => e[3][0] === "BLPOP");
      assert.ok(s !== undefined, "timed-out BLPOP in the slow log");
      assert.deepEqual(s[3], ["BLPOP", "cl:bl3", "0.05"]);
      assert.equal(s[4], aAddr);
      let reply = (await b.call("COMMANDLOG", "GET", "-1", "large-reply")) as Entry[];
      // The timeout reply is a RESP2 null array, "*-1\r\n": 5 bytes.
      assert.equal(reply.find((e) => e[3][0] === "BLPOP")?.[2], 5);

      // CLIENT UNBLOCK ... ERROR: logged with the size of the error reply.
      await b.call("COMMANDLOG", "RESET", "large-reply");
      const c = await RawConn.connect(srv.port, srv.host);
      try {
        const id = await c.call("CLIENT", "ID");
        c.send("*3\r\n$5\r\nBLPOP\r\n$6\r\ncl:bl3\r\n$1\r\n0\r\n");
        await waitBlocked(b, 1);
        assert.equal(await b.call("CLIENT", "UNBLOCK", String(id), "ERROR"), 1);
        const err = await c.read();
        assert.ok(err instanceof RespError);
        reply = (await b.call("COMMANDLOG", "GET", "-1", "large-reply")) as Entry[];
        const e = reply.find((x) => x[3][0] === "BLPOP");
        assert.equal(e?.[2], err.message.length + 3);
        assert.deepEqual(e?.[3], ["BLPOP", "cl:bl3", "0"]);
        // Valkey counts the unblocked-with-error command as a rejected call.
        const stats = String(await b.call("INFO", "commandstats"));
        assert.match(stats, /cmdstat_blpop:calls=\d+,usec=\d+,usec_per_call=[\d.]+,rejected_calls=1,/);
      } finally {
        c.close();
      }
      await resetAll(b);
    } finally {
      b.close();
    }
  },
});

Deno.test({
  name: "COMMANDLOG errors: count, type, arity and unknown subcommands",
  ...opts,
  fn: () =>
    withConn(async (c) => {
      const err = async (...args: string[]) => {
        const r = await c.call(...args);
        assert.ok(r instanceof RespError, `${args.join(" ")} → ${r}`);
        return r.message;
      };
      const COUNT = "ERR count should be greater than or equal to -1";
      const TYPE = "ERR type should be one of the following: slow, large-request, large-reply";
      assert.equal(await err("COMMANDLOG", "GET", "-2", "slow"), COUNT);
      assert.equal(await err("COMMANDLOG", "GET", "abc", "slow"), COUNT);
      assert.equal(await err("COMMANDLOG", "GET", "1.5", "slow"), COUNT);
      assert.equal(await err("COMMANDLOG", "GET", "99999999999999999999", "slow"), COUNT);
      assert.equal(await err("COMMANDLOG", "GET", "abc", "nope"), COUNT);
      assert.equal(await err("COMMANDLOG", "GET", "1", "nope"), TYPE);
      assert.equal(await err("COMMANDLOG", "LEN", "slowlog"), TYPE);
      assert.equal(await err("COMMANDLOG", "RESET", ""), TYPE);
      assert.equal(
        await err("COMMANDLOG", "GET", "1"),
        "ERR wrong number of arguments for 'commandlog|get' command",
      );
      assert.equal(
        await err("COMMANDLOG", "LEN"),
        "ERR wrong number of arguments for 'commandlog|len' command",
      );
      assert.equal(
        await err("COMMANDLOG", "RESET", "slow", "x"),
        "ERR wrong number of arguments for 'commandlog|reset' command",
      );
      assert.equal(
        await err("COMMANDLOG", "HELP", "x"),
        "ERR wrong number of arguments for 'commandlog|help' command",
      );
      assert.equal(
        await err("COMMANDLOG", "FOO"),
        "ERR unknown subcommand 'FOO'. Try COMMANDLOG HELP.",
      );
      assert.equal(await err("COMMANDLOG"), "ERR wrong number of arguments for 'commandlog' command");
      assert.equal(
        await c.call("COMMANDLOG", "len", "LARGE-REPLY"),
        await c.call("COMMANDLOG", "LEN", "large-reply"),
      );
    }),
});

Deno.test({
  name: "COMMANDLOG HELP lists the subcommands",
  ...opts,
  fn: () =>
    withConn(async (c) => {
      const help = (await c.call("COMMANDLOG", "help")) as string[];
      assert.equal(help[0], "COMMANDLOG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
      assert.equal(help[1], "GET <count> <type>");
      assert.equal(
        help[2],
        "    Return top <count> entries of the specified <type> from the commandlog (-1 mean all).",
      );
      assert.equal(help.at(-3), "    Reset the specified type of commandlog.");
      assert.deepEqual(help.slice(-2), ["HELP", "    Print this help."]);
      assert.equal(help.length, 16);
    }),
});

Deno.test({
  name: "COMMAND INFO describes COMMANDLOG as an admin container of four subcommands",
  ...opts,
  fn: () =>
    withConn(async (c) => {
      const [info] = (await c.call("COMMAND", "INFO", "commandlog")) as unknown[][];
      assert.equal(info![0], "commandlog");
      assert.equal(info![1], -2);
      const subs = (info![9] as unknown[][]).map((s) => s[0]).sort();
      assert.deepEqual(subs, ["commandlog|get", "commandlog|help", "commandlog|len", "commandlog|reset"]);
      const get = (info![9] as unknown[][]).find((s) => s[0] === "commandlog|get")!;
      assert.deepEqual(get.slice(1, 3), [4, ["admin", "loading", "stale"]]);
      assert.deepEqual(get[6], ["@admin", "@slow", "@dangerous"]);
    }),
});

Deno.test({ name: "stop server", sanitizeOps: false, sanitizeResources: false, fn: () => srv.stop() });
