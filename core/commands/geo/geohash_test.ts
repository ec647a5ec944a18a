import assert from "node:assert/strict";
import { formatFixedPoint, formatLongDouble } from "../../util/numbers.ts";
import {
  align52,
  decodeScore,
  deinterleave,
  distance,
  distanceInShape,
  encodeWGS84,
  estimateSteps,
  formatF6,
  geohashString,
  interleave,
  neighbors,
  scoreFor,
  scoreToHalves,
  searchCells,
  type Shape,
} from "./geohash.ts";

// Expected values below were read from Valkey 8.1.1 (ZSCORE / GEOPOS / GEOHASH / GEODIST replies).

Deno.test("interleave and deinterleave are inverse on 32-bit indices", () => {
  for (
    const [lat, lon] of [[0, 0], [1, 0], [0, 1], [0xffffffff, 0], [0x3ffffff, 0x2aaaaaa], [12345, 67890]]
  ) {
    const [hi, lo] = interleave(lat!, lon!);
    assert.deepEqual(deinterleave(hi, lo), [lat, lon]);
  }
  assert.deepEqual(interleave(1, 0), [0, 1]);
  assert.deepEqual(interleave(0, 1), [0, 2]);
  assert.deepEqual(interleave(0x10000, 0), [1, 0]);
});

Deno.test("positions encode to Valkey's 52-bit scores", () => {
  assert.equal(scoreFor(13.361389, 38.115556), 3479099956230698);
  assert.equal(scoreFor(15.087269, 37.502669), 3479447370796909);
  assert.equal(scoreFor(-180, 0), 1125899906842624);
  assert.equal(scoreFor(180, -85.05112878), 9007199254740992);
  assert.equal(scoreFor(180, 85.05112878), 13510798882111488);
  assert.equal(encodeWGS84(181, 0, 26), null);
  assert.equal(encodeWGS84(0, 85.06, 26), null);
  const h = encodeWGS84(13.361389, 38.115556, 26)!;
  assert.equal(align52(h), 3479099956230698n);
});

Deno.test("scores decode to the centre of their cell, clamped to the limits", () => {
  const [x, y] = decodeScore(3479099956230698);
  assert.equal(formatLongDouble(x, true), "13.36138933897018433");
  assert.equal(formatLongDouble(y, true), "38.11555639549629859");
  const [mx, my] = decodeScore(13510798882111488);
  assert.equal(mx, 180);
  assert.equal(formatLongDouble(my, true), "85.0511287799999991");
  const [wx, wy] = decodeScore(1125899906842624);
  assert.equal(formatLongDouble(wx, true), "-179.99999731779098511");
  assert.equal(formatLongDouble(wy, true), "0.00000126736058093");
});

Deno.test("scores outside the hash range convert like C's uint64 cast", () => {
  assert.deepEqual(scoreToHalves(0.5), [0, 0]);
  assert.deepEqual(scoreToHalves(-5), [0xffffffff, 0xfffffffb]);
  assert.deepEqual(scoreToHalves(-Infinity), [0x80000000, 0]);
  assert.deepEqual(scoreToHalves(1e300), [0, 0]);
  assert.deepEqual(decodeScore(-5), decodeScore(13510798882111488));
});

Deno.test("geohash strings use the standard ±90 latitude range", () => {
  assert.equal(geohashString(3479099956230698), "sqc8b49rny0");
  assert.equal(geohashString(3479447370796909), "sqdtr74hyu0");
  assert.equal(geohashString(13510798882111488), "bp05b5048p0");
  assert.equal(geohashString(9007199254740992), "00bh0hbj200");
  assert.equal(geohashString(1125899906842624), "80000000000");
});

Deno.test("distances follow the haversine formula on Valkey's earth radius", () => {
  const [x1, y1] = decodeScore(3479099956230698);
  const [x2, y2] = decodeScore(3479447370796909);
  assert.equal(formatFixedPoint(distance(x1, y1, x2, y2), 4), "166274.1516");
  assert.equal(formatFixedPoint(distance(x1, y1, x2, y2) / 1609.34, 4), "103.3182");
  assert.equal(distance(x1, y1, x1, y1), 0);
  // Same longitude: the latitude-only shortcut.
  assert.equal(distance(10, 0, 10, 1), 6372797.560856 * (Math.PI / 180));
});

Deno.test("points are tested against circles and boxes", () => {
  const circle: Shape = { x: 15, y: 37, conversion: 1000, circle: true, radius: 200, width: 0, height: 0 };
  const [cx, cy] = decodeScore(3479447370796909);
  assert.equal(formatFixedPoint(distanceInShape(circle, cx, cy) / 1000, 4), "56.4413");
  const [px, py] = decodeScore(3479099956230698);
  assert.equal(distanceInShape({ ...circle, radius: 190 }, px, py), -1);
  assert.equal(formatFixedPoint(distanceInShape(circle, px, py) / 1000, 4), "190.4424");
  const box: Shape = { x: 15, y: 37, conversion: 1000, circle: false, radius: 0, width: 400, height: 400 };
  assert.equal(formatFixedPoint(distanceInShape(box, px, py) / 1000, 4), "190.4424");
  const flat: Shape = { ...box, height: 2 };
  assert.equal(distanceInShape(flat, px, py), -1);
});

Deno.test("search cells are the centre cell and its eight neighbours", () => {
  assert.equal(estimateSteps(0, 0), 26);
  assert.equal(estimateSteps(200000, 0), 6);
  assert.equal(estimateSteps(200000, 70), 5);
  assert.equal(estimateSteps(200000, -85), 4);
  assert.equal(estimateSteps(1e9, 0), 1);
  const shape: Shape = { x: 15, y: 37, conversion: 1000, circle: true, radius: 200, width: 0, height: 0 };
  const cells = searchCells(shape);
  assert.equal(cells.length, 9);
  const self = cells[0]!;
  const prefix = encodeWGS84(15, 37, self.step)!;
  assert.equal(self.bits, prefix.bits);
  const n = neighbors(self);
  assert.notEqual(n.east.bits, self.bits);
  assert.equal(n.east.step, self.step);
  for (const c of cells.slice(1)) assert.ok(c.step === self.step || (c.step === 0 && c.bits === 0n));
});

Deno.test("formatF6 prints like printf %f", () => {
  assert.equal(formatF6(1), "1.000000");
  assert.equal(formatF6(95), "95.000000");
  assert.equal(formatF6(-0), "-0.000000");
  assert.equal(formatF6(85.05112879), "85.051129");
  assert.equal(formatF6(0.0078125), "0.007812");
  assert.equal(formatF6(0.0234375), "0.023438");
  assert.equal(formatF6(1e30), "1000000000000000019884624838656.000000");
  assert.equal(formatF6(Infinity), "inf");
  assert.equal(formatF6(-Infinity), "-inf");
  assert.equal(formatF6(-180.0000001), "-180.000000");
});
