import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { logger } from '@weft/logging';
import { registerWasmTrainingKernels } from './kernels/register';

export type BackendName = 'tensorflow' | 'wasm' | 'cpu';
export type BackendRequest = BackendName | 'auto';

/** Every name initBackend takes (what a --backend flag accepts). */
export const BACKEND_REQUESTS: readonly BackendRequest[] = ['auto', 'tensorflow', 'wasm', 'cpu'];

export interface BackendInfo {
  backend: BackendName;
  /** The npm package that provided the backend. */
  package: string;
  /** 'gpu' when tfjs-node-gpu drives a GPU, else 'cpu'. */
  device: 'cpu' | 'gpu';
}

const NODE_PACKAGES = { gpu: '@tensorflow/tfjs-node-gpu', cpu: '@tensorflow/tfjs-node' } as const;

/** Loads tfjs-node-gpu (when gpu) or tfjs-node, whichever is installed; null when neither is. */
function loadTensorflowBinding(preferGpu: boolean): BackendInfo | null {
  const order = preferGpu ? (['gpu', 'cpu'] as const) : (['cpu', 'gpu'] as const);
  for (const device of order) {
    const pkg = NODE_PACKAGES[device];
    try {
      // A guarded require: these are optionalDependencies and are absent where libtensorflow
      // could not be downloaded at install time.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      require(pkg);
      return { backend: 'tensorflow', package: pkg, device };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw err;
    }
  }
  return null;
}

let active: BackendInfo | null = null;

/**
 * Chooses and initialises the compute backend for this process (or worker thread), once.
 * 'auto' prefers tensorflow (tfjs-node-gpu/tfjs-node when installed), else wasm. The wasm
 * backend gets the project's training kernels, without which Embedding and Conv1D cannot train.
 */
export async function initBackend(
  request: BackendRequest = 'auto',
  options: { preferGpu?: boolean } = {},
): Promise<BackendInfo> {
  if (active && (request === 'auto' || request === active.backend)) return active;
  let info: BackendInfo;
  if (request === 'tensorflow' || request === 'auto') {
    const binding = loadTensorflowBinding(options.preferGpu ?? false);
    if (binding) info = binding;
    else if (request === 'tensorflow') {
      throw new Error(
        `Backend 'tensorflow' is not installed: install ${NODE_PACKAGES.cpu} (CPU) or ` +
          `${NODE_PACKAGES.gpu} (CUDA GPU), e.g. \`npm install ${NODE_PACKAGES.cpu}\`, ` +
          `or choose backend 'wasm'.`,
      );
    } else info = { backend: 'wasm', package: '@tensorflow/tfjs-backend-wasm', device: 'cpu' };
  } else if (request === 'wasm') {
    info = { backend: 'wasm', package: '@tensorflow/tfjs-backend-wasm', device: 'cpu' };
  } else if (request === 'cpu') {
    info = { backend: 'cpu', package: '@tensorflow/tfjs-backend-cpu', device: 'cpu' };
  } else {
    throw new Error(`Unknown backend '${String(request)}'. Expected one of: auto, tensorflow, wasm, cpu.`);
  }
  if (info.backend === 'wasm') registerWasmTrainingKernels();
  const ok = await tf.setBackend(info.backend);
  if (!ok) throw new Error(`Backend '${info.backend}' from ${info.package} failed to initialise.`);
  await tf.ready();
  active = info;
  logger.info({ backend: info.backend, package: info.package, device: info.device }, 'compute backend ready');
  return info;
}

/** The backend initBackend chose, or null before it ran. */
export function activeBackend(): BackendInfo | null {
  return active;
}
