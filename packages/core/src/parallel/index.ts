export { parallelSample, liveWorkers, DEFAULT_CHUNK_SIZE, type ParallelSampleOptions, type ParallelSampleResult } from './pool.js';
export { planChunks, chunkRng, checkSpec, type Chunk, type ParallelSampleSpec, type PartSpec } from './spec.js';
export { prepareSampler, sampleChunk, type PreparedSampler } from './prepare.js';
export { mapLimited } from './mapLimited.js';
