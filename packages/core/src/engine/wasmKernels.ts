/**
 * Kernels the wasm backend lacks or runs slowly, registered from outside before use:
 * Conv2DBackpropFilter, a fast Conv2DBackpropInput, UnsortedSegmentSum.
 * (Filled in by the engine work; registering nothing keeps wasm usable for inference.)
 */
export function registerWasmKernels(): void {
  // populated in engine/wasm/*.ts
}
