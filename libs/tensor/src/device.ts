import { execFileSync } from 'node:child_process';
import os from 'node:os';

export type DeviceKind = 'cpu' | 'gpu';

/** One place a worker can run: a CPU core or a GPU (by its index on this host). */
export interface Device {
  kind: DeviceKind;
  index: number;
  name: string;
}

/** GPUs on this host: CUDA_VISIBLE_DEVICES when set, else `nvidia-smi -L`, else none. */
export function listGpus(env: NodeJS.ProcessEnv = process.env): Device[] {
  const visible = env.CUDA_VISIBLE_DEVICES;
  if (visible !== undefined) {
    return visible
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '' && s !== '-1')
      .map((id, index) => ({ kind: 'gpu' as const, index, name: `cuda:${id}` }));
  }
  let out: string;
  try {
    out = execFileSync('nvidia-smi', ['-L'], { encoding: 'utf8', timeout: 5000, stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return [];
  }
  return out
    .split('\n')
    .map((line) => /^GPU (\d+): (.*?)(?: \(UUID.*)?$/.exec(line.trim()))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ kind: 'gpu' as const, index: Number(m[1]), name: m[2] }));
}

/** CPU cores usable by workers (one worker per core is the default). */
export function listCpus(): Device[] {
  const count = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  return Array.from({ length: count }, (_, index) => ({ kind: 'cpu' as const, index, name: `cpu:${index}` }));
}

/**
 * Environment for a child process bound to GPU `gpu`: CUDA_VISIBLE_DEVICES must be set before
 * tfjs-node-gpu loads, because tfjs-node has no API to pick a GPU and cannot load twice in one
 * process's threads (FINDINGS.md).
 */
export function gpuWorkerEnv(gpu: Device, env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  if (gpu.kind !== 'gpu') throw new Error(`gpuWorkerEnv needs a GPU device. Received: ${gpu.name}`);
  const visible = env.CUDA_VISIBLE_DEVICES?.split(',').map((s) => s.trim());
  const physical = visible ? visible[gpu.index] : String(gpu.index);
  return { ...env, CUDA_VISIBLE_DEVICES: physical };
}
