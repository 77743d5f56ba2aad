export * from './transfer-syntax.js';
export { decodeDicomText } from './charset.js';
export { ensureCodecs } from './codecs.js';
export { parseDataset, type ParsedDataset } from './parse-dataset.js';
export { describeSopClass, DICOMDIR_SOP_CLASS } from './sop-classes.js';
export * from './image.js';
export * from './series.js';
export * from './walk.js';
export { dicomPixelsView } from './ndarray-view.js';
