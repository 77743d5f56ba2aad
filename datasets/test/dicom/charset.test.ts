/**
 * Specific Character Set decoding. Byte vectors were produced by pydicom's encoder
 * (PersonName.encode) and from the PS3.5 Annex H/I/K examples.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { decodeDicomText, readDicomFile } from '@scoresde/datasets';

const FIX = fileURLToPath(new URL('../fixtures/dicom/', import.meta.url));
const hex = (h: string) => Uint8Array.from(h.match(/../g)!.map((x) => parseInt(x, 16)));

describe('Specific Character Set', () => {
  it('decodes PatientName and descriptions in the ISO_IR 100, ISO_IR 192 and ISO 2022 IR 87 fixtures', async () => {
    const latin1 = await readDicomFile(FIX + 'src/pn_latin1.dcm');
    expect(latin1.specificCharacterSet).toEqual(['ISO_IR 100']);
    expect(latin1.patientName).toBe('Müller^Jürgen');
    expect(latin1.studyDescription).toBe('Thorax ÄÖÜ');
    const utf8 = await readDicomFile(FIX + 'src/pn_utf8.dcm');
    expect(utf8.patientName).toBe('Wang^XiaoDong=王^小東');
    expect(utf8.studyDescription).toBe('Thorax 胸部 ∑');
    const jis = await readDicomFile(FIX + 'src/pn_jis.dcm');
    expect(jis.specificCharacterSet).toEqual(['', 'ISO 2022 IR 87']);
    expect(jis.patientName).toBe('Yamada^Tarou=山田^太郎=やまだ^たろう');
  });

  const vectors: Array<[string[], string, string]> = [
    [['ISO_IR 100'], '4275635e4ae972f46d65', 'Buc^Jérôme'],
    [['ISO_IR 101'], '44766ff8e16b5e416e746f6eed6e', 'Dvořák^Antonín'],
    [['ISO_IR 144'], 'bbeeda6365dcd17970d3', 'Люкceмбypг'],
    [['ISO_IR 126'], 'c4e9efedf5f3e9eff2', 'Διονυσιος'],
    [['GB18030'], '57616e675e5869616f446f6e673dcdf55ed0a1b6ab', 'Wang^XiaoDong=王^小东'],
    [['', 'ISO 2022 IR 100'], '4275635e4ae972f46d65', 'Buc^Jérôme'],
    [
      ['', 'ISO 2022 IR 149'],
      '486f6e675e47696c646f6e673d1b242943fbf35e1b242943d1ced4d73d1b242943c8ab5e1b242943b1e6b5bf',
      'Hong^Gildong=洪^吉洞=홍^길동',
    ],
    // PS3.5 K.2 (with the G1 designation) and pydicom's form (without it).
    [['', 'ISO 2022 IR 58'], '5a68616e675e5869616f446f6e673d1b242941d5c55e1b242941d0a1b6ab3d', 'Zhang^XiaoDong=张^小东='],
    [['', 'ISO 2022 IR 58'], '5a68616e675e5869616f446f6e673dd5c55ed0a1b6ab', 'Zhang^XiaoDong=张^小东'],
    [
      ['ISO 2022 IR 13', 'ISO 2022 IR 87'],
      'd4cfc0de5ec0dbb33d1b24423b3345441b284a5e1b244242404f3a1b284a3d1b24422464245e24401b284a5e1b2442243f246d24261b284a',
      'ﾔﾏﾀﾞ^ﾀﾛｳ=山田^太郎=やまだ^たろう',
    ],
    [
      ['', 'ISO 2022 IR 87', 'ISO 2022 IR 159'],
      '59616d6164615e5461726f753d1b24423b3345441b28425e1b244242404f3a1b28423d1b24422464245e24401b28425e1b2442243f246d24261b2842',
      'Yamada^Tarou=山田^太郎=やまだ^たろう',
    ],
  ];
  for (const [cs, h, want] of vectors) {
    it(`${cs.join('\\') || '(default)'}: ${want}`, () => {
      expect(decodeDicomText(hex(h), cs)).toBe(want);
    });
  }

  it('JIS X 0212 (ISO 2022 IR 159) after ESC $ ( D', () => {
    // 0x2237 in JIS X 0212 is U+FF5E (FULLWIDTH TILDE) per the WHATWG EUC-JP index.
    const bytes = Uint8Array.from([0x41, 0x1b, 0x24, 0x28, 0x44, 0x22, 0x37, 0x1b, 0x28, 0x42, 0x42]);
    expect(decodeDicomText(bytes, ['', 'ISO 2022 IR 159'])).toBe('A\uff5eB');
  });

  it('default repertoire and unknown terms fall back to Latin-1 bytes, never throw', () => {
    expect(decodeDicomText(hex('446f655e4a6f686e'), [])).toBe('Doe^John');
    expect(decodeDicomText(hex('e9'), ['ISO_IR 999'])).toBe('é');
  });
});
