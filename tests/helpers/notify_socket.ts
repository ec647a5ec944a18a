/**
 * A unix datagram socket standing in for systemd's NOTIFY_SOCKET or the system logger's /dev/log: binds a
 * path and collects the datagrams sent to it. Through libc (core/net/epoll.ts), as Deno's own unix datagram sockets
 * need --unstable-net. Linux only: `open` resolves null elsewhere.
 */

import { type Libc, openLibc, unixSockaddr } from "../../core/net/epoll.ts";

const AF_UNIX = 1;
const SOCK_DGRAM = 2;
const SOCK_NONBLOCK = 0x800;

export class NotifySocket {
  readonly messages: string[] = [];
  #timer: ReturnType<typeof setInterval>;
  #buf = new Uint8Array(4096);

  private constructor(readonly path: string, readonly libc: Libc, readonly fd: number) {
    this.#timer = setInterval(() => this.#drain(), 10);
  }

  static async open(path: string): Promise<NotifySocket | null> {
    const libc = await openLibc();
    if (libc === null) return null;
    const addr = unixSockaddr(path);
    if (addr === null) throw new Error(`not a unix socket path: ${path}`);
    const fd = libc.socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    if (fd < 0) throw new Error(`socket: errno ${libc.errno()}`);
    if (libc.bind(fd, addr.sa, addr.len) < 0) {
      const e = libc.errno();
      libc.close(fd);
      throw new Error(`bind ${path}: errno ${e}`);
    }
    return new NotifySocket(path, libc, fd);
  }

  #drain(): void {
    for (;;) {
      const n = this.libc.read(this.fd, this.#buf, this.#buf.length);
      if (n <= 0) return;
      this.messages.push(new TextDecoder().decode(this.#buf.subarray(0, n)));
    }
  }

  close(): void {
    clearInterval(this.#timer);
    this.#drain();
    this.libc.close(this.fd);
  }
}
