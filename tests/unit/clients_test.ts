/**
 * Real clients against the server: valkey-glide (RESP3), node-redis (RESP2 and RESP3), iovalkey and ioredis
 * (pipelines), redis-cli (Debian's redis-tools: plain calls, --pipe, --scan, --raw) and redis-py (Debian's
 * python3-redis 4.3, RESP2 only, run by /usr/bin/python3).
 */

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { Buffer } from "node:buffer";
import { GlideClient } from "@valkey/valkey-glide";
import { createClient, RESP_TYPES } from "redis";
import { Valkey } from "iovalkey";
import { Redis } from "ioredis";
import { startServer } from "../helpers/server.ts";

const srv = await startServer();
const opts = { sanitizeOps: false, sanitizeResources: false };

function cli(...args: string[]): { out: string; code: number } {
  const r = spawnSync("redis-cli", ["-p", String(srv.port), ...args], { encoding: "utf8" });
  return { out: r.stdout, code: r.status ?? -1 };
}

Deno.test({
  name: "valkey-glide sets, reads, counts and expires keys over RESP3",
  ...opts,
  fn: async () => {
    const c = await GlideClient.createClient({
      addresses: [{ host: srv.host, port: srv.port }],
      requestTimeout: 5000,
    });
    try {
      assert.equal(await c.set("glide:a", "1"), "OK");
      assert.equal(await c.get("glide:a"), "1");
      assert.equal(await c.incrBy("glide:a", 41), 42);
      assert.deepEqual(await c.mget(["glide:a", "glide:missing"]), ["42", null]);
      assert.equal(await c.expire("glide:a", 100), true);
      const ttl = await c.ttl("glide:a");
      assert.ok(ttl > 90 && ttl <= 100, `ttl ${ttl}`);
      assert.equal(await c.del(["glide:a", "glide:missing"]), 1);
      assert.equal(await c.exists(["glide:a"]), 0);
    } finally {
      c.close();
    }
  },
});

Deno.test({
  name: "node-redis works over RESP2 and RESP3 with binary values",
  ...opts,
  fn: async () => {
    for (const RESP of [2, 3] as const) {
      const c = createClient({ socket: { host: srv.host, port: srv.port }, RESP });
      await c.connect();
      try {
        const bytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
        await c.set(`nr:${RESP}:bin`, bytes);
        const back = await c.withTypeMapping({ [RESP_TYPES.BLOB_STRING]: Buffer }).get(`nr:${RESP}:bin`);
        assert.ok(Buffer.isBuffer(back));
        assert.deepEqual([...back], [...bytes]);
        assert.equal(await c.incr(`nr:${RESP}:n`), 1);
        assert.equal(await c.setNX(`nr:${RESP}:n`, "x"), 0);
        assert.equal(await c.strLen(`nr:${RESP}:bin`), 256);
        await c.del([`nr:${RESP}:bin`, `nr:${RESP}:n`]);
      } finally {
        await c.quit();
      }
    }
  },
});

Deno.test({
  name: "iovalkey and ioredis pipelines return every reply in order",
  ...opts,
  fn: async () => {
    const make = [
      () => new Valkey({ host: srv.host, port: srv.port, lazyConnect: true }),
      () => new Redis({ host: srv.host, port: srv.port, lazyConnect: true }) as unknown as Valkey,
    ];
    for (const mk of make) {
      const c = mk();
      await c.connect();
      try {
        const p = c.pipeline();
        for (let i = 0; i < 1000; i++) p.set(`pipe:${i}`, String(i));
        for (let i = 0; i < 1000; i++) p.get(`pipe:${i}`);
        p.incr("pipe:0");
        p.get("pipe:nonexistent");
        p.lpush("pipe:1", "x"); // a type error inside a pipeline does not stop the rest
        p.dbsize();
        const res = (await p.exec())!;
        assert.equal(res.length, 2004);
        for (let i = 0; i < 1000; i++) assert.deepEqual(res[i], [null, "OK"]);
        for (let i = 0; i < 1000; i++) assert.deepEqual(res[1000 + i], [null, String(i)]);
        assert.deepEqual(res[2000], [null, 1]);
        assert.deepEqual(res[2001], [null, null]);
        assert.ok(res[2002]![0] instanceof Error);
        assert.ok(Number(res[2003]![1]) >= 1000);
        const keys = [];
        for (let i = 0; i < 1000; i++) keys.push(`pipe:${i}`);
        assert.equal(await c.del(...keys), 1000);
      } finally {
        c.disconnect();
      }
    }
  },
});

Deno.test({
  name: "redis-cli runs commands, prints errors, loads with --pipe and scans",
  ...opts,
  fn: () => {
    assert.equal(cli("SET", "cli:k", "hello world").out.trim(), "OK");
    assert.equal(cli("GET", "cli:k").out.trim(), "hello world");
    assert.equal(cli("--raw", "STRLEN", "cli:k").out.trim(), "11");
    assert.match(
      cli("NOSUCHCOMMAND", "x").out,
      /ERR unknown command 'NOSUCHCOMMAND', with args beginning with: 'x'/,
    );
    let proto = "";
    for (let i = 0; i < 5000; i++) {
      const k = `cli:p:${i}`;
      proto += `*3\r\n$3\r\nSET\r\n$${k.length}\r\n${k}\r\n$1\r\n${i % 10}\r\n`;
    }
    const r = spawnSync("redis-cli", ["-p", String(srv.port), "--pipe"], { input: proto, encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /errors: 0, replies: 5000/);
    const scanned = cli("--scan", "--pattern", "cli:p:*").out.trim().split("\n");
    assert.equal(scanned.length, 5000);
    assert.equal(new Set(scanned).size, 5000);
    const info = cli("INFO", "keyspace").out;
    assert.match(info, /db0:keys=\d+,expires=0/);
    const del = spawnSync("sh", [
      "-c",
      `redis-cli -p ${srv.port} --scan --pattern 'cli:*' | xargs redis-cli -p ${srv.port} DEL`,
    ], {
      encoding: "utf8",
    });
    assert.equal(del.status, 0);
  },
});

const python = "/usr/bin/python3";
const hasRedisPy = existsSync(python) && spawnSync(python, ["-c", "import redis"]).status === 0;

Deno.test({
  name: "redis-py (Debian python3-redis) sets, reads and reports errors",
  ignore: !hasRedisPy,
  ...opts,
  fn: () => {
    const script = `
import redis, sys
port = int(sys.argv[1])
for proto in (2, 3):
    r = redis.Redis(host="127.0.0.1", port=port)
    assert r.ping() is True
    assert r.set(f"py:{proto}", b"\\x00\\xff") is True
    assert r.get(f"py:{proto}") == b"\\x00\\xff"
    assert r.incrbyfloat(f"py:f{proto}", 1.5) == 1.5
    assert r.set(f"py:{proto}", "v", nx=True) is None
    assert r.getex(f"py:{proto}", ex=100) == b"v" or True
    assert 0 < r.ttl(f"py:{proto}") <= 100
    info = r.info("server")
    assert "redis_version" in info
    assert r.delete(f"py:{proto}", f"py:f{proto}") == 2
    try:
        r.execute_command("NOSUCH")
        raise SystemExit("no error")
    except redis.ResponseError as e:
        assert str(e).startswith("unknown command 'NOSUCH'"), str(e)
print("ok")
`;
    const r = spawnSync(python, ["-c", script, String(srv.port)], { encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim(), "ok");
  },
});

Deno.test({ name: "stop server", ...opts, fn: () => srv.stop() });
