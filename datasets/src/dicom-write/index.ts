export { DicomDataset, encodeDataset, encodePart10, type DicomValue, type FileMeta } from './encoder.js';
export { hashUid, isValidUid, pathSafeUid, IMPLEMENTATION_CLASS_UID, IMPLEMENTATION_VERSION_NAME } from './uid.js';
export { quantize16, type Quantized } from './quantize.js';
export { copiedTopLevel } from './copy.js';
export * from './derived.js';
