import { TextVectorization } from '@weft/layers';
import { initBackend } from '@weft/tensor';
import { encodeExamples, labelSet } from './text-pipeline';
import type { Example } from './read-examples';

beforeAll(async () => {
  await initBackend('cpu');
});

const example = (text: string, label: string): Example => ({ line: 1, where: 'x', text, tokens: [], label, tags: null });

describe('encoding texts for a classifier', () => {
  it("keeps a long text's end with 'pre' (pad_sequences) and its start with 'post' (TextVectorization); padding at the end", async () => {
    const examples = [example('a b c d e', 'x'), example('b', 'y')];
    const encode = (truncating: 'pre' | 'post') =>
      encodeExamples('classify', new TextVectorization({ vocabulary: ['a', 'b', 'c', 'd', 'e'], outputSequenceLength: 3, truncating }), ['x', 'y'], examples, { pool: null });
    const pre = await encode('pre');
    expect(pre.x.arraySync()).toEqual([[4, 5, 6], [3, 0, 0]]);
    expect(pre.y?.arraySync()).toEqual([[0], [1]]);
    const post = await encode('post');
    expect(post.x.arraySync()).toEqual([[2, 3, 4], [3, 0, 0]]);
  });

  it('sorts labels numerically when they are numbers, else by code point', () => {
    expect(labelSet([example('', '10'), example('', '9'), example('', '1')], 'classify')).toEqual(['1', '9', '10']);
    expect(labelSet([example('', 'spam'), example('', 'Ham')], 'classify')).toEqual(['Ham', 'spam']);
  });
});
