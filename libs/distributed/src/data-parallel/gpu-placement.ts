import { gpuWorkerEnv, listGpus } from '@weft/tensor';

export const GPU_PACKAGE = '@tensorflow/tfjs-node-gpu';

/**
 * One worker process per GPU: each rank's extra environment, CUDA_VISIBLE_DEVICES naming its own
 * GPU, so that tfjs-node-gpu in that process sees one device (tfjs-node cannot load twice in one
 * process, so GPU workers are never threads). Throws naming the fix when tfjs-node-gpu is not
 * installed or fewer GPUs than workers are visible.
 */
export function gpuRankEnvs(workers: number, resolve: (id: string) => string = require.resolve, env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv[] {
  try {
    resolve(GPU_PACKAGE);
  } catch {
    throw new Error(
      `DataParallel: device 'gpu' needs ${GPU_PACKAGE}, which is not installed: \`npm install ${GPU_PACKAGE}\` on a host with CUDA. ` +
        "Without it, train on CPU workers (device 'cpu', the wasm backend).",
    );
  }
  const gpus = listGpus(env);
  if (gpus.length < workers) {
    throw new Error(
      `DataParallel: device 'gpu' runs one worker per GPU, and ${gpus.length} GPU(s) are visible (CUDA_VISIBLE_DEVICES, else nvidia-smi -L) ` +
        `for ${workers} workers. Use workers: ${Math.max(gpus.length, 1)} or fewer.`,
    );
  }
  return gpus.slice(0, workers).map((gpu) => ({ CUDA_VISIBLE_DEVICES: gpuWorkerEnv(gpu, env).CUDA_VISIBLE_DEVICES }));
}
