/**
 * Honest timing checks for tests that race a clock (a TTL, a pause, a timeout) on a loaded machine.
 *
 * A check such as "the key still exists 100 ms into its 250 ms TTL" only proves something when the reply
 * came back before the TTL could have run out. {@link within} throws {@link TooSlow} when more time than
 * that has passed (measured by the test, from before the first command of the window to after the last
 * reply), and {@link retryWhenSlow} runs the attempt again: the check keeps its full strength, and a stall
 * of the machine (GC, preemption) makes the test repeat instead of fail. Any other failure fails at once.
 *
 * @module
 */

/** The attempt could not prove its point in time: more than its window passed. */
export class TooSlow extends Error {
  constructor(readonly elapsedMs: number, readonly windowMs: number, what: string) {
    super(`${what}: ${elapsedMs} ms passed, the window was ${windowMs} ms`);
  }
}

/**
 * Throws {@link TooSlow} unless less than `windowMs` passed since `since` (a `Date.now()` taken before the
 * first command of the window). Call it after the last reply of the window and before asserting on it.
 */
export function within(since: number, windowMs: number, what = "too slow"): void {
  const elapsed = Date.now() - since;
  if (elapsed >= windowMs) throw new TooSlow(elapsed, windowMs, what);
}

/** Runs `attempt` until it finishes without {@link TooSlow}, at most `attempts` times (the last error wins). */
export async function retryWhenSlow<T>(attempt: () => Promise<T>, attempts = 10): Promise<T> {
  for (let i = 1;; i++) {
    try {
      return await attempt();
    } catch (e) {
      if (!(e instanceof TooSlow) || i >= attempts) throw e;
    }
  }
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Polls `cond` every `everyMs` until it holds; throws after `timeoutMs` (generous: the machine is shared). */
export async function waitUntil(
  cond: () => Promise<boolean> | boolean,
  what: string,
  timeoutMs = 10000,
  everyMs = 20,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await cond()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

/**
 * Waits until the server log `output()` matches `re`. A log line comes through a pipe, separately from the
 * reply, so it can arrive after the reply to the command that logged it; a missing line still fails (after
 * `timeoutMs`), naming the pattern.
 */
export async function waitForLog(output: () => string, re: RegExp, timeoutMs = 10000): Promise<void> {
  await waitUntil(() => re.test(output()), `a log line matching ${re}`, timeoutMs);
}
