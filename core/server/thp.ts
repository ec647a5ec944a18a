/**
 * Transparent huge pages at start-up, as Valkey's linuxMemoryWarnings: when the kernel gives huge pages to
 * every process (`[always]` in /sys/kernel/mm/transparent_hugepage/enabled), `disable-thp yes` (the
 * default) turns them off for this process (prctl PR_SET_THP_DISABLE, through libc: core/net/epoll.ts);
 * if it cannot, or `disable-thp no`, the server logs Valkey's warning. Huge pages cost memory for a store
 * of many small allocations and latency when the kernel compacts them. With `madvise` or `never` (this
 * machine: madvise) there is nothing to do.
 *
 * @module
 */

import process from "node:process";
import { disableTransparentHugePages } from "../net/epoll.ts";
import { readTextFile } from "../runtime/files.ts";
import type { Logger } from "./log.ts";

export const THP_ENABLED_FILE = "/sys/kernel/mm/transparent_hugepage/enabled";

export const THP_WARNING = "WARNING You have Transparent Huge Pages (THP) support enabled in your kernel. " +
  "This will create latency and memory usage issues with Valkyr. " +
  "To fix this issue run the command 'echo madvise > /sys/kernel/mm/transparent_hugepage/enabled' as root, " +
  "and add it to your /etc/rc.local in order to retain the setting after a reboot. " +
  "Valkyr must be restarted after THP is disabled (set to 'madvise' or 'never').";

/** Whether the kernel's THP mode (the file's text) gives huge pages to every process. */
export function thpAlways(enabledText: string): boolean {
  return enabledText.includes("[always]");
}

/** See the head of this file. `disable` is `disable-thp`; `disableFn` is replaceable for tests. */
export async function checkTransparentHugePages(
  disable: boolean,
  logger: Logger,
  file = THP_ENABLED_FILE,
  disableFn: () => Promise<number> = disableTransparentHugePages,
): Promise<void> {
  if (process.platform !== "linux") return;
  let text: string;
  try {
    text = readTextFile(file);
  } catch {
    return;
  }
  if (!thpAlways(text)) return;
  if (disable && (await disableFn()) === 0) return;
  logger.warning(THP_WARNING);
}
