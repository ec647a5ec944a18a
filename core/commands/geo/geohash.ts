/**
 * Geohash arithmetic for the GEO commands: positions stored as sorted-set scores.
 *
 * A position (longitude, latitude) is cut into two 26-bit cell indices, one per axis, over the ranges
 * longitude [-180, 180] and latitude [-85.05112878, 85.05112878] (the Web Mercator limits: no pole). The
 * two indices are interleaved bit by bit, latitude in the even bits and longitude in the odd ones, into a
 * 52-bit integer that becomes the member's score. 52 bits fit a double's mantissa exactly, and cells that
 * are near each other mostly share a score prefix, so a cell at a coarser step `s` (2s bits) is a single
 * score interval: [prefix << (52 - 2s), (prefix + 1) << (52 - 2s)).
 *
 * ```
 *   bit:   51   50   49   48  ...   1    0
 *         lon25 lat25 lon24 lat24 ... lon0 lat0      (index bit i of each axis at 2i / 2i+1)
 *
 *   a search: the cell holding the centre at a step whose cell is at least as large as the radius,
 *   plus its 8 neighbours, each scanned as one score range, every point then checked exactly.
 *   +----+----+----+
 *   | NW | N  | NE |
 *   +----+----+----+
 *   | W  |self| E  |
 *   +----+----+----+
 *   | SW | S  | SE |
 *   +----+----+----+
 * ```
 *
 * Memory: nothing is stored here; a 64-bit hash is carried as two unsigned 32-bit halves (`hi`, `lo`) so
 * the per-point decode in a search stays in plain number arithmetic, and a hash is never wider than 64
 * bits. Cell neighbours use BigInt (9 per search).
 *
 * Invariants: encode followed by decode lands in the centre of the 26-step cell (clamped to the ranges);
 * scores computed here round exactly as Valkey's (a uint64 printed as an integer and read back by strtod);
 * distances use the haversine formula on a sphere of radius 6372797.560856 m.
 *
 * @module
 */

export const GEO_STEP_MAX = 26;
export const GEO_LAT_MIN = -85.05112878;
export const GEO_LAT_MAX = 85.05112878;
export const GEO_LONG_MIN = -180;
export const GEO_LONG_MAX = 180;
export const EARTH_RADIUS_IN_METERS = 6372797.560856;
const MERCATOR_MAX = 20037726.37;
const D_R = Math.PI / 180.0;
const TWO32 = 4294967296;

/** A cell: `bits` holds 2 * `step` interleaved bits. A zeroed cell (bits 0, step 0) is skipped. */
export interface HashBits {
  bits: bigint;
  step: number;
}

export interface Range {
  min: number;
  max: number;
}

export interface Area {
  longitude: Range;
  latitude: Range;
}

const WGS84_LONG: Range = { min: GEO_LONG_MIN, max: GEO_LONG_MAX };
const WGS84_LAT: Range = { min: GEO_LAT_MIN, max: GEO_LAT_MAX };

/** Spreads the low 16 bits of `v` to the even bit positions of a 32-bit word. */
function spread16(v: number): number {
  v &= 0xffff;
  v = (v | (v << 8)) & 0x00ff00ff;
  v = (v | (v << 4)) & 0x0f0f0f0f;
  v = (v | (v << 2)) & 0x33333333;
  v = (v | (v << 1)) & 0x55555555;
  return v >>> 0;
}

/** Gathers the even bits of a 32-bit word into 16 bits. */
function compact16(v: number): number {
  v &= 0x55555555;
  v = (v | (v >>> 1)) & 0x33333333;
  v = (v | (v >>> 2)) & 0x0f0f0f0f;
  v = (v | (v >>> 4)) & 0x00ff00ff;
  v = (v | (v >>> 8)) & 0x0000ffff;
  return v;
}

/** interleave64: `lat` in the even bits, `lon` in the odd bits; returns [hi, lo] 32-bit halves. */
export function interleave(lat: number, lon: number): [number, number] {
  const lo = (spread16(lat) | (spread16(lon) << 1)) >>> 0;
  const hi = (spread16(lat >>> 16) | (spread16(lon >>> 16) << 1)) >>> 0;
  return [hi, lo];
}

/** deinterleave64: [lat index, lon index] of a 64-bit hash given as halves. */
export function deinterleave(hi: number, lo: number): [number, number] {
  const lat = (compact16(lo) | (compact16(hi) << 16)) >>> 0;
  const lon = (compact16(lo >>> 1) | (compact16(hi >>> 1) << 16)) >>> 0;
  return [lat, lon];
}

/** C's conversion of a double in [0, 2^32) to uint32_t (truncation). */
function toU32(d: number): number {
  return Math.trunc(d) >>> 0;
}

/**
 * geohashEncode: the cell of (longitude, latitude) at `step` within the given ranges, or null when the
 * point lies outside the WGS84 limits or the ranges.
 */
export function encode(
  longRange: Range,
  latRange: Range,
  longitude: number,
  latitude: number,
  step: number,
): HashBits | null {
  if (step > 32 || step === 0) return null;
  if (
    longitude > GEO_LONG_MAX || longitude < GEO_LONG_MIN || latitude > GEO_LAT_MAX || latitude < GEO_LAT_MIN
  ) return null;
  if (
    latitude < latRange.min || latitude > latRange.max || longitude < longRange.min ||
    longitude > longRange.max
  ) return null;
  let latOffset = (latitude - latRange.min) / (latRange.max - latRange.min);
  let longOffset = (longitude - longRange.min) / (longRange.max - longRange.min);
  latOffset *= 2 ** step;
  longOffset *= 2 ** step;
  const [hi, lo] = interleave(toU32(latOffset), toU32(longOffset));
  return { bits: (BigInt(hi) << 32n) | BigInt(lo), step };
}

/** geohashEncodeWGS84. */
export function encodeWGS84(longitude: number, latitude: number, step: number): HashBits | null {
  return encode(WGS84_LONG, WGS84_LAT, longitude, latitude, step);
}

/** geohashAlign52Bits: the cell's bits shifted to a 52-bit score prefix (a uint64). */
export function align52(hash: HashBits): bigint {
  return (hash.bits << BigInt(52 - hash.step * 2)) & 0xffffffffffffffffn;
}

/**
 * The score GEOADD stores for a valid position: the 26-step hash as an integer, read back as a double the
 * way strtod reads the decimal text (round to nearest even).
 */
export function scoreFor(longitude: number, latitude: number): number {
  const h = encodeWGS84(longitude, latitude, GEO_STEP_MAX);
  if (h === null) throw new RangeError("position out of range");
  return Number(align52(h));
}

/** geohashDecode: the cell's bounds, or null for a zeroed cell. */
export function decode(longRange: Range, latRange: Range, hash: HashBits): Area | null {
  if (hash.bits === 0n && hash.step === 0) return null;
  const hi = Number((hash.bits >> 32n) & 0xffffffffn);
  const lo = Number(hash.bits & 0xffffffffn);
  return decodeHalves(longRange, latRange, hi, lo, hash.step);
}

function decodeHalves(longRange: Range, latRange: Range, hi: number, lo: number, step: number): Area {
  const [ilato, ilono] = deinterleave(hi, lo);
  const latScale = latRange.max - latRange.min;
  const longScale = longRange.max - longRange.min;
  const div = 2 ** step;
  return {
    latitude: {
      min: latRange.min + (ilato * 1.0 / div) * latScale,
      max: latRange.min + (((ilato + 1) >>> 0) * 1.0 / div) * latScale,
    },
    longitude: {
      min: longRange.min + (ilono * 1.0 / div) * longScale,
      max: longRange.min + (((ilono + 1) >>> 0) * 1.0 / div) * longScale,
    },
  };
}

/**
 * C's `(uint64_t)score` on x86-64 as two 32-bit halves: truncation; negative values wrap (two's complement
 * of the int64), values at or past 2^64 give 0, values at or below -2^63 and NaN give 2^63.
 */
export function scoreToHalves(score: number): [number, number] {
  if (score >= 0 && score < 9007199254740992) {
    const t = Math.trunc(score);
    const hi = Math.floor(t / TWO32);
    return [hi, t - hi * TWO32];
  }
  let v: bigint;
  if (Number.isNaN(score) || score <= -9223372036854775808) v = 1n << 63n;
  else if (score >= 18446744073709551616) v = 0n;
  else v = BigInt.asUintN(64, BigInt(Math.trunc(score)));
  return [Number(v >> 32n), Number(v & 0xffffffffn)];
}

/**
 * decodeGeohash: the position a stored score stands for, the centre of its 26-step cell, clamped to the
 * WGS84 limits. Always succeeds (a 26-step cell is never the zeroed cell).
 */
export function decodeScore(score: number): [number, number] {
  const [hi, lo] = scoreToHalves(score);
  const area = decodeHalves(WGS84_LONG, WGS84_LAT, hi, lo, GEO_STEP_MAX);
  let x = (area.longitude.min + area.longitude.max) / 2;
  if (x > GEO_LONG_MAX) x = GEO_LONG_MAX;
  if (x < GEO_LONG_MIN) x = GEO_LONG_MIN;
  let y = (area.latitude.min + area.latitude.max) / 2;
  if (y > GEO_LAT_MAX) y = GEO_LAT_MAX;
  if (y < GEO_LAT_MIN) y = GEO_LAT_MIN;
  return [x, y];
}

const GEOALPHABET = "0123456789bcdefghjkmnpqrstuvwxyz";

/** The standard 11-character geohash (latitude range ±90) of a stored score, as GEOHASH prints it. */
export function geohashString(score: number): string {
  const [x, y] = decodeScore(score);
  const h = encode({ min: -180, max: 180 }, { min: -90, max: 90 }, x, y, 26);
  const bits = h === null ? 0n : h.bits;
  let s = "";
  for (let i = 0; i < 11; i++) {
    const idx = i === 10 ? 0 : Number((bits >> BigInt(52 - (i + 1) * 5)) & 0x1fn);
    s += GEOALPHABET[idx];
  }
  return s;
}

// ---------------------------------------------------------------------------------------------------------
// Neighbours
// ---------------------------------------------------------------------------------------------------------

const EVEN = 0x5555555555555555n;
const ODD = 0xaaaaaaaaaaaaaaaan;
const U64 = 0xffffffffffffffffn;

function moveX(hash: HashBits, d: number): HashBits {
  if (d === 0) return hash;
  const shift = BigInt(64 - hash.step * 2);
  let x = hash.bits & ODD;
  const y = hash.bits & EVEN;
  const zz = EVEN >> shift;
  if (d > 0) x = (x + (zz + 1n)) & U64;
  else {
    x = x | zz;
    x = (x - (zz + 1n)) & U64;
  }
  x &= ODD >> shift;
  return { bits: x | y, step: hash.step };
}

function moveY(hash: HashBits, d: number): HashBits {
  if (d === 0) return hash;
  const shift = BigInt(64 - hash.step * 2);
  const x = hash.bits & ODD;
  let y = hash.bits & EVEN;
  const zz = ODD >> shift;
  if (d > 0) y = (y + (zz + 1n)) & U64;
  else {
    y = y | zz;
    y = (y - (zz + 1n)) & U64;
  }
  y &= EVEN >> shift;
  return { bits: x | y, step: hash.step };
}

export interface Neighbors {
  north: HashBits;
  south: HashBits;
  east: HashBits;
  west: HashBits;
  northEast: HashBits;
  northWest: HashBits;
  southEast: HashBits;
  southWest: HashBits;
}

/** geohashNeighbors: the 8 cells around `hash` at its step (wrapping around at the range edges). */
export function neighbors(hash: HashBits): Neighbors {
  return {
    east: moveX(hash, 1),
    west: moveX(hash, -1),
    south: moveY(hash, -1),
    north: moveY(hash, 1),
    northWest: moveY(moveX(hash, -1), 1),
    northEast: moveY(moveX(hash, 1), 1),
    southEast: moveY(moveX(hash, 1), -1),
    southWest: moveY(moveX(hash, -1), -1),
  };
}

// ---------------------------------------------------------------------------------------------------------
// Shapes and distances
// ---------------------------------------------------------------------------------------------------------

/** A search area: a circle (radius) or a box (width × height), in `conversion` meters per unit. */
export interface Shape {
  /** Centre: longitude, latitude. */
  x: number;
  y: number;
  conversion: number;
  circle: boolean;
  radius: number;
  width: number;
  height: number;
}

function degRad(ang: number): number {
  return ang * D_R;
}

function radDeg(ang: number): number {
  return ang / D_R;
}

/** geohashEstimateStepsByRadius: the coarsest step whose cells still cover `rangeMeters`. */
export function estimateSteps(rangeMeters: number, lat: number): number {
  if (rangeMeters === 0) return 26;
  let step = 1;
  while (rangeMeters < MERCATOR_MAX) {
    rangeMeters *= 2;
    step++;
  }
  step -= 2;
  if (lat > 66 || lat < -66) {
    step--;
    if (lat > 80 || lat < -80) step--;
  }
  if (step < 1) step = 1;
  if (step > 26) step = 26;
  return step;
}

/** geohashBoundingBox: [minLon, minLat, maxLon, maxLat] around the shape. */
export function boundingBox(shape: Shape): [number, number, number, number] {
  const longitude = shape.x;
  const latitude = shape.y;
  const height = shape.conversion * (shape.circle ? shape.radius : shape.height / 2);
  const width = shape.conversion * (shape.circle ? shape.radius : shape.width / 2);
  const latDelta = radDeg(height / EARTH_RADIUS_IN_METERS);
  const longDeltaTop = radDeg(width / EARTH_RADIUS_IN_METERS / Math.cos(degRad(latitude + latDelta)));
  const longDeltaBottom = radDeg(width / EARTH_RADIUS_IN_METERS / Math.cos(degRad(latitude - latDelta)));
  const south = latitude < 0;
  return [
    south ? longitude - longDeltaBottom : longitude - longDeltaTop,
    latitude - latDelta,
    south ? longitude + longDeltaBottom : longitude + longDeltaTop,
    latitude + latDelta,
  ];
}

const ZERO: HashBits = { bits: 0n, step: 0 };

/**
 * geohashCalculateAreasByShapeWGS84: the 9 cells to scan, in Valkey's order (self, N, S, E, W, NE, NW, SE,
 * SW); cells that cannot hold a match are zeroed.
 */
export function searchCells(shape: Shape): HashBits[] {
  const [minLon, minLat, maxLon, maxLat] = boundingBox(shape);
  const radiusMeters =
    (shape.circle
      ? shape.radius
      : Math.sqrt((shape.width / 2) * (shape.width / 2) + (shape.height / 2) * (shape.height / 2))) *
    shape.conversion;
  let steps = estimateSteps(radiusMeters, shape.y);
  const at = (s: number): HashBits =>
    encode(WGS84_LONG, WGS84_LAT, shape.x, shape.y, s) ?? { bits: 0n, step: s };
  let hash = at(steps);
  let n = neighbors(hash);
  let area = decode(WGS84_LONG, WGS84_LAT, hash);
  let decrease = false;
  {
    const north = decode(WGS84_LONG, WGS84_LAT, n.north);
    const south = decode(WGS84_LONG, WGS84_LAT, n.south);
    const east = decode(WGS84_LONG, WGS84_LAT, n.east);
    const west = decode(WGS84_LONG, WGS84_LAT, n.west);
    if (north !== null && north.latitude.max < maxLat) decrease = true;
    if (south !== null && south.latitude.min > minLat) decrease = true;
    if (east !== null && east.longitude.max < maxLon) decrease = true;
    if (west !== null && west.longitude.min > minLon) decrease = true;
  }
  if (steps > 1 && decrease) {
    steps--;
    hash = at(steps);
    n = neighbors(hash);
    area = decode(WGS84_LONG, WGS84_LAT, hash);
  }
  if (steps >= 2 && area !== null) {
    if (area.latitude.min < minLat) n.south = n.southWest = n.southEast = ZERO;
    if (area.latitude.max > maxLat) n.north = n.northEast = n.northWest = ZERO;
    if (area.longitude.min < minLon) n.west = n.southWest = n.northWest = ZERO;
    if (area.longitude.max > maxLon) n.east = n.southEast = n.northEast = ZERO;
  }
  return [hash, n.north, n.south, n.east, n.west, n.northEast, n.northWest, n.southEast, n.southWest];
}

/** geohashGetLatDistance. */
export function latDistance(lat1d: number, lat2d: number): number {
  return EARTH_RADIUS_IN_METERS * Math.abs(degRad(lat2d) - degRad(lat1d));
}

/** geohashGetDistance: haversine distance in meters. */
export function distance(lon1d: number, lat1d: number, lon2d: number, lat2d: number): number {
  const lon1r = degRad(lon1d);
  const lon2r = degRad(lon2d);
  const v = Math.sin((lon2r - lon1r) / 2);
  if (v === 0) return latDistance(lat1d, lat2d);
  const lat1r = degRad(lat1d);
  const lat2r = degRad(lat2d);
  const u = Math.sin((lat2r - lat1r) / 2);
  const a = u * u + Math.cos(lat1r) * Math.cos(lat2r) * v * v;
  return 2.0 * EARTH_RADIUS_IN_METERS * Math.asin(Math.sqrt(a));
}

/**
 * geoWithinShape after decoding: the distance from the shape's centre to (x, y) in meters, or -1 when the
 * point is outside the shape.
 */
export function distanceInShape(shape: Shape, x: number, y: number): number {
  if (shape.circle) {
    const d = distance(shape.x, shape.y, x, y);
    return d > shape.radius * shape.conversion ? -1 : d;
  }
  const widthM = shape.width * shape.conversion;
  const heightM = shape.height * shape.conversion;
  if (latDistance(y, shape.y) > heightM / 2) return -1;
  if (distance(x, y, shape.x, y) > widthM / 2) return -1;
  return distance(shape.x, shape.y, x, y);
}

/** C printf `%f` (6 decimals, round half to even on the exact binary value). */
export function formatF6(d: number): string {
  if (Number.isNaN(d)) return d < 0 ? "-nan" : "nan";
  if (!Number.isFinite(d)) return d < 0 ? "-inf" : "inf";
  const neg = d < 0 || Object.is(d, -0);
  const a = Math.abs(d);
  // Exact: a = m * 2^e.
  const buf = new DataView(new ArrayBuffer(8));
  buf.setFloat64(0, a);
  const hiw = buf.getUint32(0);
  const low = buf.getUint32(4);
  const bexp = (hiw >>> 20) & 0x7ff;
  let m = (BigInt(hiw & 0xfffff) << 32n) | BigInt(low);
  let e: number;
  if (bexp === 0) e = -1074;
  else {
    m |= 1n << 52n;
    e = bexp - 1075;
  }
  let q: bigint;
  if (e >= 0) q = (m << BigInt(e)) * 1000000n;
  else {
    const k = BigInt(-e);
    const scaled = m * 1000000n;
    q = scaled >> k;
    const r2 = (scaled - (q << k)) * 2n;
    const half = 1n << k;
    if (r2 > half || (r2 === half && (q & 1n) === 1n)) q += 1n;
  }
  const s = q.toString().padStart(7, "0");
  return (neg ? "-" : "") + s.slice(0, s.length - 6) + "." + s.slice(s.length - 6);
}
