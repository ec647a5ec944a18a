import assert from "node:assert/strict";
import {
  asciiBytes,
  bytesToAscii,
  eqIgnoreCase,
  formatDouble,
  formatFixedPoint,
  formatInt,
  formatLongDouble,
  LongDouble,
  lowerAscii,
  parseDouble,
  parseI64,
  parseInt64,
  parseLongDouble,
  parseU64,
  utf8,
} from "./numbers.ts";

const enc = new TextEncoder();
const b = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));
const f64 = new Float64Array(1);
const u64 = new BigUint64Array(f64.buffer);
const bitsOf = (d: number) => {
  f64[0] = d;
  return u64[0]!.toString(16).padStart(16, "0");
};

// Reference vectors below were produced by a C harness linked with Valkey 8.1.1's deps/fpconv (fpconv_dtoa)
// and glibc's strtod / strtold / printf("%.17Lf", "%.17Lg") on x86-64, i.e. the code paths of d2string,
// string2d, string2ld and ld2string. LD_STR_HUMAN trimming (zeros, dot, "-0") is applied to "%.17Lf".

const DTOA: [number, string][] = [
  [0.1, "0.1"],
  [0.2, "0.2"],
  [0.3, "0.3"],
  [0.3333333333333333, "0.3333333333333333"],
  [0.6666666666666666, "0.6666666666666666"],
  [1.5e-7, "1.5e-7"],
  [1e-7, "1e-7"],
  [0.000001, "0.000001"],
  [123456.789, "123456.789"],
  [12345.6789012, "1.23456789012e+4"],
  [0.00012345678, "1.2345678e-4"],
  [1e+21, "1e+21"],
  [1e+22, "1e+22"],
  [1e+23, "99999999999999990000000"],
  [1.7976931348623157e+308, "1.7976931348623157e+308"],
  [5e-324, "5e-324"],
  [2.2250738585072014e-308, "2.2250738585072014e-308"],
  [9223372036854776000, "9223372036854776000"],
  [12000000000000000000, "1.2e+19"],
  [3.14159, "3.14159"],
  [-2.5, "-2.5"],
  [0.5, "0.5"],
  [1e-300, "1e-300"],
  [0.000017, "0.000017"],
  [6.02214076e+23, "6.02214076e+23"],
  [299792.458, "299792.458"],
  [-0.001, "-0.001"],
  [0.30000000000000004, "0.30000000000000004"],
  [100.25, "100.25"],
  [1.0000000000000002, "1.0000000000000002"],
  [-3.516383086226184e-249, "-3.516383086226184e-249"],
  [-20552387.418486472, "-2.0552387418486472e+7"],
  [4.20391841921486e+266, "4.20391841921486e+266"],
  [-4.890869070085818e-14, "-4.890869070085818e-14"],
  [-4.844884663917258e-18, "-4.844884663917258e-18"],
  [0.0930626, "0.0930626"],
  [5.976026853799665e+113, "5.976026853799665e+113"],
  [-2.7634311608468138e+48, "-2.7634311608468138e+48"],
  [6.658519113270833e+159, "6.658519113270833e+159"],
  [-1.7385564312129373e-201, "-1.7385564312129373e-201"],
  [474.0643640344982, "474.0643640344982"],
  [1.52141, "1.52141"],
  [-4.1310483486377694e-19, "-4.1310483486377694e-19"],
  [17.6553, "17.6553"],
  [6.36049128729932e-7, "6.36049128729932e-7"],
  [-4.83468663974843e-208, "-4.83468663974843e-208"],
  [0.0222502, "0.0222502"],
  [4.409491246146411e-16, "4.409491246146411e-16"],
  [3.70094, "3.70094"],
  [53126.2, "53126.2"],
  [1.3770288713914027e-75, "1.3770288713914027e-75"],
  [-4263761.036664368, "-4.263761036664368e+6"],
  [5.030694790308332e-14, "5.030694790308332e-14"],
  [-0.0019876842055972246, "-0.0019876842055972246"],
  [-0.027969617760295495, "-0.027969617760295495"],
  [0.354175, "0.354175"],
  [2352422.9422418973, "2.3524229422418973e+6"],
  [-2.5937221903036724e+193, "-2.5937221903036724e+193"],
  [-4.803479555070644e-13, "-4.803479555070644e-13"],
  [0.75442, "0.75442"],
  [0.00917308, "0.00917308"],
  [-1.948342964062034e-274, "-1.948342964062034e-274"],
  [-8.701683205321165e-18, "-8.701683205321165e-18"],
  [-2.6121287971291957e-138, "-2.6121287971291957e-138"],
  [-4.571364957860997e-7, "-4.571364957860997e-7"],
  [-1.4655022510155542e-28, "-1.4655022510155542e-28"],
  [0.84107, "0.84107"],
  [-1.4326099644709318e+38, "-1.4326099644709318e+38"],
  [-4.646379259591496, "-4.646379259591496"],
  [5.1448352107456926e+269, "5.1448352107456926e+269"],
  [0.00825023, "0.00825023"],
  [426.898, "426.898"],
  [4.63142207431803e-15, "4.63142207431803e-15"],
  [2.424698566633762e-7, "2.424698566633762e-7"],
  [1.1555974763648599e+170, "1.1555974763648599e+170"],
  [5.93342962150536e+240, "5.93342962150536e+240"],
  [0.000023283975289920317, "2.3283975289920317e-5"],
  [9.487065245933459e+54, "9.487065245933459e+54"],
  [186.891, "186.891"],
  [2.4143725876574094e-17, "2.4143725876574094e-17"],
  [38856.5, "38856.5"],
  [2.08887, "2.08887"],
  [-1615154293836976.8, "-1615154293836976.7"],
  [5.821734644940651e-259, "5.821734644940651e-259"],
  [8.857689097733572e+97, "8.857689097733572e+97"],
  [859895955447854000000, "859895955447854000000"],
  [41248.4, "41248.4"],
  [73413.5, "73413.5"],
  [-0.04190660473750393, "-0.04190660473750393"],
  [-3.503884968633433e-241, "-3.503884968633433e-241"],
  [-3719569.731424177, "-3.719569731424177e+6"],
  [4925.52, "4925.52"],
  [16.5418, "16.5418"],
  [0.00223233, "0.00223233"],
  [0.00463504, "0.00463504"],
  [-40922.12325360188, "-4.092212325360188e+4"],
  [3.3001228194983517e+198, "3.3001228194983517e+198"],
  [-0.00040443652196055826, "-4.0443652196055826e-4"],
  [8.23673, "8.23673"],
  [4.343850874658254e-184, "4.343850874658254e-184"],
  [-2.639041974251383e+244, "-2.639041974251383e+244"],
  [6610.34, "6610.34"],
  [-2.136033663820258, "-2.136033663820258"],
  [-32398.796990095492, "-3.2398796990095492e+4"],
  [-21662976.082542527, "-2.1662976082542527e+7"],
  [0.00014858948620338498, "1.4858948620338498e-4"],
  [148.477, "148.477"],
  [7513.9, "7513.9"],
  [0.064328, "0.064328"],
  [96.5433, "96.5433"],
  [47.786555806001694, "47.786555806001694"],
  [0.00188001, "0.00188001"],
  [2.1534116155047155e-17, "2.1534116155047155e-17"],
  [-433121985.8190426, "-4.331219858190426e+8"],
  [0.00426633, "0.00426633"],
  [-1.5170265355020705e-21, "-1.5170265355020705e-21"],
  [636.5, "636.5"],
  [4.714190932461736e-121, "4.714190932461736e-121"],
  [9.12249946267441e-286, "9.12249946267441e-286"],
  [-4.7965069110056305e-197, "-4.7965069110056305e-197"],
  [59.8908, "59.8908"],
  [-8.666315207914197e+59, "-8.666315207914197e+59"],
  [82.597, "82.597"],
  [0.0083486, "0.0083486"],
  [-7.370641174476283e+204, "-7.370641174476283e+204"],
  [-3.90831740135145e-19, "-3.90831740135145e-19"],
  [-4.974642305264238e+278, "-4.974642305264238e+278"],
  [7.873487418748413e-103, "7.873487418748413e-103"],
  [0.0276911, "0.0276911"],
  [272300.38636380824, "2.7230038636380824e+5"],
  [-2132568463232842.2, "-2132568463232842.3"],
  [-1.2891843891224606e-111, "-1.2891843891224606e-111"],
  [1.3179515979618519e-31, "1.3179515979618519e-31"],
  [0.124515, "0.124515"],
  [0.342262, "0.342262"],
  [-1.5551781702890633e+69, "-1.5551781702890633e+69"],
  [951.9993361382118, "951.9993361382118"],
  [67.3032, "67.3032"],
  [0.0498756, "0.0498756"],
  [1.7412907552629212e+41, "1.7412907552629212e+41"],
  [0.0233556, "0.0233556"],
  [-19542.92129847349, "-1.954292129847349e+4"],
  [-2.135870698082572e+22, "-21358706980825720000000"],
  [1.9641258284361756e+282, "1.9641258284361756e+282"],
  [0.666324, "0.666324"],
  [4.746320389060989e-19, "4.746320389060989e-19"],
  [1.5608736388615467e+153, "1.5608736388615467e+153"],
  [0.234858, "0.234858"],
  [0.0052043, "0.0052043"],
  [11.9672, "11.9672"],
  [0.00407846, "0.00407846"],
  [-3.4673728180456658e+53, "-3.4673728180456658e+53"],
  [2.975813253508726e-19, "2.975813253508726e-19"],
  [-34518665.58552719, "-3.451866558552719e+7"],
  [97196.9, "97196.9"],
  [31396791307872.395, "31396791307872.395"],
  [4.523846255853925e-13, "4.523846255853925e-13"],
  [0.3478107677507334, "0.3478107677507334"],
];
const STRTOD: [string, string | null][] = [
  ["1e3", "408f400000000000"],
  ["1E3", "408f400000000000"],
  ["+1.5", "3ff8000000000000"],
  ["-1.5", "bff8000000000000"],
  [".5", "3fe0000000000000"],
  ["5.", "4014000000000000"],
  ["-.5e1", "c014000000000000"],
  ["0x10", "4030000000000000"],
  ["0X1p-3", "3fc0000000000000"],
  ["0x1.8p1", "4008000000000000"],
  ["0x.8", "3fe0000000000000"],
  ["0x1.", "3ff0000000000000"],
  ["0x1p-1074", "0000000000000001"],
  ["0x1p-1075", null],
  ["0x1.8p-1075", "0000000000000001"],
  ["0x1p1024", null],
  ["0x1.fffffffffffff8p1023", null],
  ["1e-310", "000012688b70e62b"],
  ["4.9e-324", "0000000000000001"],
  ["2.4703282292062327e-324", null],
  ["2.4703282292062328e-324", "0000000000000001"],
  ["1.7976931348623157e308", "7fefffffffffffff"],
  ["1.7976931348623158e308", "7fefffffffffffff"],
  ["1.7976931348623159e308", null],
  ["1e400", null],
  ["1e-400", null],
  ["0e-400", "0000000000000000"],
  ["0.0000", "0000000000000000"],
  ["-0", "8000000000000000"],
  ["inf", "7ff0000000000000"],
  ["-inf", "fff0000000000000"],
  ["+inf", "7ff0000000000000"],
  ["INF", "7ff0000000000000"],
  ["Infinity", "7ff0000000000000"],
  ["-infinity", "fff0000000000000"],
  ["infinit", null],
  ["nan", null],
  ["NaN", null],
  ["-nan", null],
  [" 1", null],
  ["1 ", null],
  ["", null],
  ["1e", null],
  ["1e+", null],
  ["e5", null],
  [".", null],
  ["-", null],
  ["+", null],
  ["0x", null],
  ["0xg", null],
  ["0x1p", null],
  ["1.2.3", null],
  ["1,5", null],
  ["123456789012345678901234567890", "45f8ee90ff6c373e"],
  ["0.1000000000000000055511151231257827021181583404541015625", "3fb999999999999a"],
  ["9007199254740993", "4340000000000000"],
  ["9007199254740993.0000000001", "4340000000000001"],
  ["1_000", null],
  ["١", null],
];
const STRTOLD: [string, string | null, string | null][] = [
  ["0.1", "0.1", "0.1"],
  ["0.3", "0.3", "0.3"],
  ["10.6", "10.6", "10.6"],
  ["3.0e3", "3000", "3000"],
  ["5200", "5200", "5200"],
  ["1.23456789012345678", "1.23456789012345678", "1.2345678901234568"],
  ["1.2e4932", null, null],
  ["1e-4951", null, null],
  ["3.6e-4951", "0", "3.6451995318824746e-4951"],
  ["1.8e-4951", null, null],
  ["1.9e-4951", "0", "3.6451995318824746e-4951"],
  ["1e-400", "0", "1e-400"],
  ["-1e-30", "0", "-1e-30"],
  ["123456789012345678901234567890", "123456789012345678899921813504", "1.2345678901234568e+29"],
  ["0x1p-16445", "0", "3.6451995318824746e-4951"],
  ["0x1p16384", null, null],
  ["-0", "0", "-0"],
  ["inf", "inf", "inf"],
  ["-inf", "-inf", "-inf"],
  ["nan", null, null],
  ["1e", null, null],
  ["", null, null],
  [" 1", null, null],
  ["0.00000000000000000499", "0", "4.99e-18"],
  ["0.000000000000000005", "0", "5e-18"],
  ["0.0000000000000000051", "0.00000000000000001", "5.1e-18"],
  ["0.000000000000000015", "0.00000000000000002", "1.5e-17"],
  ["99999999999999999.999999999", "100000000000000000", "1e+17"],
  ["1e17", "100000000000000000", "1e+17"],
  ["1e16", "10000000000000000", "10000000000000000"],
  ["1e-5", "0.00001", "1e-05"],
  ["123.456e-10", "0.0000000123456", "1.23456e-08"],
  ["-7.5", "-7.5", "-7.5"],
];
const LDADD: [string, string, string, string][] = [
  ["0", "0.1", "0.1", "0.1"],
  ["0.1", "0.2", "0.3", "0.3"],
  ["0.2", "0.1", "0.3", "0.3"],
  ["0.3", "1.23456789012345678", "1.53456789012345678", "1.5345678901234568"],
  ["10.5", "0.1", "10.6", "10.6"],
  ["5.0e3", "2.0e2", "5200", "5200"],
  ["3.0e3", "0", "3000", "3000"],
  ["1", "-1", "0", "0"],
  ["-0", "-0", "0", "-0"],
  ["0.1", "-0.1", "0", "0"],
  ["1e20", "1", "100000000000000000000", "1e+20"],
  ["1e-20", "1", "1", "1"],
  ["123.456", "-123.455", "0.001", "0.0010000000000000009"],
  ["0.333333333333333333", "0.666666666666666667", "1", "1"],
  ["1.1", "2.2", "3.3", "3.3"],
  ["-5.5", "2.25", "-3.25", "-3.25"],
  ["9223372036854775807", "1", "9223372036854775808", "9.2233720368547758e+18"],
  ["0.1", "1e-18", "0.1", "0.1"],
  ["17179869184.5", "0.25", "17179869184.75", "17179869184.75"],
];
const DLD: [number, string, string][] = [
  [0.1, "0.10000000000000001", "0.10000000000000001"],
  [1.1, "1.10000000000000009", "1.1000000000000001"],
  [0.3, "0.29999999999999999", "0.29999999999999999"],
  [13.361389338970184, "13.36138933897018433", "13.361389338970184"],
  [38.1155563954963, "38.11555639549629859", "38.115556395496299"],
  [-122.27652043104172, "-122.27652043104171753", "-122.27652043104172"],
  [5e-324, "0", "4.9406564584124654e-324"],
  [123456789.123, "123456789.12299999594688416", "123456789.123"],
  [-0.5, "-0.5", "-0.5"],
  [0.00001, "0.00001", "1.0000000000000001e-05"],
  [0.000025, "0.000025", "2.5000000000000001e-05"],
  [100000000000000000, "100000000000000000", "1e+17"],
  [10000000000000000, "10000000000000000", "10000000000000000"],
  [1.5, "1.5", "1.5"],
  [100, "100", "100"],
  [-16.391358762457088, "-16.39135876245708801", "-16.391358762457088"],
  [24.13762038621877, "24.13762038621877082", "24.137620386218771"],
  [26.270556637317156, "26.2705566373171564", "26.270556637317156"],
  [106.36263713903493, "106.36263713903493056", "106.36263713903493"],
  [4.088208006623049, "4.08820800662304862", "4.0882080066230486"],
  [113.52311439317032, "113.52311439317031727", "113.52311439317032"],
  [-128.5573848425558, "-128.55738484255579124", "-128.55738484255579"],
  [88.6720717134992, "88.67207171349919292", "88.672071713499193"],
  [-75.820032600809, "-75.8200326008090002", "-75.820032600809"],
  [22.143582475469795, "22.14358247546979541", "22.143582475469795"],
  [-105.00217268915361, "-105.00217268915361046", "-105.00217268915361"],
  [6.015136889825472, "6.01513688982547201", "6.015136889825472"],
  [-71.89297194659129, "-71.8929719465912882", "-71.892971946591288"],
  [142.97446363392945, "142.9744636339294459", "142.97446363392945"],
  [-179.78686006153694, "-179.78686006153694166", "-179.78686006153694"],
  [47.76786749628323, "47.76786749628323037", "47.76786749628323"],
  [-128.58917551616776, "-128.58917551616775654", "-128.58917551616776"],
  [33.54283799472381, "33.54283799472381133", "33.542837994723811"],
  [-9.557826745841247, "-9.55782674584124692", "-9.5578267458412469"],
  [60.25363301296821, "60.2536330129682085", "60.253633012968209"],
  [66.5080016312131, "66.50800163121310504", "66.508001631213105"],
  [83.84380107065037, "83.8438010706503718", "83.843801070650372"],
  [114.03660778804068, "114.03660778804068343", "114.03660778804068"],
  [146.88666529114087, "146.88666529114087211", "146.88666529114087"],
];

Deno.test("parseI64 accepts exactly string2ll's integers", () => {
  const ok: [string, bigint][] = [
    ["0", 0n],
    ["1", 1n],
    ["-1", -1n],
    ["123", 123n],
    ["9223372036854775807", 9223372036854775807n],
    ["-9223372036854775808", -9223372036854775808n],
    ["-1000000000000000000", -1000000000000000000n],
    ["1000000000000000000", 10n ** 18n],
  ];
  for (const [s, v] of ok) assert.equal(parseI64(b(s)), v, s);
  const bad = [
    "",
    "-",
    "-0",
    "01",
    "00",
    "+1",
    " 1",
    "1 ",
    "1.0",
    "1e3",
    "0x10",
    ".5",
    "5.",
    "9223372036854775808",
    "-9223372036854775809",
    "99999999999999999999",
    "123456789012345678901",
    "1\u0000",
    "١",
  ];
  for (const s of bad) assert.equal(parseI64(b(s)), null, JSON.stringify(s));
});

Deno.test("parseInt64 returns numbers only inside the safe integer range", () => {
  assert.equal(parseInt64(b("0")), 0);
  assert.equal(parseInt64(b("-42")), -42);
  assert.equal(parseInt64(b("9007199254740991")), 9007199254740991);
  assert.equal(parseInt64(b("-9007199254740991")), -9007199254740991);
  assert.equal(parseInt64(b("9007199254740992")), null);
  assert.equal(parseInt64(b("-9007199254740993")), null);
  assert.equal(parseInt64(b("12345678901234567")), null);
  assert.equal(parseInt64(b("9223372036854775807")), null);
  assert.equal(parseI64(b("9223372036854775807")), 9223372036854775807n);
  for (const s of ["", "-0", "01", "+1", " 1", "1x", "1.5", "-", "00000000000000001"]) {
    assert.equal(parseInt64(b(s)), null, s);
  }
  for (let i = -1000; i <= 1000; i += 7) assert.equal(parseInt64(b(String(i))), i);
});

Deno.test("parseU64 follows string2ull including strtoull's leniencies", () => {
  assert.equal(parseU64(b("0")), 0n);
  assert.equal(parseU64(b("18446744073709551615")), 18446744073709551615n);
  assert.equal(parseU64(b("18446744073709551616")), null);
  assert.equal(parseU64(b("-1")), null);
  assert.equal(parseU64(b(" -1")), 18446744073709551615n);
  assert.equal(parseU64(b("-0")), 0n);
  assert.equal(parseU64(b("+5")), 5n);
  assert.equal(parseU64(b("007")), 7n);
  assert.equal(parseU64(b("\t 12")), 12n);
  assert.equal(parseU64(b("5\u0000abc")), 5n); // a C string ends at NUL
  assert.equal(parseU64(b(" 7\u0000 ")), 7n);
  for (const s of ["", " ", "5 ", "1.0", "0x10", "1e3", "+", "-", "\u00001"]) {
    assert.equal(parseU64(b(s)), null, s);
  }
});

Deno.test("parseDouble matches string2d on glibc byte for byte", () => {
  for (const [s, bits] of STRTOD) {
    const v = parseDouble(b(s));
    assert.equal(v === null ? null : bitsOf(v), bits, JSON.stringify(s));
  }
});

Deno.test("parseDouble covers the brief's edge cases", () => {
  assert.equal(parseDouble(b("1e3")), 1000);
  assert.equal(parseDouble(b("inf")), Infinity);
  assert.equal(parseDouble(b("-inf")), -Infinity);
  assert.equal(parseDouble(b("nan")), null);
  assert.equal(parseDouble(b("0x10")), 16);
  assert.equal(parseDouble(b(".5")), 0.5);
  assert.equal(parseDouble(b("5.")), 5);
  assert.ok(Object.is(parseDouble(b("-0")), -0));
  assert.equal(parseDouble(b("01")), 1);
  assert.equal(parseDouble(b(" 1")), null);
  assert.equal(parseDouble(b("1\u0000")), null);
});

Deno.test("formatDouble reproduces fpconv's Grisu2 output digit for digit", () => {
  for (const [d, s] of DTOA) assert.equal(formatDouble(d), s, String(d));
});

Deno.test("formatDouble prints integers, zeros and specials like d2string", () => {
  assert.equal(formatDouble(0), "0");
  assert.equal(formatDouble(-0), "-0");
  assert.equal(formatDouble(NaN), "nan");
  assert.equal(formatDouble(Infinity), "inf");
  assert.equal(formatDouble(-Infinity), "-inf");
  assert.equal(formatDouble(1), "1");
  assert.equal(formatDouble(-42), "-42");
  assert.equal(formatDouble(1e15), "1000000000000000");
  assert.equal(formatDouble(2 ** 60), "1152921504606846976");
  assert.equal(formatDouble(4611686018427387904), "4611686018427387904"); // (double)(LLONG_MAX/2)
  assert.equal(formatDouble(-4611686018427387904), "-4611686018427387904");
  // beyond it fpconv takes over
  assert.equal(formatDouble(4611686018427388928), "4611686018427389000");
  assert.equal(formatDouble(1e21), "1e+21");
  assert.equal(formatDouble(1.5e-7), "1.5e-7");
  assert.equal(formatDouble(12345.6789012), "1.23456789012e+4");
  assert.equal(formatDouble(0.1 + 0.2), "0.30000000000000004");
});

Deno.test("formatDouble round-trips through parseDouble", () => {
  let seed = 12345;
  const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  for (let i = 0; i < 3000; i++) {
    const d = (rnd() - 0.5) * Math.pow(10, Math.floor(rnd() * 60) - 30);
    assert.equal(parseDouble(enc.encode(formatDouble(d))), d);
  }
});

Deno.test("LongDouble.parse and format match strtold with %.17Lf and %.17Lg", () => {
  for (const [s, human, auto] of STRTOLD) {
    const v = LongDouble.parse(b(s));
    if (human === null) {
      assert.equal(v, null, JSON.stringify(s));
      continue;
    }
    assert.ok(v !== null, JSON.stringify(s));
    assert.equal(v.format(true), human, JSON.stringify(s));
    assert.equal(v.format(false), auto, JSON.stringify(s));
  }
});

Deno.test("LongDouble covers the extended range that float64 lacks", () => {
  const big = LongDouble.parse(b("1e400"))!;
  assert.ok(big.isFinite());
  const text = big.format(true);
  assert.equal(text.length, 401);
  assert.ok(text.startsWith("100000000000000000002818806839475865145864534336290520386259"));
  assert.ok(text.endsWith("343732497430221946880"));
  assert.equal(big.format(false), "1e+400");
  assert.equal(big.toNumber(), Infinity);
  assert.equal(parseLongDouble(b("1e400")), Infinity);
  const max = LongDouble.parse(b("1.18973149535723176502e4932"))!;
  assert.equal(max.format(true).length, 4933);
  assert.ok(max.format(true).startsWith("118973149535723176502126385303097020516906332229462420044032"));
  assert.ok(max.format(true).endsWith("419552086811989770240"));
  assert.equal(max.format(false), "1.1897314953572318e+4932");
  assert.equal(LongDouble.parse(b("1e4932"))!.format(false), "1e+4932");
  assert.equal(LongDouble.parse(b("1e5000")), null);
  assert.equal(LongDouble.parse(b("9".repeat(5119))), null); // overflow, and...
  assert.equal(LongDouble.parse(b("1".repeat(5120))), null); // ...string2ld's 5119-byte limit
  assert.equal(LongDouble.parse(b("0".repeat(5119)))!.format(true), "0");
});

Deno.test("LongDouble addition is x87-exact so INCRBYFLOAT prints what Valkey prints", () => {
  for (const [x, y, human, auto] of LDADD) {
    const s = LongDouble.parse(b(x))!.add(LongDouble.parse(b(y))!);
    assert.equal(s.format(true), human, `${x} + ${y}`);
    assert.equal(s.format(false), auto, `${x} + ${y}`);
  }
  const big = LongDouble.parse(b("1e300"))!;
  const sum = big.add(big);
  assert.equal(sum.format(false), "2e+300");
  assert.ok(
    sum.format(true).startsWith("2000000000000000000017994648159118387741047888546581495876520164642531293"),
  );
  // the brief's examples
  const incr = (cur: string | null, by: string) =>
    (cur === null ? LongDouble.ZERO : LongDouble.parse(b(cur))!).add(LongDouble.parse(b(by))!).format(true);
  assert.equal(incr(null, "0.1"), "0.1");
  assert.equal(incr("10.5", "0.1"), "10.6");
  assert.equal(incr(null, "3.0e3"), "3000");
  assert.equal(incr("5.0e3", "2.0e2"), "5200");
  // repeated increments stay "human"
  let cur: string | null = null;
  for (let i = 0; i < 10; i++) cur = incr(cur, "0.1");
  assert.equal(cur, "1");
});

Deno.test("LongDouble special values behave like C long double", () => {
  const inf = LongDouble.parse(b("inf"))!;
  const ninf = LongDouble.parse(b("-inf"))!;
  assert.equal(inf.format(true), "inf");
  assert.equal(ninf.format(false), "-inf");
  assert.ok(!inf.isFinite());
  assert.ok(inf.add(ninf).isNaN());
  assert.equal(inf.add(ninf).format(true), "nan");
  assert.ok(!inf.add(LongDouble.fromNumber(1)).isFinite());
  assert.equal(LongDouble.fromNumber(NaN).format(false), "nan");
  const max = LongDouble.parse(b("0x1.fffffffffffffffep16383"))!;
  assert.ok(!max.add(max).isFinite()); // overflow to inf: "increment would produce NaN or Infinity"
  assert.equal(LongDouble.parse(b("-0"))!.format(false), "-0");
  assert.equal(LongDouble.parse(b("-0"))!.format(true), "0");
  assert.ok(LongDouble.parse(b("-0"))!.isZero());
  assert.equal(LongDouble.fromBigInt(-9223372036854775808n).format(true), "-9223372036854775808");
  assert.equal(LongDouble.fromBigInt(123n).add(LongDouble.parse(b("0.5"))!).format(true), "123.5");
  assert.equal(LongDouble.fromBigInt(2n ** 64n + 1n).format(true), "18446744073709551616");
});

Deno.test("formatLongDouble of a double prints its exact value like ld2string", () => {
  for (const [d, human, auto] of DLD) {
    assert.equal(formatLongDouble(d, true), human, String(d));
    assert.equal(formatLongDouble(d, false), auto, String(d));
  }
  assert.equal(formatLongDouble(-0, true), "0");
  assert.equal(formatLongDouble(Infinity, true), "inf");
  assert.equal(formatLongDouble(LongDouble.parse(b("0.1"))!, true), "0.1");
});

Deno.test("parseLongDouble gives the nearest double of the long double", () => {
  assert.equal(parseLongDouble(b("0.1")), 0.1);
  assert.equal(parseLongDouble(b("1.5")), 1.5);
  assert.equal(parseLongDouble(b("-inf")), -Infinity);
  assert.equal(parseLongDouble(b("1e-400")), 0);
  assert.equal(parseLongDouble(b("nan")), null);
  assert.equal(parseLongDouble(b("1x")), null);
  assert.equal(parseLongDouble(b("0x1p-1074")), 5e-324);
  assert.equal(parseLongDouble(b("9007199254740993")), 9007199254740992); // ties to even
});

Deno.test("formatFixedPoint matches fixedpoint_d2string", () => {
  assert.equal(formatFixedPoint(0, 4), "0.0000");
  assert.equal(formatFixedPoint(0, 1), "0.0");
  assert.equal(formatFixedPoint(0.0001, 4), "0.0001");
  assert.equal(formatFixedPoint(6.0642951598391699e-05, 4), "0.0001");
  assert.equal(formatFixedPoint(0.01, 4), "0.0100");
  assert.equal(formatFixedPoint(0.01, 1), "0.0");
  assert.equal(formatFixedPoint(-0.01, 4), "-0.0100");
  assert.equal(formatFixedPoint(-0.1, 1), "-0.1");
  assert.equal(formatFixedPoint(0.1, 1), "0.1");
  assert.equal(formatFixedPoint(0.01, 17), "0.01000000000000000");
  assert.equal(formatFixedPoint(10.01, 4), "10.0100");
  assert.equal(formatFixedPoint(166274.1516, 4), "166274.1516");
  assert.equal(formatFixedPoint(-0.00001, 4), "0.0000");
  assert.equal(formatFixedPoint(0.00005, 4), "0.0000"); // 0.5 rounds to even (0)
  assert.equal(formatFixedPoint(0.00025, 4), "0.0002"); // 2.5 -> 2
  assert.throws(() => formatFixedPoint(1, 0), RangeError);
  assert.throws(() => formatFixedPoint(1, 18), RangeError);
});

Deno.test("ASCII helpers convert and compare bytes", () => {
  assert.equal(bytesToAscii(b("GET")), "GET");
  assert.equal(bytesToAscii(new Uint8Array([0, 200, 255])), "\u0000\u00c8\u00ff");
  const long = new Uint8Array(20000).map((_, i) => 65 + (i % 26));
  assert.equal(bytesToAscii(long).length, 20000);
  assert.equal(bytesToAscii(long).charCodeAt(19999), 65 + (19999 % 26));
  assert.deepEqual(asciiBytes("OK\u00ff"), new Uint8Array([79, 75, 255]));
  assert.deepEqual(utf8("é"), new Uint8Array([0xc3, 0xa9]));
  assert.ok(eqIgnoreCase(b("GeT"), "get"));
  assert.ok(eqIgnoreCase(b("get"), "get"));
  assert.ok(!eqIgnoreCase(b("gets"), "get"));
  assert.ok(!eqIgnoreCase(b("g@t"), "g`t")); // only letters fold
  assert.ok(!eqIgnoreCase(b("se["), "se{"));
  assert.equal(lowerAscii(b("HeLLo-WORLD_1")), "hello-world_1");
  assert.equal(lowerAscii(new Uint8Array([0xc9])), "\u00c9");
  assert.equal(formatInt(42), "42");
  assert.equal(formatInt(-9223372036854775808n), "-9223372036854775808");
  assert.equal(formatInt(2 ** 60), "1152921504606846976");
});
