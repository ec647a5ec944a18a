import assert from "node:assert/strict";
import { absolutePath, parseCommandLine, usage } from "./command_line.ts";
import { Config, ConfigError } from "./config.ts";
import { buildServerConfigText } from "./config_file.ts";

/** Loads the options as the server does at startup (no config file), returning the error if any. */
function startWith(args: string[]): Config | ConfigError {
  const cl = parseCommandLine(args, "/work");
  const c = new Config();
  try {
    c.loadText(buildServerConfigText({ options: cl.text }), "(command line)");
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  return c;
}

Deno.test("version and help are recognised only as the first argument", () => {
  assert.deepEqual(parseCommandLine(["-v"]), { text: "", version: true });
  assert.deepEqual(parseCommandLine(["--version", "--port", "1"]), { text: "", version: true });
  assert.deepEqual(parseCommandLine(["-h"]), { text: "", help: true });
  assert.deepEqual(parseCommandLine(["--help"]), { text: "", help: true });
  assert.deepEqual(parseCommandLine([]), { text: "" });
  assert.equal(parseCommandLine(["--port", "1", "--version"]).version, undefined);
});

Deno.test("options become config lines with quoted values", () => {
  assert.equal(parseCommandLine(["--port", "7777"]).text, 'port "7777" ');
  assert.equal(
    parseCommandLine(["--port", "7777", "--replicaof", "127.0.0.1", "8888"]).text,
    'port "7777" \nreplicaof "127.0.0.1" "8888" ',
  );
  assert.equal(parseCommandLine(["--bind", "127.0.0.1", "::1"]).text, 'bind "127.0.0.1" "::1" ');
  assert.equal(parseCommandLine(["--save", ""]).text, 'save "" ');
  assert.equal(parseCommandLine(["--requirepass", 'a"b\n']).text, 'requirepass "a"b\\n" ');
});

Deno.test("an option and its value in one argument are taken as written", () => {
  assert.equal(parseCommandLine(["--port 6380"]).text, "port 6380 ");
  assert.equal(parseCommandLine(["--port 6380", "--timeout", "5"]).text, 'port 6380 \ntimeout "5" ');
});

Deno.test("a bare --save before another option or at the end means no snapshots", () => {
  assert.equal(parseCommandLine(["--save"]).text, 'save ""');
  assert.equal(parseCommandLine(["--save", "--port", "1"]).text, 'save ""\nport "1" ');
  assert.equal(parseCommandLine(["--SAVE", "--port", "1"]).text, 'SAVE ""\nport "1" ');
  const c = startWith(["--save", "--port", "7001"]);
  assert.ok(c instanceof Config);
  assert.equal(c.get("save"), "");
  assert.equal(c.getInt("port"), 7001);
});

Deno.test("the value after a bare option is taken even when it starts with --", () => {
  assert.equal(parseCommandLine(["--maxmemory-policy", "--x"]).text, 'maxmemory-policy "--x" ');
  assert.equal(parseCommandLine(["--sentinel", "--port", "1"]).text, 'sentinel \nport "1" ');
  assert.equal(parseCommandLine(["--sentinel"]).text, "sentinel ");
});

Deno.test("the first argument not starting with - is the config file, made absolute", () => {
  const cl = parseCommandLine(["/etc/myvalkey.conf", "--loglevel", "verbose"]);
  assert.deepEqual(cl, { configFile: "/etc/myvalkey.conf", text: 'loglevel "verbose" ' });
  assert.equal(parseCommandLine(["valkey.conf"], "/srv/v").configFile, "/srv/v/valkey.conf");
  assert.equal(parseCommandLine(["../../etc/v.conf"], "/srv/v/x").configFile, "/srv/etc/v.conf");
  assert.equal(parseCommandLine(["--port", "1"]).configFile, undefined);
});

Deno.test("a - first or last reads the config from stdin; elsewhere it is a value", () => {
  assert.deepEqual(parseCommandLine(["-"]), { text: "", stdin: true });
  assert.deepEqual(parseCommandLine(["/etc/v.conf", "--loglevel", "verbose", "-"]), {
    configFile: "/etc/v.conf",
    text: 'loglevel "verbose" ',
    stdin: true,
  });
  assert.deepEqual(parseCommandLine(["-", "--bad"]), { text: "bad ", stdin: true });
  assert.equal(
    parseCommandLine(["--loglevel", "verbose", "-", "--bad"]).text,
    'loglevel "verbose" "-" \nbad ',
  );
});

Deno.test("errors in options are reported at their line after the config text", () => {
  const e1 = startWith(["--port", "7392", "--foo", "bar"]);
  assert.ok(e1 instanceof ConfigError);
  assert.equal(
    e1.message,
    "\n*** FATAL CONFIG FILE ERROR (Version 8.1.1) ***\nReading the configuration file, at line 3\n" +
      ">>> 'foo \"bar\"'\nBad directive or wrong number of arguments\n",
  );
  const e2 = startWith(["--port"]);
  assert.ok(e2 instanceof ConfigError);
  assert.equal(e2.lineNumber, 2);
  assert.equal(e2.line, "port");
  assert.equal(e2.reason, "wrong number of arguments");
  const e3 = startWith(["--loglevel", "verbose", "-", "--bad"]);
  assert.ok(e3 instanceof ConfigError);
  assert.equal(e3.line, 'loglevel "verbose" "-"');
  assert.equal(e3.reason, "wrong number of arguments");
});

Deno.test("several values of one option are loaded as one directive", () => {
  const c = startWith([
    "--save",
    "900",
    "1",
    "300",
    "10",
    "--bind",
    "127.0.0.1",
    "::1",
    "--maxmemory",
    "2mb",
  ]);
  assert.ok(c instanceof Config);
  assert.equal(c.get("save"), "900 1 300 10");
  assert.deepEqual(c.getBind(), ["127.0.0.1", "::1"]);
  assert.equal(c.getInt("maxmemory"), 2 * 1024 * 1024);
});

Deno.test("getAbsolutePath trims, keeps absolute paths and strips leading ../ only", () => {
  assert.equal(absolutePath(" /a/b.conf\n", "/x"), "/a/b.conf");
  assert.equal(absolutePath("b.conf", "/x/y/"), "/x/y/b.conf");
  assert.equal(absolutePath("../b.conf", "/x/y"), "/x/b.conf");
  assert.equal(absolutePath("../../../b.conf", "/x"), "/b.conf");
  assert.equal(absolutePath("./a/../b.conf", "/x"), "/x/./a/../b.conf");
});

Deno.test("the usage text names the program", () => {
  const u = usage("./valkyr");
  assert.ok(u.startsWith("Usage: ./valkyr [/path/to/valkyr.conf] [options] [-]\n"));
  assert.ok(u.includes("       echo 'maxmemory 128mb' | ./valkyr -\n"));
});
