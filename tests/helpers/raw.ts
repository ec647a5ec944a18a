/**
 * A raw RESP connection for tests that must see the exact bytes (protocol errors, inline commands, RESP3
 * types, split requests). `call()` encodes a multibulk request and decodes one reply; `send()` writes any
 * bytes; `readRaw()` returns exactly what arrived.
 *
 * Decoded replies: simple and bulk strings → string (or Uint8Array with `{ bytes: true }`), errors →
 * {@link RespError}, integers → number (bigint beyond 2^53), nulls → null, arrays/sets → arrays, RESP3 maps
 * → Map, doubles → number, booleans → boolean, pushes → {@link Push}, verbatim → string, big numbers →
 * bigint.
 *
 * @module
 */

import * as net from "node:net";
import { Buffer } from "node:buffer";

export class RespError {
  constructor(readonly message: string) {}
  toString(): string {
    return this.message;
  }
}

export class Push {
  constructor(readonly items: unknown[]) {}
}

export type Arg = string | Uint8Array | number;

const enc = new TextEncoder();
const dec = new TextDecoder();

export function encodeRequest(args: Arg[]): Uint8Array {
  const parts: Uint8Array[] = [enc.encode(`*${args.length}\r\n`)];
  for (const a of args) {
    const b = typeof a === "string" ? enc.encode(a) : typeof a === "number" ? enc.encode(String(a)) : a;
    parts.push(enc.encode(`$${b.length}\r\n`), b, enc.encode("\r\n"));
  }
  return Buffer.concat(parts);
}

/**
 * A socket with a receive buffer that readers wait on: the base of {@link RawConn} and of the tests' fake
 * replica. Subclasses parse what arrives in {@link buf} with {@link need}, {@link take} and
 * {@link takeLine}; {@link open} connects a socket and hands it to their (private) constructor.
 */
export class BufferedSocket {
  /** What has arrived and not been read yet. */
  protected buf: Buffer = Buffer.alloc(0);
  #waiters: (() => void)[] = [];
  #closed = false;
  readonly closedPromise: Promise<void>;

  protected constructor(readonly socket: net.Socket) {
    socket.on("data", (d: Buffer) => {
      this.buf = this.buf.length === 0 ? d : Buffer.concat([this.buf, d]);
      this.#wake();
    });
    this.closedPromise = new Promise((resolve) => {
      socket.on("close", () => {
        this.#closed = true;
        this.#wake();
        resolve();
      });
    });
    socket.on("error", () => {});
  }

  /** Connects to `host:port` and resolves with `wrap(socket)`, called as soon as the socket connects. */
  protected static open<T>(port: number, host: string, wrap: (s: net.Socket) => T): Promise<T> {
    return new Promise((resolve, reject) => {
      const s = net.connect({ port, host }, () => resolve(wrap(s)));
      s.once("error", reject);
    });
  }

  #wake(): void {
    const w = this.#waiters;
    this.#waiters = [];
    for (const f of w) f();
  }

  /** Waits until at least `n` bytes are buffered; throws if the connection closes or the time runs out. */
  protected async need(n: number, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.buf.length < n) {
      if (this.#closed) throw new Error(`connection closed with ${this.buf.length}/${n} bytes`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${n} bytes (have ${this.buf.length})`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** Removes the first `n` buffered bytes (which must be there) and returns them, as a view. */
  protected take(n: number): Buffer {
    const b = this.buf.subarray(0, n);
    this.buf = this.buf.subarray(n);
    return b;
  }

  /** Waits for a `\r\n`-terminated line and returns it (latin1, without the `\r\n`). */
  protected async takeLine(timeoutMs: number): Promise<string> {
    for (;;) {
      const i = this.buf.indexOf("\r\n");
      if (i >= 0) {
        const l = this.take(i).toString("latin1");
        this.take(2);
        return l;
      }
      await this.need(this.buf.length + 1, timeoutMs);
    }
  }

  get isClosed(): boolean {
    return this.#closed;
  }

  /** Resolves true if the peer closes the connection within the time. */
  async waitClosed(timeoutMs = 5000): Promise<boolean> {
    if (this.#closed) return true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const t = new Promise<boolean>((r) => (timer = setTimeout(() => r(false), timeoutMs)));
    const r = await Promise.race([this.closedPromise.then(() => true), t]);
    clearTimeout(timer);
    return r;
  }

  close(): void {
    this.socket.destroy();
  }
}

export class RawConn extends BufferedSocket {
  private constructor(socket: net.Socket) {
    super(socket);
  }

  static connect(port: number, host = "127.0.0.1"): Promise<RawConn> {
    return BufferedSocket.open(port, host, (s) => new RawConn(s));
  }

  send(data: string | Uint8Array): void {
    this.socket.write(typeof data === "string" ? enc.encode(data) : data);
  }

  async call(...args: Arg[]): Promise<unknown> {
    this.send(encodeRequest(args));
    return await this.read();
  }

  async callBytes(...args: Arg[]): Promise<unknown> {
    this.send(encodeRequest(args));
    return await this.read({ bytes: true });
  }

  /** Waits for and returns everything received so far (at least `min` bytes). */
  async readRaw(min = 1, timeoutMs = 5000): Promise<string> {
    await this.need(min, timeoutMs);
    const s = this.buf.toString("latin1");
    this.buf = Buffer.alloc(0);
    return s;
  }

  async read(opts: { bytes?: boolean; timeoutMs?: number } = {}): Promise<unknown> {
    const timeoutMs = opts.timeoutMs ?? 5000;
    const line = await this.takeLine(timeoutMs);
    const t = line[0];
    const rest = line.slice(1);
    switch (t) {
      case "+":
        return rest;
      case "-":
        return new RespError(rest);
      case ":": {
        const n = BigInt(rest);
        return n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n;
      }
      case "$":
      case "=":
      case "!": {
        const len = Number(rest);
        if (len < 0) return null;
        await this.need(len + 2, timeoutMs);
        const b = Uint8Array.prototype.slice.call(this.take(len + 2).subarray(0, len));
        if (t === "!") return new RespError(dec.decode(b));
        if (t === "=") return dec.decode(b).slice(4);
        return opts.bytes ? b : dec.decode(b);
      }
      case "*":
      case "~":
      case ">": {
        const n = Number(rest);
        if (n < 0) return null;
        const items: unknown[] = [];
        for (let i = 0; i < n; i++) items.push(await this.read(opts));
        return t === ">" ? new Push(items) : items;
      }
      case "%": {
        const n = Number(rest);
        const m = new Map<unknown, unknown>();
        for (let i = 0; i < n; i++) {
          const k = await this.read(opts);
          m.set(k instanceof Uint8Array ? dec.decode(k) : k, await this.read(opts));
        }
        return m;
      }
      case "_":
        return null;
      case ",":
        return rest === "inf" ? Infinity : rest === "-inf" ? -Infinity : Number(rest);
      case "#":
        return rest === "t";
      case "(":
        return BigInt(rest);
      default:
        throw new Error(`unexpected reply line '${line}'`);
    }
  }
}

/** Connects, runs `fn`, and always closes. */
export async function withRaw<T>(port: number, fn: (c: RawConn) => Promise<T>): Promise<T> {
  const c = await RawConn.connect(port);
  try {
    return await fn(c);
  } finally {
    c.close();
  }
}
