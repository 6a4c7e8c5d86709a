// A model with a custom layer saved here is loaded in another OS process (node + the tsx CJS hook):
// without registering the layer there, loading fails naming the class and the fix; with it, the
// predictions match.
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { initBackend, tf } from '@weft/tensor';
import { Sequential, layers, registerLayer } from '@weft/layers';
import { ScaleByTwo } from './fixtures/scale-by-two';

const run = promisify(execFile);
const script = path.join(__dirname, 'fixtures', 'predict-saved-model.ts');

beforeAll(async () => {
  await initBackend('cpu');
  registerLayer(ScaleByTwo);
});

it('loads a saved model with a custom layer in a child process', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'weft-process-'));
  try {
    const model = new Sequential({ layers: [layers.dense({ units: 3, activation: 'tanh', inputShape: [4] }), new ScaleByTwo(), layers.dense({ units: 2 })] });
    model.compile({ optimizer: 'adam', loss: 'mse' });
    await model.save(path.join(dir, 'model'));
    const x = tf.randomNormal([5, 4], 0, 1, 'float32', 9);
    fs.writeFileSync(path.join(dir, 'x.json'), JSON.stringify({ values: Array.from(x.dataSync()), shape: x.shape }));

    const args = ['--require', 'tsx/cjs', script, dir];
    await expect(run(process.execPath, args)).rejects.toThrow(/Unknown layer class 'ScaleByTwo'.*registerLayer\(ScaleByTwo\)/s);
    const { stdout } = await run(process.execPath, [...args, '--register']);
    const theirs = JSON.parse(stdout) as number[];
    const ours = Array.from((model.predict(x) as tf.Tensor).dataSync());
    theirs.forEach((v, i) => expect(v).toBeCloseTo(ours[i], 6));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
