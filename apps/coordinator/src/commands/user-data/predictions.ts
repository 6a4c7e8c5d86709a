import { tf } from '@weft/tensor';
import type { Encoded } from './text-pipeline';
import type { Example, Task } from './read-examples';

export interface Prediction {
  /** classify: the class and its probability. */
  label?: string;
  probability?: number;
  /** tag: one tag per token. */
  tags?: string[];
}

/** The model's predictions per example (a tagger's rows, `windows` of the sentences, stitched back into them). */
export function predictionsOf(task: Task, output: tf.Tensor, labels: string[], windows: Encoded['windows'], examples: Example[]): Prediction[] {
  if (task === 'classify') {
    const probs = output.arraySync() as number[][];
    return probs.map((p) => {
      if (labels.length === 2 && p.length === 1) return p[0] >= 0.5 ? { label: labels[1], probability: p[0] } : { label: labels[0], probability: 1 - p[0] };
      const best = p.indexOf(Math.max(...p));
      return { label: labels[best], probability: p[best] };
    });
  }
  const best = tf.tidy(() => tf.argMax(output, -1)).arraySync() as number[][];
  const tags = examples.map((e) => new Array<string>(e.tokens.length));
  windows.forEach((w, r) => {
    for (let i = 0; i < w.length; i++) tags[w.example][w.start + i] = labels[best[r][i]];
  });
  return tags.map((t) => ({ tags: t }));
}

/** Share of examples (classify) or tokens (tag) predicted right. */
export function accuracyOf(task: Task, predictions: Prediction[], examples: Example[]): { accuracy: number; count: number } {
  let right = 0;
  let count = 0;
  examples.forEach((e, i) => {
    if (task === 'classify') {
      count++;
      if (predictions[i].label === e.label) right++;
    } else {
      (e.tags ?? []).forEach((t, j) => {
        count++;
        if (predictions[i].tags?.[j] === t) right++;
      });
    }
  });
  return { accuracy: count === 0 ? 0 : right / count, count };
}
