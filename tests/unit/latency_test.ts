/**
 * LATENCY over TCP: the latency monitor's events (LATEST, HISTORY, GRAPH, RESET, DOCTOR), the per-command
 * latency histograms (LATENCY HISTOGRAM, INFO latencystats, latency-tracking and its percentiles), HELP and
 * the errors.
 */

import assert from "node:assert/strict";
import { startServer, valkeyOnly } from "../helpers/server.ts";
import { RawConn, RespError } from "../helpers/raw.ts";

const srv = await startServer();
const opts = { sanitizeOps: false, sanitizeResources: false };

async function withConn<T>(fn: (c: RawConn) => Promise<T>): Promise<T> {
  const c = await RawConn.connect(srv.port, srv.host);
  try {
    return await fn(c);
  } finally {
    c.close();
  }
}

async function fresh(c: RawConn, threshold: number): Promise<void> {
  assert.equal(await c.call("CONFIG", "SET", "latency-monitor-threshold", String(threshold)), "OK");
  assert.equal(typeof await c.call("LATENCY", "RESET"), "number");
}

const SLEEP_MS = 200;
/**
 * The threshold the spike tests use: well below SLEEP_MS, well above the stalls a loaded CI machine gives
 * ordinary commands (with 1 ms a 10 ms scheduling stall was recorded as a spike there, and the tests need
 * exactly one spike: a second one from a descheduled LATENCY or CONFIG command would break them).
 */
const SPIKE_THRESHOLD_MS = 100;

/** Runs DEBUG SLEEP for SLEEP_MS and returns the "command" event's latest latency. */
async function spike(c: RawConn): Promise<number> {
  assert.equal(await c.call("DEBUG", "SLEEP", String(SLEEP_MS / 1000)), "OK");
  const latest = (await c.call("LATENCY", "LATEST")) as unknown[][];
  const ev = latest.find((e) => e[0] === "command")!;
  return ev[2] as number;
}

Deno.test({
  name: "no event is recorded while latency-monitor-threshold is 0",
  ...opts,
  fn: () =>
    withConn(async (c) => {
      await fresh(c, 0);
      await c.call("DEBUG", "SLEEP", "0.02");
      assert.deepEqual(await c.call("LATENCY", "LATEST"), []);
      assert.deepEqual(await c.call("LATENCY", "HISTORY", "command"), []);
    }),
});

Deno.test({
  name: "a slow command records a 'command' event: LATEST, HISTORY and RESET",
  ...opts,
  // Redis 7.0's LATEST has 4 fields (no sum and count).
  ...valkeyOnly(),
  fn: () =>
    withConn(async (c) => {
      await fresh(c, SPIKE_THRESHOLD_MS);
      const before = Math.floor(Date.now() / 1000);
      const ms = await spike(c);
      assert.ok(ms >= SLEEP_MS && ms < SLEEP_MS + 1000, `${ms}`);
      const [ev] = (await c.call("LATENCY", "LATEST")) as unknown[][];
      assert.equal(ev!.length, 6);
      assert.equal(ev![0], "command");
      assert.ok(Math.abs((ev![1] as number) - before) <= 2);
      assert.deepEqual(ev!.slice(2), [ms, ms, ms, 1]);
      const hist = (await c.call("LATENCY", "HISTORY", "command")) as number[][];
      assert.deepEqual(hist, [[ev![1], ms]]);
      assert.deepEqual(await c.call("LATENCY", "HISTORY", "no-such-event"), []);
      // Event names are matched case-insensitively by RESET, and unknown ones count nothing.
      assert.equal(await c.call("LATENCY", "RESET", "COMMAND", "nope", "command"), 1);
      assert.deepEqual(await c.call("LATENCY", "LATEST"), []);
      await fresh(c, 0);
    }),
});

Deno.test({
  name: "LATENCY GRAPH draws the samples of an event and fails for an unknown one",
  ...opts,
  fn: () =>
    withConn(async (c) => {
      await fresh(c, SPIKE_THRESHOLD_MS);
      const ms = await spike(c);
      const t = ((await c.call("LATENCY", "HISTORY", "command")) as number[][])[0]![0]!;
      const graph = (await c.call("LATENCY", "GRAPH", "command")) as string;
      const ago = Math.floor(Date.now() / 1000) - t;
      const expect = (label: string) =>
        `command - high ${ms} ms, low ${ms} ms (all time high ${ms} ms)\n${"-".repeat(80)}\n \n \n \n_\n \n` +
        [...label].map((ch) => `${ch}\n`).join("");
      assert.ok(graph === expect(`${ago}s`) || graph === expect(`${ago - 1}s`), JSON.stringify(graph));
      const err = await c.call("LATENCY", "GRAPH", "nope");
      assert.ok(err instanceof RespError);
      assert.equal(err.message, "ERR No samples available for event 'nope'");
      await fresh(c, 0);
    }),
});

Deno.test({
  name: "LATENCY DOCTOR explains disabled monitoring, a quiet instance, and command spikes",
  ...opts,
  ...valkeyOnly(),
  fn: () =>
    withConn(async (c) => {
      await fresh(c, 0);
      assert.equal(
        await c.call("LATENCY", "DOCTOR"),
        "I'm sorry, Dave, I can't do that. Latency monitoring is disabled in this Valkey instance. You may use " +
          '"CONFIG SET latency-monitor-threshold <milliseconds>." in order to enable it.\n',
      );
      await fresh(c, SPIKE_THRESHOLD_MS);
      assert.equal(
        await c.call("LATENCY", "DOCTOR"),
        "No latency spike was observed during the lifetime of this Valkey instance, not in the slightest bit.\n",
      );
      // The slow log must log less than the latency monitor does for DOCTOR to advise lowering it.
      await c.call("CONFIG", "SET", "slowlog-log-slower-than", String(SPIKE_THRESHOLD_MS * 1000 + 10000));
      const ms = await spike(c);
      const report = (await c.call("LATENCY", "DOCTOR")) as string;
      const head =
        `Latency spikes are observed in this Valkey instance.\n\n1. command: 1 latency spikes (average ` +
        `${ms}ms, mean deviation 0ms, period `;
      assert.ok(report.startsWith(head), report);
      assert.match(
        report.slice(head.length),
        /^\d\.00 sec\)\. Worst all time event \d+ms\.\n\nHere is some advice/,
      );
      assert.ok(
        report.endsWith(
          "- Your current Slow Log configuration only logs events that are slower than your configured latency " +
            `monitor threshold. Please use 'CONFIG SET slowlog-log-slower-than ${
              SPIKE_THRESHOLD_MS * 1000
            }'.\n` +
            "- Check your Slow Log to understand what are the commands you are running which are too slow to " +
            "execute. Please check https://valkey.io/commands/slowlog for more information.\n" +
            "- Deleting, expiring or evicting (because of maxmemory policy) large objects is a blocking operation. " +
            "If you have very large objects that are often deleted, expired, or evicted, try to fragment those " +
            "objects into multiple smaller objects.\n",
        ),
        report,
      );
      // With the slow log switched off, the advice is to enable it.
      await c.call("CONFIG", "SET", "slowlog-log-slower-than", "-1");
      const off = (await c.call("LATENCY", "DOCTOR")) as string;
      assert.ok(
        off.includes(
          "- There are latency issues with potentially slow commands you are using. Try to enable the Slow Log " +
            `Valkey feature using the command 'CONFIG SET slowlog-log-slower-than ${
              SPIKE_THRESHOLD_MS * 1000
            }'. ` +
            "If the Slow log is " +
            "disabled Valkey is not able to log slow commands execution for you.\n",
        ),
        off,
      );
      await c.call("CONFIG", "SET", "slowlog-log-slower-than", "10000");
      await fresh(c, 0);
    }),
});

Deno.test({
  name: "LATENCY HISTOGRAM gives calls and a cumulative distribution per command",
  ...opts,
  fn: () =>
    withConn(async (c) => {
      assert.ok((await c.call("HELLO", "3")) instanceof Map);
      assert.equal(await c.call("CONFIG", "RESETSTAT"), "OK");
      for (let i = 0; i < 3; i++) await c.call("SET", "lat:k", String(i));
      const h = (await c.call("LATENCY", "HISTOGRAM", "set", "nosuchcommand", "GET")) as Map<string, unknown>;
      assert.deepEqual([...h.keys()], ["set"]);
      const set = h.get("set") as Map<string, unknown>;
      assert.equal(set.get("calls"), 3);
      const buckets = set.get("histogram_usec") as Map<number, number>;
      const keys = [...buckets.keys()];
      const counts = [...buckets.values()];
      assert.ok(keys.length >= 1);
      for (let i = 1; i < keys.length; i++) {
        assert.ok(keys[i]! > keys[i - 1]!);
        assert.ok(counts[i]! > counts[i - 1]!);
      }
      assert.equal(counts.at(-1), 3);
      // Bucket bounds are HdrHistogram's log iteration from 1024 ns doubling: the highest value (ns) sharing
      // 1024·2^k's slot, in µs: 1, 2, 4, 8, 16, 33, 66, 132...
      const bounds = new Set<number>();
      for (let k = 0; k <= 20; k++) {
        const level = 1024 * 2 ** k;
        bounds.add(Math.floor((level + 2 ** (Math.log2(level) - 7) - 1) / 1000));
      }
      for (const k of keys) assert.ok(bounds.has(k), `${k}`);
      // A container name gives its subcommands' histograms.
      const cfg = (await c.call("LATENCY", "HISTOGRAM", "config")) as Map<string, unknown>;
      assert.deepEqual([...cfg.keys()], ["config|resetstat"]);
      const all = (await c.call("LATENCY", "HISTOGRAM")) as Map<string, unknown>;
      assert.ok(all.has("set") && all.has("latency|histogram") && all.has("config|resetstat"));
      await c.call("DEL", "lat:k");
    }),
});

Deno.test({
  name: "INFO latencystats prints the configured percentiles per command, and latency-tracking no stops it",
  ...opts,
  fn: () =>
    withConn(async (c) => {
      assert.equal(await c.call("CONFIG", "RESETSTAT"), "OK");
      await c.call("SET", "lat:i", "1");
      let info = (await c.call("INFO", "latencystats")) as string;
      assert.ok(info.startsWith("# Latencystats\r\n"), info);
      assert.match(
        info,
        /\r\nlatency_percentiles_usec_set:p50=\d+\.\d{3},p99=\d+\.\d{3},p99\.9=\d+\.\d{3}\r\n/,
      );
      assert.match(info, /\r\nlatency_percentiles_usec_config\|resetstat:p50=/);
      // One sample: every percentile is the same bucket.
      const [, p50, p99, p999] = /latency_percentiles_usec_set:p50=([\d.]+),p99=([\d.]+),p99\.9=([\d.]+)/
        .exec(info)!;
      assert.equal(p50, p99);
      assert.equal(p99, p999);
      assert.equal(await c.call("CONFIG", "SET", "latency-tracking-info-percentiles", "0 99.99 100"), "OK");
      info = (await c.call("INFO", "latencystats")) as string;
      assert.match(info, /latency_percentiles_usec_set:p0=[\d.]+,p99\.99=[\d.]+,p100=[\d.]+\r\n/);
      assert.equal(await c.call("CONFIG", "SET", "latency-tracking-info-percentiles", ""), "OK");
      info = (await c.call("INFO", "latencystats")) as string;
      assert.match(info, /latency_percentiles_usec_set:\r\n/);
      assert.equal(await c.call("CONFIG", "SET", "latency-tracking-info-percentiles", "50 99 99.9"), "OK");
      // Not in the default sections.
      assert.ok(!((await c.call("INFO")) as string).includes("# Latencystats"));
      assert.ok(((await c.call("INFO", "all")) as string).includes("# Latencystats\r\n"));
      assert.equal(await c.call("CONFIG", "SET", "latency-tracking", "no"), "OK");
      assert.equal(await c.call("INFO", "latencystats"), "# Latencystats\r\n");
      assert.equal(await c.call("CONFIG", "RESETSTAT"), "OK");
      await c.call("SET", "lat:i", "2");
      const h = (await c.call("LATENCY", "HISTOGRAM", "set")) as unknown[];
      assert.deepEqual(h, []);
      assert.equal(await c.call("CONFIG", "SET", "latency-tracking", "yes"), "OK");
      await c.call("DEL", "lat:i");
    }),
});

Deno.test({
  name: "LATENCY HELP, arity errors and unknown subcommands",
  ...opts,
  ...valkeyOnly(),
  fn: () =>
    withConn(async (c) => {
      const help = (await c.call("LATENCY", "HELP")) as string[];
      assert.equal(help[0], "LATENCY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
      assert.deepEqual(help.slice(1, 5), [
        "DOCTOR",
        "    Return a human readable latency analysis report.",
        "GRAPH <event>",
        "    Return an ASCII latency graph for the <event> class.",
      ]);
      assert.deepEqual(help.slice(-2), ["HELP", "    Print this help."]);
      const err = async (...args: string[]) => {
        const r = await c.call(...args);
        assert.ok(r instanceof RespError, `${args.join(" ")} → ${r}`);
        return r.message;
      };
      assert.equal(
        await err("LATENCY", "HISTORY"),
        "ERR wrong number of arguments for 'latency|history' command",
      );
      assert.equal(
        await err("LATENCY", "GRAPH", "a", "b"),
        "ERR wrong number of arguments for 'latency|graph' command",
      );
      assert.equal(
        await err("LATENCY", "LATEST", "x"),
        "ERR wrong number of arguments for 'latency|latest' command",
      );
      assert.equal(
        await err("LATENCY", "DOCTOR", "x"),
        "ERR wrong number of arguments for 'latency|doctor' command",
      );
      assert.equal(
        await err("LATENCY", "HELP", "x"),
        "ERR wrong number of arguments for 'latency|help' command",
      );
      assert.equal(await err("LATENCY", "NOPE"), "ERR unknown subcommand 'NOPE'. Try LATENCY HELP.");
      assert.equal(await err("LATENCY"), "ERR wrong number of arguments for 'latency' command");
    }),
});

Deno.test({ name: "stop server", sanitizeOps: false, sanitizeResources: false, fn: () => srv.stop() });
