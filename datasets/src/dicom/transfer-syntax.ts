/**
 * DICOM transfer syntaxes the reader understands (PS3.5 §10, PS3.6 Annex A).
 * `encoding` selects the frame decoder; native syntaxes differ only in byte order, VR
 * explicitness and (for deflate) a raw-deflate stream after the file meta information.
 */
export type PixelEncoding = 'native' | 'jpeg' | 'jpeg-ls' | 'jpeg2000' | 'htj2k' | 'rle';

export interface TransferSyntaxInfo {
  uid: string;
  name: string;
  encoding: PixelEncoding;
  littleEndian: boolean;
  explicitVr: boolean;
  deflated: boolean;
  /** True when the syntax may discard information (the decoded pixels are not the original). */
  lossy: boolean;
}

const ts = (
  uid: string,
  name: string,
  encoding: PixelEncoding,
  lossy = false,
  extra: Partial<TransferSyntaxInfo> = {},
): TransferSyntaxInfo => ({ uid, name, encoding, lossy, littleEndian: true, explicitVr: true, deflated: false, ...extra });

export const IMPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2';
export const EXPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2.1';
export const DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2.1.99';
export const EXPLICIT_VR_BIG_ENDIAN = '1.2.840.10008.1.2.2';

const TABLE: TransferSyntaxInfo[] = [
  ts(IMPLICIT_VR_LITTLE_ENDIAN, 'Implicit VR Little Endian', 'native', false, { explicitVr: false }),
  ts(EXPLICIT_VR_LITTLE_ENDIAN, 'Explicit VR Little Endian', 'native'),
  ts(DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN, 'Deflated Explicit VR Little Endian', 'native', false, { deflated: true }),
  ts(EXPLICIT_VR_BIG_ENDIAN, 'Explicit VR Big Endian', 'native', false, { littleEndian: false }),
  ts('1.2.840.10008.1.2.4.50', 'JPEG Baseline (Process 1)', 'jpeg', true),
  ts('1.2.840.10008.1.2.4.51', 'JPEG Extended (Process 2 & 4)', 'jpeg', true),
  ts('1.2.840.10008.1.2.4.57', 'JPEG Lossless, Non-Hierarchical (Process 14)', 'jpeg'),
  ts('1.2.840.10008.1.2.4.70', 'JPEG Lossless, Non-Hierarchical, First-Order Prediction (Process 14, SV1)', 'jpeg'),
  ts('1.2.840.10008.1.2.4.80', 'JPEG-LS Lossless', 'jpeg-ls'),
  ts('1.2.840.10008.1.2.4.81', 'JPEG-LS Near-Lossless', 'jpeg-ls', true),
  ts('1.2.840.10008.1.2.4.90', 'JPEG 2000 (Lossless Only)', 'jpeg2000'),
  ts('1.2.840.10008.1.2.4.91', 'JPEG 2000', 'jpeg2000', true),
  ts('1.2.840.10008.1.2.4.201', 'High-Throughput JPEG 2000 (Lossless Only)', 'htj2k'),
  ts('1.2.840.10008.1.2.4.202', 'High-Throughput JPEG 2000 with RPCL Options (Lossless Only)', 'htj2k'),
  ts('1.2.840.10008.1.2.4.203', 'High-Throughput JPEG 2000', 'htj2k', true),
  ts('1.2.840.10008.1.2.5', 'RLE Lossless', 'rle'),
];

const BY_UID = new Map(TABLE.map((t) => [t.uid, t]));

/** The syntax for `uid`, or undefined when the reader does not support it. */
export function transferSyntaxInfo(uid: string): TransferSyntaxInfo | undefined {
  return BY_UID.get(uid);
}

/** All supported transfer syntaxes (for documentation and `--help`). */
export function supportedTransferSyntaxes(): readonly TransferSyntaxInfo[] {
  return TABLE;
}
