import assert from "node:assert/strict";
import { bytesToHuman, floatDiv, printfFixed, safeInfoString } from "./format.ts";

Deno.test("printfFixed rounds exact ties to even like glibc", () => {
  assert.equal(printfFixed(0.125, 2), "0.12");
  assert.equal(printfFixed(0.375, 2), "0.38");
  assert.equal(printfFixed(2.5, 0), "2");
  assert.equal(printfFixed(3.5, 0), "4");
});

Deno.test("printfFixed rounds non-ties by the exact binary value", () => {
  // 1.005 is 1.00499999999999989... in binary.
  assert.equal(printfFixed(1.005, 2), "1.00");
  assert.equal(printfFixed(0.1, 2), "0.10");
  assert.equal(printfFixed(99.99999, 2), "100.00");
  assert.equal(printfFixed(0, 2), "0.00");
  assert.equal(printfFixed(7, 6), "7.000000");
});

Deno.test("printfFixed keeps the sign of negative values and zero", () => {
  assert.equal(printfFixed(-0.001, 2), "-0.00");
  assert.equal(printfFixed(-0, 2), "-0.00");
  assert.equal(printfFixed(-12.345, 1), "-12.3");
});

Deno.test("printfFixed never uses exponent notation", () => {
  assert.equal(printfFixed(1e21, 2), "1000000000000000000000.00");
  assert.equal(printfFixed(5e-324, 2), "0.00");
});

Deno.test("printfFixed prints infinities and NaN as glibc", () => {
  assert.equal(printfFixed(Infinity, 2), "inf");
  assert.equal(printfFixed(-Infinity, 2), "-inf");
  assert.equal(printfFixed(NaN, 2), "nan");
});

Deno.test("floatDiv computes in 32-bit floats like C float arithmetic", () => {
  assert.equal(floatDiv(1, 3), Math.fround(1 / 3));
  assert.notEqual(floatDiv(1, 3), 1 / 3);
  assert.equal(printfFixed(floatDiv(10, 4), 2), "2.50");
});

Deno.test("bytesToHuman matches Valkey's units and two decimals", () => {
  assert.equal(bytesToHuman(0), "0B");
  assert.equal(bytesToHuman(1023), "1023B");
  assert.equal(bytesToHuman(1024), "1.00K");
  assert.equal(bytesToHuman(898976), "877.91K");
  assert.equal(bytesToHuman(6602752), "6.30M");
  assert.equal(bytesToHuman(25276510208), "23.54G");
  assert.equal(bytesToHuman(1024 ** 4 * 3), "3.00T");
  assert.equal(bytesToHuman(1024 ** 5 * 2), "2.00P");
  assert.equal(bytesToHuman(1024 ** 6), `${1024 ** 6}B`);
});

Deno.test("safeInfoString replaces the characters that would break INFO lines", () => {
  assert.equal(safeInfoString("a#b:c\r\nd"), "a_b_c__d");
  assert.equal(safeInfoString("plain"), "plain");
});
