/**
 * CLIENT and its subcommands (Valkey's tests/unit/introspection.tcl and pause.tcl): ID, INFO, LIST and
 * their fields and filters, KILL in both forms, SETNAME/GETNAME, SETINFO, REPLY, NO-EVICT, NO-TOUCH,
 * PAUSE/UNPAUSE, UNBLOCK, CAPA, IMPORT-SOURCE and HELP, over raw sockets and with real client libraries.
 */

import assert from "node:assert/strict";
import { Redis } from "ioredis";
import { Valkey } from "iovalkey";
import { isValkeyLike, isValkyr, startServer, valkeyOnly } from "../helpers/server.ts";
import { encodeRequest, RawConn, RespError, withRaw } from "../helpers/raw.ts";

const srv = await startServer();
const opts = { sanitizeOps: false, sanitizeResources: false };

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Parses one CLIENT LIST / CLIENT INFO line into its fields, in order. */
function fields(line: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const item of line.trim().split(" ")) {
    const eq = item.indexOf("=");
    m.set(item.slice(0, eq), item.slice(eq + 1));
  }
  return m;
}

async function clientInfo(c: RawConn): Promise<Map<string, string>> {
  return fields(String(await c.call("CLIENT", "INFO")));
}

/** The lines of a CLIENT LIST reply (with the given filter words), parsed. */
async function clientList(c: RawConn, ...filter: (string | number)[]): Promise<Map<string, string>[]> {
  const r = await c.call("CLIENT", "LIST", ...filter);
  if (r instanceof RespError) throw new Error(r.message);
  const text = String(r);
  assert.ok(text === "" || text.endsWith("\n"), "every CLIENT LIST line ends with a newline");
  return text.split("\n").filter((l) => l !== "").map(fields);
}

async function expectError(
  c: RawConn,
  args: (string | number | Uint8Array)[],
  message: string,
): Promise<void> {
  const r = await c.call(...args);
  assert.ok(r instanceof RespError, `${args.join(" ")}: expected an error, got ${String(r)}`);
  assert.equal(r.message, message);
}

async function connect(): Promise<RawConn> {
  return await RawConn.connect(srv.port);
}

async function idOf(c: RawConn): Promise<number> {
  return await c.call("CLIENT", "ID") as number;
}

/** Waits until `fn` holds, polling (for effects other connections see asynchronously). */
async function waitFor(fn: () => Promise<boolean>, what: string, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await fn()) return;
    await sleep(10);
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function isListed(c: RawConn, id: number): Promise<boolean> {
  return (await clientList(c, "ID", id)).length === 1;
}

// ---- ID, INFO, LIST fields --------------------------------------------------------------------------------

Deno.test({
  name: "CLIENT ID is the connection's id and grows with each new connection",
  ...opts,
  fn: async () => {
    // `a` is served before `b` connects: with io-threads the two may be accepted by different Workers,
    // and only a connection the server has seen is ordered before the next one.
    const a = await connect();
    const ia = await idOf(a);
    const b = await connect();
    try {
      const ib = await idOf(b);
      assert.ok(Number.isInteger(ia) && ia > 0);
      assert.ok(ib > ia);
      assert.equal(await idOf(a), ia);
      assert.equal((await clientInfo(a)).get("id"), String(ia));
    } finally {
      a.close();
      b.close();
    }
  },
});

Deno.test({
  name: "CLIENT INFO describes the calling connection with Valkey 8.1's fields in order",
  ...opts,
  ...valkeyOnly(),
  fn: () =>
    withRaw(srv.port, async (c) => {
      const f = await clientInfo(c);
      assert.deepEqual([...f.keys()], [
        "id",
        "addr",
        "laddr",
        "fd",
        "name",
        "age",
        "idle",
        "flags",
        "capa",
        "db",
        "sub",
        "psub",
        "ssub",
        "multi",
        "watch",
        "qbuf",
        "qbuf-free",
        "argv-mem",
        "multi-mem",
        "rbs",
        "rbp",
        "obl",
        "oll",
        "omem",
        "tot-mem",
        "events",
        "cmd",
        "user",
        "redir",
        "resp",
        "lib-name",
        "lib-ver",
        "tot-net-in",
        "tot-net-out",
        "tot-cmds",
      ]);
      const port = (c.socket.localPort ?? 0).toString();
      assert.equal(f.get("addr"), `127.0.0.1:${port}`);
      assert.equal(f.get("laddr"), `127.0.0.1:${srv.port}`);
      const expected: [string, string][] = [
        ["name", ""],
        ["age", "0"],
        ["idle", "0"],
        ["flags", "N"],
        ["capa", ""],
        ["db", "0"],
        ["sub", "0"],
        ["psub", "0"],
        ["ssub", "0"],
        ["multi", "-1"],
        ["watch", "0"],
        ["qbuf", "0"],
        ["argv-mem", "10"],
        ["multi-mem", "0"],
        ["obl", "0"],
        ["oll", "0"],
        ["omem", "0"],
        ["events", "r"],
        ["cmd", "client|info"],
        ["user", "default"],
        ["redir", "-1"],
        ["resp", "2"],
        ["lib-name", ""],
        ["lib-ver", ""],
        ["tot-net-in", "26"],
        ["tot-net-out", "0"],
        ["tot-cmds", "0"],
      ];
      for (const [k, v] of expected) assert.equal(f.get(k), v, k);
      for (const k of ["fd", "qbuf-free", "rbs", "rbp", "tot-mem"]) assert.match(f.get(k)!, /^\d+$/, k);
    }),
});

Deno.test({
  name: "CLIENT INFO matches the shape introspection.tcl expects",
  ...opts,
  fn: () =>
    withRaw(srv.port, async (c) => {
      const line = String(await c.call("CLIENT", "INFO"));
      assert.ok(line.endsWith("\n"));
      // Valkey 8 reads a lone request through a shared buffer, so its own bytes are not counted in qbuf.
      const qbuf = isValkeyLike() ? "0" : "\\d+";
      assert.match(
        line,
        new RegExp(
          "^id=\\d+ addr=[^ ]+:\\d+ laddr=[^ ]+:\\d+ fd=\\d+ name= age=\\d+ idle=\\d+ flags=N (capa= )?db=0 sub=0 " +
            `psub=0 ssub=0 multi=-1 (watch=0 )?qbuf=${qbuf} qbuf-free=\\d+ argv-mem=\\d+ multi-mem=0 rbs=\\d+ ` +
            "rbp=\\d+ obl=0 oll=0 omem=0 tot-mem=\\d+ events=r cmd=client\\|info user=default redir=-1 resp=2",
        ),
      );
    }),
});

Deno.test({
  name: "tot-net-in, tot-net-out and tot-cmds count this connection's traffic",
  ...opts,
  ...valkeyOnly(),
  fn: () =>
    withRaw(srv.port, async (c) => {
      const first = String(await c.call("CLIENT", "INFO"));
      const f1 = fields(first);
      const f2 = await clientInfo(c);
      assert.equal(Number(f2.get("tot-net-in")), Number(f1.get("tot-net-in")) + 26);
      // The first reply: "$<len>\r\n" + line + "\r\n".
      const firstReplyBytes = `$${first.length}\r\n`.length + first.length + 2;
      assert.equal(Number(f2.get("tot-net-out")), Number(f1.get("tot-net-out")) + firstReplyBytes);
      assert.equal(Number(f2.get("tot-cmds")), Number(f1.get("tot-cmds")) + 1);
    }),
});

Deno.test({
  name: "a pipelined CLIENT INFO sees the replies queued before it and the bytes not yet run",
  ...opts,
  ...valkeyOnly(),
  fn: () =>
    withRaw(srv.port, async (c) => {
      const ping = encodeRequest(["PING"]);
      const info = encodeRequest(["CLIENT", "INFO"]);
      const after = encodeRequest(["ECHO", "x"]);
      const all = new Uint8Array(ping.length + info.length + after.length);
      all.set(ping, 0);
      all.set(info, ping.length);
      all.set(after, ping.length + info.length);
      c.send(all);
      assert.equal(await c.read(), "PONG");
      const f = fields(String(await c.read()));
      assert.equal(await c.read(), "x");
      assert.equal(f.get("obl"), "7");
      assert.equal(f.get("tot-cmds"), "1");
      assert.equal(f.get("argv-mem"), "10");
      assert.ok(Number(f.get("qbuf")) >= after.length);
    }),
});

Deno.test({
  name: "CLIENT LIST shows every connection once, idle ones with their last command",
  ...opts,
  fn: async () => {
    const me = await connect();
    const idle = await connect();
    const pinged = await connect();
    try {
      const idleId = await idOf(idle);
      const pingedId = await idOf(pinged);
      await pinged.call("PING");
      const myId = await idOf(me);
      const lines = await clientList(me);
      const ids = lines.map((l) => Number(l.get("id")));
      assert.equal(new Set(ids).size, ids.length);
      for (const id of [myId, idleId, pingedId]) assert.ok(ids.includes(id));
      const mine = lines.find((l) => l.get("id") === String(myId))!;
      assert.equal(mine.get("cmd"), "client|list");
      assert.equal(lines.find((l) => l.get("id") === String(idleId))!.get("cmd"), "client|id");
      const p = lines.find((l) => l.get("id") === String(pingedId))!;
      assert.equal(p.get("cmd"), "ping");
      assert.equal(p.get("argv-mem"), "0");
      assert.equal(p.get("qbuf"), "0");
    } finally {
      me.close();
      idle.close();
      pinged.close();
    }
  },
});

Deno.test({
  name: "a closed connection disappears from CLIENT LIST",
  ...opts,
  fn: async () => {
    const me = await connect();
    const gone = await connect();
    try {
      await gone.call("CLIENT", "SETNAME", "about-to-go");
      const id = await idOf(gone);
      assert.match(String(await me.call("CLIENT", "LIST")), /name=about-to-go /);
      gone.close();
      await waitFor(async () => !(await isListed(me, id)), "the closed client to leave CLIENT LIST");
    } finally {
      me.close();
    }
  },
});

// ---- LIST filters -----------------------------------------------------------------------------------------

Deno.test({
  name: "CLIENT LIST ID lists the given clients only",
  ...opts,
  fn: async () => {
    const a = await connect();
    const b = await connect();
    const c = await connect();
    try {
      const [ia, ib, ic] = [await idOf(a), await idOf(b), await idOf(c)];
      assert.deepEqual((await clientList(a, "ID", ia)).map((l) => l.get("id")), [String(ia)]);
      assert.equal((await clientList(a, "id", 999999999)).length, 0);
      assert.equal(await a.call("CLIENT", "LIST", "ID", 999999999), "");
      void ic;
      if (isValkeyLike()) {
        const both = (await clientList(a, "ID", ia, ib, "TYPE", "normal")).map((l) => Number(l.get("id")));
        // With io-threads, connections accepted by different Workers may be numbered out of order.
        const want = [ia, ib].sort((x, y) => x - y);
        assert.deepEqual(both.sort((x, y) => x - y), want);
        const repeated = (await clientList(a, "ID", ia, "ID", ib)).map((l) => Number(l.get("id")));
        assert.deepEqual(repeated.sort((x, y) => x - y), want);
      }
    } finally {
      a.close();
      b.close();
      c.close();
    }
  },
});

Deno.test({
  name: "CLIENT LIST TYPE filters by client type, in any case",
  ...opts,
  fn: () =>
    withRaw(srv.port, async (c) => {
      const id = await idOf(c);
      const normal = await clientList(c, "TYPE", "NORMAL");
      assert.ok(normal.some((l) => l.get("id") === String(id)));
      for (const l of normal) assert.match(l.get("flags")!, /N/);
      for (const t of ["master", "replica", "slave", "pubsub"]) {
        assert.equal((await clientList(c, "type", t)).length, 0, t);
      }
      await expectError(c, ["CLIENT", "LIST", "TYPE", "wrong_type"], "ERR Unknown client type 'wrong_type'");
    }),
});

Deno.test({
  name: "CLIENT LIST accepts the primary type name",
  ...opts,
  ...valkeyOnly(),
  fn: () =>
    withRaw(srv.port, async (c) => {
      assert.equal((await clientList(c, "TYPE", "primary")).length, 0);
    }),
});

Deno.test({
  name: "CLIENT LIST filters by USER, ADDR, LADDR, SKIPME and MAXAGE",
  ...opts,
  ...valkeyOnly(),
  fn: async () => {
    const me = await connect();
    const other = await connect();
    try {
      const myId = await idOf(me);
      const otherId = await idOf(other);
      const mine = await clientInfo(me);
      const byAddr = await clientList(me, "ADDR", mine.get("addr")!);
      assert.deepEqual(byAddr.map((l) => l.get("id")), [String(myId)]);
      assert.equal((await clientList(me, "ADDR", "1.2.3.4:5")).length, 0);
      const byLaddr = await clientList(me, "LADDR", mine.get("laddr")!);
      assert.ok(byLaddr.some((l) => l.get("id") === String(otherId)));
      assert.ok(byLaddr.every((l) => l.get("laddr") === mine.get("laddr")));
      const byUser = await clientList(me, "USER", "default");
      assert.ok(byUser.every((l) => l.get("user") === "default"));
      assert.ok(byUser.some((l) => l.get("id") === String(myId)));
      const skip = await clientList(me, "SKIPME", "yes");
      assert.ok(!skip.some((l) => l.get("id") === String(myId)));
      assert.ok(skip.some((l) => l.get("id") === String(otherId)));
      const noskip = await clientList(me, "skipme", "NO");
      assert.ok(noskip.some((l) => l.get("id") === String(myId)));
      assert.equal((await clientList(me, "MAXAGE", 1000000)).length, 0);
      // Filters combine: this address, but skipping myself, is nobody.
      assert.equal((await clientList(me, "ADDR", mine.get("addr")!, "SKIPME", "yes")).length, 0);
      // Let a second boundary pass so both connections are at least one second old.
      await sleep(1050 - (Date.now() % 1000));
      const old = await clientList(me, "MAXAGE", 1, "ID", myId, otherId);
      assert.deepEqual(
        old.map((l) => Number(l.get("id"))).sort((x, y) => x - y),
        [myId, otherId].sort((x, y) => x - y),
      );
    } finally {
      me.close();
      other.close();
    }
  },
});

Deno.test({
  name: "CLIENT LIST rejects bad filters with Valkey's errors",
  ...opts,
  ...valkeyOnly(),
  fn: () =>
    withRaw(srv.port, async (c) => {
      const cases: [(string | number)[], string][] = [
        [["id", 10, "wrong_arg"], "ERR syntax error"],
        [["id", "str"], "ERR syntax error"],
        [["id", -1], "ERR client-id should be greater than 0"],
        [["id", 0], "ERR client-id should be greater than 0"],
        [["id", 5, 0], "ERR client-id should be greater than 0"],
        [["type", "wrong_type"], "ERR Unknown client type 'wrong_type'"],
        [["user", "wrong_user"], "ERR No such user 'wrong_user'"],
        [["skipme", "yes_or_no"], "ERR syntax error"],
        [["maxage", "str"], "ERR maxage is not an integer or out of range"],
        [["maxage", "9999999999999999999"], "ERR maxage is not an integer or out of range"],
        [["maxage", -1], "ERR maxage should be greater than 0"],
        [["maxage", 0], "ERR maxage should be greater than 0"],
        [["type"], "ERR syntax error"],
        [["id"], "ERR syntax error"],
        [["bogus"], "ERR syntax error"],
        [["bogus", "value"], "ERR syntax error"],
        [["type", "normal", "addr"], "ERR syntax error"],
        [["id", 1, "type", "nope"], "ERR Unknown client type 'nope'"],
      ];
      for (const [words, err] of cases) await expectError(c, ["CLIENT", "LIST", ...words], err);
      // An ID list that ends at the last word is fine, even when empty.
      assert.equal(await c.call("CLIENT", "LIST", "TYPE", "normal", "ID"), "");
    }),
});

// ---- KILL -------------------------------------------------------------------------------------------------

Deno.test({
  name: "CLIENT KILL ip:port closes that connection and replies OK",
  ...opts,
  fn: async () => {
    const me = await connect();
    const victim = await connect();
    try {
      const addr = (await clientInfo(victim)).get("addr")!;
      assert.equal(await me.call("CLIENT", "KILL", addr), "OK");
      assert.equal(await victim.waitClosed(3000), true);
      await expectError(me, ["CLIENT", "KILL", addr], "ERR No such client");
      await expectError(me, ["CLIENT", "KILL", "000.123.321.567:0000"], "ERR No such client");
      await expectError(me, ["CLIENT", "KILL", "127.0.0.1:"], "ERR No such client");
      await expectError(me, ["CLIENT", "KILL", "ID"], "ERR No such client");
      await expectError(me, ["CLIENT", "KILL"], "ERR wrong number of arguments for 'client|kill' command");
    } finally {
      me.close();
      victim.close();
    }
  },
});

Deno.test({
  name: "CLIENT KILL with my own address replies OK and then closes me",
  ...opts,
  fn: async () => {
    const me = await connect();
    try {
      const addr = (await clientInfo(me)).get("addr")!;
      me.send(encodeRequest(["CLIENT", "KILL", addr]));
      me.send(encodeRequest(["PING"]));
      assert.equal(await me.read(), "OK");
      assert.equal(await me.waitClosed(3000), true);
    } finally {
      me.close();
    }
  },
});

Deno.test({
  name: "CLIENT KILL ID kills the given clients and counts them",
  ...opts,
  fn: async () => {
    const me = await connect();
    const v1 = await connect();
    try {
      const id1 = await idOf(v1);
      assert.equal(await me.call("CLIENT", "KILL", "ID", id1), 1);
      assert.equal(await v1.waitClosed(3000), true);
      assert.equal(await me.call("CLIENT", "KILL", "ID", id1), 0);
      assert.equal(await me.call("CLIENT", "KILL", "ID", 999999999), 0);
      // The caller is skipped by default in the new form.
      assert.equal(await me.call("CLIENT", "KILL", "ID", await idOf(me)), 0);
      assert.equal(await me.call("PING"), "PONG");
    } finally {
      me.close();
      v1.close();
    }
  },
});

Deno.test({
  name: "CLIENT KILL accepts several IDs and combines filters",
  ...opts,
  ...valkeyOnly(),
  fn: async () => {
    const me = await connect();
    const v1 = await connect();
    const v2 = await connect();
    const keep = await connect();
    try {
      const [id1, id2, idk] = [await idOf(v1), await idOf(v2), await idOf(keep)];
      assert.equal(await me.call("CLIENT", "KILL", "ID", id1, id2, "TYPE", "normal", "USER", "default"), 2);
      assert.equal(await v1.waitClosed(3000), true);
      assert.equal(await v2.waitClosed(3000), true);
      assert.equal(await keep.call("PING"), "PONG");
      assert.equal(await me.call("CLIENT", "KILL", "ID", idk, "TYPE", "pubsub"), 0);
      assert.equal(await me.call("CLIENT", "KILL", "ID", idk, "MAXAGE", 1000000), 0);
      const kaddr = (await clientInfo(keep)).get("addr")!;
      assert.equal(await me.call("CLIENT", "KILL", "ADDR", kaddr, "LADDR", "127.0.0.1:1"), 0);
      // ID with no ids matches nobody.
      assert.equal(await me.call("CLIENT", "KILL", "MAXAGE", 1, "ID"), 0);
      assert.equal(await me.call("CLIENT", "KILL", "ADDR", kaddr, "SKIPME", "yes"), 1);
      assert.equal(await keep.waitClosed(3000), true);
    } finally {
      me.close();
      v1.close();
      v2.close();
      keep.close();
    }
  },
});

Deno.test({
  name: "CLIENT KILL SKIPME yes kills everyone else and SKIPME no includes me",
  ...opts,
  fn: async () => {
    const me = await connect();
    const others = [await connect(), await connect()];
    try {
      for (const o of others) await o.call("PING");
      // Pipelined, so no connection comes or goes between the count and the kill.
      me.send(encodeRequest(["CLIENT", "LIST"]));
      me.send(encodeRequest(["CLIENT", "KILL", "LADDR", `127.0.0.1:${srv.port}`, "SKIPME", "yes"]));
      const listed = String(await me.read()).split("\n").filter((l) => l !== "").length;
      const killed = await me.read();
      if (isValkeyLike() || typeof killed === "number") assert.equal(killed, listed - 1);
      for (const o of others) assert.equal(await o.waitClosed(3000), true);
      assert.equal(await me.call("PING"), "PONG");
      me.send(encodeRequest(["CLIENT", "KILL", "ID", await idOf(me), "SKIPME", "no"]));
      assert.equal(await me.read(), 1);
      assert.equal(await me.waitClosed(3000), true);
    } finally {
      me.close();
      for (const o of others) o.close();
    }
  },
});

Deno.test({
  name: "CLIENT KILL rejects bad filters with Valkey's errors",
  ...opts,
  ...valkeyOnly(),
  fn: () =>
    withRaw(srv.port, async (c) => {
      const cases: [(string | number)[], string][] = [
        [["id", 10, "wrong_arg"], "ERR syntax error"],
        [["id", "str"], "ERR syntax error"],
        [["id", -1], "ERR client-id should be greater than 0"],
        [["id", 0], "ERR client-id should be greater than 0"],
        [["type", "wrong_type"], "ERR Unknown client type 'wrong_type'"],
        [["user", "wrong_user"], "ERR No such user 'wrong_user'"],
        [["skipme", "yes_or_no"], "ERR syntax error"],
        [["maxage", "str"], "ERR maxage is not an integer or out of range"],
        [["maxage", "9999999999999999999"], "ERR maxage is not an integer or out of range"],
        [["maxage", -1], "ERR maxage should be greater than 0"],
        [["addr", "1.2.3.4:5", "laddr"], "ERR syntax error"],
      ];
      for (const [words, err] of cases) await expectError(c, ["CLIENT", "KILL", ...words], err);
      assert.equal(await c.call("PING"), "PONG");
    }),
});

// ---- names and library info -------------------------------------------------------------------------------

Deno.test({
  name: "CLIENT SETNAME names the connection, GETNAME reads it, an empty name clears it",
  ...opts,
  fn: async () => {
    const c = await connect();
    const observer = await connect();
    try {
      assert.equal(await c.call("CLIENT", "GETNAME"), null);
      assert.match(String(await c.call("CLIENT", "LIST")), /name= /);
      assert.equal(await c.call("CLIENT", "SETNAME", "testName"), "OK");
      assert.equal(await c.call("CLIENT", "GETNAME"), "testName");
      const id = await idOf(c);
      assert.equal((await clientList(observer, "ID", id))[0]!.get("name"), "testName");
      assert.equal(await c.call("CLIENT", "SETNAME", "someothername"), "OK");
      assert.equal((await clientInfo(c)).get("name"), "someothername");
      assert.equal(await c.call("CLIENT", "SETNAME", ""), "OK");
      assert.equal(await c.call("CLIENT", "GETNAME"), null);
      assert.equal((await clientInfo(c)).get("name"), "");
    } finally {
      c.close();
      observer.close();
    }
  },
});

Deno.test({
  name: "CLIENT SETNAME refuses spaces, control characters and non-ASCII bytes",
  ...opts,
  fn: () =>
    withRaw(srv.port, async (c) => {
      await c.call("CLIENT", "SETNAME", "kept");
      for (const bad of ["foo bar", "a\nb", "tab\there", "\x7f", "é", " "]) {
        await expectError(
          c,
          ["CLIENT", "SETNAME", bad],
          "ERR Client names cannot contain spaces, newlines or special characters.",
        );
      }
      assert.equal(await c.call("CLIENT", "GETNAME"), "kept");
      assert.equal(await c.call("CLIENT", "SETNAME", "!~printable_ASCII-only"), "OK");
      await expectError(
        c,
        ["CLIENT", "SETNAME"],
        "ERR wrong number of arguments for 'client|setname' command",
      );
      await expectError(
        c,
        ["CLIENT", "SETNAME", "a", "b"],
        "ERR wrong number of arguments for 'client|setname' command",
      );
      await expectError(
        c,
        ["CLIENT", "GETNAME", "x"],
        "ERR wrong number of arguments for 'client|getname' command",
      );
    }),
});

Deno.test({
  name: "a client name is checked up to a NUL byte and returned whole",
  ...opts,
  ...valkeyOnly(),
  fn: () =>
    withRaw(srv.port, async (c) => {
      const name = new Uint8Array([0x61, 0x00, 0x62, 0x20, 0x63]); // "a\0b c"
      assert.equal(await c.call("CLIENT", "SETNAME", name), "OK");
      assert.deepEqual(new Uint8Array(await c.callBytes("CLIENT", "GETNAME") as Uint8Array), name);
      assert.match(String(await c.call("CLIENT", "INFO")), / name=a age=/);
    }),
});

Deno.test({
  name: "CLIENT SETINFO sets and clears the library name and version",
  ...opts,
  ...valkeyOnly(),
  fn: () =>
    withRaw(srv.port, async (c) => {
      assert.equal(await c.call("CLIENT", "SETINFO", "lib-name", "redis.py"), "OK");
      assert.equal(await c.call("CLIENT", "SETINFO", "LIB-VER", "1.2.3"), "OK");
      assert.match(String(await c.call("CLIENT", "INFO")), / lib-name=redis\.py lib-ver=1\.2\.3 /);
      await expectError(
        c,
        ["CLIENT", "SETINFO", "lib-name"],
        "ERR wrong number of arguments for 'client|setinfo' command",
      );
      await expectError(
        c,
        ["CLIENT", "SETINFO", "lib-name", "valkey py"],
        "ERR lib-name cannot contain spaces, newlines or special characters.",
      );
      await expectError(
        c,
        ["CLIENT", "SETINFO", "LIB-NAME", "redis.py\n"],
        "ERR LIB-NAME cannot contain spaces, newlines or special characters.",
      );
      await expectError(
        c,
        ["CLIENT", "SETINFO", "Lib-Ver", "1 2"],
        "ERR Lib-Ver cannot contain spaces, newlines or special characters.",
      );
      await expectError(c, ["CLIENT", "SETINFO", "badger", "hamster"], "ERR Unrecognized option 'badger'");
      await expectError(c, ["CLIENT", "SETINFO", "badger", "ham ster"], "ERR Unrecognized option 'badger'");
      assert.match(String(await c.call("CLIENT", "INFO")), / lib-name=redis\.py lib-ver=1\.2\.3 /);
      assert.equal(await c.call("CLIENT", "SETINFO", "lib-name", ""), "OK");
      assert.match(String(await c.call("CLIENT", "INFO")), / lib-name= lib-ver=1\.2\.3 /);
    }),
});

Deno.test({
  name: "ioredis announces its library with CLIENT SETINFO",
  ...opts,
  ...valkeyOnly(),
  fn: async () => {
    const client = new Redis({ host: srv.host, port: srv.port, lazyConnect: true, maxRetriesPerRequest: 0 });
    await client.connect();
    try {
      await client.client("SETNAME", "from-ioredis");
      const line = await client.client("INFO") as string;
      assert.match(line, / name=from-ioredis /);
      await waitFor(async () => / lib-name=ioredis /.test(await client.client("INFO") as string), "lib-name");
      assert.equal(await client.client("GETNAME"), "from-ioredis");
    } finally {
      client.disconnect();
    }
  },
});

Deno.test({
  name: "iovalkey reads CLIENT ID, LIST and GETNAME replies",
  ...opts,
  fn: async () => {
    const client = new Valkey({ host: srv.host, port: srv.port, lazyConnect: true, maxRetriesPerRequest: 0 });
    await client.connect();
    try {
      const id = await client.client("ID") as number;
      assert.equal(typeof id, "number");
      assert.equal(await client.client("GETNAME"), null);
      await client.client("SETNAME", "iov");
      const list = await client.client("LIST") as string;
      assert.match(list, new RegExp(`id=${id} [^\\n]* name=iov `));
    } finally {
      client.disconnect();
    }
  },
});

// ---- REPLY, NO-EVICT, NO-TOUCH ----------------------------------------------------------------------------

Deno.test({
  name: "CLIENT REPLY OFF silences every reply until CLIENT REPLY ON",
  ...opts,
  fn: () =>
    withRaw(srv.port, async (c) => {
      c.send(encodeRequest(["CLIENT", "REPLY", "OFF"]));
      c.send(encodeRequest(["PING", "pong"]));
      c.send(encodeRequest(["NOSUCHCOMMAND"]));
      c.send(encodeRequest(["CLIENT", "REPLY", "SKIP"]));
      c.send(encodeRequest(["PING", "pong2"]));
      c.send(encodeRequest(["CLIENT", "REPLY", "ON"]));
      assert.equal(await c.read(), "OK");
      assert.equal(await c.call("PING", "pong3"), "pong3");
    }),
});

Deno.test({
  name: "CLIENT REPLY SKIP drops only the next command's reply, errors included",
  ...opts,
  fn: () =>
    withRaw(srv.port, async (c) => {
      c.send(encodeRequest(["CLIENT", "REPLY", "SKIP"]));
      c.send(encodeRequest(["PING", "pong"]));
      c.send(encodeRequest(["PING", "pong2"]));
      assert.equal(await c.read(), "pong2");
      c.send(encodeRequest(["CLIENT", "REPLY", "SKIP"]));
      c.send(encodeRequest(["NOSUCHCOMMAND"]));
      c.send(encodeRequest(["PING", "after-error"]));
      assert.equal(await c.read(), "after-error");
      // SKIP twice in a row: the second SKIP's (empty) reply is the one skipped; the PING after is skipped.
      c.send(encodeRequest(["CLIENT", "REPLY", "SKIP"]));
      c.send(encodeRequest(["CLIENT", "REPLY", "SKIP"]));
      c.send(encodeRequest(["PING", "skipped"]));
      c.send(encodeRequest(["PING", "shown"]));
      assert.equal(await c.read(), "shown");
    }),
});

Deno.test({
  name: "CLIENT REPLY ON cancels a pending SKIP and is answered",
  ...opts,
  fn: () =>
    withRaw(srv.port, async (c) => {
      c.send(encodeRequest(["CLIENT", "REPLY", "SKIP"]));
      c.send(encodeRequest(["CLIENT", "REPLY", "ON"]));
      assert.equal(await c.read(), "OK");
      assert.equal(await c.call("PING"), "PONG");
      await expectError(c, ["CLIENT", "REPLY", "wrongInput"], "ERR syntax error");
      await expectError(c, ["CLIENT", "REPLY"], "ERR wrong number of arguments for 'client|reply' command");
    }),
});

Deno.test({
  name: "CLIENT NO-EVICT and NO-TOUCH set the e and T flags",
  ...opts,
  ...valkeyOnly(),
  fn: () =>
    withRaw(srv.port, async (c) => {
      assert.equal(await c.call("CLIENT", "NO-EVICT", "on"), "OK");
      assert.equal((await clientInfo(c)).get("flags"), "e");
      assert.equal(await c.call("CLIENT", "NO-TOUCH", "ON"), "OK");
      assert.equal((await clientInfo(c)).get("flags"), "eT");
      assert.equal(await c.call("CLIENT", "NO-EVICT", "OFF"), "OK");
      assert.equal((await clientInfo(c)).get("flags"), "T");
      assert.equal(await c.call("CLIENT", "no-touch", "off"), "OK");
      assert.equal((await clientInfo(c)).get("flags"), "N");
      await expectError(c, ["CLIENT", "NO-EVICT", "wrongInput"], "ERR syntax error");
      await expectError(c, ["CLIENT", "NO-TOUCH", "maybe"], "ERR syntax error");
      await expectError(
        c,
        ["CLIENT", "NO-TOUCH"],
        "ERR wrong number of arguments for 'client|no-touch' command",
      );
    }),
});

Deno.test({
  name: "a NO-TOUCH client reads keys without refreshing their idle time, but TOUCH still does",
  ...opts,
  ...valkeyOnly(),
  fn: async () => {
    const c = await connect();
    try {
      const key = `notouch:${Date.now()}`;
      await c.call("SET", key, "v");
      await c.call("SET", `${key}:2`, "v");
      await sleep(2100);
      await c.call("CLIENT", "NO-TOUCH", "ON");
      await c.call("GET", key);
      assert.ok((await c.call("OBJECT", "IDLETIME", key) as number) >= 2);
      await c.call("TOUCH", `${key}:2`);
      assert.ok((await c.call("OBJECT", "IDLETIME", `${key}:2`) as number) < 2);
      await c.call("CLIENT", "NO-TOUCH", "OFF");
      await c.call("GET", key);
      assert.ok((await c.call("OBJECT", "IDLETIME", key) as number) < 2);
      await c.call("DEL", key, `${key}:2`);
    } finally {
      c.close();
    }
  },
});

// ---- PAUSE / UNPAUSE --------------------------------------------------------------------------------------

Deno.test({
  name: "CLIENT PAUSE validates its mode before its timeout",
  ...opts,
  fn: () =>
    withRaw(srv.port, async (c) => {
      await expectError(c, ["CLIENT", "PAUSE", "abc"], "ERR timeout is not an integer or out of range");
      await expectError(c, ["CLIENT", "PAUSE", "1.5"], "ERR timeout is not an integer or out of range");
      await expectError(c, ["CLIENT", "PAUSE", -1], "ERR timeout is negative");
      if (isValkeyLike()) {
        await expectError(c, ["CLIENT", "PAUSE", "9223372036854775807"], "ERR timeout is out of range");
      }
      await expectError(c, ["CLIENT", "PAUSE", 100, "foo"], "ERR CLIENT PAUSE mode must be WRITE or ALL");
      await expectError(c, ["CLIENT", "PAUSE", "abc", "foo"], "ERR CLIENT PAUSE mode must be WRITE or ALL");
      await expectError(c, ["CLIENT", "PAUSE"], "ERR wrong number of arguments for 'client|pause' command");
      await expectError(
        c,
        ["CLIENT", "UNPAUSE", "x"],
        "ERR wrong number of arguments for 'client|unpause' command",
      );
      assert.equal(await c.call("CLIENT", "PAUSE", 0), "OK");
      assert.equal(await c.call("CLIENT", "UNPAUSE"), "OK");
    }),
});

Deno.test({
  name: "CLIENT PAUSE WRITE holds writes but not reads, until CLIENT UNPAUSE",
  ...opts,
  fn: async () => {
    const admin = await connect();
    const writer = await connect();
    const reader = await connect();
    try {
      const key = `pause:${Date.now()}`;
      const writerId = await idOf(writer);
      assert.equal(await admin.call("CLIENT", "PAUSE", 100000, "WRITE"), "OK");
      writer.send(encodeRequest(["SET", key, "held"]));
      writer.send(encodeRequest(["GET", key]));
      assert.equal(await reader.call("GET", key), null);
      assert.equal(await reader.call("PING"), "PONG");
      // Arity errors are replied at once even while paused.
      const arity = await reader.call("SET", key);
      assert.ok(arity instanceof RespError);
      await waitFor(
        async () => (await clientList(admin, "ID", writerId))[0]?.get("flags") === "b",
        "the writer to be held",
      );
      const held = (await clientList(admin, "ID", writerId))[0]!;
      assert.equal(held.get("cmd"), "set");
      if (isValkeyLike()) assert.equal(held.get("argv-mem"), String(3 + key.length + 4));
      assert.equal(await admin.call("CLIENT", "UNPAUSE"), "OK");
      assert.equal(await writer.read(), "OK");
      assert.equal(await writer.read(), "held");
      assert.equal((await clientList(admin, "ID", writerId))[0]!.get("flags"), "N");
      await admin.call("DEL", key);
    } finally {
      await admin.call("CLIENT", "UNPAUSE");
      admin.close();
      writer.close();
      reader.close();
    }
  },
});

Deno.test({
  name: "CLIENT PAUSE ALL holds every command, in order, and ends by itself",
  ...opts,
  fn: async () => {
    const admin = await connect();
    const other = await connect();
    try {
      const t0 = Date.now();
      assert.equal(await admin.call("CLIENT", "PAUSE", 300, "ALL"), "OK");
      other.send(encodeRequest(["PING", "first"]));
      other.send(encodeRequest(["ECHO", "second"]));
      assert.equal(await other.read(), "first");
      assert.equal(await other.read(), "second");
      const elapsed = Date.now() - t0;
      assert.ok(elapsed >= 250, `held for ${elapsed} ms`);
      assert.ok(elapsed < 2000, `held for ${elapsed} ms`);
    } finally {
      await admin.call("CLIENT", "UNPAUSE");
      admin.close();
      other.close();
    }
  },
});

Deno.test({
  name: "an older PAUSE ALL is not weakened by a shorter PAUSE WRITE",
  ...opts,
  fn: async () => {
    const admin = await connect();
    const other = await connect();
    try {
      const t0 = Date.now();
      admin.send(encodeRequest(["CLIENT", "PAUSE", 300, "ALL"]));
      admin.send(encodeRequest(["CLIENT", "PAUSE", 20, "WRITE"]));
      assert.equal(await admin.read(), "OK");
      await sleep(50);
      assert.equal(await other.call("GET", "pause-precedence"), null);
      assert.ok(Date.now() - t0 >= 250);
      assert.equal(await admin.read(), "OK");
    } finally {
      await admin.call("CLIENT", "UNPAUSE");
      admin.close();
      other.close();
    }
  },
});

Deno.test({
  name: "a shorter new pause keeps the older end time",
  ...opts,
  fn: async () => {
    const admin = await connect();
    const writer = await connect();
    try {
      const id = await idOf(writer);
      assert.equal(await admin.call("CLIENT", "PAUSE", 60000, "WRITE"), "OK");
      assert.equal(await admin.call("CLIENT", "PAUSE", 10, "WRITE"), "OK");
      await sleep(100);
      writer.send(encodeRequest(["SET", "pause-old-time", "x"]));
      await waitFor(
        async () => (await clientList(admin, "ID", id))[0]?.get("flags") === "b",
        "the writer to be held",
      );
      assert.equal(await admin.call("CLIENT", "UNPAUSE"), "OK");
      assert.equal(await writer.read(), "OK");
      await admin.call("DEL", "pause-old-time");
    } finally {
      await admin.call("CLIENT", "UNPAUSE");
      admin.close();
      writer.close();
    }
  },
});

Deno.test({
  name: "CLIENT PAUSE with words after the mode pauses everything",
  ...opts,
  ...valkeyOnly(),
  fn: async () => {
    const admin = await connect();
    const other = await connect();
    try {
      const t0 = Date.now();
      assert.equal(await admin.call("CLIENT", "PAUSE", 200, "WRITE", "extra"), "OK");
      assert.equal(await other.call("PING"), "PONG");
      assert.ok(Date.now() - t0 >= 150);
    } finally {
      await admin.call("CLIENT", "UNPAUSE");
      admin.close();
      other.close();
    }
  },
});

Deno.test({
  name: "several held clients are all resumed when the pause ends",
  ...opts,
  fn: async () => {
    const admin = await connect();
    const clients = [await connect(), await connect(), await connect()];
    try {
      const ids = await Promise.all(clients.map(idOf));
      assert.equal(await admin.call("CLIENT", "PAUSE", 60000, "WRITE"), "OK");
      clients.forEach((c, i) => c.send(encodeRequest(["SET", `pause-multi:${i}`, "v"])));
      await waitFor(async () => {
        const lines = await clientList(admin, "ID", ...ids);
        return lines.length === 3 && lines.every((l) => l.get("flags") === "b");
      }, "three held clients");
      assert.equal(await admin.call("CLIENT", "UNPAUSE"), "OK");
      for (const c of clients) assert.equal(await c.read(), "OK");
      assert.equal(await admin.call("DEL", "pause-multi:0", "pause-multi:1", "pause-multi:2"), 3);
    } finally {
      await admin.call("CLIENT", "UNPAUSE");
      admin.close();
      for (const c of clients) c.close();
    }
  },
});

Deno.test({
  name: "a held client can be killed, and the others resume normally",
  ...opts,
  fn: async () => {
    const admin = await connect();
    const victim = await connect();
    const survivor = await connect();
    try {
      const vid = await idOf(victim);
      const sid = await idOf(survivor);
      assert.equal(await admin.call("CLIENT", "PAUSE", 60000, "WRITE"), "OK");
      victim.send(encodeRequest(["SET", "pause-kill:1", "v"]));
      survivor.send(encodeRequest(["SET", "pause-kill:2", "v"]));
      await waitFor(
        async () => (await clientList(admin, "ID", vid, sid)).every((l) => l.get("flags") === "b"),
        "held",
      );
      assert.equal(await admin.call("CLIENT", "KILL", "ID", vid), 1);
      assert.equal(await victim.waitClosed(3000), true);
      assert.equal(await admin.call("CLIENT", "UNPAUSE"), "OK");
      assert.equal(await survivor.read(), "OK");
      assert.equal(await admin.call("EXISTS", "pause-kill:1"), 0);
      assert.equal(await admin.call("DEL", "pause-kill:2"), 1);
    } finally {
      await admin.call("CLIENT", "UNPAUSE");
      admin.close();
      victim.close();
      survivor.close();
    }
  },
});

Deno.test({
  name: "during CLIENT PAUSE ALL even CLIENT UNPAUSE waits for the pause to end",
  ...opts,
  fn: async () => {
    const admin = await connect();
    try {
      const t0 = Date.now();
      admin.send(encodeRequest(["CLIENT", "PAUSE", 200, "ALL"]));
      admin.send(encodeRequest(["CLIENT", "UNPAUSE"]));
      assert.equal(await admin.read(), "OK");
      assert.equal(await admin.read(), "OK");
      assert.ok(Date.now() - t0 >= 150);
    } finally {
      admin.close();
    }
  },
});

Deno.test({
  name: "CLIENT UNBLOCK ERROR fails a held command and lets the client go on",
  ...opts,
  ...valkeyOnly(),
  fn: async () => {
    const admin = await connect();
    const writer = await connect();
    try {
      const id = await idOf(writer);
      assert.equal(await admin.call("CLIENT", "PAUSE", 60000, "WRITE"), "OK");
      writer.send(encodeRequest(["SET", "pause-unblock", "x"]));
      writer.send(encodeRequest(["GET", "pause-unblock"]));
      await waitFor(
        async () => (await clientList(admin, "ID", id))[0]?.get("flags") === "b",
        "the writer to be held",
      );
      assert.equal(await admin.call("CLIENT", "UNBLOCK", id, "ERROR"), 1);
      const err = await writer.read();
      assert.ok(err instanceof RespError);
      assert.equal(err.message, "UNBLOCKED client unblocked via CLIENT UNBLOCK");
      assert.equal(await writer.read(), null);
    } finally {
      await admin.call("CLIENT", "UNPAUSE");
      admin.close();
      writer.close();
    }
  },
});

Deno.test({
  name: "CLIENT PAUSE inside MULTI starts when the transaction ends",
  ...opts,
  fn: async () => {
    const admin = await connect();
    const other = await connect();
    try {
      const id = await idOf(other);
      await admin.call("MULTI");
      await admin.call("SET", "pause-tx:1", "BAR");
      await admin.call("CLIENT", "PAUSE", 60000, "WRITE");
      await admin.call("SET", "pause-tx:2", "BAR");
      assert.deepEqual(await admin.call("EXEC"), ["OK", "OK", "OK"]);
      other.send(encodeRequest(["SET", "pause-tx:3", "BAR"]));
      await waitFor(async () => (await clientList(admin, "ID", id))[0]?.get("flags") === "b", "held");
      assert.equal(await admin.call("GET", "pause-tx:1"), "BAR");
      assert.equal(await admin.call("GET", "pause-tx:2"), "BAR");
      assert.equal(await admin.call("GET", "pause-tx:3"), null);
      assert.equal(await admin.call("CLIENT", "UNPAUSE"), "OK");
      assert.equal(await other.read(), "OK");
      assert.equal(await admin.call("DEL", "pause-tx:1", "pause-tx:2", "pause-tx:3"), 3);
    } finally {
      await admin.call("CLIENT", "UNPAUSE");
      admin.close();
      other.close();
    }
  },
});

// ---- UNBLOCK ----------------------------------------------------------------------------------------------

Deno.test({
  name: "CLIENT UNBLOCK of a client that is not blocked replies 0",
  ...opts,
  fn: async () => {
    const c = await connect();
    const idle = await connect();
    try {
      const id = await idOf(idle);
      assert.equal(await c.call("CLIENT", "UNBLOCK", id), 0);
      assert.equal(await c.call("CLIENT", "UNBLOCK", id, "TIMEOUT"), 0);
      assert.equal(await c.call("CLIENT", "UNBLOCK", id, "error"), 0);
      assert.equal(await c.call("CLIENT", "UNBLOCK", 999999999), 0);
      assert.equal(await c.call("CLIENT", "UNBLOCK", -5), 0);
      await expectError(c, ["CLIENT", "UNBLOCK", "abc"], "ERR value is not an integer or out of range");
      await expectError(
        c,
        ["CLIENT", "UNBLOCK", id, "foo"],
        "ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR",
      );
      await expectError(
        c,
        ["CLIENT", "UNBLOCK", "abc", "foo"],
        "ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR",
      );
      await expectError(
        c,
        ["CLIENT", "UNBLOCK"],
        "ERR wrong number of arguments for 'client|unblock' command",
      );
    } finally {
      c.close();
      idle.close();
    }
  },
});

Deno.test({
  name: "CLIENT UNBLOCK ends a blocking command by timeout or with an error",
  ...opts,
  fn: async () => {
    const c = await connect();
    const blocked = await connect();
    try {
      const id = await idOf(blocked);
      const key = `unblock:${Date.now()}`;
      blocked.send(encodeRequest(["BLPOP", key, 0]));
      await waitFor(async () => (await clientList(c, "ID", id))[0]?.get("flags") === "b", "BLPOP to block");
      assert.equal(await c.call("CLIENT", "UNBLOCK", id), 1);
      assert.equal(await blocked.read(), null);
      blocked.send(encodeRequest(["BLPOP", key, 0]));
      await waitFor(async () => (await clientList(c, "ID", id))[0]?.get("flags") === "b", "BLPOP to block");
      assert.equal(await c.call("CLIENT", "UNBLOCK", id, "ERROR"), 1);
      const err = await blocked.read();
      assert.ok(err instanceof RespError);
      assert.equal(err.message, "UNBLOCKED client unblocked via CLIENT UNBLOCK");
      assert.equal(await c.call("CLIENT", "UNBLOCK", id), 0);
    } finally {
      c.close();
      blocked.close();
    }
  },
});

// ---- CAPA, IMPORT-SOURCE, HELP, container errors -----------------------------------------------------------

Deno.test({
  name: "CLIENT CAPA REDIRECT is shown in the capa field; unknown capabilities are ignored",
  ...opts,
  ...valkeyOnly(),
  fn: () =>
    withRaw(srv.port, async (c) => {
      assert.equal(await c.call("CLIENT", "CAPA", "something-else"), "OK");
      assert.equal((await clientInfo(c)).get("capa"), "");
      assert.equal(await c.call("CLIENT", "CAPA", "foo", "redirect"), "OK");
      assert.equal((await clientInfo(c)).get("capa"), "r");
      await expectError(c, ["CLIENT", "CAPA"], "ERR wrong number of arguments for 'client|capa' command");
    }),
});

Deno.test({
  name: "CLIENT IMPORT-SOURCE needs import mode, which is off by default",
  ...opts,
  ...valkeyOnly(),
  fn: async () => {
    await withRaw(srv.port, async (c) => {
      await expectError(c, ["CLIENT", "IMPORT-SOURCE", "ON"], "ERR Server is not in import mode");
      await expectError(c, ["CLIENT", "IMPORT-SOURCE", "maybe"], "ERR Server is not in import mode");
      assert.equal(await c.call("CLIENT", "IMPORT-SOURCE", "off"), "OK");
    });
    // Valkyr does not declare `import-mode` yet (its expiry and eviction rules are not built), so a server
    // in import mode can only be checked on Valkey.
    if (isValkyr()) return;
    const importing = await startServer(["--import-mode", "yes"]);
    try {
      await withRaw(importing.port, async (c) => {
        assert.equal(await c.call("CLIENT", "IMPORT-SOURCE", "on"), "OK");
        assert.equal((await clientInfo(c)).get("flags"), "I");
        await expectError(c, ["CLIENT", "IMPORT-SOURCE", "maybe"], "ERR syntax error");
        assert.equal(await c.call("CLIENT", "IMPORT-SOURCE", "OFF"), "OK");
        assert.equal((await clientInfo(c)).get("flags"), "N");
      });
    } finally {
      await importing.stop();
    }
  },
});

Deno.test({
  name: "CLIENT HELP lists the subcommands in Valkey's words",
  ...opts,
  ...valkeyOnly(),
  fn: () =>
    withRaw(srv.port, async (c) => {
      const lines = await c.call("client", "help") as string[];
      assert.deepEqual(lines, [
        "CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "CACHING (YES|NO)",
        "    Enable/disable tracking of the keys for next command in OPTIN/OPTOUT modes.",
        "CAPA <option> [options...]",
        "    The client claims its some capability options. Options are:",
        "    * REDIRECT",
        "      The client can handle redirection during primary and replica failover in standalone mode.",
        "GETREDIR",
        "    Return the client ID we are redirecting to when tracking is enabled.",
        "GETNAME",
        "    Return the name of the current connection.",
        "ID",
        "    Return the ID of the current connection.",
        "INFO",
        "    Return information about the current client connection.",
        "KILL <ip:port>",
        "    Kill connection made from <ip:port>.",
        "KILL <option> <value> [<option> <value> [...]]",
        "    Kill connections. Options are:",
        "    * ADDR (<ip:port>|<unixsocket>:0)",
        "      Kill connections made from the specified address",
        "    * LADDR (<ip:port>|<unixsocket>:0)",
        "      Kill connections made to specified local address",
        "    * TYPE (NORMAL|PRIMARY|REPLICA|PUBSUB)",
        "      Kill connections by type.",
        "    * USER <username>",
        "      Kill connections authenticated by <username>.",
        "    * SKIPME (YES|NO)",
        "      Skip killing current connection (default: yes).",
        "    * ID <client-id> [<client-id>...]",
        "      Kill connections by client ids.",
        "    * MAXAGE <maxage>",
        "      Kill connections older than the specified age.",
        "LIST [options ...]",
        "    Return information about client connections. Options:",
        "    * TYPE (NORMAL|PRIMARY|REPLICA|PUBSUB)",
        "      Return clients of specified type.",
        "    * USER <username>",
        "      Return clients authenticated by <username>.",
        "    * ADDR <ip:port>",
        "      Return clients connected from the specified address.",
        "    * LADDR <ip:port>",
        "      Return clients connected to the specified local address.",
        "    * ID <client-id> [<client-id>...]",
        "      Return clients with the specified IDs.",
        "    * SKIPME (YES|NO)",
        "      Exclude the current client from the list (default: no).",
        "    * MAXAGE <maxage>",
        "      List connections older than the specified age.",
        "UNPAUSE",
        "    Stop the current client pause, resuming traffic.",
        "PAUSE <timeout> [WRITE|ALL]",
        "    Suspend all, or just write, clients for <timeout> milliseconds.",
        "REPLY (ON|OFF|SKIP)",
        "    Control the replies sent to the current connection.",
        "SETNAME <name>",
        "    Assign the name <name> to the current connection.",
        "SETINFO <option> <value>",
        "    Set client meta attr. Options are:",
        "    * LIB-NAME: the client lib name.",
        "    * LIB-VER: the client lib version.",
        "UNBLOCK <clientid> [TIMEOUT|ERROR]",
        "    Unblock the specified blocked client.",
        "TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]",
        "         [OPTIN] [OPTOUT] [NOLOOP]",
        "    Control server assisted client side caching.",
        "TRACKINGINFO",
        "    Report tracking status for the current connection.",
        "NO-EVICT (ON|OFF)",
        "    Protect current client connection from eviction.",
        "NO-TOUCH (ON|OFF)",
        "    Will not touch LRU/LFU stats when this mode is on.",
        "IMPORT-SOURCE (ON|OFF)",
        "    Mark this connection as an import source if import-mode is enabled.",
        "    Sync tools can set their connections into 'import-source' state to visit",
        "    expired keys.",
        "HELP",
        "    Print this help.",
      ]);
      c.send(encodeRequest(["CLIENT", "HELP"]));
      const raw = await c.readRaw(10);
      assert.ok(raw.startsWith("*78\r\n+CLIENT <subcommand>"));
    }),
});

Deno.test({
  name: "CLIENT without a known subcommand is refused with Valkey's errors",
  ...opts,
  fn: () =>
    withRaw(srv.port, async (c) => {
      await expectError(c, ["CLIENT"], "ERR wrong number of arguments for 'client' command");
      await expectError(c, ["CLIENT", "FOO"], "ERR unknown subcommand 'FOO'. Try CLIENT HELP.");
      await expectError(c, ["client", "id", "x"], "ERR wrong number of arguments for 'client|id' command");
      await expectError(
        c,
        ["CLIENT", "INFO", "x"],
        "ERR wrong number of arguments for 'client|info' command",
      );
      await expectError(
        c,
        ["CLIENT", "HELP", "x"],
        "ERR wrong number of arguments for 'client|help' command",
      );
    }),
});

Deno.test({ name: "stop server", ...opts, fn: () => srv.stop() });
