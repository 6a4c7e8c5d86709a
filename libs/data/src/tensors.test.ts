import { initBackend } from '@weft/tensor';
import { Dataset } from './dataset';
import { batchToTensors, datasetToTensors } from './tensors';

beforeAll(async () => {
  await initBackend('cpu');
});

const examples = [
  { x: [1, 2], y: 1 },
  { x: [3], y: 0 },
  { x: [4, 5], y: 1 },
];

describe('tensors from batches', () => {
  it('turns a padded batch into {xs, ys} (int32 ids, float32 labels by default)', async () => {
    const [batch] = await Dataset.from(examples).paddedBatch(3).toArray();
    const { xs, ys } = batchToTensors(batch);
    expect([xs.dtype, ys.dtype]).toEqual(['int32', 'float32']);
    expect(xs.arraySync()).toEqual([[1, 2], [3, 0], [4, 5]]);
    expect(ys.arraySync()).toEqual([1, 0, 1]);
  });

  it('concatenates an epoch of fixed-length batches, and says to fix the length when widths differ', async () => {
    const { xs, ys } = await datasetToTensors(Dataset.from(examples).paddedBatch(2, { length: 3 }), { y: 'int32' });
    expect(xs.arraySync()).toEqual([[1, 2, 0], [3, 0, 0], [4, 5, 0]]);
    expect(ys.dtype).toBe('int32');
    await expect(datasetToTensors(Dataset.from([...examples, { x: [6, 7, 8], y: 0 }]).paddedBatch(2))).rejects.toThrow(
      "datasetToTensors: batch 1's x has shape [2,3], batch 0's [2,2]. Give paddedBatch a fixed length ({ length }) so every batch has the same width.",
    );
  });
});
