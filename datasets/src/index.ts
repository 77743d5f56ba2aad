export {};
export * from './dicom/index.js';
