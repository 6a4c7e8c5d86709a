import { initBackend } from '@weft/tensor';
import { padSequences } from './pad-sequences';

beforeAll(async () => {
  await initBackend('cpu');
});

describe('padSequences', () => {
  const sequences = [[1, 2, 3], [4], [], [5, 6, 7, 8, 9]];

  it("pads and truncates at the start by default ('pre', as Keras)", () => {
    const x = padSequences(sequences, { maxlen: 4 });
    expect(x.dtype).toBe('int32');
    expect(x.arraySync()).toEqual([[0, 1, 2, 3], [0, 0, 0, 4], [0, 0, 0, 0], [6, 7, 8, 9]]);
  });

  it("pads and truncates at the end with 'post', with a chosen value", () => {
    const x = padSequences(sequences, { maxlen: 2, padding: 'post', truncating: 'post', value: -1 });
    expect(x.arraySync()).toEqual([[1, 2], [4, -1], [-1, -1], [5, 6]]);
  });

  it('defaults maxlen to the longest sequence and takes float32', () => {
    const x = padSequences([[0.5], [1, 2]], { dtype: 'float32' });
    expect(x.shape).toEqual([2, 2]);
    expect(x.arraySync()).toEqual([[0, 0.5], [1, 2]]);
  });

  it('rejects an unknown side', () => {
    expect(() => padSequences([[1]], { padding: 'left' as 'pre' })).toThrow(/padding must be 'pre' or 'post'/);
  });
});
