// How DataParallel fails: bad input gets a message naming the problem and the fix before any
// worker starts; a failing rank, diverged replicas or a failing callback make fit reject, naming
// the cause, in bounded time, with every worker gone.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { initBackend, tf } from '@weft/tensor';
import { Callback, Layer, Sequential, layers, registerLayer, type CallArgs, type Tensors } from '@weft/layers';
import { DataParallel } from '../index';
import { markedFit } from '../testing/marked-fit';
import { RandomDrift } from '../testing/data-parallel-layers';

beforeAll(async () => {
  await initBackend('wasm');
});

const TEST_LAYERS = join(__dirname, '..', 'testing', 'data-parallel-layers.ts');

function mlp(first: Layer = layers.dense({ units: 4, inputShape: [3] })): Sequential {
  const model = new Sequential({ layers: [first, layers.dense({ units: 1 })] });
  model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
  return model;
}

/** Registered here only, not in the workers. */
class OnlyHere extends Layer {
  static override className = 'OnlyHere';
  call(inputs: Tensors, _args: CallArgs): Tensors {
    return tf.clone(inputs as tf.Tensor);
  }
}
registerLayer(OnlyHere);

describe('DataParallel input checks', () => {
  it('rejects a bad worker count, transport or module path, naming the fix', () => {
    expect(() => new DataParallel({ workers: 0 })).toThrow('DataParallel: workers must be a positive integer (the number of worker threads or processes). Received: workers=0');
    expect(() => new DataParallel({ workers: 1.5 })).toThrow(/workers must be a positive integer/);
    expect(() => new DataParallel({ transport: 'gpu' as never })).toThrow("transport must be 'threads' or 'processes'");
    expect(() => new DataParallel({ modules: ['./layers.ts'] })).toThrow(/modules must be absolute paths .* path.resolve\('.\/layers.ts'\)/);
    expect(() => new DataParallel({ modules: ['/nowhere/layers.ts'] })).toThrow(/Cannot find module '\/nowhere\/layers.ts'/);
  });

  it('rejects more workers than training rows, and x/y of different lengths, before starting workers', async () => {
    const model = mlp();
    await expect(model.fit(tf.zeros([3, 3]), tf.zeros([3, 1]), { distribution: new DataParallel({ workers: 4 }) })).rejects.toThrow(
      'DataParallel has 4 workers but only 3 training samples: each worker needs at least one. Use DataParallel({ workers: 3 }) or fewer.',
    );
    await expect(model.fit(tf.zeros([8, 3]), tf.zeros([7, 1]), { distribution: new DataParallel({ workers: 2 }) })).rejects.toThrow(
      /x, y and sampleWeight must have the same number of samples. Received: x 8, y 7/,
    );
  });

  it('says to pass `modules` when the workers do not know a custom layer', async () => {
    const model = mlp(new OnlyHere({ inputShape: [3] }));
    await expect(
      model.fit(tf.zeros([8, 3]), tf.zeros([8, 1]), { verbose: 0, distribution: new DataParallel({ workers: 2, timeoutMs: 5000 }) }),
    ).rejects.toThrow(/rank \d failed \(while starting\): Unknown layer class 'OnlyHere'.*DataParallel\(\{ modules: \['\/absolute\/path\/to\/module'\] \}\)/);
  });
});

describe('DataParallel failures', () => {
  it.each(['threads', 'processes'] as const)('a rank that throws at step 3 makes fit reject naming it (%s)', async (transport) => {
    const started = Date.now();
    await expect(markedFit(transport)).rejects.toThrow(
      'DataParallel: rank 1 failed (epoch 1, step 3): FailOnMarker: the marked row reached this layer',
    );
    expect(Date.now() - started).toBeLessThan(15_000); // mostly worker start-up (module loading) on a busy 2-core machine
  });

  it('leaves no worker behind: the process exits by itself right after the failed fit', async () => {
    const child = spawn(process.execPath, ['--require', 'tsx/cjs', join(__dirname, '..', 'testing', 'failing-fit.ts'), 'threads'], {
      env: { ...process.env, WEFT_LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let reportedAt = 0;
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      reportedAt ||= Date.now();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 40_000);
    const [code, signal] = (await once(child, 'exit')) as [number | null, string | null];
    clearTimeout(timer);
    expect(signal).toBeNull();
    expect(code).toBe(0);
    expect(Date.now() - reportedAt).toBeLessThan(3000); // the fit settled; nothing it started holds the process
    expect(JSON.parse(stdout.trim()).error).toMatch(/rank 1 failed \(epoch 1, step 3\): FailOnMarker/);
  }, 45_000);

  it('replicas whose weights diverge stop the run with the weight and ranks named', async () => {
    const model = new Sequential({ layers: [new RandomDrift({ inputShape: [3] }), layers.dense({ units: 1 })] });
    model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
    await expect(
      model.fit(tf.ones([16, 3]), tf.zeros([16, 1]), {
        batchSize: 8,
        verbose: 0,
        distribution: new DataParallel({ workers: 2, modules: [TEST_LAYERS], checksumEverySteps: 1, timeoutMs: 5000 }),
      }),
    ).rejects.toThrow(/weights diverged \(epoch 1, step 1\): '.*scale' differs between rank 0 and rank 1/);
  });

  it('a callback that throws on the coordinator stops the workers and fit rejects with its error', async () => {
    class Broken extends Callback {
      override onEpochEnd(): void {
        throw new Error('disk full');
      }
    }
    const model = mlp();
    await expect(
      model.fit(tf.ones([16, 3]), tf.zeros([16, 1]), { epochs: 3, verbose: 0, callbacks: [new Broken()], distribution: new DataParallel({ workers: 2, timeoutMs: 5000 }) }),
    ).rejects.toThrow('disk full');
  });
});
