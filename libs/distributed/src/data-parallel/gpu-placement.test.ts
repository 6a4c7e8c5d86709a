import path from 'node:path';
import { launchProcesses } from '../launch/launch-processes';
import { DataParallel } from './data-parallel';
import { gpuRankEnvs } from './gpu-placement';

const installed = (id: string) => id;
const gpuPackageInstalled = () => {
  try {
    require.resolve('@tensorflow/tfjs-node-gpu');
    return true;
  } catch {
    return false;
  }
};
const missing = (id: string): string => {
  throw new Error(`Cannot find module '${id}'`);
};

describe('GPU placement: one worker process per GPU', () => {
  it('gives rank r the r-th visible GPU, by its physical id', () => {
    expect(gpuRankEnvs(2, installed, { CUDA_VISIBLE_DEVICES: '5, 7,2' })).toEqual([{ CUDA_VISIBLE_DEVICES: '5' }, { CUDA_VISIBLE_DEVICES: '7' }]);
  });

  it('names the fix: the package to install, or the worker count the GPUs allow', () => {
    expect(() => gpuRankEnvs(1, missing, { CUDA_VISIBLE_DEVICES: '0' })).toThrow(/needs @tensorflow\/tfjs-node-gpu, which is not installed: `npm install @tensorflow\/tfjs-node-gpu`/);
    expect(() => gpuRankEnvs(3, installed, { CUDA_VISIBLE_DEVICES: '0,1' })).toThrow(/2 GPU\(s\) are visible .* for 3 workers. Use workers: 2 or fewer/);
  });

  it('each launched process sees its own CUDA_VISIBLE_DEVICES (real processes)', async () => {
    const envs = gpuRankEnvs(2, installed, { CUDA_VISIBLE_DEVICES: '3,6' });
    const outcomes = await launchProcesses<null, string>({
      size: 2,
      entry: path.join(__dirname, '..', 'testing', 'cuda-env-rank.ts'),
      args: null,
      envForRank: (rank) => envs[rank],
    });
    expect(outcomes.map((o) => (o.ok ? o.value : o.error))).toEqual(['3', '6']);
  });

  it("DataParallel({ device: 'gpu' }) runs processes and refuses threads", () => {
    expect(new DataParallel({ workers: 1, device: 'gpu' }).transport).toBe('processes');
    expect(() => new DataParallel({ device: 'gpu', transport: 'threads' })).toThrow(/device 'gpu' needs transport 'processes'/);
  });

  // tfjs-node-gpu cannot be installed on this project's machines; where it is, this case does not apply.
  (gpuPackageInstalled() ? it.skip : it)("DataParallel({ device: 'gpu' }).fit fails before starting anything, naming the package", async () => {
    await expect(new DataParallel({ workers: 1, device: 'gpu' }).fit(null as never, [], [], {})).rejects.toThrow(/npm install @tensorflow\/tfjs-node-gpu/);
  });
});
