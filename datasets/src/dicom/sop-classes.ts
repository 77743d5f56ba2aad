/**
 * SOP classes the reader recognises by name, to give one-line reasons when an object is skipped
 * (PS3.4 Annex B.5). Only the classification matters here: image or not.
 */
export const DICOMDIR_SOP_CLASS = '1.2.840.10008.1.3.10';

const NON_IMAGE_PREFIXES: Array<[string, string]> = [
  ['1.2.840.10008.5.1.4.1.1.88.', 'Structured Report'],
  ['1.2.840.10008.5.1.4.1.1.11.', 'Presentation State'],
  ['1.2.840.10008.5.1.4.1.1.481.2', 'RT Dose (dose grid, not an image series)'],
  ['1.2.840.10008.5.1.4.1.1.481.3', 'RT Structure Set'],
  ['1.2.840.10008.5.1.4.1.1.481.5', 'RT Plan'],
  ['1.2.840.10008.5.1.4.1.1.481.8', 'RT Ion Plan'],
  ['1.2.840.10008.5.1.4.1.1.481.4', 'RT Beams Treatment Record'],
  ['1.2.840.10008.5.1.4.1.1.481.', 'RT object'],
  ['1.2.840.10008.5.1.4.1.1.104.', 'Encapsulated Document'],
  ['1.2.840.10008.5.1.4.1.1.9.', 'Waveform'],
  ['1.2.840.10008.5.1.4.1.1.66', 'Raw Data / Registration / Segmentation'],
  ['1.2.840.10008.5.1.4.1.1.67', 'Real World Value Mapping'],
  ['1.2.840.10008.5.1.4.1.1.68.', 'Surface'],
  ['1.2.840.10008.5.1.4.1.1.91.', 'Content Assessment'],
  ['1.2.840.10008.5.1.4.1.1.200.', 'Protocol'],
  ['1.2.840.10008.5.1.4.1.1.201.', 'Inventory'],
];

const IMAGE_NAMES: Record<string, string> = {
  '1.2.840.10008.5.1.4.1.1.1': 'CR Image',
  '1.2.840.10008.5.1.4.1.1.1.1': 'Digital X-Ray Image',
  '1.2.840.10008.5.1.4.1.1.2': 'CT Image',
  '1.2.840.10008.5.1.4.1.1.2.1': 'Enhanced CT Image',
  '1.2.840.10008.5.1.4.1.1.4': 'MR Image',
  '1.2.840.10008.5.1.4.1.1.4.1': 'Enhanced MR Image',
  '1.2.840.10008.5.1.4.1.1.7': 'Secondary Capture Image',
  '1.2.840.10008.5.1.4.1.1.20': 'Nuclear Medicine Image',
  '1.2.840.10008.5.1.4.1.1.128': 'PET Image',
  '1.2.840.10008.5.1.4.1.1.481.1': 'RT Image',
};

/** A human name for an SOP class and whether it is a non-image object class. */
export function describeSopClass(uid: string): { name: string; nonImage: boolean } {
  if (uid === DICOMDIR_SOP_CLASS) return { name: 'DICOMDIR (Media Storage Directory)', nonImage: true };
  const image = IMAGE_NAMES[uid];
  if (image) return { name: image, nonImage: false };
  for (const [prefix, name] of NON_IMAGE_PREFIXES) {
    if (uid === prefix.replace(/\.$/, '') || uid.startsWith(prefix)) return { name, nonImage: true };
  }
  return { name: uid ? `SOP class ${uid}` : 'object without SOP Class UID', nonImage: false };
}
