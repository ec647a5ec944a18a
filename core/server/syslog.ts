/**
 * `syslog-enabled yes`: every log message also goes to the system logger, as Valkey's syslog(3) calls
 * (openlog with LOG_PID, `syslog-ident`, `syslog-facility`): one datagram per message to /dev/log in
 * glibc's format, `<PRI>Mmm dd hh:mm:ss ident[pid]: message`, PRI being facility × 8 + severity (debug 7,
 * verbose 6 (info), notice 5, warning 4). As with glibc, a message the system logger does not take is
 * dropped. The socket path can be changed for tests with the internal variable VALKYR_SYSLOG_SOCKET.
 *
 * @module
 */

import process from "node:process";
import { unixDatagramSender } from "../net/epoll.ts";
import type { Config } from "../config/config.ts";
import type { Logger, LogLevel } from "./log.ts";

const FACILITIES: Record<string, number> = {
  user: 1,
  local0: 16,
  local1: 17,
  local2: 18,
  local3: 19,
  local4: 20,
  local5: 21,
  local6: 22,
  local7: 23,
};

const SEVERITY: Record<Exclude<LogLevel, "nothing">, number> = {
  debug: 7,
  verbose: 6,
  notice: 5,
  warning: 4,
};

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** strftime's "%h %e %T" in local time, as glibc's syslog stamps a message. */
export function syslogTimestamp(d: Date): string {
  const two = (n: number) => String(n).padStart(2, "0");
  return `${MONTHS[d.getMonth()]} ${String(d.getDate()).padStart(2, " ")} ${two(d.getHours())}:${
    two(d.getMinutes())
  }:${two(d.getSeconds())}`;
}

/** One syslog message as glibc sends it over /dev/log. */
export function syslogMessage(
  facility: number,
  level: Exclude<LogLevel, "nothing">,
  ident: string,
  pid: number,
  msg: string,
  now: Date,
): string {
  return `<${facility * 8 + SEVERITY[level]}>${syslogTimestamp(now)} ${ident}[${pid}]: ${msg}`;
}

/** Hands the logger's messages to the system logger when `syslog-enabled` is on. */
export async function installSyslog(config: Config, logger: Logger): Promise<void> {
  if (!config.getBool("syslog-enabled")) return;
  const send = await unixDatagramSender();
  const path = process.env.VALKYR_SYSLOG_SOCKET || "/dev/log";
  const facility = FACILITIES[config.getEnum("syslog-facility")]!;
  const ident = config.getStr("syslog-ident");
  const encoder = new TextEncoder();
  logger.syslog = (level, msg) => {
    send(path, encoder.encode(syslogMessage(facility, level, ident, process.pid, msg, new Date())));
  };
}
