/**
 * GEO commands over TCP: GEOADD, GEOPOS, GEODIST, GEOHASH, GEOSEARCH, GEOSEARCHSTORE and the deprecated
 * GEORADIUS family. Every reply is compared byte for byte (RESP2 and, where it differs, RESP3) with what
 * Valkey 8.1.1 sends for the same command sequence; the expectations were recorded from the reference
 * server (STOREDIST scores print with Valkey 8's shortest round-trip format, so those tests skip Redis 7.0).
 * Keyspace events and a real client are checked at the end.
 */

import assert from "node:assert/strict";
import { Valkey } from "iovalkey";
import { startServer, valkeyOnly } from "../../helpers/server.ts";
import { encodeRequest, RawConn } from "../../helpers/raw.ts";
import { flushedTest } from "../../helpers/suite.ts";

const srv = await startServer();
const test = flushedTest(srv);

type Step = [argv: string[], reply: string];

/** Sends each command and checks the exact reply bytes. */
async function replay(c: RawConn, steps: Step[]): Promise<void> {
  for (const [argv, reply] of steps) {
    c.send(encodeRequest(argv));
    const got = await c.readRaw(reply.length);
    assert.equal(got, reply, `reply to ${argv.join(" ")}`);
  }
}

test("GEOADD rejects coordinates out of range with Valkey's exact message", async (c) => {
  await replay(c, [
    [["GEOADD", "k", "1", "95", "a"], "-ERR invalid longitude,latitude pair 1.000000,95.000000\r\n"],
    [["GEOADD", "k", "200", "10", "a"], "-ERR invalid longitude,latitude pair 200.000000,10.000000\r\n"],
    [
      ["GEOADD", "k", "-180.0000001", "85.05112879", "a"],
      "-ERR invalid longitude,latitude pair -180.000000,85.051129\r\n",
    ],
    [
      ["GEOADD", "k", "1e30", "1", "a"],
      "-ERR invalid longitude,latitude pair 1000000000000000019884624838656.000000,1.000000\r\n",
    ],
    [
      ["GEOADD", "k", "0.0078125", "100", "a"],
      "-ERR invalid longitude,latitude pair 0.007812,100.000000\r\n",
    ],
    [["GEOADD", "k", "-0", "90", "a"], "-ERR invalid longitude,latitude pair -0.000000,90.000000\r\n"],
    [["GEOADD", "k", "inf", "0", "a"], "-ERR invalid longitude,latitude pair inf,0.000000\r\n"],
    [
      ["GEOSEARCH", "k", "FROMLONLAT", "200", "37", "BYRADIUS", "200", "km"],
      "-ERR invalid longitude,latitude pair 200.000000,37.000000\r\n",
    ],
    [
      ["GEORADIUS", "k", "15", "95", "200", "km"],
      "-ERR invalid longitude,latitude pair 15.000000,95.000000\r\n",
    ],
    [["EXISTS", "k"], ":0\r\n"],
  ]);
});

test("GEOADD rejects bad numbers, arity and option mistakes", async (c) => {
  await replay(c, [
    [["GEOADD", "k", "abc", "1", "a"], "-ERR value is not a valid float\r\n"],
    [["GEOADD", "k", "1", "abc", "a"], "-ERR value is not a valid float\r\n"],
    [["GEOADD", "k", "nan", "1", "a"], "-ERR value is not a valid float\r\n"],
    [["GEOADD", "k", "1", "2"], "-ERR wrong number of arguments for 'geoadd' command\r\n"],
    [["GEOADD", "k", "1", "2", "a", "3"], "-ERR syntax error\r\n"],
    [["GEOADD", "k", "xx", "nx", "1", "2", "a"], "-ERR syntax error\r\n"],
    [["GEOADD", "k", "gt", "1", "2", "a"], "-ERR syntax error\r\n"],
    [["GEOADD", "k", "nx"], "-ERR wrong number of arguments for 'geoadd' command\r\n"],
    [
      ["GEOADD", "k", "1", "2", "a", "1", "95", "b"],
      "-ERR invalid longitude,latitude pair 1.000000,95.000000\r\n",
    ],
    [["EXISTS", "k"], ":0\r\n"],
  ]);
});

test("GEOADD stores 52-bit geohash scores, including the range limits", async (c) => {
  await replay(c, [
    [
      ["GEOADD", "k", "180", "85.05112878", "max", "180", "-85.05112878", "min", "-180", "0", "west"],
      ":3\r\n",
    ],
    [
      ["ZRANGE", "k", "0", "-1", "WITHSCORES"],
      "*6\r\n$4\r\nwest\r\n$16\r\n1125899906842624\r\n$3\r\nmin\r\n$16\r\n9007199254740992\r\n$3\r\nmax\r\n$17\r\n13510798882111488\r\n",
    ],
    [
      ["GEOPOS", "k", "max", "min", "west"],
      "*3\r\n*2\r\n$3\r\n180\r\n$19\r\n85.0511287799999991\r\n*2\r\n$3\r\n180\r\n$21\r\n-85.05112751263942528\r\n*2\r\n$22\r\n-179.99999731779098511\r\n$19\r\n0.00000126736058093\r\n",
    ],
    [
      ["GEOHASH", "k", "max", "min", "west"],
      "*3\r\n$11\r\nbp05b5048p0\r\n$11\r\n00bh0hbj200\r\n$11\r\n80000000000\r\n",
    ],
    [["OBJECT", "ENCODING", "k"], "$8\r\nlistpack\r\n"],
  ]);
});

test("GEOADD stores 52-bit geohash scores, including the range limits (RESP3)", async (c) => {
  await c.call("HELLO", "3");
  await replay(c, [
    [
      ["GEOADD", "k", "180", "85.05112878", "max", "180", "-85.05112878", "min", "-180", "0", "west"],
      ":3\r\n",
    ],
    [
      ["ZRANGE", "k", "0", "-1", "WITHSCORES"],
      "*3\r\n*2\r\n$4\r\nwest\r\n,1125899906842624\r\n*2\r\n$3\r\nmin\r\n,9007199254740992\r\n*2\r\n$3\r\nmax\r\n,13510798882111488\r\n",
    ],
    [
      ["GEOPOS", "k", "max", "min", "west"],
      "*3\r\n*2\r\n,180\r\n,85.0511287799999991\r\n*2\r\n,180\r\n,-85.05112751263942528\r\n*2\r\n,-179.99999731779098511\r\n,0.00000126736058093\r\n",
    ],
    [
      ["GEOHASH", "k", "max", "min", "west"],
      "*3\r\n$11\r\nbp05b5048p0\r\n$11\r\n00bh0hbj200\r\n$11\r\n80000000000\r\n",
    ],
    [["OBJECT", "ENCODING", "k"], "$8\r\nlistpack\r\n"],
  ]);
});

test("GEOADD with NX, XX and CH", async (c) => {
  await replay(c, [
    [
      ["GEOADD", "Sicily", "13.361389", "38.115556", "Palermo", "15.087269", "37.502669", "Catania"],
      ":2\r\n",
    ],
    [[
      "GEOADD",
      "Sicily",
      "CH",
      "13.361389",
      "38.115556",
      "Palermo",
      "15",
      "37.5",
      "Catania",
      "12",
      "37",
      "new",
    ], ":2\r\n"],
    [[
      "GEOADD",
      "Sicily",
      "NX",
      "CH",
      "13.361389",
      "38.115556",
      "Palermo",
      "15.087269",
      "37.502669",
      "Catania",
      "12",
      "37.1",
      "new2",
    ], ":1\r\n"],
    [["GEOADD", "Sicily", "XX", "13", "38", "Palermo", "12", "36", "none"], ":0\r\n"],
    [["GEOADD", "Sicily", "XX", "CH", "ch", "13", "38", "Palermo", "12", "36", "none"], ":0\r\n"],
    [["GEOADD", "Sicily", "nx", "nx", "ch", "ch", "1", "1", "nx"], ":1\r\n"],
    [
      ["ZRANGE", "Sicily", "0", "-1", "WITHSCORES"],
      "*10\r\n$2\r\nnx\r\n$16\r\n3377822707026402\r\n$3\r\nnew\r\n$16\r\n3475952690022668\r\n$4\r\nnew2\r\n$16\r\n3475956108643420\r\n$7\r\nPalermo\r\n$16\r\n3479065152021743\r\n$7\r\nCatania\r\n$16\r\n3479446654650844\r\n",
    ],
  ]);
});

test("GEOADD with NX, XX and CH (RESP3)", async (c) => {
  await c.call("HELLO", "3");
  await replay(c, [
    [
      ["GEOADD", "Sicily", "13.361389", "38.115556", "Palermo", "15.087269", "37.502669", "Catania"],
      ":2\r\n",
    ],
    [[
      "GEOADD",
      "Sicily",
      "CH",
      "13.361389",
      "38.115556",
      "Palermo",
      "15",
      "37.5",
      "Catania",
      "12",
      "37",
      "new",
    ], ":2\r\n"],
    [[
      "GEOADD",
      "Sicily",
      "NX",
      "CH",
      "13.361389",
      "38.115556",
      "Palermo",
      "15.087269",
      "37.502669",
      "Catania",
      "12",
      "37.1",
      "new2",
    ], ":1\r\n"],
    [["GEOADD", "Sicily", "XX", "13", "38", "Palermo", "12", "36", "none"], ":0\r\n"],
    [["GEOADD", "Sicily", "XX", "CH", "ch", "13", "38", "Palermo", "12", "36", "none"], ":0\r\n"],
    [["GEOADD", "Sicily", "nx", "nx", "ch", "ch", "1", "1", "nx"], ":1\r\n"],
    [
      ["ZRANGE", "Sicily", "0", "-1", "WITHSCORES"],
      "*5\r\n*2\r\n$2\r\nnx\r\n,3377822707026402\r\n*2\r\n$3\r\nnew\r\n,3475952690022668\r\n*2\r\n$4\r\nnew2\r\n,3475956108643420\r\n*2\r\n$7\r\nPalermo\r\n,3479065152021743\r\n*2\r\n$7\r\nCatania\r\n,3479446654650844\r\n",
    ],
  ]);
});

test("GEOPOS GEOHASH and GEODIST report positions and distances", async (c) => {
  await replay(c, [
    [
      ["GEOADD", "Sicily", "13.361389", "38.115556", "Palermo", "15.087269", "37.502669", "Catania"],
      ":2\r\n",
    ],
    [
      ["GEOPOS", "Sicily", "Palermo", "nope", "Catania"],
      "*3\r\n*2\r\n$20\r\n13.36138933897018433\r\n$20\r\n38.11555639549629859\r\n*-1\r\n*2\r\n$20\r\n15.08726745843887329\r\n$20\r\n37.50266842333162032\r\n",
    ],
    [
      ["GEOHASH", "Sicily", "Palermo", "nope", "Catania"],
      "*3\r\n$11\r\nsqc8b49rny0\r\n$-1\r\n$11\r\nsqdtr74hyu0\r\n",
    ],
    [["GEODIST", "Sicily", "Palermo", "Catania"], "$11\r\n166274.1516\r\n"],
    [["GEODIST", "Sicily", "Palermo", "Catania", "km"], "$8\r\n166.2742\r\n"],
    [["GEODIST", "Sicily", "Palermo", "Catania", "MI"], "$8\r\n103.3182\r\n"],
    [["GEODIST", "Sicily", "Palermo", "Catania", "ft"], "$11\r\n545518.8700\r\n"],
    [["GEODIST", "Sicily", "Palermo", "Catania", "M"], "$11\r\n166274.1516\r\n"],
    [
      ["GEODIST", "Sicily", "Palermo", "Catania", "yd"],
      "-ERR unsupported unit provided. please use M, KM, FT, MI\r\n",
    ],
    [["GEODIST", "Sicily", "Palermo", "Catania", "km", "x"], "-ERR syntax error\r\n"],
    [["GEODIST", "Sicily", "Palermo", "Palermo"], "$6\r\n0.0000\r\n"],
    [["GEODIST", "Sicily", "Palermo", "nope"], "$-1\r\n"],
    [["GEODIST", "Sicily", "nope", "Palermo"], "$-1\r\n"],
    [["GEODIST", "nokey", "Palermo", "nope"], "$-1\r\n"],
    [["GEODIST", "nokey", "a", "b", "yd"], "-ERR unsupported unit provided. please use M, KM, FT, MI\r\n"],
    [["GEODIST", "Sicily", "a"], "-ERR wrong number of arguments for 'geodist' command\r\n"],
    [["GEOPOS", "nokey", "a", "b"], "*2\r\n*-1\r\n*-1\r\n"],
    [["GEOPOS", "Sicily"], "*0\r\n"],
    [["GEOHASH", "Sicily"], "*0\r\n"],
    [["GEOHASH", "nokey", "a"], "*1\r\n$-1\r\n"],
    [["GEOPOS"], "-ERR wrong number of arguments for 'geopos' command\r\n"],
    [["GEOHASH"], "-ERR wrong number of arguments for 'geohash' command\r\n"],
  ]);
});

test("GEOPOS GEOHASH and GEODIST report positions and distances (RESP3)", async (c) => {
  await c.call("HELLO", "3");
  await replay(c, [
    [
      ["GEOADD", "Sicily", "13.361389", "38.115556", "Palermo", "15.087269", "37.502669", "Catania"],
      ":2\r\n",
    ],
    [
      ["GEOPOS", "Sicily", "Palermo", "nope", "Catania"],
      "*3\r\n*2\r\n,13.36138933897018433\r\n,38.11555639549629859\r\n_\r\n*2\r\n,15.08726745843887329\r\n,37.50266842333162032\r\n",
    ],
    [
      ["GEOHASH", "Sicily", "Palermo", "nope", "Catania"],
      "*3\r\n$11\r\nsqc8b49rny0\r\n_\r\n$11\r\nsqdtr74hyu0\r\n",
    ],
    [["GEODIST", "Sicily", "Palermo", "Catania"], "$11\r\n166274.1516\r\n"],
    [["GEODIST", "Sicily", "Palermo", "Catania", "km"], "$8\r\n166.2742\r\n"],
    [["GEODIST", "Sicily", "Palermo", "Catania", "MI"], "$8\r\n103.3182\r\n"],
    [["GEODIST", "Sicily", "Palermo", "Catania", "ft"], "$11\r\n545518.8700\r\n"],
    [["GEODIST", "Sicily", "Palermo", "Catania", "M"], "$11\r\n166274.1516\r\n"],
    [
      ["GEODIST", "Sicily", "Palermo", "Catania", "yd"],
      "-ERR unsupported unit provided. please use M, KM, FT, MI\r\n",
    ],
    [["GEODIST", "Sicily", "Palermo", "Catania", "km", "x"], "-ERR syntax error\r\n"],
    [["GEODIST", "Sicily", "Palermo", "Palermo"], "$6\r\n0.0000\r\n"],
    [["GEODIST", "Sicily", "Palermo", "nope"], "_\r\n"],
    [["GEODIST", "Sicily", "nope", "Palermo"], "_\r\n"],
    [["GEODIST", "nokey", "Palermo", "nope"], "_\r\n"],
    [["GEODIST", "nokey", "a", "b", "yd"], "-ERR unsupported unit provided. please use M, KM, FT, MI\r\n"],
    [["GEODIST", "Sicily", "a"], "-ERR wrong number of arguments for 'geodist' command\r\n"],
    [["GEOPOS", "nokey", "a", "b"], "*2\r\n_\r\n_\r\n"],
    [["GEOPOS", "Sicily"], "*0\r\n"],
    [["GEOHASH", "Sicily"], "*0\r\n"],
    [["GEOHASH", "nokey", "a"], "*1\r\n_\r\n"],
    [["GEOPOS"], "-ERR wrong number of arguments for 'geopos' command\r\n"],
    [["GEOHASH"], "-ERR wrong number of arguments for 'geohash' command\r\n"],
  ]);
});

test("GEO commands refuse keys of another type", async (c) => {
  await replay(c, [
    [["SET", "str", "x"], "+OK\r\n"],
    [["GEOPOS", "str", "a"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
    [["GEOHASH", "str", "a"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
    [
      ["GEOADD", "str", "1", "1", "a"],
      "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
    ],
    [["GEOADD", "str", "1", "95", "a"], "-ERR invalid longitude,latitude pair 1.000000,95.000000\r\n"],
    [["GEODIST", "str", "a", "b"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
    [["GEODIST", "str", "a", "b", "yd"], "-ERR unsupported unit provided. please use M, KM, FT, MI\r\n"],
    [
      ["GEOSEARCH", "str", "FROMLONLAT", "0", "0", "BYRADIUS", "1", "km"],
      "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
    ],
    [
      ["GEOSEARCHSTORE", "dst", "str", "FROMLONLAT", "0", "0", "BYRADIUS", "1", "km"],
      "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
    ],
    [
      ["GEORADIUS", "str", "0", "0", "1", "km"],
      "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
    ],
    [
      ["GEORADIUSBYMEMBER", "str", "a", "1", "km"],
      "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
    ],
  ]);
});

test("Positions decoded from scores that GEOADD could not have produced", async (c) => {
  await replay(c, [
    [[
      "ZADD",
      "weird",
      "-5",
      "neg",
      "1e300",
      "huge",
      "0.5",
      "half",
      "9007199254740993",
      "big",
      "1e19",
      "e19",
      "-inf",
      "minf",
    ], ":6\r\n"],
    [
      ["GEOPOS", "weird", "neg", "huge", "half", "big", "e19", "minf"],
      "*6\r\n*2\r\n$3\r\n180\r\n$19\r\n85.0511287799999991\r\n*2\r\n$22\r\n-179.99999731779098511\r\n$21\r\n-85.05112751263942528\r\n*2\r\n$22\r\n-179.99999731779098511\r\n$21\r\n-85.05112751263942528\r\n*2\r\n$3\r\n180\r\n$21\r\n-85.05112751263942528\r\n*2\r\n$3\r\n180\r\n$19\r\n85.0511287799999991\r\n*2\r\n$3\r\n180\r\n$21\r\n-85.05112751263942528\r\n",
    ],
    [
      ["GEOHASH", "weird", "neg", "huge", "half", "big", "e19", "minf"],
      "*6\r\n$11\r\nbp05b5048p0\r\n$11\r\n00bh0hbj200\r\n$11\r\n00bh0hbj200\r\n$11\r\n00bh0hbj200\r\n$11\r\nbp05b5048p0\r\n$11\r\n00bh0hbj200\r\n",
    ],
    [["GEODIST", "weird", "neg", "huge"], "$13\r\n18919844.5891\r\n"],
    [
      ["GEOSEARCH", "weird", "FROMLONLAT", "0", "0", "BYRADIUS", "50000", "km", "WITHHASH", "WITHCOORD"],
      "*1\r\n*3\r\n$4\r\nhalf\r\n:0\r\n*2\r\n$22\r\n-179.99999731779098511\r\n$21\r\n-85.05112751263942528\r\n",
    ],
  ]);
});

test("Positions decoded from scores that GEOADD could not have produced (RESP3)", async (c) => {
  await c.call("HELLO", "3");
  await replay(c, [
    [[
      "ZADD",
      "weird",
      "-5",
      "neg",
      "1e300",
      "huge",
      "0.5",
      "half",
      "9007199254740993",
      "big",
      "1e19",
      "e19",
      "-inf",
      "minf",
    ], ":6\r\n"],
    [
      ["GEOPOS", "weird", "neg", "huge", "half", "big", "e19", "minf"],
      "*6\r\n*2\r\n,180\r\n,85.0511287799999991\r\n*2\r\n,-179.99999731779098511\r\n,-85.05112751263942528\r\n*2\r\n,-179.99999731779098511\r\n,-85.05112751263942528\r\n*2\r\n,180\r\n,-85.05112751263942528\r\n*2\r\n,180\r\n,85.0511287799999991\r\n*2\r\n,180\r\n,-85.05112751263942528\r\n",
    ],
    [
      ["GEOHASH", "weird", "neg", "huge", "half", "big", "e19", "minf"],
      "*6\r\n$11\r\nbp05b5048p0\r\n$11\r\n00bh0hbj200\r\n$11\r\n00bh0hbj200\r\n$11\r\n00bh0hbj200\r\n$11\r\nbp05b5048p0\r\n$11\r\n00bh0hbj200\r\n",
    ],
    [["GEODIST", "weird", "neg", "huge"], "$13\r\n18919844.5891\r\n"],
    [
      ["GEOSEARCH", "weird", "FROMLONLAT", "0", "0", "BYRADIUS", "50000", "km", "WITHHASH", "WITHCOORD"],
      "*1\r\n*3\r\n$4\r\nhalf\r\n:0\r\n*2\r\n,-179.99999731779098511\r\n,-85.05112751263942528\r\n",
    ],
  ]);
});

test("GEORADIUS and GEORADIUSBYMEMBER with every reply option", async (c) => {
  await replay(c, [
    [
      ["GEOADD", "Sicily", "13.361389", "38.115556", "Palermo", "15.087269", "37.502669", "Catania"],
      ":2\r\n",
    ],
    [
      ["GEORADIUS", "Sicily", "15", "37", "200", "km", "WITHDIST", "WITHCOORD", "WITHHASH", "ASC"],
      "*2\r\n*4\r\n$7\r\nCatania\r\n$7\r\n56.4413\r\n:3479447370796909\r\n*2\r\n$20\r\n15.08726745843887329\r\n$20\r\n37.50266842333162032\r\n*4\r\n$7\r\nPalermo\r\n$8\r\n190.4424\r\n:3479099956230698\r\n*2\r\n$20\r\n13.36138933897018433\r\n$20\r\n38.11555639549629859\r\n",
    ],
    [
      ["GEORADIUS", "Sicily", "15", "37", "200", "km", "withhash", "withcoord"],
      "*2\r\n*3\r\n$7\r\nPalermo\r\n:3479099956230698\r\n*2\r\n$20\r\n13.36138933897018433\r\n$20\r\n38.11555639549629859\r\n*3\r\n$7\r\nCatania\r\n:3479447370796909\r\n*2\r\n$20\r\n15.08726745843887329\r\n$20\r\n37.50266842333162032\r\n",
    ],
    [["GEORADIUS", "Sicily", "15", "37", "200", "km", "COUNT", "1"], "*1\r\n$7\r\nCatania\r\n"],
    [["GEORADIUS", "Sicily", "15", "37", "200", "km", "DESC"], "*2\r\n$7\r\nPalermo\r\n$7\r\nCatania\r\n"],
    [
      ["GEORADIUS", "Sicily", "15", "37", "200", "km", "COUNT", "1", "DESC", "ANY"],
      "*1\r\n$7\r\nPalermo\r\n",
    ],
    [
      ["GEORADIUS_RO", "Sicily", "15", "37", "200", "km", "WITHDIST"],
      "*2\r\n*2\r\n$7\r\nPalermo\r\n$8\r\n190.4424\r\n*2\r\n$7\r\nCatania\r\n$7\r\n56.4413\r\n",
    ],
    [
      ["GEORADIUSBYMEMBER", "Sicily", "Palermo", "200", "km", "WITHDIST"],
      "*2\r\n*2\r\n$7\r\nPalermo\r\n$6\r\n0.0000\r\n*2\r\n$7\r\nCatania\r\n$8\r\n166.2742\r\n",
    ],
    [
      ["GEORADIUSBYMEMBER_RO", "Sicily", "Palermo", "200", "km", "WITHDIST", "DESC"],
      "*2\r\n*2\r\n$7\r\nCatania\r\n$8\r\n166.2742\r\n*2\r\n$7\r\nPalermo\r\n$6\r\n0.0000\r\n",
    ],
    [
      ["GEORADIUSBYMEMBER", "Sicily", "nope", "200", "km", "WITHDIST"],
      "-ERR could not decode requested zset member\r\n",
    ],
    [["GEORADIUSBYMEMBER", "nokey", "nope", "200", "km", "WITHDIST"], "*0\r\n"],
    [["GEORADIUS", "nokey", "15", "37", "200", "km"], "*0\r\n"],
  ]);
});

test("GEORADIUS and GEORADIUSBYMEMBER with every reply option (RESP3)", async (c) => {
  await c.call("HELLO", "3");
  await replay(c, [
    [
      ["GEOADD", "Sicily", "13.361389", "38.115556", "Palermo", "15.087269", "37.502669", "Catania"],
      ":2\r\n",
    ],
    [
      ["GEORADIUS", "Sicily", "15", "37", "200", "km", "WITHDIST", "WITHCOORD", "WITHHASH", "ASC"],
      "*2\r\n*4\r\n$7\r\nCatania\r\n$7\r\n56.4413\r\n:3479447370796909\r\n*2\r\n,15.08726745843887329\r\n,37.50266842333162032\r\n*4\r\n$7\r\nPalermo\r\n$8\r\n190.4424\r\n:3479099956230698\r\n*2\r\n,13.36138933897018433\r\n,38.11555639549629859\r\n",
    ],
    [
      ["GEORADIUS", "Sicily", "15", "37", "200", "km", "withhash", "withcoord"],
      "*2\r\n*3\r\n$7\r\nPalermo\r\n:3479099956230698\r\n*2\r\n,13.36138933897018433\r\n,38.11555639549629859\r\n*3\r\n$7\r\nCatania\r\n:3479447370796909\r\n*2\r\n,15.08726745843887329\r\n,37.50266842333162032\r\n",
    ],
    [["GEORADIUS", "Sicily", "15", "37", "200", "km", "COUNT", "1"], "*1\r\n$7\r\nCatania\r\n"],
    [["GEORADIUS", "Sicily", "15", "37", "200", "km", "DESC"], "*2\r\n$7\r\nPalermo\r\n$7\r\nCatania\r\n"],
    [
      ["GEORADIUS", "Sicily", "15", "37", "200", "km", "COUNT", "1", "DESC", "ANY"],
      "*1\r\n$7\r\nPalermo\r\n",
    ],
    [
      ["GEORADIUS_RO", "Sicily", "15", "37", "200", "km", "WITHDIST"],
      "*2\r\n*2\r\n$7\r\nPalermo\r\n$8\r\n190.4424\r\n*2\r\n$7\r\nCatania\r\n$7\r\n56.4413\r\n",
    ],
    [
      ["GEORADIUSBYMEMBER", "Sicily", "Palermo", "200", "km", "WITHDIST"],
      "*2\r\n*2\r\n$7\r\nPalermo\r\n$6\r\n0.0000\r\n*2\r\n$7\r\nCatania\r\n$8\r\n166.2742\r\n",
    ],
    [
      ["GEORADIUSBYMEMBER_RO", "Sicily", "Palermo", "200", "km", "WITHDIST", "DESC"],
      "*2\r\n*2\r\n$7\r\nCatania\r\n$8\r\n166.2742\r\n*2\r\n$7\r\nPalermo\r\n$6\r\n0.0000\r\n",
    ],
    [
      ["GEORADIUSBYMEMBER", "Sicily", "nope", "200", "km", "WITHDIST"],
      "-ERR could not decode requested zset member\r\n",
    ],
    [["GEORADIUSBYMEMBER", "nokey", "nope", "200", "km", "WITHDIST"], "*0\r\n"],
    [["GEORADIUS", "nokey", "15", "37", "200", "km"], "*0\r\n"],
  ]);
});

test("GEORADIUS argument errors", async (c) => {
  await replay(c, [
    [
      ["GEOADD", "Sicily", "13.361389", "38.115556", "Palermo", "15.087269", "37.502669", "Catania"],
      ":2\r\n",
    ],
    [
      ["GEORADIUSBYMEMBER", "nokey", "nope", "200", "km", "WITHDIST", "STORE", "x"],
      "-ERR STORE option in GEORADIUS is not compatible with WITHDIST, WITHHASH and WITHCOORD options\r\n",
    ],
    [
      ["GEORADIUS", "Sicily", "15", "37", "200", "km", "STORE", "dst2", "WITHCOORD"],
      "-ERR STORE option in GEORADIUS is not compatible with WITHDIST, WITHHASH and WITHCOORD options\r\n",
    ],
    [
      ["GEORADIUS", "Sicily", "15", "37", "200", "km", "ANY", "COUNT", "1", "WITHDIST", "STOREDIST", "x"],
      "-ERR STORE option in GEORADIUS is not compatible with WITHDIST, WITHHASH and WITHCOORD options\r\n",
    ],
    [["GEORADIUS_RO", "Sicily", "15", "37", "200", "km", "STORE", "dst2"], "-ERR syntax error\r\n"],
    [["GEORADIUSBYMEMBER_RO", "Sicily", "Palermo", "200", "km", "STORE", "dst2"], "-ERR syntax error\r\n"],
    [["GEORADIUS", "Sicily", "15", "37", "200", "km", "STORE"], "-ERR syntax error\r\n"],
    [
      ["GEORADIUS", "Sicily", "15", "37", "200"],
      "-ERR wrong number of arguments for 'georadius' command\r\n",
    ],
    [["GEORADIUS", "Sicily", "15", "37", "x", "km"], "-ERR need numeric radius\r\n"],
    [["GEORADIUS", "Sicily", "15", "37", "-1", "km"], "-ERR radius cannot be negative\r\n"],
    [
      ["GEORADIUS", "Sicily", "15", "37", "1", "yd"],
      "-ERR unsupported unit provided. please use M, KM, FT, MI\r\n",
    ],
    [["GEORADIUS", "Sicily", "x", "37", "1", "km"], "-ERR value is not a valid float\r\n"],
    [["GEORADIUS", "Sicily", "15", "37", "1", "km", "FROMLONLAT", "1", "1"], "-ERR syntax error\r\n"],
    [["GEORADIUS", "Sicily", "15", "37", "1", "km", "BYRADIUS", "1", "km"], "-ERR syntax error\r\n"],
    [
      ["GEORADIUS", "Sicily", "15", "37", "1", "km", "ANY"],
      "-ERR the ANY argument requires COUNT argument\r\n",
    ],
    [["GEORADIUS", "Sicily", "15", "37", "1", "km", "COUNT", "0"], "-ERR COUNT must be > 0\r\n"],
    [["GEORADIUS", "Sicily", "15", "37", "1", "km", "COUNT"], "-ERR syntax error\r\n"],
    [["GEORADIUSBYMEMBER", "Sicily", "Palermo", "-1", "km"], "-ERR radius cannot be negative\r\n"],
    [["GEORADIUSBYMEMBER", "Sicily", "zz", "-1", "km"], "-ERR could not decode requested zset member\r\n"],
    [["GEORADIUSBYMEMBER", "nokey", "zz", "-1", "km"], "*0\r\n"],
    [["GEORADIUSBYMEMBER", "nokey", "zz", "1", "km", "FOO"], "-ERR syntax error\r\n"],
    [
      ["GEORADIUSBYMEMBER", "Sicily", "Palermo", "1"],
      "-ERR wrong number of arguments for 'georadiusbymember' command\r\n",
    ],
  ]);
});

test("GEOSEARCH by radius and by box", async (c) => {
  await replay(c, [
    [
      ["GEOADD", "Sicily", "13.361389", "38.115556", "Palermo", "15.087269", "37.502669", "Catania"],
      ":2\r\n",
    ],
    [["GEOADD", "Sicily", "12.758489", "38.788135", "edge1", "17.241510", "38.788135", "eage2"], ":2\r\n"],
    [
      [
        "GEOSEARCH",
        "Sicily",
        "FROMLONLAT",
        "15",
        "37",
        "BYBOX",
        "400",
        "400",
        "km",
        "ASC",
        "WITHCOORD",
        "WITHDIST",
        "WITHHASH",
      ],
      "*4\r\n*4\r\n$7\r\nCatania\r\n$7\r\n56.4413\r\n:3479447370796909\r\n*2\r\n$20\r\n15.08726745843887329\r\n$20\r\n37.50266842333162032\r\n*4\r\n$7\r\nPalermo\r\n$8\r\n190.4424\r\n:3479099956230698\r\n*2\r\n$20\r\n13.36138933897018433\r\n$20\r\n38.11555639549629859\r\n*4\r\n$5\r\neage2\r\n$8\r\n279.7403\r\n:3481342659049484\r\n*2\r\n$20\r\n17.24151045083999634\r\n$20\r\n38.78813451624225195\r\n*4\r\n$5\r\nedge1\r\n$8\r\n279.7405\r\n:3479273021651468\r\n*2\r\n$19\r\n12.7584877610206604\r\n$20\r\n38.78813451624225195\r\n",
    ],
    [
      ["GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km", "ASC"],
      "*2\r\n$7\r\nCatania\r\n$7\r\nPalermo\r\n",
    ],
    [
      ["GEOSEARCH", "Sicily", "FROMMEMBER", "Palermo", "BYRADIUS", "300", "km", "DESC"],
      "*3\r\n$7\r\nCatania\r\n$5\r\nedge1\r\n$7\r\nPalermo\r\n",
    ],
    [
      ["GEOSEARCH", "Sicily", "FROMMEMBER", "Palermo", "BYBOX", "300", "100", "km", "ASC", "WITHDIST"],
      "*1\r\n*2\r\n$7\r\nPalermo\r\n$6\r\n0.0000\r\n",
    ],
    [
      ["GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km", "COUNT", "1", "ANY"],
      "*1\r\n$7\r\nPalermo\r\n",
    ],
    [["GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "1", "m"], "*0\r\n"],
    [
      ["GEOSEARCH", "Sicily", "FROMMEMBER", "nope", "BYRADIUS", "300", "km", "DESC"],
      "-ERR could not decode requested zset member\r\n",
    ],
    [["GEOSEARCH", "nokey", "FROMMEMBER", "nope", "BYRADIUS", "300", "km", "DESC"], "*0\r\n"],
    [
      ["GEOADD", "Sicily", "12.75", "36.995", "test1", "12.75", "36.50", "test2", "13.00", "36.50", "test3"],
      ":3\r\n",
    ],
    [["GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYBOX", "400", "2", "km"], "*1\r\n$5\r\ntest1\r\n"],
    [["GEOADD", "Sicily", "-1", "37.00", "test3"], ":0\r\n"],
    [
      ["GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYBOX", "3000", "2", "km", "asc"],
      "*2\r\n$5\r\ntest1\r\n$5\r\ntest3\r\n",
    ],
  ]);
});

test("GEOSEARCH by radius and by box (RESP3)", async (c) => {
  await c.call("HELLO", "3");
  await replay(c, [
    [
      ["GEOADD", "Sicily", "13.361389", "38.115556", "Palermo", "15.087269", "37.502669", "Catania"],
      ":2\r\n",
    ],
    [["GEOADD", "Sicily", "12.758489", "38.788135", "edge1", "17.241510", "38.788135", "eage2"], ":2\r\n"],
    [
      [
        "GEOSEARCH",
        "Sicily",
        "FROMLONLAT",
        "15",
        "37",
        "BYBOX",
        "400",
        "400",
        "km",
        "ASC",
        "WITHCOORD",
        "WITHDIST",
        "WITHHASH",
      ],
      "*4\r\n*4\r\n$7\r\nCatania\r\n$7\r\n56.4413\r\n:3479447370796909\r\n*2\r\n,15.08726745843887329\r\n,37.50266842333162032\r\n*4\r\n$7\r\nPalermo\r\n$8\r\n190.4424\r\n:3479099956230698\r\n*2\r\n,13.36138933897018433\r\n,38.11555639549629859\r\n*4\r\n$5\r\neage2\r\n$8\r\n279.7403\r\n:3481342659049484\r\n*2\r\n,17.24151045083999634\r\n,38.78813451624225195\r\n*4\r\n$5\r\nedge1\r\n$8\r\n279.7405\r\n:3479273021651468\r\n*2\r\n,12.7584877610206604\r\n,38.78813451624225195\r\n",
    ],
    [
      ["GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km", "ASC"],
      "*2\r\n$7\r\nCatania\r\n$7\r\nPalermo\r\n",
    ],
    [
      ["GEOSEARCH", "Sicily", "FROMMEMBER", "Palermo", "BYRADIUS", "300", "km", "DESC"],
      "*3\r\n$7\r\nCatania\r\n$5\r\nedge1\r\n$7\r\nPalermo\r\n",
    ],
    [
      ["GEOSEARCH", "Sicily", "FROMMEMBER", "Palermo", "BYBOX", "300", "100", "km", "ASC", "WITHDIST"],
      "*1\r\n*2\r\n$7\r\nPalermo\r\n$6\r\n0.0000\r\n",
    ],
    [
      ["GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km", "COUNT", "1", "ANY"],
      "*1\r\n$7\r\nPalermo\r\n",
    ],
    [["GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "1", "m"], "*0\r\n"],
    [
      ["GEOSEARCH", "Sicily", "FROMMEMBER", "nope", "BYRADIUS", "300", "km", "DESC"],
      "-ERR could not decode requested zset member\r\n",
    ],
    [["GEOSEARCH", "nokey", "FROMMEMBER", "nope", "BYRADIUS", "300", "km", "DESC"], "*0\r\n"],
    [
      ["GEOADD", "Sicily", "12.75", "36.995", "test1", "12.75", "36.50", "test2", "13.00", "36.50", "test3"],
      ":3\r\n",
    ],
    [["GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYBOX", "400", "2", "km"], "*1\r\n$5\r\ntest1\r\n"],
    [["GEOADD", "Sicily", "-1", "37.00", "test3"], ":0\r\n"],
    [
      ["GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYBOX", "3000", "2", "km", "asc"],
      "*2\r\n$5\r\ntest1\r\n$5\r\ntest3\r\n",
    ],
  ]);
});

test("GEOSEARCH argument errors in Valkey's order", async (c) => {
  await replay(c, [
    [
      ["GEOADD", "Sicily", "13.361389", "38.115556", "Palermo", "15.087269", "37.502669", "Catania"],
      ":2\r\n",
    ],
    [
      ["GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "-1", "km"],
      "-ERR radius cannot be negative\r\n",
    ],
    [
      ["GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "x", "km"],
      "-ERR need numeric radius\r\n",
    ],
    [
      ["GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "1", "yd"],
      "-ERR unsupported unit provided. please use M, KM, FT, MI\r\n",
    ],
    [
      ["GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYBOX", "x", "1", "km"],
      "-ERR need numeric width\r\n",
    ],
    [
      ["GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYBOX", "1", "x", "km"],
      "-ERR need numeric height\r\n",
    ],
    [
      ["GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYBOX", "-1", "1", "km"],
      "-ERR height or width cannot be negative\r\n",
    ],
    [
      ["GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYBOX", "1", "1", "parsec"],
      "-ERR unsupported unit provided. please use M, KM, FT, MI\r\n",
    ],
    [
      ["GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "1", "km", "BYBOX", "1", "1", "km"],
      "-ERR syntax error\r\n",
    ],
    [
      ["GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "FROMMEMBER", "Palermo", "BYRADIUS", "1", "km"],
      "-ERR syntax error\r\n",
    ],
    [
      ["GEOSEARCH", "Sicily", "BYRADIUS", "1", "km", "ASC", "DESC"],
      "-ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for GEOSEARCH\r\n",
    ],
    [
      ["GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "ASC", "DESC", "WITHHASH"],
      "-ERR exactly one of BYRADIUS and BYBOX can be specified for GEOSEARCH\r\n",
    ],
    [
      ["geosearch", "Sicily", "FROMLONLAT", "15", "37", "WITHHASH"],
      "-ERR wrong number of arguments for 'geosearch' command\r\n",
    ],
    [
      ["GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km", "ANY"],
      "-ERR the ANY argument requires COUNT argument\r\n",
    ],
    [
      ["GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km", "COUNT", "0"],
      "-ERR COUNT must be > 0\r\n",
    ],
    [
      ["GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km", "COUNT", "-1"],
      "-ERR COUNT must be > 0\r\n",
    ],
    [
      ["GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km", "COUNT", "x"],
      "-ERR value is not an integer or out of range\r\n",
    ],
    [[
      "GEOSEARCH",
      "Sicily",
      "FROMLONLAT",
      "15",
      "37",
      "BYRADIUS",
      "200",
      "km",
      "COUNT",
      "99999999999999999999",
    ], "-ERR value is not an integer or out of range\r\n"],
    [
      ["GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km", "COUNT"],
      "-ERR syntax error\r\n",
    ],
    [
      ["GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km", "STOREDIST"],
      "-ERR syntax error\r\n",
    ],
    [
      ["GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km", "STORE", "x"],
      "-ERR syntax error\r\n",
    ],
    [
      ["GEOSEARCH", "nokey", "FROMMEMBER", "x", "FROMLONLAT", "1", "1", "BYRADIUS", "1", "km"],
      "-ERR syntax error\r\n",
    ],
    [
      ["GEOSEARCH", "nokey", "FROMLONLAT", "1", "1", "FROMMEMBER", "x", "BYRADIUS", "1", "km"],
      "-ERR syntax error\r\n",
    ],
    [["GEOSEARCH", "nokey", "FROMMEMBER", "x", "BYRADIUS", "-1", "km"], "-ERR radius cannot be negative\r\n"],
    [[
      "GEOSEARCH",
      "Sicily",
      "FROMLONLAT",
      "0",
      "0",
      "BYRADIUS",
      "1",
      "km",
      "BYRADIUS",
      "2",
      "km",
      "WITHDIST",
    ], "*0\r\n"],
    [
      ["GEOSEARCH", "Sicily", "FROMMEMBER", "Palermo", "FROMMEMBER", "Catania", "BYBOX", "1", "1", "km"],
      "*1\r\n$7\r\nCatania\r\n",
    ],
  ]);
});

test("GEOSEARCH orders ties stably, honours units and COUNT ANY", async (c) => {
  await replay(c, [
    [["GEOADD", "pts", "0", "0", "a", "0", "0", "b", "0", "0", "c", "0.001", "0", "d"], ":4\r\n"],
    [
      ["GEOSEARCH", "pts", "FROMLONLAT", "0", "0", "BYRADIUS", "1", "km", "ASC", "WITHDIST"],
      "*4\r\n*2\r\n$1\r\na\r\n$6\r\n0.0003\r\n*2\r\n$1\r\nb\r\n$6\r\n0.0003\r\n*2\r\n$1\r\nc\r\n$6\r\n0.0003\r\n*2\r\n$1\r\nd\r\n$6\r\n0.1113\r\n",
    ],
    [
      ["GEOSEARCH", "pts", "FROMLONLAT", "0", "0", "BYRADIUS", "1", "km", "DESC", "WITHDIST"],
      "*4\r\n*2\r\n$1\r\nd\r\n$6\r\n0.1113\r\n*2\r\n$1\r\na\r\n$6\r\n0.0003\r\n*2\r\n$1\r\nb\r\n$6\r\n0.0003\r\n*2\r\n$1\r\nc\r\n$6\r\n0.0003\r\n",
    ],
    [["GEOSEARCH", "pts", "FROMLONLAT", "0", "0", "BYRADIUS", "0", "km", "WITHDIST"], "*0\r\n"],
    [["GEOSEARCH", "pts", "FROMLONLAT", "0", "0", "BYBOX", "0", "0", "km", "WITHDIST"], "*0\r\n"],
    [
      ["GEOSEARCH", "pts", "FROMMEMBER", "d", "BYBOX", "0.2", "0.2", "km", "WITHDIST", "COUNT", "2"],
      "*1\r\n*2\r\n$1\r\nd\r\n$6\r\n0.0000\r\n",
    ],
    [[
      "GEOSEARCH",
      "pts",
      "FROMMEMBER",
      "d",
      "BYBOX",
      "0.2",
      "0.2",
      "km",
      "WITHDIST",
      "COUNT",
      "9223372036854775807",
      "ANY",
    ], "*1\r\n*2\r\n$1\r\nd\r\n$6\r\n0.0000\r\n"],
    [
      ["GEOSEARCH", "pts", "FROMLONLAT", "180", "85", "BYRADIUS", "30000", "km"],
      "*4\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n",
    ],
    [
      ["GEOSEARCH", "pts", "FROMLONLAT", "-180", "-85", "BYRADIUS", "30000", "km"],
      "*4\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n",
    ],
    [
      ["GEOSEARCH", "pts", "FROMLONLAT", "0", "0", "BYRADIUS", "1e308", "km"],
      "*4\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n",
    ],
    [
      ["GEOSEARCH", "pts", "FROMLONLAT", "0", "0", "BYRADIUS", "inf", "km"],
      "*4\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n",
    ],
    [
      ["GEOSEARCH", "pts", "FROMLONLAT", "0", "0", "BYBOX", "inf", "1", "km"],
      "*4\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n",
    ],
    [
      ["GEOSEARCH", "pts", "FROMLONLAT", "0", "0", "BYRADIUS", "1", "KM", "withdist"],
      "*4\r\n*2\r\n$1\r\na\r\n$6\r\n0.0003\r\n*2\r\n$1\r\nb\r\n$6\r\n0.0003\r\n*2\r\n$1\r\nc\r\n$6\r\n0.0003\r\n*2\r\n$1\r\nd\r\n$6\r\n0.1113\r\n",
    ],
    [
      ["GEOSEARCH", "pts", "FROMLONLAT", "0", "0", "BYRADIUS", "1", "Mi", "withdist"],
      "*4\r\n*2\r\n$1\r\na\r\n$6\r\n0.0002\r\n*2\r\n$1\r\nb\r\n$6\r\n0.0002\r\n*2\r\n$1\r\nc\r\n$6\r\n0.0002\r\n*2\r\n$1\r\nd\r\n$6\r\n0.0691\r\n",
    ],
    [["GEOSEARCH", "pts", "FROMLONLAT", "0", "0", "BYRADIUS", "1", "fT", "withdist"], "*0\r\n"],
    [
      ["GEOSEARCH", "pts", "FROMLONLAT", "0", "0", "BYRADIUS", "1", "km", "COUNT", "1", "ANY", "ASC"],
      "*1\r\n$1\r\na\r\n",
    ],
  ]);
});

test("GEOSEARCHSTORE and the STORE options write sorted sets", async (c) => {
  await replay(c, [
    [
      ["GEOADD", "Sicily", "13.361389", "38.115556", "Palermo", "15.087269", "37.502669", "Catania"],
      ":2\r\n",
    ],
    [
      ["GEOSEARCHSTORE", "dst", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km", "WITHDIST"],
      "-ERR GEOSEARCHSTORE is not compatible with WITHDIST, WITHHASH and WITHCOORD options\r\n",
    ],
    [
      ["GEOSEARCHSTORE", "dst", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km", "STOREDIST"],
      ":2\r\n",
    ],
    [
      ["ZRANGE", "dst", "0", "-1", "WITHSCORES"],
      "*4\r\n$7\r\nCatania\r\n$16\r\n56.4412578701582\r\n$7\r\nPalermo\r\n$18\r\n190.44242984775784\r\n",
    ],
    [["GEOSEARCHSTORE", "dst", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km"], ":2\r\n"],
    [
      ["ZRANGE", "dst", "0", "-1", "WITHSCORES"],
      "*4\r\n$7\r\nPalermo\r\n$16\r\n3479099956230698\r\n$7\r\nCatania\r\n$16\r\n3479447370796909\r\n",
    ],
    [["OBJECT", "ENCODING", "dst"], "$8\r\nlistpack\r\n"],
    [[
      "GEOSEARCHSTORE",
      "dst",
      "Sicily",
      "FROMLONLAT",
      "15",
      "37",
      "BYRADIUS",
      "200",
      "km",
      "COUNT",
      "1",
      "DESC",
    ], ":1\r\n"],
    [["ZRANGE", "dst", "0", "-1", "WITHSCORES"], "*2\r\n$7\r\nPalermo\r\n$16\r\n3479099956230698\r\n"],
    [["GEOSEARCHSTORE", "dst", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "1", "m"], ":0\r\n"],
    [["EXISTS", "dst"], ":0\r\n"],
    [["GEORADIUS", "Sicily", "15", "37", "200", "km", "STOREDIST", "dst2"], ":2\r\n"],
    [
      ["ZRANGE", "dst2", "0", "-1", "WITHSCORES"],
      "*4\r\n$7\r\nCatania\r\n$16\r\n56.4412578701582\r\n$7\r\nPalermo\r\n$18\r\n190.44242984775784\r\n",
    ],
    [["GEORADIUS", "Sicily", "15", "37", "200", "km", "STORE", "dst2", "STOREDIST", "dst3"], ":2\r\n"],
    [["EXISTS", "dst2"], ":1\r\n"],
    [
      ["ZRANGE", "dst3", "0", "-1", "WITHSCORES"],
      "*4\r\n$7\r\nCatania\r\n$16\r\n56.4412578701582\r\n$7\r\nPalermo\r\n$18\r\n190.44242984775784\r\n",
    ],
    [["GEORADIUSBYMEMBER", "Sicily", "Catania", "500", "km", "STORE", "dst2"], ":2\r\n"],
    [
      ["ZRANGE", "dst2", "0", "-1", "WITHSCORES"],
      "*4\r\n$7\r\nPalermo\r\n$16\r\n3479099956230698\r\n$7\r\nCatania\r\n$16\r\n3479447370796909\r\n",
    ],
    [["GEORADIUS", "Sicily", "15", "37", "1", "m", "STORE", "dst2"], ":0\r\n"],
    [["EXISTS", "dst2"], ":0\r\n"],
    [["SET", "dst", "x"], "+OK\r\n"],
    [["GEOSEARCHSTORE", "dst", "nokey", "FROMMEMBER", "x", "BYRADIUS", "1", "km"], ":0\r\n"],
    [["EXISTS", "dst"], ":0\r\n"],
    [
      ["GEOSEARCHSTORE", "dst", "nokey", "FROMMEMBER", "x", "BYRADIUS", "1", "km", "WITHCOORD"],
      "-ERR GEOSEARCHSTORE is not compatible with WITHDIST, WITHHASH and WITHCOORD options\r\n",
    ],
    [
      ["GEOSEARCHSTORE", "dst", "Sicily", "FROMLONLAT", "0", "0", "BYRADIUS", "1", "km", "STORE", "x"],
      "-ERR syntax error\r\n",
    ],
    [
      ["GEOSEARCHSTORE", "Sicily", "Sicily", "FROMMEMBER", "Palermo", "BYRADIUS", "1", "m", "STOREDIST"],
      ":1\r\n",
    ],
    [["ZRANGE", "Sicily", "0", "-1", "WITHSCORES"], "*2\r\n$7\r\nPalermo\r\n$1\r\n0\r\n"],
  ]);
}, valkeyOnly());

test("GEOSEARCHSTORE and the STORE options write sorted sets (RESP3)", async (c) => {
  await c.call("HELLO", "3");
  await replay(c, [
    [
      ["GEOADD", "Sicily", "13.361389", "38.115556", "Palermo", "15.087269", "37.502669", "Catania"],
      ":2\r\n",
    ],
    [
      ["GEOSEARCHSTORE", "dst", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km", "WITHDIST"],
      "-ERR GEOSEARCHSTORE is not compatible with WITHDIST, WITHHASH and WITHCOORD options\r\n",
    ],
    [
      ["GEOSEARCHSTORE", "dst", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km", "STOREDIST"],
      ":2\r\n",
    ],
    [
      ["ZRANGE", "dst", "0", "-1", "WITHSCORES"],
      "*2\r\n*2\r\n$7\r\nCatania\r\n,56.4412578701582\r\n*2\r\n$7\r\nPalermo\r\n,190.44242984775784\r\n",
    ],
    [["GEOSEARCHSTORE", "dst", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km"], ":2\r\n"],
    [
      ["ZRANGE", "dst", "0", "-1", "WITHSCORES"],
      "*2\r\n*2\r\n$7\r\nPalermo\r\n,3479099956230698\r\n*2\r\n$7\r\nCatania\r\n,3479447370796909\r\n",
    ],
    [["OBJECT", "ENCODING", "dst"], "$8\r\nlistpack\r\n"],
    [[
      "GEOSEARCHSTORE",
      "dst",
      "Sicily",
      "FROMLONLAT",
      "15",
      "37",
      "BYRADIUS",
      "200",
      "km",
      "COUNT",
      "1",
      "DESC",
    ], ":1\r\n"],
    [["ZRANGE", "dst", "0", "-1", "WITHSCORES"], "*1\r\n*2\r\n$7\r\nPalermo\r\n,3479099956230698\r\n"],
    [["GEOSEARCHSTORE", "dst", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "1", "m"], ":0\r\n"],
    [["EXISTS", "dst"], ":0\r\n"],
    [["GEORADIUS", "Sicily", "15", "37", "200", "km", "STOREDIST", "dst2"], ":2\r\n"],
    [
      ["ZRANGE", "dst2", "0", "-1", "WITHSCORES"],
      "*2\r\n*2\r\n$7\r\nCatania\r\n,56.4412578701582\r\n*2\r\n$7\r\nPalermo\r\n,190.44242984775784\r\n",
    ],
    [["GEORADIUS", "Sicily", "15", "37", "200", "km", "STORE", "dst2", "STOREDIST", "dst3"], ":2\r\n"],
    [["EXISTS", "dst2"], ":1\r\n"],
    [
      ["ZRANGE", "dst3", "0", "-1", "WITHSCORES"],
      "*2\r\n*2\r\n$7\r\nCatania\r\n,56.4412578701582\r\n*2\r\n$7\r\nPalermo\r\n,190.44242984775784\r\n",
    ],
    [["GEORADIUSBYMEMBER", "Sicily", "Catania", "500", "km", "STORE", "dst2"], ":2\r\n"],
    [
      ["ZRANGE", "dst2", "0", "-1", "WITHSCORES"],
      "*2\r\n*2\r\n$7\r\nPalermo\r\n,3479099956230698\r\n*2\r\n$7\r\nCatania\r\n,3479447370796909\r\n",
    ],
    [["GEORADIUS", "Sicily", "15", "37", "1", "m", "STORE", "dst2"], ":0\r\n"],
    [["EXISTS", "dst2"], ":0\r\n"],
    [["SET", "dst", "x"], "+OK\r\n"],
    [["GEOSEARCHSTORE", "dst", "nokey", "FROMMEMBER", "x", "BYRADIUS", "1", "km"], ":0\r\n"],
    [["EXISTS", "dst"], ":0\r\n"],
    [
      ["GEOSEARCHSTORE", "dst", "nokey", "FROMMEMBER", "x", "BYRADIUS", "1", "km", "WITHCOORD"],
      "-ERR GEOSEARCHSTORE is not compatible with WITHDIST, WITHHASH and WITHCOORD options\r\n",
    ],
    [
      ["GEOSEARCHSTORE", "dst", "Sicily", "FROMLONLAT", "0", "0", "BYRADIUS", "1", "km", "STORE", "x"],
      "-ERR syntax error\r\n",
    ],
    [
      ["GEOSEARCHSTORE", "Sicily", "Sicily", "FROMMEMBER", "Palermo", "BYRADIUS", "1", "m", "STOREDIST"],
      ":1\r\n",
    ],
    [["ZRANGE", "Sicily", "0", "-1", "WITHSCORES"], "*1\r\n*2\r\n$7\r\nPalermo\r\n,0\r\n"],
  ]);
}, valkeyOnly());

test("COMMAND INFO, DOCS and GETKEYS describe the GEO commands like Valkey", async (c) => {
  await replay(c, [
    [
      [
        "COMMAND",
        "INFO",
        "geoadd",
        "geodist",
        "geohash",
        "geopos",
        "georadius",
        "georadius_ro",
        "georadiusbymember",
        "georadiusbymember_ro",
        "geosearch",
        "geosearchstore",
      ],
      "*10\r\n*10\r\n$6\r\ngeoadd\r\n:-5\r\n*2\r\n+write\r\n+denyoom\r\n:1\r\n:1\r\n:1\r\n*3\r\n+@write\r\n+@geo\r\n+@slow\r\n*0\r\n*1\r\n*6\r\n$5\r\nflags\r\n*2\r\n+RW\r\n+update\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*0\r\n*10\r\n$7\r\ngeodist\r\n:-4\r\n*1\r\n+readonly\r\n:1\r\n:1\r\n:1\r\n*3\r\n+@read\r\n+@geo\r\n+@slow\r\n*0\r\n*1\r\n*6\r\n$5\r\nflags\r\n*2\r\n+RO\r\n+access\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*0\r\n*10\r\n$7\r\ngeohash\r\n:-2\r\n*1\r\n+readonly\r\n:1\r\n:1\r\n:1\r\n*3\r\n+@read\r\n+@geo\r\n+@slow\r\n*0\r\n*1\r\n*6\r\n$5\r\nflags\r\n*2\r\n+RO\r\n+access\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*0\r\n*10\r\n$6\r\ngeopos\r\n:-2\r\n*1\r\n+readonly\r\n:1\r\n:1\r\n:1\r\n*3\r\n+@read\r\n+@geo\r\n+@slow\r\n*0\r\n*1\r\n*6\r\n$5\r\nflags\r\n*2\r\n+RO\r\n+access\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*0\r\n*10\r\n$9\r\ngeoradius\r\n:-6\r\n*3\r\n+write\r\n+denyoom\r\n+movablekeys\r\n:1\r\n:1\r\n:1\r\n*3\r\n+@write\r\n+@geo\r\n+@slow\r\n*0\r\n*3\r\n*6\r\n$5\r\nflags\r\n*2\r\n+RO\r\n+access\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*6\r\n$5\r\nflags\r\n*2\r\n+OW\r\n+update\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$7\r\nkeyword\r\n$4\r\nspec\r\n*4\r\n$7\r\nkeyword\r\n$5\r\nSTORE\r\n$9\r\nstartfrom\r\n:6\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*6\r\n$5\r\nflags\r\n*2\r\n+OW\r\n+update\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$7\r\nkeyword\r\n$4\r\nspec\r\n*4\r\n$7\r\nkeyword\r\n$9\r\nSTOREDIST\r\n$9\r\nstartfrom\r\n:6\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*0\r\n*10\r\n$12\r\ngeoradius_ro\r\n:-6\r\n*1\r\n+readonly\r\n:1\r\n:1\r\n:1\r\n*3\r\n+@read\r\n+@geo\r\n+@slow\r\n*0\r\n*1\r\n*6\r\n$5\r\nflags\r\n*2\r\n+RO\r\n+access\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*0\r\n*10\r\n$17\r\ngeoradiusbymember\r\n:-5\r\n*3\r\n+write\r\n+denyoom\r\n+movablekeys\r\n:1\r\n:1\r\n:1\r\n*3\r\n+@write\r\n+@geo\r\n+@slow\r\n*0\r\n*3\r\n*6\r\n$5\r\nflags\r\n*2\r\n+RO\r\n+access\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*6\r\n$5\r\nflags\r\n*2\r\n+OW\r\n+update\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$7\r\nkeyword\r\n$4\r\nspec\r\n*4\r\n$7\r\nkeyword\r\n$5\r\nSTORE\r\n$9\r\nstartfrom\r\n:5\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*6\r\n$5\r\nflags\r\n*2\r\n+OW\r\n+update\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$7\r\nkeyword\r\n$4\r\nspec\r\n*4\r\n$7\r\nkeyword\r\n$9\r\nSTOREDIST\r\n$9\r\nstartfrom\r\n:5\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*0\r\n*10\r\n$20\r\ngeoradiusbymember_ro\r\n:-5\r\n*1\r\n+readonly\r\n:1\r\n:1\r\n:1\r\n*3\r\n+@read\r\n+@geo\r\n+@slow\r\n*0\r\n*1\r\n*6\r\n$5\r\nflags\r\n*2\r\n+RO\r\n+access\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*0\r\n*10\r\n$9\r\ngeosearch\r\n:-7\r\n*1\r\n+readonly\r\n:1\r\n:1\r\n:1\r\n*3\r\n+@read\r\n+@geo\r\n+@slow\r\n*0\r\n*1\r\n*6\r\n$5\r\nflags\r\n*2\r\n+RO\r\n+access\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*0\r\n*10\r\n$14\r\ngeosearchstore\r\n:-8\r\n*2\r\n+write\r\n+denyoom\r\n:1\r\n:2\r\n:1\r\n*3\r\n+@write\r\n+@geo\r\n+@slow\r\n*0\r\n*2\r\n*6\r\n$5\r\nflags\r\n*2\r\n+OW\r\n+update\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*6\r\n$5\r\nflags\r\n*2\r\n+RO\r\n+access\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:2\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*0\r\n",
    ],
    [
      [
        "COMMAND",
        "DOCS",
        "geoadd",
        "geodist",
        "geohash",
        "geopos",
        "georadius",
        "georadius_ro",
        "georadiusbymember",
        "georadiusbymember_ro",
        "geosearch",
        "geosearchstore",
      ],
      "*20\r\n$6\r\ngeoadd\r\n*12\r\n$7\r\nsummary\r\n$87\r\nAdds one or more members to a geospatial index. The key is created if it doesn't exist.\r\n$5\r\nsince\r\n$5\r\n3.2.0\r\n$5\r\ngroup\r\n$3\r\ngeo\r\n$10\r\ncomplexity\r\n$83\r\nO(log(N)) for each item added, where N is the number of elements in the sorted set.\r\n$7\r\nhistory\r\n*1\r\n*2\r\n$5\r\n6.2.0\r\n$38\r\nAdded the `CH`, `NX` and `XX` options.\r\n$9\r\narguments\r\n*4\r\n*8\r\n$4\r\nname\r\n$3\r\nkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n$12\r\ndisplay_text\r\n$3\r\nkey\r\n$14\r\nkey_spec_index\r\n:0\r\n*10\r\n$4\r\nname\r\n$9\r\ncondition\r\n$4\r\ntype\r\n$5\r\noneof\r\n$5\r\nsince\r\n$5\r\n6.2.0\r\n$5\r\nflags\r\n*1\r\n+optional\r\n$9\r\narguments\r\n*2\r\n*8\r\n$4\r\nname\r\n$2\r\nnx\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$12\r\ndisplay_text\r\n$2\r\nnx\r\n$5\r\ntoken\r\n$2\r\nNX\r\n*8\r\n$4\r\nname\r\n$2\r\nxx\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$12\r\ndisplay_text\r\n$2\r\nxx\r\n$5\r\ntoken\r\n$2\r\nXX\r\n*12\r\n$4\r\nname\r\n$6\r\nchange\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$12\r\ndisplay_text\r\n$6\r\nchange\r\n$5\r\ntoken\r\n$2\r\nCH\r\n$5\r\nsince\r\n$5\r\n6.2.0\r\n$5\r\nflags\r\n*1\r\n+optional\r\n*8\r\n$4\r\nname\r\n$4\r\ndata\r\n$4\r\ntype\r\n$5\r\nblock\r\n$5\r\nflags\r\n*1\r\n+multiple\r\n$9\r\narguments\r\n*3\r\n*6\r\n$4\r\nname\r\n$9\r\nlongitude\r\n$4\r\ntype\r\n$6\r\ndouble\r\n$12\r\ndisplay_text\r\n$9\r\nlongitude\r\n*6\r\n$4\r\nname\r\n$8\r\nlatitude\r\n$4\r\ntype\r\n$6\r\ndouble\r\n$12\r\ndisplay_text\r\n$8\r\nlatitude\r\n*6\r\n$4\r\nname\r\n$6\r\nmember\r\n$4\r\ntype\r\n$6\r\nstring\r\n$12\r\ndisplay_text\r\n$6\r\nmember\r\n$7\r\ngeodist\r\n*10\r\n$7\r\nsummary\r\n$63\r\nReturns the distance between two members of a geospatial index.\r\n$5\r\nsince\r\n$5\r\n3.2.0\r\n$5\r\ngroup\r\n$3\r\ngeo\r\n$10\r\ncomplexity\r\n$4\r\nO(1)\r\n$9\r\narguments\r\n*4\r\n*8\r\n$4\r\nname\r\n$3\r\nkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n$12\r\ndisplay_text\r\n$3\r\nkey\r\n$14\r\nkey_spec_index\r\n:0\r\n*6\r\n$4\r\nname\r\n$7\r\nmember1\r\n$4\r\ntype\r\n$6\r\nstring\r\n$12\r\ndisplay_text\r\n$7\r\nmember1\r\n*6\r\n$4\r\nname\r\n$7\r\nmember2\r\n$4\r\ntype\r\n$6\r\nstring\r\n$12\r\ndisplay_text\r\n$7\r\nmember2\r\n*8\r\n$4\r\nname\r\n$4\r\nunit\r\n$4\r\ntype\r\n$5\r\noneof\r\n$5\r\nflags\r\n*1\r\n+optional\r\n$9\r\narguments\r\n*4\r\n*8\r\n$4\r\nname\r\n$1\r\nm\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$12\r\ndisplay_text\r\n$1\r\nm\r\n$5\r\ntoken\r\n$1\r\nM\r\n*8\r\n$4\r\nname\r\n$2\r\nkm\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$12\r\ndisplay_text\r\n$2\r\nkm\r\n$5\r\ntoken\r\n$2\r\nKM\r\n*8\r\n$4\r\nname\r\n$2\r\nft\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$12\r\ndisplay_text\r\n$2\r\nft\r\n$5\r\ntoken\r\n$2\r\nFT\r\n*8\r\n$4\r\nname\r\n$2\r\nmi\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$12\r\ndisplay_text\r\n$2\r\nmi\r\n$5\r\ntoken\r\n$2\r\nMI\r\n$7\r\ngeohash\r\n*10\r\n$7\r\nsummary\r\n$59\r\nReturns members from a geospatial index as geohash strings.\r\n$5\r\nsince\r\n$5\r\n3.2.0\r\n$5\r\ngroup\r\n$3\r\ngeo\r\n$10\r\ncomplexity\r\n$31\r\nO(1) for each member requested.\r\n$9\r\narguments\r\n*2\r\n*8\r\n$4\r\nname\r\n$3\r\nkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n$12\r\ndisplay_text\r\n$3\r\nkey\r\n$14\r\nkey_spec_index\r\n:0\r\n*8\r\n$4\r\nname\r\n$6\r\nmember\r\n$4\r\ntype\r\n$6\r\nstring\r\n$12\r\ndisplay_text\r\n$6\r\nmember\r\n$5\r\nflags\r\n*2\r\n+optional\r\n+multiple\r\n$6\r\ngeopos\r\n*10\r\n$7\r\nsummary\r\n$70\r\nReturns the longitude and latitude of members from a geospatial index.\r\n$5\r\nsince\r\n$5\r\n3.2.0\r\n$5\r\ngroup\r\n$3\r\ngeo\r\n$10\r\ncomplexity\r\n$31\r\nO(1) for each member requested.\r\n$9\r\narguments\r\n*2\r\n*8\r\n$4\r\nname\r\n$3\r\nkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n$12\r\ndisplay_text\r\n$3\r\nkey\r\n$14\r\nkey_spec_index\r\n:0\r\n*8\r\n$4\r\nname\r\n$6\r\nmember\r\n$4\r\ntype\r\n$6\r\nstring\r\n$12\r\ndisplay_text\r\n$6\r\nmember\r\n$5\r\nflags\r\n*2\r\n+optional\r\n+multiple\r\n$9\r\ngeoradius\r\n*18\r\n$7\r\nsummary\r\n$105\r\nQueries a geospatial index for members within a distance from a coordinate, optionally stores the result.\r\n$5\r\nsince\r\n$5\r\n3.2.0\r\n$5\r\ngroup\r\n$3\r\ngeo\r\n$10\r\ncomplexity\r\n$168\r\nO(N+log(M)) where N is the number of elements inside the bounding box of the circular area delimited by center and radius and M is the number of items inside the index.\r\n$9\r\ndoc_flags\r\n*1\r\n+deprecated\r\n$16\r\ndeprecated_since\r\n$5\r\n6.2.0\r\n$11\r\nreplaced_by\r\n$61\r\n`GEOSEARCH` and `GEOSEARCHSTORE` with the `BYRADIUS` argument\r\n$7\r\nhistory\r\n*2\r\n*2\r\n$5\r\n6.2.0\r\n$35\r\nAdded the `ANY` option for `COUNT`.\r\n*2\r\n$5\r\n7.0.0\r\n$39\r\nAdded support for uppercase unit names.\r\n$9\r\narguments\r\n*11\r\n*8\r\n$4\r\nname\r\n$3\r\nkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n$12\r\ndisplay_text\r\n$3\r\nkey\r\n$14\r\nkey_spec_index\r\n:0\r\n*6\r\n$4\r\nname\r\n$9\r\nlongitude\r\n$4\r\ntype\r\n$6\r\ndouble\r\n$12\r\ndisplay_text\r\n$9\r\nlongitude\r\n*6\r\n$4\r\nname\r\n$8\r\nlatitude\r\n$4\r\ntype\r\n$6\r\ndouble\r\n$12\r\ndisplay_text\r\n$8\r\nlatitude\r\n*6\r\n$4\r\nname\r\n$6\r\nradius\r\n$4\r\ntype\r\n$6\r\ndouble\r\n$12\r\ndisplay_text\r\n$6\r\nradius\r\n*6\r\n$4\r\nname\r\n$4\r\nunit\r\n$4\r\ntype\r\n$5\r\noneof\r\n$9\r\narguments\r\n*4\r\n*8\r\n$4\r\nname\r\n$1\r\nm\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$12\r\ndisplay_text\r\n$1\r\nm\r\n$5\r\ntoken\r\n$1\r\nM\r\n*8\r\n$4\r\nname\r\n$2\r\nkm\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$12\r\ndisplay_text\r\n$2\r\nkm\r\n$5\r\ntoken\r\n$2\r\nKM\r\n*8\r\n$4\r\nname\r\n$2\r\nft\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$12\r\ndisplay_text\r\n$2\r\nft\r\n$5\r\ntoken\r\n$2\r\nFT\r\n*8\r\n$4\r\nname\r\n$2\r\nmi\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$12\r\ndisplay_text\r\n$2\r\nmi\r\n$5\r\ntoken\r\n$2\r\nMI\r\n*10\r\n$4\r\nname\r\n$9\r\nwithcoord\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$12\r\ndisplay_text\r\n$9\r\nwithcoord\r\n$5\r\ntoken\r\n$9\r\nWITHCOORD\r\n$5\r\nflags\r\n*1\r\n+optional\r\n*10\r\n$4\r\nname\r\n$8\r\nwithdist\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$12\r\ndisplay_text\r\n$8\r\nwithdist\r\n$5\r\ntoken\r\n$8\r\nWITHDIST\r\n$5\r\nflags\r\n*1\r\n+optional\r\n*10\r\n$4\r\nname\r\n$8\r\nwithhash\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$12\r\ndisplay_text\r\n$8\r\nwithhash\r\n$5\r\ntoken\r\n$8\r\nWITHHASH\r\n$5\r\nflags\r\n*1\r\n+optional\r\n*8\r\n$4\r\nname\r\n$11\r\ncount-block\r\n$4\r\ntype\r\n$5\r\nblock\r\n$5\r\nflags\r\n*1\r\n+optional\r\n$9\r\narguments\r\n*2\r\n*8\r\n$4\r\nname\r\n$5\r\ncount\r\n$4\r\ntype\r\n$7\r\ninteger\r\n$12\r\ndisplay_text\r\n$5\r\ncount\r\n$5\r\ntoken\r\n$5\r\nCOUNT\r\n*12\r\n$4\r\nname\r\n$3\r\nany\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$12\r\ndisplay_text\r\n$3\r\nany\r\n$5\r\ntoken\r\n$3\r\nANY\r\n$5\r\nsince\r\n$5\r\n6.2.0\r\n$5\r\nflags\r\n*1\r\n+optional\r\n*8\r\n$4\r\nname\r\n$5\r\norder\r\n$4\r\ntype\r\n$5\r\noneof\r\n$5\r\nflags\r\n*1\r\n+optional\r\n$9\r\narguments\r\n*2\r\n*8\r\n$4\r\nname\r\n$3\r\nasc\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$12\r\ndisplay_text\r\n$3\r\nasc\r\n$5\r\ntoken\r\n$3\r\nASC\r\n*8\r\n$4\r\nname\r\n$4\r\ndesc\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$12\r\ndisplay_text\r\n$4\r\ndesc\r\n$5\r\ntoken\r\n$4\r\nDESC\r\n*8\r\n$4\r\nname\r\n$5\r\nstore\r\n$4\r\ntype\r\n$5\r\noneof\r\n$5\r\nflags\r\n*1\r\n+optional\r\n$9\r\narguments\r\n*2\r\n*10\r\n$4\r\nname\r\n$8\r\nstorekey\r\n$4\r\ntype\r\n$3\r\nkey\r\n$12\r\ndisplay_text\r\n$3\r\nkey\r\n$14\r\nkey_spec_index\r\n:1\r\n$5\r\ntoken\r\n$5\r\nSTORE\r\n*10\r\n$4\r\nname\r\n$12\r\nstoredistkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n$12\r\ndisplay_text\r\n$3\r\nkey\r\n$14\r\nkey_spec_index\r\n:2\r\n$5\r\ntoken\r\n$9\r\nSTOREDIST\r\n$12\r\ngeoradius_ro\r\n*18\r\n$7\r\nsummary\r\n$85\r\nReturns members from a geospatial index that are within a distance from a coordinate.\r\n$5\r\nsince\r\n$6\r\n3.2.10\r\n$5\r\ngroup\r\n$3\r\ngeo\r\n$10\r\ncomplexity\r\n$168\r\nO(N+log(M)) where N is the number of elements inside the bounding box of the circular area delimited by center and radius and M is the number of items inside the index.\r\n$9\r\ndoc_flags\r\n*1\r\n+deprecated\r\n$16\r\ndeprecated_since\r\n$5\r\n6.2.0\r\n$11\r\nreplaced_by\r\n$40\r\n`GEOSEARCH` with the `BYRADIUS` argument\r\n$7\r\nhistory\r\n*2\r\n*2\r\n$5\r\n6.2.0\r\n$35\r\nAdded the `ANY` option for `COUNT`.\r\n*2\r\n$5\r\n7.0.0\r\n$39\r\nAdded support for uppercase unit names.\r\n$9\r\narguments\r\n*10\r\n*8\r\n$4\r\nname\r\n$3\r\nkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n$12\r\ndisplay_text\r\n$3\r\nkey\r\n$14\r\nkey_spec_index\r\n:0\r\n*6\r\n$4\r\nname\r\n$9\r\nlongitude\r\n$4\r\ntype\r\n$6\r\ndouble\r\n$12\r\ndisplay_text\r\n$9\r\nlongitude\r\n*6\r\n$4\r\nname\r\n$8\r\nlatitude\r\n$4\r\ntype\r\n$6\r\ndouble\r\n$12\r\ndisplay_text\r\n$8\r\nlatitude\r\n*6\r\n$4\r\nname\r\n$6\r\nradius\r\n$4\r\ntype\r\n$6\r\ndouble\r\n$12\r\ndisplay_text\r\n$6\r\nradius\r\n*6\r\n$4\r\nname\r\n$4\r\nunit\r\n$4\r\ntype\r\n$5\r\noneof\r\n$9\r\narguments\r\n*4\r\n*8\r\n$4\r\nname\r\n$1\r\nm\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$12\r\ndisplay_text\r\n$1\r\nm\r\n$5\r\ntoken\r\n$1\r\nM\r\n*8\r\n$4\r\nname\r\n$2\r\nkm\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$12\r\ndisplay_text\r\n$2\r\nkm\r\n$5\r\ntoken\r\n$2\r\nKM\r\n*8\r\n$4\r\nname\r\n$2\r\nft\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$12\r\ndisplay_text\r\n$2\r\nft\r\n$5\r\ntoken\r\n$2\r\nFT\r\n*8\r\n$4\r\nname\r\n$2\r\nmi\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$12\r\ndisplay_text\r\n$2\r\nmi\r\n$5\r\ntoken\r\n$2\r\nMI\r\n*10\r\n$4\r\nname\r\n$9\r\nwithcoord\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$12\r\ndisplay_text\r\n$9\r\nwithcoord\r\n$5\r\ntoken\r\n$9\r\nWITHCOORD\r\n$5\r\nflags\r\n*1\r\n+optional\r\n*10\r\n$4\r\nname\r\n$8\r\nwithdist\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$12\r\ndisplay_text\r\n$8\r\nwithdist\r\n$5\r\ntoken\r\n$8\r\nWITHDIST\r\n$5\r\nflags\r\n*1\r\n+optional\r\n*10\r\n$4\r\nname\r\n$8\r\nwithhash\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$12\r\ndisplay_text\r\n$8\r\nwithhash\r\n$5\r\ntoken\r\n$8\r\nWITHHASH\r\n$5\r\nflags\r\n*1\r\n+optional\r\n*8\r\n$4\r\nname\r\n$11\r\ncount-block\r\n$4\r\ntype\r\n$5\r\nblock\r\n$5\r\nflags\r\n*1\r\n+optional\r\n$9\r\narguments\r\n*2\r\n*8\r\n$4\r\nname\r\n$5\r\ncount\r\n$4\r\ntype\r\n$7\r\ninteger\r\n$12\r\ndisplay_text\r\n$5\r\ncount\r\n$5\r\ntoken\r\n$5\r\nCOUNT\r\n*12\r\n$4\r\nname\r\n$3\r\nany\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$12\r\ndisplay_text\r\n$3\r\nany\r\n$5\r\ntoken\r\n$3\r\nANY\r\n$5\r\nsince\r\n$5\r\n6.2.0\r\n$5\r\nflags\r\n*1\r\n+optional\r\n*8\r\n$4\r\nname\r\n$5\r\norder\r\n$4\r\ntype\r\n$5\r\noneof\r\n$5\r\nflags\r\n*1\r\n+optional\r\n$9\r\narguments\r\n*2\r\n*8\r\n$4\r\nname\r\n$3\r\nasc\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$12\r\ndisplay_text\r\n$3\r\nasc\r\n$5\r\ntoken\r\n$3\r\nASC\r\n*8\r\n$4\r\nname\r\n$4\r\ndesc\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$12\r\ndisplay_text\r\n$4\r\ndesc\r\n$5\r\ntoken\r\n$4\r\nDESC\r\n$17\r\ngeoradiusbymember\r\n*18\r\n$7\r\nsummary\r\n$101\r\nQueries a geospatial index for members within a distance from a member, optionally stores the result.\r\n$5\r\nsince\r\n$5\r\n3.2.0\r\n$5\r\ngroup\r\n$3\r\ngeo\r\n$10\r\ncomplexity\r\n$168\r\nO(N+log(M)) where N is the number of elements inside the bounding box of the circular area delimited by center and radius and M is the number of items inside the index.\r\n$9\r\ndoc_flags\r\n*1\r\n+deprecated\r\n$16\r\ndeprecated_since\r\n$5\r\n6.2.0\r\n$11\r\nreplaced_by\r\n$79\r\n`GEOSEARCH` and `GEOSEARCHSTORE` with the `BYRADIUS` and `FROMMEMBER` arguments\r\n$7\r\nhistory\r\n*2\r\n*2\r\n$5\r\n6.2.0\r\n$35\r\nAdded the `ANY` option for `COUNT`.\r\n*2\r\n$5\r\n7.0.0\r\n$39\r\nAdded support for uppercase unit names.\r\n$9\r\narguments\r\n*10\r\n*8\r\n$4\r\nname\r\n$3\r\nkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n$12\r\ndisplay_text\r\n$3\r\nkey\r\n$14\r\nkey_spec_index\r\n:0\r\n*6\r\n$4\r\nname\r\n$6\r\nmember\r\n$4\r\ntype\r\n$6\r\nstring\r\n$12\r\ndisplay_text\r\n$6\r\nmember\r\n*6\r\n$4\r\nname\r\n$6\r\nradius\r\n$4\r\ntype\r\n$6\r\ndouble\r\n$12\r\ndisplay_text\r\n$6\r\nradius\r\n*6\r\n$4\r\nname\r\n$4\r\nunit\r\n$4\r\ntype\r\n$5\r\noneof\r\n$9\r\narguments\r\n*4\r\n*8\r\n$4\r\nname\r\n$1\r\nm\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$12\r\ndisplay_text\r\n$1\r\nm\r\n$5\r\ntoken\r\n$1\r\nM\r\n*8\r\n$4\r\nname\r\n$2\r\nkm\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$12\r\ndisplay_text\r\n$2\r\nkm\r\n$5\r\ntoken\r\n$2\r\nKM\r\n*8\r\n$4\r\nname\r\n$2\r\nft\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$12\r\ndisplay_text\r\n$2\r\nft\r\n$5\r\ntoken\r\n$2\r\nFT\r\n*8\r\n$4\r\nname\r\n$2\r\nmi\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$12\r\ndisplay_text\r\n$2\r\nmi\r\n$5\r\ntoken\r\n$2\r\nMI\r\n*10\r\n$4\r\nname\r\n$9\r\nwithcoord\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$12\r\ndisplay_text\r\n$9\r\nwithcoord\r\n$5\r\ntoken\r\n$9\r\nWITHCOORD\r\n$5\r\nflags\r\n*1\r\n+optional\r\n*10\r\n$4\r\nname\r\n$8\r\nwithdist\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$12\r\ndisplay_text\r\n$8\r\nwithdist\r\n$5\r\ntoken\r\n$8\r\nWITHDIST\r\n$5\r\nflags\r\n*1\r\n+optional\r\n*10\r\n$4\r\nname\r\n$8\r\nwithhash\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$12\r\ndisplay_text\r\n$8\r\nwithhash\r\n$5\r\ntoken\r\n$8\r\nWITHHASH\r\n$5\r\nflags\r\n*1\r\n+optional\r\n*8\r\n$4\r\nname\r\n$11\r\ncount-block\r\n$4\r\ntype\r\n$5\r\nblock\r\n$5\r\nflags\r\n*1\r\n+optional\r\n$9\r\narguments\r\n*2\r\n*8\r\n$4\r\nname\r\n$5\r\ncount\r\n$4\r\ntype\r\n$7\r\ninteger\r\n$12\r\ndisplay_text\r\n$5\r\ncount\r\n$5\r\ntoken\r\n$5\r\nCOUNT\r\n*10\r\n$4\r\nname\r\n$3\r\nany\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$12\r\ndisplay_text\r\n$3\r\nany\r\n$5\r\ntoken\r\n$3\r\nANY\r\n$5\r\nflags\r\n*1\r\n+optional\r\n*8\r\n$4\r\nname\r\n$5\r\norder\r\n$4\r\ntype\r\n$5\r\noneof\r\n$5\r\nflags\r\n*1\r\n+optional\r\n$9\r\narguments\r\n*2\r\n*8\r\n$4\r\nname\r\n$3\r\nasc\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$12\r\ndisplay_text\r\n$3\r\nasc\r\n$5\r\ntoken\r\n$3\r\nASC\r\n*8\r\n$4\r\nname\r\n$4\r\ndesc\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$12\r\ndisplay_text\r\n$4\r\ndesc\r\n$5\r\ntoken\r\n$4\r\nDESC\r\n*8\r\n$4\r\nname\r\n$5\r\nstore\r\n$4\r\ntype\r\n$5\r\noneof\r\n$5\r\nflags\r\n*1\r\n+optional\r\n$9\r\narguments\r\n*2\r\n*10\r\n$4\r\nname\r\n$8\r\nstorekey\r\n$4\r\ntype\r\n$3\r\nkey\r\n$12\r\ndisplay_text\r\n$3\r\nkey\r\n$14\r\nkey_spec_index\r\n:1\r\n$5\r\ntoken\r\n$5\r\nSTORE\r\n*10\r\n$4\r\nname\r\n$12\r\nstoredistkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n$12\r\ndisplay_text\r\n$3\r\nkey\r\n$14\r\nkey_spec_index\r\n:2\r\n$5\r\ntoken\r\n$9\r\nSTOREDIST\r\n$20\r\ngeoradiusbymember_ro\r\n*18\r\n$7\r\nsummary\r\n$81\r\nReturns members from a geospatial index that are within a distance from a member.\r\n$5\r\nsince\r\n$6\r\n3.2.10\r\n$5\r\ngroup\r\n$3\r\ngeo\r\n$10\r\ncomplexity\r\n$168\r\nO(N+log(M)) where N is the number of elements inside the bounding box of the circular area delimited by center and radius and M is the number of items inside the index.\r\n$9\r\ndoc_flags\r\n*1\r\n+deprecated\r\n$16\r\ndeprecated_since\r\n$5\r\n6.2.0\r\n$11\r\nreplaced_by\r\n$58\r\n`GEOSEARCH` with the `BYRADIUS` and `FROMMEMBER` arguments\r\n$7\r\nhistory\r\n*2\r\n*2\r\n$5\r\n6.2.0\r\n$35\r\nAdded the `ANY` option for `COUNT`.\r\n*2\r\n$5\r\n7.0.0\r\n$39\r\nAdded support for uppercase unit names.\r\n$9\r\narguments\r\n*9\r\n*8\r\n$4\r\nname\r\n$3\r\nkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n$12\r\ndisplay_text\r\n$3\r\nkey\r\n$14\r\nkey_spec_index\r\n:0\r\n*6\r\n$4\r\nname\r\n$6\r\nmember\r\n$4\r\ntype\r\n$6\r\nstring\r\n$12\r\ndisplay_text\r\n$6\r\nmember\r\n*6\r\n$4\r\nname\r\n$6\r\nradius\r\n$4\r\ntype\r\n$6\r\ndouble\r\n$12\r\ndisplay_text\r\n$6\r\nradius\r\n*6\r\n$4\r\nname\r\n$4\r\nunit\r\n$4\r\ntype\r\n$5\r\noneof\r\n$9\r\narguments\r\n*4\r\n*8\r\n$4\r\nname\r\n$1\r\nm\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$12\r\ndisplay_text\r\n$1\r\nm\r\n$5\r\ntoken\r\n$1\r\nM\r\n*8\r\n$4\r\nname\r\n$2\r\nkm\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$12\r\ndisplay_text\r\n$2\r\nkm\r\n$5\r\ntoken\r\n$2\r\nKM\r\n*8\r\n$4\r\nname\r\n$2\r\nft\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$12\r\ndisplay_text\r\n$2\r\nft\r\n$5\r\ntoken\r\n$2\r\nFT\r\n*8\r\n$4\r\nname\r\n$2\r\nmi\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$12\r\ndisplay_text\r\n$2\r\nmi\r\n$5\r\ntoken\r\n$2\r\nMI\r\n*10\r\n$4\r\nname\r\n$9\r\nwithcoord\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$12\r\ndisplay_text\r\n$9\r\nwithcoord\r\n$5\r\ntoken\r\n$9\r\nWITHCOORD\r\n$5\r\nflags\r\n*1\r\n+optional\r\n*10\r\n$4\r\nname\r\n$8\r\nwithdist\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$12\r\ndisplay_text\r\n$8\r\nwithdist\r\n$5\r\ntoken\r\n$8\r\nWITHDIST\r\n$5\r\nflags\r\n*1\r\n+optional\r\n*10\r\n$4\r\nname\r\n$8\r\nwithhash\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$12\r\ndisplay_text\r\n$8\r\nwithhash\r\n$5\r\ntoken\r\n$8\r\nWITHHASH\r\n$5\r\nflags\r\n*1\r\n+optional\r\n*8\r\n$4\r\nname\r\n$11\r\ncount-block\r\n$4\r\ntype\r\n$5\r\nblock\r\n$5\r\nflags\r\n*1\r\n+optional\r\n$9\r\narguments\r\n*2\r\n*8\r\n$4\r\nname\r\n$5\r\ncount\r\n$4\r\ntype\r\n$7\r\ninteger\r\n$12\r\ndisplay_text\r\n$5\r\ncount\r\n$5\r\ntoken\r\n$5\r\nCOUNT\r\n*10\r\n$4\r\nname\r\n$3\r\nany\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$12\r\ndisplay_text\r\n$3\r\nany\r\n$5\r\ntoken\r\n$3\r\nANY\r\n$5\r\nflags\r\n*1\r\n+optional\r\n*8\r\n$4\r\nname\r\n$5\r\norder\r\n$4\r\ntype\r\n$5\r\noneof\r\n$5\r\nflags\r\n*1\r\n+optional\r\n$9\r\narguments\r\n*2\r\n*8\r\n$4\r\nname\r\n$3\r\nasc\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$12\r\ndisplay_text\r\n$3\r\nasc\r\n$5\r\ntoken\r\n$3\r\nASC\r\n*8\r\n$4\r\nname\r\n$4\r\ndesc\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$12\r\ndisplay_text\r\n$4\r\ndesc\r\n$5\r\ntoken\r\n$4\r\nDESC\r\n$9\r\ngeosearch\r\n*12\r\n$7\r\nsummary\r\n$75\r\nQueries a geospatial index for members inside an area of a box or a circle.\r\n$5\r\nsince\r\n$5\r\n6.2.0\r\n$5\r\ngroup\r\n$3\r\ngeo\r\n$10\r\ncomplexity\r\n$169\r\nO(N+log(M)) where N is the number of elements in the grid-aligned bounding box area around the shape provided as the filter and M is the number of items inside the shape\r\n$7\r\nhistory\r\n*1\r\n*2\r\n$5\r\n7.0.0\r\n$39\r\nAdded support for uppercase unit names.\r\n$9\r\narguments\r\n*8\r\n*8\r\n$4\r\nname\r\n$3\r\nkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n$12\r\ndisplay_text\r\n$3\r\nkey\r\n$14\r\nkey_spec_index\r\n:0\r\n*6\r\n$4\r\nname\r\n$4\r\nfrom\r\n$4\r\ntype\r\n$5\r\noneof\r\n$9\r\narguments\r\n*2\r\n*8\r\n$4\r\nname\r\n$6\r\nmember\r\n$4\r\ntype\r\n$6\r\nstring\r\n$12\r\ndisplay_text\r\n$6\r\nmember\r\n$5\r\ntoken\r\n$10\r\nFROMMEMBER\r\n*8\r\n$4\r\nname\r\n$10\r\nfromlonlat\r\n$4\r\ntype\r\n$5\r\nblock\r\n$5\r\ntoken\r\n$10\r\nFROMLONLAT\r\n$9\r\narguments\r\n*2\r\n*6\r\n$4\r\nname\r\n$9\r\nlongitude\r\n$4\r\ntype\r\n$6\r\ndouble\r\n$12\r\ndisplay_text\r\n$9\r\nlongitude\r\n*6\r\n$4\r\nname\r\n$8\r\nlatitude\r\n$4\r\ntype\r\n$6\r\ndouble\r\n$12\r\ndisplay_text\r\n$8\r\nlatitude\r\n*6\r\n$4\r\nname\r\n$2\r\nby\r\n$4\r\ntype\r\n$5\r\noneof\r\n$9\r\narguments\r\n*2\r\n*6\r\n$4\r\nname\r\n$6\r\ncircle\r\n$4\r\ntype\r\n$5\r\nblock\r\n$9\r\narguments\r\n*2\r\n*8\r\n$4\r\nname\r\n$6\r\nradius\r\n$4\r\ntype\r\n$6\r\ndouble\r\n$12\r\ndisplay_text\r\n$6\r\nradius\r\n$5\r\ntoken\r\n$8\r\nBYRADIUS\r\n*6\r\n$4\r\nname\r\n$4\r\nunit\r\n$4\r\ntype\r\n$5\r\noneof\r\n$9\r\narguments\r\n*4\r\n*8\r\n$4\r\nname\r\n$1\r\nm\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$12\r\ndisplay_text\r\n$1\r\nm\r\n$5\r\ntoken\r\n$1\r\nM\r\n*8\r\n$4\r\nname\r\n$2\r\nkm\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$12\r\ndisplay_text\r\n$2\r\nkm\r\n$5\r\ntoken\r\n$2\r\nKM\r\n*8\r\n$4\r\nname\r\n$2\r\nft\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$12\r\ndisplay_text\r\n$2\r\nft\r\n$5\r\ntoken\r\n$2\r\nFT\r\n*8\r\n$4\r\nname\r\n$2\r\nmi\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$12\r\ndisplay_text\r\n$2\r\nmi\r\n$5\r\ntoken\r\n$2\r\nMI\r\n*6\r\n$4\r\nname\r\n$3\r\nbox\r\n$4\r\ntype\r\n$5\r\nblock\r\n$9\r\narguments\r\n*3\r\n*8\r\n$4\r\nname\r\n$5\r\nwidth\r\n$4\r\ntype\r\n$6\r\ndouble\r\n$12\r\ndisplay_text\r\n$5\r\nwidth\r\n$5\r\ntoken\r\n$5\r\nBYBOX\r\n*6\r\n$4\r\nname\r\n$6\r\nheight\r\n$4\r\ntype\r\n$6\r\ndouble\r\n$12\r\ndisplay_text\r\n$6\r\nheight\r\n*6\r\n$4\r\nname\r\n$4\r\nunit\r\n$4\r\ntype\r\n$5\r\noneof\r\n$9\r\narguments\r\n*4\r\n*8\r\n$4\r\nname\r\n$1\r\nm\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$12\r\ndisplay_text\r\n$1\r\nm\r\n$5\r\ntoken\r\n$1\r\nM\r\n*8\r\n$4\r\nname\r\n$2\r\nkm\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$12\r\ndisplay_text\r\n$2\r\nkm\r\n$5\r\ntoken\r\n$2\r\nKM\r\n*8\r\n$4\r\nname\r\n$2\r\nft\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$12\r\ndisplay_text\r\n$2\r\nft\r\n$5\r\ntoken\r\n$2\r\nFT\r\n*8\r\n$4\r\nname\r\n$2\r\nmi\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$12\r\ndisplay_text\r\n$2\r\nmi\r\n$5\r\ntoken\r\n$2\r\nMI\r\n*8\r\n$4\r\nname\r\n$5\r\norder\r\n$4\r\ntype\r\n$5\r\noneof\r\n$5\r\nflags\r\n*1\r\n+optional\r\n$9\r\narguments\r\n*2\r\n*8\r\n$4\r\nname\r\n$3\r\nasc\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$12\r\ndisplay_text\r\n$3\r\nasc\r\n$5\r\ntoken\r\n$3\r\nASC\r\n*8\r\n$4\r\nname\r\n$4\r\ndesc\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$12\r\ndisplay_text\r\n$4\r\ndesc\r\n$5\r\ntoken\r\n$4\r\nDESC\r\n*8\r\n$4\r\nname\r\n$11\r\ncount-block\r\n$4\r\ntype\r\n$5\r\nblock\r\n$5\r\nflags\r\n*1\r\n+optional\r\n$9\r\narguments\r\n*2\r\n*8\r\n$4\r\nname\r\n$5\r\ncount\r\n$4\r\ntype\r\n$7\r\ninteger\r\n$12\r\ndisplay_text\r\n$5\r\ncount\r\n$5\r\ntoken\r\n$5\r\nCOUNT\r\n*10\r\n$4\r\nname\r\n$3\r\nany\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$12\r\ndisplay_text\r\n$3\r\nany\r\n$5\r\ntoken\r\n$3\r\nANY\r\n$5\r\nflags\r\n*1\r\n+optional\r\n*10\r\n$4\r\nname\r\n$9\r\nwithcoord\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$12\r\ndisplay_text\r\n$9\r\nwithcoord\r\n$5\r\ntoken\r\n$9\r\nWITHCOORD\r\n$5\r\nflags\r\n*1\r\n+optional\r\n*10\r\n$4\r\nname\r\n$8\r\nwithdist\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$12\r\ndisplay_text\r\n$8\r\nwithdist\r\n$5\r\ntoken\r\n$8\r\nWITHDIST\r\n$5\r\nflags\r\n*1\r\n+optional\r\n*10\r\n$4\r\nname\r\n$8\r\nwithhash\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$12\r\ndisplay_text\r\n$8\r\nwithhash\r\n$5\r\ntoken\r\n$8\r\nWITHHASH\r\n$5\r\nflags\r\n*1\r\n+optional\r\n$14\r\ngeosearchstore\r\n*12\r\n$7\r\nsummary\r\n$105\r\nQueries a geospatial index for members inside an area of a box or a circle, optionally stores the result.\r\n$5\r\nsince\r\n$5\r\n6.2.0\r\n$5\r\ngroup\r\n$3\r\ngeo\r\n$10\r\ncomplexity\r\n$169\r\nO(N+log(M)) where N is the number of elements in the grid-aligned bounding box area around the shape provided as the filter and M is the number of items inside the shape\r\n$7\r\nhistory\r\n*1\r\n*2\r\n$5\r\n7.0.0\r\n$39\r\nAdded support for uppercase unit names.\r\n$9\r\narguments\r\n*7\r\n*8\r\n$4\r\nname\r\n$11\r\ndestination\r\n$4\r\ntype\r\n$3\r\nkey\r\n$12\r\ndisplay_text\r\n$11\r\ndestination\r\n$14\r\nkey_spec_index\r\n:0\r\n*8\r\n$4\r\nname\r\n$6\r\nsource\r\n$4\r\ntype\r\n$3\r\nkey\r\n$12\r\ndisplay_text\r\n$6\r\nsource\r\n$14\r\nkey_spec_index\r\n:1\r\n*6\r\n$4\r\nname\r\n$4\r\nfrom\r\n$4\r\ntype\r\n$5\r\noneof\r\n$9\r\narguments\r\n*2\r\n*8\r\n$4\r\nname\r\n$6\r\nmember\r\n$4\r\ntype\r\n$6\r\nstring\r\n$12\r\ndisplay_text\r\n$6\r\nmember\r\n$5\r\ntoken\r\n$10\r\nFROMMEMBER\r\n*8\r\n$4\r\nname\r\n$10\r\nfromlonlat\r\n$4\r\ntype\r\n$5\r\nblock\r\n$5\r\ntoken\r\n$10\r\nFROMLONLAT\r\n$9\r\narguments\r\n*2\r\n*6\r\n$4\r\nname\r\n$9\r\nlongitude\r\n$4\r\ntype\r\n$6\r\ndouble\r\n$12\r\ndisplay_text\r\n$9\r\nlongitude\r\n*6\r\n$4\r\nname\r\n$8\r\nlatitude\r\n$4\r\ntype\r\n$6\r\ndouble\r\n$12\r\ndisplay_text\r\n$8\r\nlatitude\r\n*6\r\n$4\r\nname\r\n$2\r\nby\r\n$4\r\ntype\r\n$5\r\noneof\r\n$9\r\narguments\r\n*2\r\n*6\r\n$4\r\nname\r\n$6\r\ncircle\r\n$4\r\ntype\r\n$5\r\nblock\r\n$9\r\narguments\r\n*2\r\n*8\r\n$4\r\nname\r\n$6\r\nradius\r\n$4\r\ntype\r\n$6\r\ndouble\r\n$12\r\ndisplay_text\r\n$6\r\nradius\r\n$5\r\ntoken\r\n$8\r\nBYRADIUS\r\n*6\r\n$4\r\nname\r\n$4\r\nunit\r\n$4\r\ntype\r\n$5\r\noneof\r\n$9\r\narguments\r\n*4\r\n*8\r\n$4\r\nname\r\n$1\r\nm\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$12\r\ndisplay_text\r\n$1\r\nm\r\n$5\r\ntoken\r\n$1\r\nM\r\n*8\r\n$4\r\nname\r\n$2\r\nkm\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$12\r\ndisplay_text\r\n$2\r\nkm\r\n$5\r\ntoken\r\n$2\r\nKM\r\n*8\r\n$4\r\nname\r\n$2\r\nft\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$12\r\ndisplay_text\r\n$2\r\nft\r\n$5\r\ntoken\r\n$2\r\nFT\r\n*8\r\n$4\r\nname\r\n$2\r\nmi\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$12\r\ndisplay_text\r\n$2\r\nmi\r\n$5\r\ntoken\r\n$2\r\nMI\r\n*6\r\n$4\r\nname\r\n$3\r\nbox\r\n$4\r\ntype\r\n$5\r\nblock\r\n$9\r\narguments\r\n*3\r\n*8\r\n$4\r\nname\r\n$5\r\nwidth\r\n$4\r\ntype\r\n$6\r\ndouble\r\n$12\r\ndisplay_text\r\n$5\r\nwidth\r\n$5\r\ntoken\r\n$5\r\nBYBOX\r\n*6\r\n$4\r\nname\r\n$6\r\nheight\r\n$4\r\ntype\r\n$6\r\ndouble\r\n$12\r\ndisplay_text\r\n$6\r\nheight\r\n*6\r\n$4\r\nname\r\n$4\r\nunit\r\n$4\r\ntype\r\n$5\r\noneof\r\n$9\r\narguments\r\n*4\r\n*8\r\n$4\r\nname\r\n$1\r\nm\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$12\r\ndisplay_text\r\n$1\r\nm\r\n$5\r\ntoken\r\n$1\r\nM\r\n*8\r\n$4\r\nname\r\n$2\r\nkm\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$12\r\ndisplay_text\r\n$2\r\nkm\r\n$5\r\ntoken\r\n$2\r\nKM\r\n*8\r\n$4\r\nname\r\n$2\r\nft\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$12\r\ndisplay_text\r\n$2\r\nft\r\n$5\r\ntoken\r\n$2\r\nFT\r\n*8\r\n$4\r\nname\r\n$2\r\nmi\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$12\r\ndisplay_text\r\n$2\r\nmi\r\n$5\r\ntoken\r\n$2\r\nMI\r\n*8\r\n$4\r\nname\r\n$5\r\norder\r\n$4\r\ntype\r\n$5\r\noneof\r\n$5\r\nflags\r\n*1\r\n+optional\r\n$9\r\narguments\r\n*2\r\n*8\r\n$4\r\nname\r\n$3\r\nasc\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$12\r\ndisplay_text\r\n$3\r\nasc\r\n$5\r\ntoken\r\n$3\r\nASC\r\n*8\r\n$4\r\nname\r\n$4\r\ndesc\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$12\r\ndisplay_text\r\n$4\r\ndesc\r\n$5\r\ntoken\r\n$4\r\nDESC\r\n*8\r\n$4\r\nname\r\n$11\r\ncount-block\r\n$4\r\ntype\r\n$5\r\nblock\r\n$5\r\nflags\r\n*1\r\n+optional\r\n$9\r\narguments\r\n*2\r\n*8\r\n$4\r\nname\r\n$5\r\ncount\r\n$4\r\ntype\r\n$7\r\ninteger\r\n$12\r\ndisplay_text\r\n$5\r\ncount\r\n$5\r\ntoken\r\n$5\r\nCOUNT\r\n*10\r\n$4\r\nname\r\n$3\r\nany\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$12\r\ndisplay_text\r\n$3\r\nany\r\n$5\r\ntoken\r\n$3\r\nANY\r\n$5\r\nflags\r\n*1\r\n+optional\r\n*10\r\n$4\r\nname\r\n$9\r\nstoredist\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$12\r\ndisplay_text\r\n$9\r\nstoredist\r\n$5\r\ntoken\r\n$9\r\nSTOREDIST\r\n$5\r\nflags\r\n*1\r\n+optional\r\n",
    ],
    [
      ["COMMAND", "GETKEYS", "georadius", "k", "1", "1", "1", "km", "STORE", "a", "STOREDIST", "b"],
      "*3\r\n$1\r\nk\r\n$1\r\na\r\n$1\r\nb\r\n",
    ],
    [
      ["COMMAND", "GETKEYS", "georadiusbymember", "k", "m", "1", "km", "STOREDIST", "b"],
      "*2\r\n$1\r\nk\r\n$1\r\nb\r\n",
    ],
    [
      ["COMMAND", "GETKEYS", "geosearchstore", "d", "s", "FROMLONLAT", "1", "1", "BYRADIUS", "1", "km"],
      "*2\r\n$1\r\nd\r\n$1\r\ns\r\n",
    ],
  ]);
}, valkeyOnly());

test("COMMAND INFO, DOCS and GETKEYS describe the GEO commands like Valkey (RESP3)", async (c) => {
  await c.call("HELLO", "3");
  await replay(c, [
    [
      [
        "COMMAND",
        "INFO",
        "geoadd",
        "geodist",
        "geohash",
        "geopos",
        "georadius",
        "georadius_ro",
        "georadiusbymember",
        "georadiusbymember_ro",
        "geosearch",
        "geosearchstore",
      ],
      "*10\r\n*10\r\n$6\r\ngeoadd\r\n:-5\r\n~2\r\n+write\r\n+denyoom\r\n:1\r\n:1\r\n:1\r\n~3\r\n+@write\r\n+@geo\r\n+@slow\r\n~0\r\n~1\r\n%3\r\n$5\r\nflags\r\n~2\r\n+RW\r\n+update\r\n$12\r\nbegin_search\r\n%2\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n%1\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n%2\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n%3\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n~0\r\n*10\r\n$7\r\ngeodist\r\n:-4\r\n~1\r\n+readonly\r\n:1\r\n:1\r\n:1\r\n~3\r\n+@read\r\n+@geo\r\n+@slow\r\n~0\r\n~1\r\n%3\r\n$5\r\nflags\r\n~2\r\n+RO\r\n+access\r\n$12\r\nbegin_search\r\n%2\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n%1\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n%2\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n%3\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n~0\r\n*10\r\n$7\r\ngeohash\r\n:-2\r\n~1\r\n+readonly\r\n:1\r\n:1\r\n:1\r\n~3\r\n+@read\r\n+@geo\r\n+@slow\r\n~0\r\n~1\r\n%3\r\n$5\r\nflags\r\n~2\r\n+RO\r\n+access\r\n$12\r\nbegin_search\r\n%2\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n%1\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n%2\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n%3\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n~0\r\n*10\r\n$6\r\ngeopos\r\n:-2\r\n~1\r\n+readonly\r\n:1\r\n:1\r\n:1\r\n~3\r\n+@read\r\n+@geo\r\n+@slow\r\n~0\r\n~1\r\n%3\r\n$5\r\nflags\r\n~2\r\n+RO\r\n+access\r\n$12\r\nbegin_search\r\n%2\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n%1\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n%2\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n%3\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n~0\r\n*10\r\n$9\r\ngeoradius\r\n:-6\r\n~3\r\n+write\r\n+denyoom\r\n+movablekeys\r\n:1\r\n:1\r\n:1\r\n~3\r\n+@write\r\n+@geo\r\n+@slow\r\n~0\r\n~3\r\n%3\r\n$5\r\nflags\r\n~2\r\n+RO\r\n+access\r\n$12\r\nbegin_search\r\n%2\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n%1\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n%2\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n%3\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n%3\r\n$5\r\nflags\r\n~2\r\n+OW\r\n+update\r\n$12\r\nbegin_search\r\n%2\r\n$4\r\ntype\r\n$7\r\nkeyword\r\n$4\r\nspec\r\n%2\r\n$7\r\nkeyword\r\n$5\r\nSTORE\r\n$9\r\nstartfrom\r\n:6\r\n$9\r\nfind_keys\r\n%2\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n%3\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n%3\r\n$5\r\nflags\r\n~2\r\n+OW\r\n+update\r\n$12\r\nbegin_search\r\n%2\r\n$4\r\ntype\r\n$7\r\nkeyword\r\n$4\r\nspec\r\n%2\r\n$7\r\nkeyword\r\n$9\r\nSTOREDIST\r\n$9\r\nstartfrom\r\n:6\r\n$9\r\nfind_keys\r\n%2\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n%3\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n~0\r\n*10\r\n$12\r\ngeoradius_ro\r\n:-6\r\n~1\r\n+readonly\r\n:1\r\n:1\r\n:1\r\n~3\r\n+@read\r\n+@geo\r\n+@slow\r\n~0\r\n~1\r\n%3\r\n$5\r\nflags\r\n~2\r\n+RO\r\n+access\r\n$12\r\nbegin_search\r\n%2\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n%1\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n%2\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n%3\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n~0\r\n*10\r\n$17\r\ngeoradiusbymember\r\n:-5\r\n~3\r\n+write\r\n+denyoom\r\n+movablekeys\r\n:1\r\n:1\r\n:1\r\n~3\r\n+@write\r\n+@geo\r\n+@slow\r\n~0\r\n~3\r\n%3\r\n$5\r\nflags\r\n~2\r\n+RO\r\n+access\r\n$12\r\nbegin_search\r\n%2\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n%1\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n%2\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n%3\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n%3\r\n$5\r\nflags\r\n~2\r\n+OW\r\n+update\r\n$12\r\nbegin_search\r\n%2\r\n$4\r\ntype\r\n$7\r\nkeyword\r\n$4\r\nspec\r\n%2\r\n$7\r\nkeyword\r\n$5\r\nSTORE\r\n$9\r\nstartfrom\r\n:5\r\n$9\r\nfind_keys\r\n%2\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n%3\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n%3\r\n$5\r\nflags\r\n~2\r\n+OW\r\n+update\r\n$12\r\nbegin_search\r\n%2\r\n$4\r\ntype\r\n$7\r\nkeyword\r\n$4\r\nspec\r\n%2\r\n$7\r\nkeyword\r\n$9\r\nSTOREDIST\r\n$9\r\nstartfrom\r\n:5\r\n$9\r\nfind_keys\r\n%2\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n%3\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n~0\r\n*10\r\n$20\r\ngeoradiusbymember_ro\r\n:-5\r\n~1\r\n+readonly\r\n:1\r\n:1\r\n:1\r\n~3\r\n+@read\r\n+@geo\r\n+@slow\r\n~0\r\n~1\r\n%3\r\n$5\r\nflags\r\n~2\r\n+RO\r\n+access\r\n$12\r\nbegin_search\r\n%2\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n%1\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n%2\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n%3\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n~0\r\n*10\r\n$9\r\ngeosearch\r\n:-7\r\n~1\r\n+readonly\r\n:1\r\n:1\r\n:1\r\n~3\r\n+@read\r\n+@geo\r\n+@slow\r\n~0\r\n~1\r\n%3\r\n$5\r\nflags\r\n~2\r\n+RO\r\n+access\r\n$12\r\nbegin_search\r\n%2\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n%1\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n%2\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n%3\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n~0\r\n*10\r\n$14\r\ngeosearchstore\r\n:-8\r\n~2\r\n+write\r\n+denyoom\r\n:1\r\n:2\r\n:1\r\n~3\r\n+@write\r\n+@geo\r\n+@slow\r\n~0\r\n~2\r\n%3\r\n$5\r\nflags\r\n~2\r\n+OW\r\n+update\r\n$12\r\nbegin_search\r\n%2\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n%1\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n%2\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n%3\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n%3\r\n$5\r\nflags\r\n~2\r\n+RO\r\n+access\r\n$12\r\nbegin_search\r\n%2\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n%1\r\n$5\r\nindex\r\n:2\r\n$9\r\nfind_keys\r\n%2\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n%3\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n~0\r\n",
    ],
    [
      [
        "COMMAND",
        "DOCS",
        "geoadd",
        "geodist",
        "geohash",
        "geopos",
        "georadius",
        "georadius_ro",
        "georadiusbymember",
        "georadiusbymember_ro",
        "geosearch",
        "geosearchstore",
      ],
      "%10\r\n$6\r\ngeoadd\r\n%6\r\n$7\r\nsummary\r\n$87\r\nAdds one or more members to a geospatial index. The key is created if it doesn't exist.\r\n$5\r\nsince\r\n$5\r\n3.2.0\r\n$5\r\ngroup\r\n$3\r\ngeo\r\n$10\r\ncomplexity\r\n$83\r\nO(log(N)) for each item added, where N is the number of elements in the sorted set.\r\n$7\r\nhistory\r\n~1\r\n*2\r\n$5\r\n6.2.0\r\n$38\r\nAdded the `CH`, `NX` and `XX` options.\r\n$9\r\narguments\r\n*4\r\n%4\r\n$4\r\nname\r\n$3\r\nkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n$12\r\ndisplay_text\r\n$3\r\nkey\r\n$14\r\nkey_spec_index\r\n:0\r\n%5\r\n$4\r\nname\r\n$9\r\ncondition\r\n$4\r\ntype\r\n$5\r\noneof\r\n$5\r\nsince\r\n$5\r\n6.2.0\r\n$5\r\nflags\r\n~1\r\n+optional\r\n$9\r\narguments\r\n*2\r\n%4\r\n$4\r\nname\r\n$2\r\nnx\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$12\r\ndisplay_text\r\n$2\r\nnx\r\n$5\r\ntoken\r\n$2\r\nNX\r\n%4\r\n$4\r\nname\r\n$2\r\nxx\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$12\r\ndisplay_text\r\n$2\r\nxx\r\n$5\r\ntoken\r\n$2\r\nXX\r\n%6\r\n$4\r\nname\r\n$6\r\nchange\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$12\r\ndisplay_text\r\n$6\r\nchange\r\n$5\r\ntoken\r\n$2\r\nCH\r\n$5\r\nsince\r\n$5\r\n6.2.0\r\n$5\r\nflags\r\n~1\r\n+optional\r\n%4\r\n$4\r\nname\r\n$4\r\ndata\r\n$4\r\ntype\r\n$5\r\nblock\r\n$5\r\nflags\r\n~1\r\n+multiple\r\n$9\r\narguments\r\n*3\r\n%3\r\n$4\r\nname\r\n$9\r\nlongitude\r\n$4\r\ntype\r\n$6\r\ndouble\r\n$12\r\ndisplay_text\r\n$9\r\nlongitude\r\n%3\r\n$4\r\nname\r\n$8\r\nlatitude\r\n$4\r\ntype\r\n$6\r\ndouble\r\n$12\r\ndisplay_text\r\n$8\r\nlatitude\r\n%3\r\n$4\r\nname\r\n$6\r\nmember\r\n$4\r\ntype\r\n$6\r\nstring\r\n$12\r\ndisplay_text\r\n$6\r\nmember\r\n$7\r\ngeodist\r\n%5\r\n$7\r\nsummary\r\n$63\r\nReturns the distance between two members of a geospatial index.\r\n$5\r\nsince\r\n$5\r\n3.2.0\r\n$5\r\ngroup\r\n$3\r\ngeo\r\n$10\r\ncomplexity\r\n$4\r\nO(1)\r\n$9\r\narguments\r\n*4\r\n%4\r\n$4\r\nname\r\n$3\r\nkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n$12\r\ndisplay_text\r\n$3\r\nkey\r\n$14\r\nkey_spec_index\r\n:0\r\n%3\r\n$4\r\nname\r\n$7\r\nmember1\r\n$4\r\ntype\r\n$6\r\nstring\r\n$12\r\ndisplay_text\r\n$7\r\nmember1\r\n%3\r\n$4\r\nname\r\n$7\r\nmember2\r\n$4\r\ntype\r\n$6\r\nstring\r\n$12\r\ndisplay_text\r\n$7\r\nmember2\r\n%4\r\n$4\r\nname\r\n$4\r\nunit\r\n$4\r\ntype\r\n$5\r\noneof\r\n$5\r\nflags\r\n~1\r\n+optional\r\n$9\r\narguments\r\n*4\r\n%4\r\n$4\r\nname\r\n$1\r\nm\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$12\r\ndisplay_text\r\n$1\r\nm\r\n$5\r\ntoken\r\n$1\r\nM\r\n%4\r\n$4\r\nname\r\n$2\r\nkm\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$12\r\ndisplay_text\r\n$2\r\nkm\r\n$5\r\ntoken\r\n$2\r\nKM\r\n%4\r\n$4\r\nname\r\n$2\r\nft\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$12\r\ndisplay_text\r\n$2\r\nft\r\n$5\r\ntoken\r\n$2\r\nFT\r\n%4\r\n$4\r\nname\r\n$2\r\nmi\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$12\r\ndisplay_text\r\n$2\r\nmi\r\n$5\r\ntoken\r\n$2\r\nMI\r\n$7\r\ngeohash\r\n%5\r\n$7\r\nsummary\r\n$59\r\nReturns members from a geospatial index as geohash strings.\r\n$5\r\nsince\r\n$5\r\n3.2.0\r\n$5\r\ngroup\r\n$3\r\ngeo\r\n$10\r\ncomplexity\r\n$31\r\nO(1) for each member requested.\r\n$9\r\narguments\r\n*2\r\n%4\r\n$4\r\nname\r\n$3\r\nkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n$12\r\ndisplay_text\r\n$3\r\nkey\r\n$14\r\nkey_spec_index\r\n:0\r\n%4\r\n$4\r\nname\r\n$6\r\nmember\r\n$4\r\ntype\r\n$6\r\nstring\r\n$12\r\ndisplay_text\r\n$6\r\nmember\r\n$5\r\nflags\r\n~2\r\n+optional\r\n+multiple\r\n$6\r\ngeopos\r\n%5\r\n$7\r\nsummary\r\n$70\r\nReturns the longitude and latitude of members from a geospatial index.\r\n$5\r\nsince\r\n$5\r\n3.2.0\r\n$5\r\ngroup\r\n$3\r\ngeo\r\n$10\r\ncomplexity\r\n$31\r\nO(1) for each member requested.\r\n$9\r\narguments\r\n*2\r\n%4\r\n$4\r\nname\r\n$3\r\nkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n$12\r\ndisplay_text\r\n$3\r\nkey\r\n$14\r\nkey_spec_index\r\n:0\r\n%4\r\n$4\r\nname\r\n$6\r\nmember\r\n$4\r\ntype\r\n$6\r\nstring\r\n$12\r\ndisplay_text\r\n$6\r\nmember\r\n$5\r\nflags\r\n~2\r\n+optional\r\n+multiple\r\n$9\r\ngeoradius\r\n%9\r\n$7\r\nsummary\r\n$105\r\nQueries a geospatial index for members within a distance from a coordinate, optionally stores the result.\r\n$5\r\nsince\r\n$5\r\n3.2.0\r\n$5\r\ngroup\r\n$3\r\ngeo\r\n$10\r\ncomplexity\r\n$168\r\nO(N+log(M)) where N is the number of elements inside the bounding box of the circular area delimited by center and radius and M is the number of items inside the index.\r\n$9\r\ndoc_flags\r\n~1\r\n+deprecated\r\n$16\r\ndeprecated_since\r\n$5\r\n6.2.0\r\n$11\r\nreplaced_by\r\n$61\r\n`GEOSEARCH` and `GEOSEARCHSTORE` with the `BYRADIUS` argument\r\n$7\r\nhistory\r\n~2\r\n*2\r\n$5\r\n6.2.0\r\n$35\r\nAdded the `ANY` option for `COUNT`.\r\n*2\r\n$5\r\n7.0.0\r\n$39\r\nAdded support for uppercase unit names.\r\n$9\r\narguments\r\n*11\r\n%4\r\n$4\r\nname\r\n$3\r\nkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n$12\r\ndisplay_text\r\n$3\r\nkey\r\n$14\r\nkey_spec_index\r\n:0\r\n%3\r\n$4\r\nname\r\n$9\r\nlongitude\r\n$4\r\ntype\r\n$6\r\ndouble\r\n$12\r\ndisplay_text\r\n$9\r\nlongitude\r\n%3\r\n$4\r\nname\r\n$8\r\nlatitude\r\n$4\r\ntype\r\n$6\r\ndouble\r\n$12\r\ndisplay_text\r\n$8\r\nlatitude\r\n%3\r\n$4\r\nname\r\n$6\r\nradius\r\n$4\r\ntype\r\n$6\r\ndouble\r\n$12\r\ndisplay_text\r\n$6\r\nradius\r\n%3\r\n$4\r\nname\r\n$4\r\nunit\r\n$4\r\ntype\r\n$5\r\noneof\r\n$9\r\narguments\r\n*4\r\n%4\r\n$4\r\nname\r\n$1\r\nm\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$12\r\ndisplay_text\r\n$1\r\nm\r\n$5\r\ntoken\r\n$1\r\nM\r\n%4\r\n$4\r\nname\r\n$2\r\nkm\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$12\r\ndisplay_text\r\n$2\r\nkm\r\n$5\r\ntoken\r\n$2\r\nKM\r\n%4\r\n$4\r\nname\r\n$2\r\nft\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$12\r\ndisplay_text\r\n$2\r\nft\r\n$5\r\ntoken\r\n$2\r\nFT\r\n%4\r\n$4\r\nname\r\n$2\r\nmi\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$12\r\ndisplay_text\r\n$2\r\nmi\r\n$5\r\ntoken\r\n$2\r\nMI\r\n%5\r\n$4\r\nname\r\n$9\r\nwithcoord\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$12\r\ndisplay_text\r\n$9\r\nwithcoord\r\n$5\r\ntoken\r\n$9\r\nWITHCOORD\r\n$5\r\nflags\r\n~1\r\n+optional\r\n%5\r\n$4\r\nname\r\n$8\r\nwithdist\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$12\r\ndisplay_text\r\n$8\r\nwithdist\r\n$5\r\ntoken\r\n$8\r\nWITHDIST\r\n$5\r\nflags\r\n~1\r\n+optional\r\n%5\r\n$4\r\nname\r\n$8\r\nwithhash\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$12\r\ndisplay_text\r\n$8\r\nwithhash\r\n$5\r\ntoken\r\n$8\r\nWITHHASH\r\n$5\r\nflags\r\n~1\r\n+optional\r\n%4\r\n$4\r\nname\r\n$11\r\ncount-block\r\n$4\r\ntype\r\n$5\r\nblock\r\n$5\r\nflags\r\n~1\r\n+optional\r\n$9\r\narguments\r\n*2\r\n%4\r\n$4\r\nname\r\n$5\r\ncount\r\n$4\r\ntype\r\n$7\r\ninteger\r\n$12\r\ndisplay_text\r\n$5\r\ncount\r\n$5\r\ntoken\r\n$5\r\nCOUNT\r\n%6\r\n$4\r\nname\r\n$3\r\nany\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$12\r\ndisplay_text\r\n$3\r\nany\r\n$5\r\ntoken\r\n$3\r\nANY\r\n$5\r\nsince\r\n$5\r\n6.2.0\r\n$5\r\nflags\r\n~1\r\n+optional\r\n%4\r\n$4\r\nname\r\n$5\r\norder\r\n$4\r\ntype\r\n$5\r\noneof\r\n$5\r\nflags\r\n~1\r\n+optional\r\n$9\r\narguments\r\n*2\r\n%4\r\n$4\r\nname\r\n$3\r\nasc\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$12\r\ndisplay_text\r\n$3\r\nasc\r\n$5\r\ntoken\r\n$3\r\nASC\r\n%4\r\n$4\r\nname\r\n$4\r\ndesc\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$12\r\ndisplay_text\r\n$4\r\ndesc\r\n$5\r\ntoken\r\n$4\r\nDESC\r\n%4\r\n$4\r\nname\r\n$5\r\nstore\r\n$4\r\ntype\r\n$5\r\noneof\r\n$5\r\nflags\r\n~1\r\n+optional\r\n$9\r\narguments\r\n*2\r\n%5\r\n$4\r\nname\r\n$8\r\nstorekey\r\n$4\r\ntype\r\n$3\r\nkey\r\n$12\r\ndisplay_text\r\n$3\r\nkey\r\n$14\r\nkey_spec_index\r\n:1\r\n$5\r\ntoken\r\n$5\r\nSTORE\r\n%5\r\n$4\r\nname\r\n$12\r\nstoredistkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n$12\r\ndisplay_text\r\n$3\r\nkey\r\n$14\r\nkey_spec_index\r\n:2\r\n$5\r\ntoken\r\n$9\r\nSTOREDIST\r\n$12\r\ngeoradius_ro\r\n%9\r\n$7\r\nsummary\r\n$85\r\nReturns members from a geospatial index that are within a distance from a coordinate.\r\n$5\r\nsince\r\n$6\r\n3.2.10\r\n$5\r\ngroup\r\n$3\r\ngeo\r\n$10\r\ncomplexity\r\n$168\r\nO(N+log(M)) where N is the number of elements inside the bounding box of the circular area delimited by center and radius and M is the number of items inside the index.\r\n$9\r\ndoc_flags\r\n~1\r\n+deprecated\r\n$16\r\ndeprecated_since\r\n$5\r\n6.2.0\r\n$11\r\nreplaced_by\r\n$40\r\n`GEOSEARCH` with the `BYRADIUS` argument\r\n$7\r\nhistory\r\n~2\r\n*2\r\n$5\r\n6.2.0\r\n$35\r\nAdded the `ANY` option for `COUNT`.\r\n*2\r\n$5\r\n7.0.0\r\n$39\r\nAdded support for uppercase unit names.\r\n$9\r\narguments\r\n*10\r\n%4\r\n$4\r\nname\r\n$3\r\nkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n$12\r\ndisplay_text\r\n$3\r\nkey\r\n$14\r\nkey_spec_index\r\n:0\r\n%3\r\n$4\r\nname\r\n$9\r\nlongitude\r\n$4\r\ntype\r\n$6\r\ndouble\r\n$12\r\ndisplay_text\r\n$9\r\nlongitude\r\n%3\r\n$4\r\nname\r\n$8\r\nlatitude\r\n$4\r\ntype\r\n$6\r\ndouble\r\n$12\r\ndisplay_text\r\n$8\r\nlatitude\r\n%3\r\n$4\r\nname\r\n$6\r\nradius\r\n$4\r\ntype\r\n$6\r\ndouble\r\n$12\r\ndisplay_text\r\n$6\r\nradius\r\n%3\r\n$4\r\nname\r\n$4\r\nunit\r\n$4\r\ntype\r\n$5\r\noneof\r\n$9\r\narguments\r\n*4\r\n%4\r\n$4\r\nname\r\n$1\r\nm\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$12\r\ndisplay_text\r\n$1\r\nm\r\n$5\r\ntoken\r\n$1\r\nM\r\n%4\r\n$4\r\nname\r\n$2\r\nkm\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$12\r\ndisplay_text\r\n$2\r\nkm\r\n$5\r\ntoken\r\n$2\r\nKM\r\n%4\r\n$4\r\nname\r\n$2\r\nft\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$12\r\ndisplay_text\r\n$2\r\nft\r\n$5\r\ntoken\r\n$2\r\nFT\r\n%4\r\n$4\r\nname\r\n$2\r\nmi\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$12\r\ndisplay_text\r\n$2\r\nmi\r\n$5\r\ntoken\r\n$2\r\nMI\r\n%5\r\n$4\r\nname\r\n$9\r\nwithcoord\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$12\r\ndisplay_text\r\n$9\r\nwithcoord\r\n$5\r\ntoken\r\n$9\r\nWITHCOORD\r\n$5\r\nflags\r\n~1\r\n+optional\r\n%5\r\n$4\r\nname\r\n$8\r\nwithdist\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$12\r\ndisplay_text\r\n$8\r\nwithdist\r\n$5\r\ntoken\r\n$8\r\nWITHDIST\r\n$5\r\nflags\r\n~1\r\n+optional\r\n%5\r\n$4\r\nname\r\n$8\r\nwithhash\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$12\r\ndisplay_text\r\n$8\r\nwithhash\r\n$5\r\ntoken\r\n$8\r\nWITHHASH\r\n$5\r\nflags\r\n~1\r\n+optional\r\n%4\r\n$4\r\nname\r\n$11\r\ncount-block\r\n$4\r\ntype\r\n$5\r\nblock\r\n$5\r\nflags\r\n~1\r\n+optional\r\n$9\r\narguments\r\n*2\r\n%4\r\n$4\r\nname\r\n$5\r\ncount\r\n$4\r\ntype\r\n$7\r\ninteger\r\n$12\r\ndisplay_text\r\n$5\r\ncount\r\n$5\r\ntoken\r\n$5\r\nCOUNT\r\n%6\r\n$4\r\nname\r\n$3\r\nany\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$12\r\ndisplay_text\r\n$3\r\nany\r\n$5\r\ntoken\r\n$3\r\nANY\r\n$5\r\nsince\r\n$5\r\n6.2.0\r\n$5\r\nflags\r\n~1\r\n+optional\r\n%4\r\n$4\r\nname\r\n$5\r\norder\r\n$4\r\ntype\r\n$5\r\noneof\r\n$5\r\nflags\r\n~1\r\n+optional\r\n$9\r\narguments\r\n*2\r\n%4\r\n$4\r\nname\r\n$3\r\nasc\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$12\r\ndisplay_text\r\n$3\r\nasc\r\n$5\r\ntoken\r\n$3\r\nASC\r\n%4\r\n$4\r\nname\r\n$4\r\ndesc\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$12\r\ndisplay_text\r\n$4\r\ndesc\r\n$5\r\ntoken\r\n$4\r\nDESC\r\n$17\r\ngeoradiusbymember\r\n%9\r\n$7\r\nsummary\r\n$101\r\nQueries a geospatial index for members within a distance from a member, optionally stores the result.\r\n$5\r\nsince\r\n$5\r\n3.2.0\r\n$5\r\ngroup\r\n$3\r\ngeo\r\n$10\r\ncomplexity\r\n$168\r\nO(N+log(M)) where N is the number of elements inside the bounding box of the circular area delimited by center and radius and M is the number of items inside the index.\r\n$9\r\ndoc_flags\r\n~1\r\n+deprecated\r\n$16\r\ndeprecated_since\r\n$5\r\n6.2.0\r\n$11\r\nreplaced_by\r\n$79\r\n`GEOSEARCH` and `GEOSEARCHSTORE` with the `BYRADIUS` and `FROMMEMBER` arguments\r\n$7\r\nhistory\r\n~2\r\n*2\r\n$5\r\n6.2.0\r\n$35\r\nAdded the `ANY` option for `COUNT`.\r\n*2\r\n$5\r\n7.0.0\r\n$39\r\nAdded support for uppercase unit names.\r\n$9\r\narguments\r\n*10\r\n%4\r\n$4\r\nname\r\n$3\r\nkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n$12\r\ndisplay_text\r\n$3\r\nkey\r\n$14\r\nkey_spec_index\r\n:0\r\n%3\r\n$4\r\nname\r\n$6\r\nmember\r\n$4\r\ntype\r\n$6\r\nstring\r\n$12\r\ndisplay_text\r\n$6\r\nmember\r\n%3\r\n$4\r\nname\r\n$6\r\nradius\r\n$4\r\ntype\r\n$6\r\ndouble\r\n$12\r\ndisplay_text\r\n$6\r\nradius\r\n%3\r\n$4\r\nname\r\n$4\r\nunit\r\n$4\r\ntype\r\n$5\r\noneof\r\n$9\r\narguments\r\n*4\r\n%4\r\n$4\r\nname\r\n$1\r\nm\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$12\r\ndisplay_text\r\n$1\r\nm\r\n$5\r\ntoken\r\n$1\r\nM\r\n%4\r\n$4\r\nname\r\n$2\r\nkm\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$12\r\ndisplay_text\r\n$2\r\nkm\r\n$5\r\ntoken\r\n$2\r\nKM\r\n%4\r\n$4\r\nname\r\n$2\r\nft\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$12\r\ndisplay_text\r\n$2\r\nft\r\n$5\r\ntoken\r\n$2\r\nFT\r\n%4\r\n$4\r\nname\r\n$2\r\nmi\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$12\r\ndisplay_text\r\n$2\r\nmi\r\n$5\r\ntoken\r\n$2\r\nMI\r\n%5\r\n$4\r\nname\r\n$9\r\nwithcoord\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$12\r\ndisplay_text\r\n$9\r\nwithcoord\r\n$5\r\ntoken\r\n$9\r\nWITHCOORD\r\n$5\r\nflags\r\n~1\r\n+optional\r\n%5\r\n$4\r\nname\r\n$8\r\nwithdist\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$12\r\ndisplay_text\r\n$8\r\nwithdist\r\n$5\r\ntoken\r\n$8\r\nWITHDIST\r\n$5\r\nflags\r\n~1\r\n+optional\r\n%5\r\n$4\r\nname\r\n$8\r\nwithhash\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$12\r\ndisplay_text\r\n$8\r\nwithhash\r\n$5\r\ntoken\r\n$8\r\nWITHHASH\r\n$5\r\nflags\r\n~1\r\n+optional\r\n%4\r\n$4\r\nname\r\n$11\r\ncount-block\r\n$4\r\ntype\r\n$5\r\nblock\r\n$5\r\nflags\r\n~1\r\n+optional\r\n$9\r\narguments\r\n*2\r\n%4\r\n$4\r\nname\r\n$5\r\ncount\r\n$4\r\ntype\r\n$7\r\ninteger\r\n$12\r\ndisplay_text\r\n$5\r\ncount\r\n$5\r\ntoken\r\n$5\r\nCOUNT\r\n%5\r\n$4\r\nname\r\n$3\r\nany\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$12\r\ndisplay_text\r\n$3\r\nany\r\n$5\r\ntoken\r\n$3\r\nANY\r\n$5\r\nflags\r\n~1\r\n+optional\r\n%4\r\n$4\r\nname\r\n$5\r\norder\r\n$4\r\ntype\r\n$5\r\noneof\r\n$5\r\nflags\r\n~1\r\n+optional\r\n$9\r\narguments\r\n*2\r\n%4\r\n$4\r\nname\r\n$3\r\nasc\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$12\r\ndisplay_text\r\n$3\r\nasc\r\n$5\r\ntoken\r\n$3\r\nASC\r\n%4\r\n$4\r\nname\r\n$4\r\ndesc\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$12\r\ndisplay_text\r\n$4\r\ndesc\r\n$5\r\ntoken\r\n$4\r\nDESC\r\n%4\r\n$4\r\nname\r\n$5\r\nstore\r\n$4\r\ntype\r\n$5\r\noneof\r\n$5\r\nflags\r\n~1\r\n+optional\r\n$9\r\narguments\r\n*2\r\n%5\r\n$4\r\nname\r\n$8\r\nstorekey\r\n$4\r\ntype\r\n$3\r\nkey\r\n$12\r\ndisplay_text\r\n$3\r\nkey\r\n$14\r\nkey_spec_index\r\n:1\r\n$5\r\ntoken\r\n$5\r\nSTORE\r\n%5\r\n$4\r\nname\r\n$12\r\nstoredistkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n$12\r\ndisplay_text\r\n$3\r\nkey\r\n$14\r\nkey_spec_index\r\n:2\r\n$5\r\ntoken\r\n$9\r\nSTOREDIST\r\n$20\r\ngeoradiusbymember_ro\r\n%9\r\n$7\r\nsummary\r\n$81\r\nReturns members from a geospatial index that are within a distance from a member.\r\n$5\r\nsince\r\n$6\r\n3.2.10\r\n$5\r\ngroup\r\n$3\r\ngeo\r\n$10\r\ncomplexity\r\n$168\r\nO(N+log(M)) where N is the number of elements inside the bounding box of the circular area delimited by center and radius and M is the number of items inside the index.\r\n$9\r\ndoc_flags\r\n~1\r\n+deprecated\r\n$16\r\ndeprecated_since\r\n$5\r\n6.2.0\r\n$11\r\nreplaced_by\r\n$58\r\n`GEOSEARCH` with the `BYRADIUS` and `FROMMEMBER` arguments\r\n$7\r\nhistory\r\n~2\r\n*2\r\n$5\r\n6.2.0\r\n$35\r\nAdded the `ANY` option for `COUNT`.\r\n*2\r\n$5\r\n7.0.0\r\n$39\r\nAdded support for uppercase unit names.\r\n$9\r\narguments\r\n*9\r\n%4\r\n$4\r\nname\r\n$3\r\nkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n$12\r\ndisplay_text\r\n$3\r\nkey\r\n$14\r\nkey_spec_index\r\n:0\r\n%3\r\n$4\r\nname\r\n$6\r\nmember\r\n$4\r\ntype\r\n$6\r\nstring\r\n$12\r\ndisplay_text\r\n$6\r\nmember\r\n%3\r\n$4\r\nname\r\n$6\r\nradius\r\n$4\r\ntype\r\n$6\r\ndouble\r\n$12\r\ndisplay_text\r\n$6\r\nradius\r\n%3\r\n$4\r\nname\r\n$4\r\nunit\r\n$4\r\ntype\r\n$5\r\noneof\r\n$9\r\narguments\r\n*4\r\n%4\r\n$4\r\nname\r\n$1\r\nm\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$12\r\ndisplay_text\r\n$1\r\nm\r\n$5\r\ntoken\r\n$1\r\nM\r\n%4\r\n$4\r\nname\r\n$2\r\nkm\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$12\r\ndisplay_text\r\n$2\r\nkm\r\n$5\r\ntoken\r\n$2\r\nKM\r\n%4\r\n$4\r\nname\r\n$2\r\nft\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$12\r\ndisplay_text\r\n$2\r\nft\r\n$5\r\ntoken\r\n$2\r\nFT\r\n%4\r\n$4\r\nname\r\n$2\r\nmi\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$12\r\ndisplay_text\r\n$2\r\nmi\r\n$5\r\ntoken\r\n$2\r\nMI\r\n%5\r\n$4\r\nname\r\n$9\r\nwithcoord\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$12\r\ndisplay_text\r\n$9\r\nwithcoord\r\n$5\r\ntoken\r\n$9\r\nWITHCOORD\r\n$5\r\nflags\r\n~1\r\n+optional\r\n%5\r\n$4\r\nname\r\n$8\r\nwithdist\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$12\r\ndisplay_text\r\n$8\r\nwithdist\r\n$5\r\ntoken\r\n$8\r\nWITHDIST\r\n$5\r\nflags\r\n~1\r\n+optional\r\n%5\r\n$4\r\nname\r\n$8\r\nwithhash\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$12\r\ndisplay_text\r\n$8\r\nwithhash\r\n$5\r\ntoken\r\n$8\r\nWITHHASH\r\n$5\r\nflags\r\n~1\r\n+optional\r\n%4\r\n$4\r\nname\r\n$11\r\ncount-block\r\n$4\r\ntype\r\n$5\r\nblock\r\n$5\r\nflags\r\n~1\r\n+optional\r\n$9\r\narguments\r\n*2\r\n%4\r\n$4\r\nname\r\n$5\r\ncount\r\n$4\r\ntype\r\n$7\r\ninteger\r\n$12\r\ndisplay_text\r\n$5\r\ncount\r\n$5\r\ntoken\r\n$5\r\nCOUNT\r\n%5\r\n$4\r\nname\r\n$3\r\nany\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$12\r\ndisplay_text\r\n$3\r\nany\r\n$5\r\ntoken\r\n$3\r\nANY\r\n$5\r\nflags\r\n~1\r\n+optional\r\n%4\r\n$4\r\nname\r\n$5\r\norder\r\n$4\r\ntype\r\n$5\r\noneof\r\n$5\r\nflags\r\n~1\r\n+optional\r\n$9\r\narguments\r\n*2\r\n%4\r\n$4\r\nname\r\n$3\r\nasc\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$12\r\ndisplay_text\r\n$3\r\nasc\r\n$5\r\ntoken\r\n$3\r\nASC\r\n%4\r\n$4\r\nname\r\n$4\r\ndesc\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$12\r\ndisplay_text\r\n$4\r\ndesc\r\n$5\r\ntoken\r\n$4\r\nDESC\r\n$9\r\ngeosearch\r\n%6\r\n$7\r\nsummary\r\n$75\r\nQueries a geospatial index for members inside an area of a box or a circle.\r\n$5\r\nsince\r\n$5\r\n6.2.0\r\n$5\r\ngroup\r\n$3\r\ngeo\r\n$10\r\ncomplexity\r\n$169\r\nO(N+log(M)) where N is the number of elements in the grid-aligned bounding box area around the shape provided as the filter and M is the number of items inside the shape\r\n$7\r\nhistory\r\n~1\r\n*2\r\n$5\r\n7.0.0\r\n$39\r\nAdded support for uppercase unit names.\r\n$9\r\narguments\r\n*8\r\n%4\r\n$4\r\nname\r\n$3\r\nkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n$12\r\ndisplay_text\r\n$3\r\nkey\r\n$14\r\nkey_spec_index\r\n:0\r\n%3\r\n$4\r\nname\r\n$4\r\nfrom\r\n$4\r\ntype\r\n$5\r\noneof\r\n$9\r\narguments\r\n*2\r\n%4\r\n$4\r\nname\r\n$6\r\nmember\r\n$4\r\ntype\r\n$6\r\nstring\r\n$12\r\ndisplay_text\r\n$6\r\nmember\r\n$5\r\ntoken\r\n$10\r\nFROMMEMBER\r\n%4\r\n$4\r\nname\r\n$10\r\nfromlonlat\r\n$4\r\ntype\r\n$5\r\nblock\r\n$5\r\ntoken\r\n$10\r\nFROMLONLAT\r\n$9\r\narguments\r\n*2\r\n%3\r\n$4\r\nname\r\n$9\r\nlongitude\r\n$4\r\ntype\r\n$6\r\ndouble\r\n$12\r\ndisplay_text\r\n$9\r\nlongitude\r\n%3\r\n$4\r\nname\r\n$8\r\nlatitude\r\n$4\r\ntype\r\n$6\r\ndouble\r\n$12\r\ndisplay_text\r\n$8\r\nlatitude\r\n%3\r\n$4\r\nname\r\n$2\r\nby\r\n$4\r\ntype\r\n$5\r\noneof\r\n$9\r\narguments\r\n*2\r\n%3\r\n$4\r\nname\r\n$6\r\ncircle\r\n$4\r\ntype\r\n$5\r\nblock\r\n$9\r\narguments\r\n*2\r\n%4\r\n$4\r\nname\r\n$6\r\nradius\r\n$4\r\ntype\r\n$6\r\ndouble\r\n$12\r\ndisplay_text\r\n$6\r\nradius\r\n$5\r\ntoken\r\n$8\r\nBYRADIUS\r\n%3\r\n$4\r\nname\r\n$4\r\nunit\r\n$4\r\ntype\r\n$5\r\noneof\r\n$9\r\narguments\r\n*4\r\n%4\r\n$4\r\nname\r\n$1\r\nm\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$12\r\ndisplay_text\r\n$1\r\nm\r\n$5\r\ntoken\r\n$1\r\nM\r\n%4\r\n$4\r\nname\r\n$2\r\nkm\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$12\r\ndisplay_text\r\n$2\r\nkm\r\n$5\r\ntoken\r\n$2\r\nKM\r\n%4\r\n$4\r\nname\r\n$2\r\nft\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$12\r\ndisplay_text\r\n$2\r\nft\r\n$5\r\ntoken\r\n$2\r\nFT\r\n%4\r\n$4\r\nname\r\n$2\r\nmi\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$12\r\ndisplay_text\r\n$2\r\nmi\r\n$5\r\ntoken\r\n$2\r\nMI\r\n%3\r\n$4\r\nname\r\n$3\r\nbox\r\n$4\r\ntype\r\n$5\r\nblock\r\n$9\r\narguments\r\n*3\r\n%4\r\n$4\r\nname\r\n$5\r\nwidth\r\n$4\r\ntype\r\n$6\r\ndouble\r\n$12\r\ndisplay_text\r\n$5\r\nwidth\r\n$5\r\ntoken\r\n$5\r\nBYBOX\r\n%3\r\n$4\r\nname\r\n$6\r\nheight\r\n$4\r\ntype\r\n$6\r\ndouble\r\n$12\r\ndisplay_text\r\n$6\r\nheight\r\n%3\r\n$4\r\nname\r\n$4\r\nunit\r\n$4\r\ntype\r\n$5\r\noneof\r\n$9\r\narguments\r\n*4\r\n%4\r\n$4\r\nname\r\n$1\r\nm\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$12\r\ndisplay_text\r\n$1\r\nm\r\n$5\r\ntoken\r\n$1\r\nM\r\n%4\r\n$4\r\nname\r\n$2\r\nkm\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$12\r\ndisplay_text\r\n$2\r\nkm\r\n$5\r\ntoken\r\n$2\r\nKM\r\n%4\r\n$4\r\nname\r\n$2\r\nft\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$12\r\ndisplay_text\r\n$2\r\nft\r\n$5\r\ntoken\r\n$2\r\nFT\r\n%4\r\n$4\r\nname\r\n$2\r\nmi\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$12\r\ndisplay_text\r\n$2\r\nmi\r\n$5\r\ntoken\r\n$2\r\nMI\r\n%4\r\n$4\r\nname\r\n$5\r\norder\r\n$4\r\ntype\r\n$5\r\noneof\r\n$5\r\nflags\r\n~1\r\n+optional\r\n$9\r\narguments\r\n*2\r\n%4\r\n$4\r\nname\r\n$3\r\nasc\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$12\r\ndisplay_text\r\n$3\r\nasc\r\n$5\r\ntoken\r\n$3\r\nASC\r\n%4\r\n$4\r\nname\r\n$4\r\ndesc\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$12\r\ndisplay_text\r\n$4\r\ndesc\r\n$5\r\ntoken\r\n$4\r\nDESC\r\n%4\r\n$4\r\nname\r\n$11\r\ncount-block\r\n$4\r\ntype\r\n$5\r\nblock\r\n$5\r\nflags\r\n~1\r\n+optional\r\n$9\r\narguments\r\n*2\r\n%4\r\n$4\r\nname\r\n$5\r\ncount\r\n$4\r\ntype\r\n$7\r\ninteger\r\n$12\r\ndisplay_text\r\n$5\r\ncount\r\n$5\r\ntoken\r\n$5\r\nCOUNT\r\n%5\r\n$4\r\nname\r\n$3\r\nany\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$12\r\ndisplay_text\r\n$3\r\nany\r\n$5\r\ntoken\r\n$3\r\nANY\r\n$5\r\nflags\r\n~1\r\n+optional\r\n%5\r\n$4\r\nname\r\n$9\r\nwithcoord\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$12\r\ndisplay_text\r\n$9\r\nwithcoord\r\n$5\r\ntoken\r\n$9\r\nWITHCOORD\r\n$5\r\nflags\r\n~1\r\n+optional\r\n%5\r\n$4\r\nname\r\n$8\r\nwithdist\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$12\r\ndisplay_text\r\n$8\r\nwithdist\r\n$5\r\ntoken\r\n$8\r\nWITHDIST\r\n$5\r\nflags\r\n~1\r\n+optional\r\n%5\r\n$4\r\nname\r\n$8\r\nwithhash\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$12\r\ndisplay_text\r\n$8\r\nwithhash\r\n$5\r\ntoken\r\n$8\r\nWITHHASH\r\n$5\r\nflags\r\n~1\r\n+optional\r\n$14\r\ngeosearchstore\r\n%6\r\n$7\r\nsummary\r\n$105\r\nQueries a geospatial index for members inside an area of a box or a circle, optionally stores the result.\r\n$5\r\nsince\r\n$5\r\n6.2.0\r\n$5\r\ngroup\r\n$3\r\ngeo\r\n$10\r\ncomplexity\r\n$169\r\nO(N+log(M)) where N is the number of elements in the grid-aligned bounding box area around the shape provided as the filter and M is the number of items inside the shape\r\n$7\r\nhistory\r\n~1\r\n*2\r\n$5\r\n7.0.0\r\n$39\r\nAdded support for uppercase unit names.\r\n$9\r\narguments\r\n*7\r\n%4\r\n$4\r\nname\r\n$11\r\ndestination\r\n$4\r\ntype\r\n$3\r\nkey\r\n$12\r\ndisplay_text\r\n$11\r\ndestination\r\n$14\r\nkey_spec_index\r\n:0\r\n%4\r\n$4\r\nname\r\n$6\r\nsource\r\n$4\r\ntype\r\n$3\r\nkey\r\n$12\r\ndisplay_text\r\n$6\r\nsource\r\n$14\r\nkey_spec_index\r\n:1\r\n%3\r\n$4\r\nname\r\n$4\r\nfrom\r\n$4\r\ntype\r\n$5\r\noneof\r\n$9\r\narguments\r\n*2\r\n%4\r\n$4\r\nname\r\n$6\r\nmember\r\n$4\r\ntype\r\n$6\r\nstring\r\n$12\r\ndisplay_text\r\n$6\r\nmember\r\n$5\r\ntoken\r\n$10\r\nFROMMEMBER\r\n%4\r\n$4\r\nname\r\n$10\r\nfromlonlat\r\n$4\r\ntype\r\n$5\r\nblock\r\n$5\r\ntoken\r\n$10\r\nFROMLONLAT\r\n$9\r\narguments\r\n*2\r\n%3\r\n$4\r\nname\r\n$9\r\nlongitude\r\n$4\r\ntype\r\n$6\r\ndouble\r\n$12\r\ndisplay_text\r\n$9\r\nlongitude\r\n%3\r\n$4\r\nname\r\n$8\r\nlatitude\r\n$4\r\ntype\r\n$6\r\ndouble\r\n$12\r\ndisplay_text\r\n$8\r\nlatitude\r\n%3\r\n$4\r\nname\r\n$2\r\nby\r\n$4\r\ntype\r\n$5\r\noneof\r\n$9\r\narguments\r\n*2\r\n%3\r\n$4\r\nname\r\n$6\r\ncircle\r\n$4\r\ntype\r\n$5\r\nblock\r\n$9\r\narguments\r\n*2\r\n%4\r\n$4\r\nname\r\n$6\r\nradius\r\n$4\r\ntype\r\n$6\r\ndouble\r\n$12\r\ndisplay_text\r\n$6\r\nradius\r\n$5\r\ntoken\r\n$8\r\nBYRADIUS\r\n%3\r\n$4\r\nname\r\n$4\r\nunit\r\n$4\r\ntype\r\n$5\r\noneof\r\n$9\r\narguments\r\n*4\r\n%4\r\n$4\r\nname\r\n$1\r\nm\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$12\r\ndisplay_text\r\n$1\r\nm\r\n$5\r\ntoken\r\n$1\r\nM\r\n%4\r\n$4\r\nname\r\n$2\r\nkm\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$12\r\ndisplay_text\r\n$2\r\nkm\r\n$5\r\ntoken\r\n$2\r\nKM\r\n%4\r\n$4\r\nname\r\n$2\r\nft\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$12\r\ndisplay_text\r\n$2\r\nft\r\n$5\r\ntoken\r\n$2\r\nFT\r\n%4\r\n$4\r\nname\r\n$2\r\nmi\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$12\r\ndisplay_text\r\n$2\r\nmi\r\n$5\r\ntoken\r\n$2\r\nMI\r\n%3\r\n$4\r\nname\r\n$3\r\nbox\r\n$4\r\ntype\r\n$5\r\nblock\r\n$9\r\narguments\r\n*3\r\n%4\r\n$4\r\nname\r\n$5\r\nwidth\r\n$4\r\ntype\r\n$6\r\ndouble\r\n$12\r\ndisplay_text\r\n$5\r\nwidth\r\n$5\r\ntoken\r\n$5\r\nBYBOX\r\n%3\r\n$4\r\nname\r\n$6\r\nheight\r\n$4\r\ntype\r\n$6\r\ndouble\r\n$12\r\ndisplay_text\r\n$6\r\nheight\r\n%3\r\n$4\r\nname\r\n$4\r\nunit\r\n$4\r\ntype\r\n$5\r\noneof\r\n$9\r\narguments\r\n*4\r\n%4\r\n$4\r\nname\r\n$1\r\nm\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$12\r\ndisplay_text\r\n$1\r\nm\r\n$5\r\ntoken\r\n$1\r\nM\r\n%4\r\n$4\r\nname\r\n$2\r\nkm\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$12\r\ndisplay_text\r\n$2\r\nkm\r\n$5\r\ntoken\r\n$2\r\nKM\r\n%4\r\n$4\r\nname\r\n$2\r\nft\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$12\r\ndisplay_text\r\n$2\r\nft\r\n$5\r\ntoken\r\n$2\r\nFT\r\n%4\r\n$4\r\nname\r\n$2\r\nmi\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$12\r\ndisplay_text\r\n$2\r\nmi\r\n$5\r\ntoken\r\n$2\r\nMI\r\n%4\r\n$4\r\nname\r\n$5\r\norder\r\n$4\r\ntype\r\n$5\r\noneof\r\n$5\r\nflags\r\n~1\r\n+optional\r\n$9\r\narguments\r\n*2\r\n%4\r\n$4\r\nname\r\n$3\r\nasc\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$12\r\ndisplay_text\r\n$3\r\nasc\r\n$5\r\ntoken\r\n$3\r\nASC\r\n%4\r\n$4\r\nname\r\n$4\r\ndesc\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$12\r\ndisplay_text\r\n$4\r\ndesc\r\n$5\r\ntoken\r\n$4\r\nDESC\r\n%4\r\n$4\r\nname\r\n$11\r\ncount-block\r\n$4\r\ntype\r\n$5\r\nblock\r\n$5\r\nflags\r\n~1\r\n+optional\r\n$9\r\narguments\r\n*2\r\n%4\r\n$4\r\nname\r\n$5\r\ncount\r\n$4\r\ntype\r\n$7\r\ninteger\r\n$12\r\ndisplay_text\r\n$5\r\ncount\r\n$5\r\ntoken\r\n$5\r\nCOUNT\r\n%5\r\n$4\r\nname\r\n$3\r\nany\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$12\r\ndisplay_text\r\n$3\r\nany\r\n$5\r\ntoken\r\n$3\r\nANY\r\n$5\r\nflags\r\n~1\r\n+optional\r\n%5\r\n$4\r\nname\r\n$9\r\nstoredist\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$12\r\ndisplay_text\r\n$9\r\nstoredist\r\n$5\r\ntoken\r\n$9\r\nSTOREDIST\r\n$5\r\nflags\r\n~1\r\n+optional\r\n",
    ],
    [
      ["COMMAND", "GETKEYS", "georadius", "k", "1", "1", "1", "km", "STORE", "a", "STOREDIST", "b"],
      "*3\r\n$1\r\nk\r\n$1\r\na\r\n$1\r\nb\r\n",
    ],
    [
      ["COMMAND", "GETKEYS", "georadiusbymember", "k", "m", "1", "km", "STOREDIST", "b"],
      "*2\r\n$1\r\nk\r\n$1\r\nb\r\n",
    ],
    [
      ["COMMAND", "GETKEYS", "geosearchstore", "d", "s", "FROMLONLAT", "1", "1", "BYRADIUS", "1", "km"],
      "*2\r\n$1\r\nd\r\n$1\r\ns\r\n",
    ],
  ]);
}, valkeyOnly());
test("GEOADD and the store variants emit Valkey's keyspace events", async (c) => {
  const sub = await RawConn.connect(srv.port);
  try {
    await c.call("CONFIG", "SET", "notify-keyspace-events", "KEA");
    await sub.call("PSUBSCRIBE", "__keyevent@0__:*");
    const events: string[] = [];
    const next = async () => {
      const m = (await sub.read()) as string[];
      events.push(`${m[2]!.replace("__keyevent@0__:", "")} ${m[3]}`);
    };
    await c.call("GEOADD", "src", "13.361389", "38.115556", "Palermo", "15.087269", "37.502669", "Catania");
    await next();
    assert.equal(await c.call("GEOADD", "src", "13.361389", "38.115556", "Palermo"), 0);
    await c.call("GEOSEARCHSTORE", "dst", "src", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km");
    await next();
    await c.call("GEORADIUS", "src", "15", "37", "200", "km", "STORE", "dst2");
    await next();
    await c.call("GEORADIUSBYMEMBER", "src", "Palermo", "1", "m", "STOREDIST", "dst2");
    await next();
    await c.call("GEOSEARCHSTORE", "dst", "src", "FROMLONLAT", "0", "0", "BYRADIUS", "1", "km");
    await next();
    await c.call("GEOSEARCHSTORE", "dst", "nokey", "FROMLONLAT", "0", "0", "BYRADIUS", "1", "km");
    await c.call("SET", "marker", "1");
    await next();
    assert.deepEqual(events, [
      "zadd src",
      "geosearchstore dst",
      "georadiusstore dst2",
      "georadiusstore dst2",
      "del dst",
      "set marker",
    ]);
  } finally {
    await c.call("CONFIG", "SET", "notify-keyspace-events", "");
    sub.close();
  }
});

test("a real client reads GEOSEARCH replies", async (c) => {
  await c.call("GEOADD", "Sicily", "13.361389", "38.115556", "Palermo", "15.087269", "37.502669", "Catania");
  const client = new Valkey({ port: srv.port, host: "127.0.0.1", lazyConnect: true });
  try {
    await client.connect();
    assert.deepEqual(await client.geopos("Sicily", "Palermo", "nope"), [
      ["13.36138933897018433", "38.11555639549629859"],
      null,
    ]);
    assert.equal(await client.geodist("Sicily", "Palermo", "Catania", "KM"), "166.2742");
    assert.deepEqual(
      await client.geosearch("Sicily", "FROMLONLAT", 15, 37, "BYRADIUS", 200, "km", "ASC", "WITHDIST"),
      [["Catania", "56.4413"], ["Palermo", "190.4424"]],
    );
    assert.equal(
      await client.geosearchstore(
        "dst",
        "Sicily",
        "FROMMEMBER",
        "Palermo",
        "BYBOX",
        400,
        400,
        "km",
        "STOREDIST",
      ),
      2,
    );
    assert.deepEqual(await client.zrange("dst", 0, -1), ["Palermo", "Catania"]);
  } finally {
    client.disconnect();
  }
});

Deno.test({ name: "stop server", sanitizeOps: false, sanitizeResources: false, fn: () => srv.stop() });
