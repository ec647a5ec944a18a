import assert from "node:assert/strict";
import { monitorLine, quoteRepr } from "./monitor.ts";

const enc = new TextEncoder();

Deno.test("printable bytes are copied as they are, quotes and backslashes included (Valkey 8.1)", () => {
  assert.equal(quoteRepr(enc.encode('a "b" \\c ~')), '"a "b" \\c ~"');
  assert.equal(quoteRepr(new Uint8Array()), '""');
});

Deno.test("control and high bytes are escaped as C escapes or \\xHH", () => {
  assert.equal(
    quoteRepr(new Uint8Array([10, 13, 9, 7, 8, 0, 0x1b, 0x7f, 0xff])),
    '"\\n\\r\\t\\a\\b\\x00\\x1b\\x7f\\xff"',
  );
});

Deno.test("a monitor line has seconds.micros, db, address and the quoted words", () => {
  const argv = [enc.encode("SET"), enc.encode("k"), enc.encode("v v")];
  assert.equal(
    monitorLine(1700000000000123, 2, "127.0.0.1:5000", argv, null),
    '+1700000000.000123 [2 127.0.0.1:5000] "SET" "k" "v v"\r\n',
  );
  assert.equal(
    monitorLine(1700000000999999, 0, "unix:/tmp/s.sock", [enc.encode("AUTH"), enc.encode("pw")], [1]),
    '+1700000000.999999 [0 unix:/tmp/s.sock] "AUTH" "(redacted)"\r\n',
  );
});
