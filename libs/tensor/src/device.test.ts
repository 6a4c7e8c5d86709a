import { listGpus, gpuWorkerEnv, listCpus } from './device';

describe('devices', () => {
  it('reads GPUs from CUDA_VISIBLE_DEVICES', () => {
    const gpus = listGpus({ CUDA_VISIBLE_DEVICES: '2, 5' });
    expect(gpus.map((g) => g.name)).toEqual(['cuda:2', 'cuda:5']);
    expect(gpuWorkerEnv(gpus[1], { CUDA_VISIBLE_DEVICES: '2,5' }).CUDA_VISIBLE_DEVICES).toBe('5');
  });
  it('treats -1 and empty as no GPU', () => {
    expect(listGpus({ CUDA_VISIBLE_DEVICES: '-1' })).toEqual([]);
    expect(listGpus({ CUDA_VISIBLE_DEVICES: '' })).toEqual([]);
  });
  it('binds GPU i to CUDA_VISIBLE_DEVICES=i without a mask', () => {
    expect(gpuWorkerEnv({ kind: 'gpu', index: 3, name: 'x' }, {}).CUDA_VISIBLE_DEVICES).toBe('3');
    expect(() => gpuWorkerEnv(listCpus()[0], {})).toThrow(/needs a GPU/);
  });
});
