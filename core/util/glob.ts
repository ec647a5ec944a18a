/**
 * Glob-style matching with exactly the semantics of Valkey's stringmatchlen (KEYS, SCAN MATCH, PSUBSCRIBE,
 * CONFIG GET, ACL key/channel patterns, ...).
 *
 * Pattern syntax:
 *   *        any run of bytes (consecutive stars act as one)
 *   ?        exactly one byte
 *   [abc]    one byte from the set; [^abc] one byte NOT in the set
 *   [a-z]    ranges, also reversed ([z-a] == [a-z]); bytes >= 0x80 compare as negative (C signed char)
 *   \x       the byte x literally, outside and inside classes (inside a class: compared case-sensitively
 *            even in nocase mode, as Valkey does)
 * Class corner cases follow Valkey: a class missing its closing ']' ends at the end of the pattern, and
 * "[^" with nothing after it matches any single byte; a trailing lone '\' is a literal backslash.
 * A pattern only matches the whole string. Case folding (nocase) is ASCII only. As in Valkey, the pattern "*"
 * does NOT match the empty string (the loop never runs for an empty string); KEYS and SCAN special-case the
 * pattern "*" and skip matching altogether, which callers must do too.
 *
 * Complexity: star handling recurses once per star group, bounded like Valkey: beyond 1000 nested star
 * groups the attempt reports "no match". Once the text following a star fails to match at every position of
 * the string, no earlier star can help either (a longer match for it only moves the rest further right), so
 * the whole match fails immediately (Valkey's skipLongerMatches). This keeps e.g. "a*a*a*a*a*a*a*b" against
 * 10k 'a's linear-ish instead of exponential.
 */

const MAX_NESTING = 1000;

/** Signed-char view of a byte (C's `char` on x86), as used in class range comparisons. */
function sc(c: number): number {
  return c >= 128 ? c - 256 : c;
}

/** C tolower in the "C" locale on a (possibly negative) char value. */
function lower(c: number): number {
  return c >= 65 && c <= 90 ? c + 32 : c;
}

class Matcher {
  skipLonger = false;
  constructor(readonly p: Uint8Array, readonly s: Uint8Array, readonly nocase: boolean) {}

  /** Matches p[pi..] against s[si..]; 1 = match. */
  run(pi: number, si: number, nesting: number): boolean {
    if (nesting > MAX_NESTING) return false;
    const p = this.p;
    const s = this.s;
    const pEnd = p.length;
    const sEnd = s.length;
    const nocase = this.nocase;
    while (pi < pEnd && si < sEnd) {
      const pc = p[pi]!;
      if (pc === 42 /* * */) {
        while (pi + 1 < pEnd && p[pi + 1] === 42) pi++;
        if (pi + 1 === pEnd) return true;
        while (si < sEnd) {
          if (this.run(pi + 1, si, nesting + 1)) return true;
          if (this.skipLonger) return false;
          si++;
        }
        this.skipLonger = true;
        return false;
      } else if (pc === 63 /* ? */) {
        si++;
      } else if (pc === 91 /* [ */) {
        pi++;
        const not = pi < pEnd && p[pi] === 94; /* ^ */
        if (not) pi++;
        let match = false;
        const c = s[si]!;
        for (;;) {
          if (pEnd - pi >= 2 && p[pi] === 92 /* \ */) {
            pi++;
            if (p[pi] === c) match = true;
          } else if (pi >= pEnd) {
            pi--; // unterminated class: let the common advance below land on the pattern end
            break;
          } else if (p[pi] === 93 /* ] */) {
            break;
          } else if (pEnd - pi >= 3 && p[pi + 1] === 45 /* - */) {
            let start = sc(p[pi]!);
            let end = sc(p[pi + 2]!);
            let x = sc(c);
            if (start > end) {
              const t = start;
              start = end;
              end = t;
            }
            if (nocase) {
              start = lower(start);
              end = lower(end);
              x = lower(x);
            }
            pi += 2;
            if (x >= start && x <= end) match = true;
          } else if (nocase ? lower(p[pi]!) === lower(c) : p[pi] === c) {
            match = true;
          }
          pi++;
        }
        if (not) match = !match;
        if (!match) return false;
        si++;
      } else {
        if (pc === 92 /* \ */ && pEnd - pi >= 2) pi++;
        const q = p[pi]!;
        const c = s[si]!;
        if (nocase ? lower(q) !== lower(c) : q !== c) return false;
        si++;
      }
      pi++;
      if (si === sEnd) {
        while (pi < pEnd && p[pi] === 42) pi++;
        break;
      }
    }
    return pi === pEnd && si === sEnd;
  }
}

/** stringmatchlen(pattern, str, nocase): true when the whole of `str` matches the glob `pattern`. */
export function globMatch(pattern: Uint8Array, str: Uint8Array, nocase = false): boolean {
  return new Matcher(pattern, str, nocase).run(0, 0, 0);
}

/**
 * True when the pattern has no glob metacharacter (`*`, `?`, `[`, `\`): it then matches exactly one
 * string, itself, and callers may do a direct lookup instead of a scan. (`]`, `^` and `-` are literal
 * outside a class.)
 */
export function isPlainPattern(p: Uint8Array): boolean {
  for (let i = 0; i < p.length; i++) {
    const c = p[i]!;
    if (c === 42 || c === 63 || c === 91 || c === 92) return false;
  }
  return true;
}
