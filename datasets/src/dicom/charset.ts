/**
 * Decoding of DICOM text values under (0008,0005) Specific Character Set (PS3.3 C.12.1.1.2,
 * PS3.5 §6.1). Applies to the VRs SH, LO, ST, LT, UC, UT and PN; all other string VRs are ASCII.
 *
 * - Single-byte and Unicode sets without code extensions: ISO_IR 6/100/101/109/110/126/127/138/
 *   144/148/166/203/13, ISO_IR 192 (UTF-8), GB18030, GBK.
 * - ISO 2022 code extensions ("ISO 2022 IR …", possibly several values): escape sequences switch
 *   the G0 (bytes < 0x80) and G1 (bytes ≥ 0x80) sets; the first value gives the initial sets and
 *   every value delimiter (\), PN delimiter (^ =) and CR/LF/TAB/FF met in a single-byte G0 set
 *   returns to them. Supported: IR 6, 13, 14, 87 (JIS X 0208), 159 (JIS X 0212), 100, 101, 109,
 *   110, 126, 127, 138, 144, 148, 166, 203, 149 (KS X 1001) and 58 (GB 2312). Bytes ≥ 0x80 met
 *   before any G1 designation use the first listed set that has a G1 half.
 * Unknown terms fall back to Latin-1 so that reading never fails on a text value.
 */

type Decoder = (bytes: Uint8Array) => string;

const latin1: Decoder = (b) => {
  let s = '';
  for (let i = 0; i < b.length; i++) s += String.fromCharCode(b[i]!);
  return s;
};

const whatwg = (label: string): Decoder => {
  const td = new TextDecoder(label);
  return (b) => td.decode(b);
};

/** JIS X 0201 Roman (IR 14): ASCII except 0x5C → YEN SIGN and 0x7E → OVERLINE. */
const jisRoman: Decoder = (b) => latin1(b).replace(/\\/g, '\u00a5').replace(/~/g, '\u203e');
/** JIS X 0201 Katakana (IR 13, G1): 0xA1–0xDF → U+FF61–U+FF9F. */
const jisKatakana: Decoder = (b) => {
  let s = '';
  for (const x of b) s += x >= 0xa1 && x <= 0xdf ? String.fromCharCode(0xff61 + x - 0xa1) : String.fromCharCode(x);
  return s;
};
const eucJp = whatwg('euc-jp');
/** JIS X 0208 in G0 (7-bit byte pairs) → EUC-JP by setting the high bits. */
const jisX0208: Decoder = (b) => eucJp(b.map((x) => x | 0x80));
/** JIS X 0212 in G0 → EUC-JP code set 3 (0x8F prefix per pair). */
const jisX0212: Decoder = (b) => {
  const out: number[] = [];
  for (let i = 0; i + 1 < b.length; i += 2) out.push(0x8f, b[i]! | 0x80, b[i + 1]! | 0x80);
  return eucJp(new Uint8Array(out));
};

const SINGLE_BYTE: Record<string, Decoder> = {
  '': latin1,
  ISO_IR_6: latin1,
  ISO_IR_100: latin1,
  ISO_IR_101: whatwg('iso-8859-2'),
  ISO_IR_109: whatwg('iso-8859-3'),
  ISO_IR_110: whatwg('iso-8859-4'),
  ISO_IR_144: whatwg('iso-8859-5'),
  ISO_IR_127: whatwg('iso-8859-6'),
  ISO_IR_126: whatwg('iso-8859-7'),
  ISO_IR_138: whatwg('iso-8859-8'),
  ISO_IR_148: whatwg('iso-8859-9'),
  ISO_IR_203: whatwg('iso-8859-15'),
  ISO_IR_166: whatwg('tis-620'),
  ISO_IR_13: whatwg('shift_jis'),
  ISO_IR_192: whatwg('utf-8'),
  GB18030: whatwg('gb18030'),
  GBK: whatwg('gbk'),
};

/** G1 sets designated by ESC - F (96-character sets, ISO 8859 upper halves). */
const G1_96: Record<string, Decoder> = {
  A: latin1,
  B: SINGLE_BYTE.ISO_IR_101!,
  C: SINGLE_BYTE.ISO_IR_109!,
  D: SINGLE_BYTE.ISO_IR_110!,
  L: SINGLE_BYTE.ISO_IR_144!,
  G: SINGLE_BYTE.ISO_IR_127!,
  F: SINGLE_BYTE.ISO_IR_126!,
  H: SINGLE_BYTE.ISO_IR_138!,
  M: SINGLE_BYTE.ISO_IR_148!,
  T: SINGLE_BYTE.ISO_IR_166!,
  b: SINGLE_BYTE.ISO_IR_203!,
};

interface CodeSet {
  decode: Decoder;
  multiByte: boolean;
}
const ASCII: CodeSet = { decode: latin1, multiByte: false };

/** Initial G0/G1 for a "ISO 2022 IR n" term (the first value of Specific Character Set). */
function initialSets(term: string): { g0: CodeSet; g1: CodeSet | undefined } {
  const n = term.replace(/^(ISO 2022 IR |ISO_IR )/, '');
  const g1: Record<string, CodeSet> = {
    '13': { decode: jisKatakana, multiByte: false },
    '100': { decode: G1_96.A!, multiByte: false },
    '101': { decode: G1_96.B!, multiByte: false },
    '109': { decode: G1_96.C!, multiByte: false },
    '110': { decode: G1_96.D!, multiByte: false },
    '144': { decode: G1_96.L!, multiByte: false },
    '127': { decode: G1_96.G!, multiByte: false },
    '126': { decode: G1_96.F!, multiByte: false },
    '138': { decode: G1_96.H!, multiByte: false },
    '148': { decode: G1_96.M!, multiByte: false },
    '166': { decode: G1_96.T!, multiByte: false },
    '203': { decode: G1_96.b!, multiByte: false },
    '149': { decode: whatwg('euc-kr'), multiByte: true },
    '58': { decode: whatwg('gbk'), multiByte: true },
  };
  const g0 = n === '13' ? { decode: jisRoman, multiByte: false } : ASCII;
  return { g0, g1: g1[n] };
}

/** Parse an escape sequence at `i` (b[i] = ESC); returns the new set and its length, or undefined. */
function escape(b: Uint8Array, i: number): { g: 0 | 1; set: CodeSet; len: number } | undefined {
  const s = String.fromCharCode(...b.subarray(i + 1, i + 4));
  if (s.startsWith('(B')) return { g: 0, set: ASCII, len: 3 };
  if (s.startsWith('(J')) return { g: 0, set: { decode: jisRoman, multiByte: false }, len: 3 };
  if (s.startsWith('$B') || s.startsWith('$@')) return { g: 0, set: { decode: jisX0208, multiByte: true }, len: 3 };
  if (s.startsWith('$(D')) return { g: 0, set: { decode: jisX0212, multiByte: true }, len: 4 };
  if (s.startsWith(')I')) return { g: 1, set: { decode: jisKatakana, multiByte: false }, len: 3 };
  if (s.startsWith('$)C')) return { g: 1, set: { decode: whatwg('euc-kr'), multiByte: true }, len: 4 };
  if (s.startsWith('$)A')) return { g: 1, set: { decode: whatwg('gbk'), multiByte: true }, len: 4 };
  if (s[0] === '-' && s[1] !== undefined && G1_96[s[1]]) return { g: 1, set: { decode: G1_96[s[1]]!, multiByte: false }, len: 3 };
  return undefined;
}

const DELIMITERS = new Set([0x5c, 0x5e, 0x3d, 0x0d, 0x0a, 0x09, 0x0c]);

function decodeIso2022(b: Uint8Array, terms: readonly string[]): string {
  const init = initialSets(terms[0] ?? '');
  // High bytes before any G1 designation: use the first listed set that has a G1 half (some
  // writers, pydicom among them, omit the escape sequence for GB 2312).
  init.g1 ??= terms.map((t) => initialSets(t).g1).find((g) => g !== undefined);
  let g0 = init.g0;
  let g1 = init.g1;
  let out = '';
  let start = 0;
  let runSet: CodeSet | undefined;
  const flush = (end: number) => {
    if (end > start && runSet) out += runSet.decode(b.subarray(start, end));
    else if (end > start) out += latin1(b.subarray(start, end));
  };
  for (let i = 0; i < b.length; ) {
    const x = b[i]!;
    if (x === 0x1b) {
      flush(i);
      const e = escape(b, i);
      if (e) {
        if (e.g === 0) g0 = e.set;
        else g1 = e.set;
        i += e.len;
      } else {
        i += 1;
      }
      start = i;
      runSet = undefined;
      continue;
    }
    const set = x >= 0x80 ? g1 : g0;
    if (set !== runSet) {
      flush(i);
      start = i;
      runSet = set;
    }
    if (set === g0 && !g0.multiByte && DELIMITERS.has(x)) {
      flush(i + 1);
      start = i + 1;
      runSet = undefined;
      g0 = init.g0;
      g1 = init.g1;
    }
    i += set?.multiByte ? 2 : 1;
  }
  flush(b.length);
  return out;
}

/**
 * Decode the bytes of a text value under the given Specific Character Set values
 * (as stored, e.g. ['', 'ISO 2022 IR 87'] or ['ISO_IR 192']). Trailing spaces / NULs are kept;
 * callers trim.
 */
export function decodeDicomText(bytes: Uint8Array, charsets: readonly string[]): string {
  const terms = charsets.map((c) => c.trim());
  if (terms.some((t) => t.startsWith('ISO 2022'))) return decodeIso2022(bytes, terms);
  const key = (terms[0] ?? '').replace(/ /g, '_');
  return (SINGLE_BYTE[key] ?? latin1)(bytes);
}
