export { loadPngFolder, type PngFolderOptions } from './png.js';
export { loadNpyStack, type NpyStackOptions } from './npy.js';
export { InMemoryDataset } from './memory.js';
