/** Registers the project's training kernels on the wasm backend (idempotent). */
export function registerWasmTrainingKernels(): void {
  // Kernels arrive with the wasm-kernels work (issue 2).
}
