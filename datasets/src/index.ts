export {};
export * from './dicom/index.js';
export * from './synthetic/index.js';
export * from './loaders/index.js';
export { ShuffledOrder, epochPermutation, type Dataset, type DataBatch } from '@scoresde/core';
export * from './dicom-write/index.js';
