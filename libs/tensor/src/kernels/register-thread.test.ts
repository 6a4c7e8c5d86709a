import { Worker } from 'node:worker_threads';
import * as path from 'node:path';

describe('registerWasmTrainingKernels in a worker thread', () => {
  it('a new thread starts without our kernels and has them after initBackend("wasm")', async () => {
    const worker = new Worker(path.join(__dirname, 'register-thread.fixture.ts'), {
      execArgv: ['--require', 'tsx/cjs'],
      env: { ...process.env, WEFT_LOG_LEVEL: 'silent' },
    });
    try {
      const reply = await new Promise<Record<string, unknown>>((resolve, reject) => {
        worker.once('message', resolve);
        worker.once('error', reject);
      });
      expect(reply).toEqual({ before: false, after: true, sums: [3, 4, 6, 8] });
    } finally {
      await worker.terminate();
    }
  });
});
