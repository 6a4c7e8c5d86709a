/**
 * A custom layer written the way a user writes one: SimpleAttention pools a sequence into one
 * vector by learned attention weights (a tanh score per step, softmax over the real steps), with
 * its weights created by addWeight (regularizer and constraint included), a mask honoured in
 * call (masked steps get zero weight), no output mask, and its output shape stated.
 * The model: embeddings with padding masked, a bidirectional LSTM over every step, attention, sigmoid.
 *
 * It trains on the SMS Spam Collection (ham or spam), words ranked by the Keras-style Tokenizer.
 *
 *   npx tsx examples/simple-attention.ts [--epochs 2] [--samples N] [--workers N] [--data DIR]
 */
import {
  constraints,
  layers,
  Layer,
  registerLayer,
  registerTfjsExport,
  regularizers,
  Sequential,
  type CallArgs,
  type LayerArgs,
  type LayerVariable,
  type MaskArg,
  type Shape,
  type Tensors,
  type History,
  padSequences,
  permutation,
  seededRandom,
  Tokenizer,
} from '@weft/layers';
import { initBackend, tf } from '@weft/tensor';
import { exampleFitArgs, parseExampleOptions, type ExampleOptions } from './cli-options';
import { loadSmsSpam, type SmsMessage } from './data/sms-spam';
import { syntheticReviews } from './example-data';

export interface SimpleAttentionArgs extends LayerArgs {
  /** Regularizer of the score weights, e.g. 'l2' or {className: 'L2', config: {l2: 0.01}}. */
  kernelRegularizer?: string | regularizers.Regularizer | null;
  /** Constraint on the score weights, e.g. 'maxNorm'. */
  kernelConstraint?: string | constraints.Constraint | null;
}

export class SimpleAttention extends Layer {
  static override className = 'SimpleAttention';
  private readonly kernelRegularizer: regularizers.Regularizer | null;
  private readonly kernelConstraint: constraints.Constraint | null;
  private kernel: LayerVariable | null = null;
  private bias: LayerVariable | null = null;

  constructor(args: SimpleAttentionArgs = {}) {
    super(args);
    this.kernelRegularizer = args.kernelRegularizer ? regularizers.getRegularizer(args.kernelRegularizer) : null;
    this.kernelConstraint = args.kernelConstraint ? constraints.getConstraint(args.kernelConstraint) : null;
    this.supportsMasking = true;
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = inputShape as Shape;
    const steps = shape[1];
    const features = shape[2];
    if (steps === null || features === null) throw new Error(`SimpleAttention needs known steps and features. Received: [${shape}]`);
    this.kernel = this.addWeight({
      name: 'att_weight',
      shape: [features, 1],
      initializer: 'glorotUniform',
      regularizer: this.kernelRegularizer,
      constraint: this.kernelConstraint,
    });
    this.bias = this.addWeight({ name: 'att_bias', shape: [steps, 1], initializer: 'zeros' });
    super.build(inputShape);
  }

  call(inputs: Tensors, args: CallArgs): Tensors {
    return tf.tidy(() => {
      const x = inputs as tf.Tensor3D; // [batch, steps, features]
      const weights = tf.expandDims(this.attentionWeights(x, args.mask as tf.Tensor | null | undefined), 2);
      return tf.sum(tf.mul(x, weights), 1); // [batch, features]
    });
  }

  /** Softmax over the steps of tanh(x W + b); masked steps score -1e9, so they get zero weight. [batch, steps] */
  attentionWeights(x: tf.Tensor3D, mask?: tf.Tensor | null): tf.Tensor2D {
    return tf.tidy(() => {
      const [batch, steps, features] = x.shape;
      const flat = tf.matMul(tf.reshape(x, [batch * steps, features]), this.kernel!.read() as tf.Tensor2D);
      let scores = tf.tanh(tf.add(tf.reshape(flat, [batch, steps]), tf.reshape(this.bias!.read(), [steps])));
      if (mask) scores = tf.add(scores, tf.mul(tf.sub(1, tf.cast(mask, 'float32')), -1e9));
      return tf.softmax(scores, 1) as tf.Tensor2D;
    });
  }

  override computeMask(_inputs: Tensors, _mask?: MaskArg): MaskArg {
    return null;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = inputShape as Shape;
    return [shape[0], shape[2]];
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      kernelRegularizer: this.kernelRegularizer ? regularizers.serializeRegularizer(this.kernelRegularizer) : null,
      kernelConstraint: this.kernelConstraint ? constraints.serializeConstraint(this.kernelConstraint) : null,
    };
  }
}
registerLayer(SimpleAttention);
// Exports to the tfjs-layers format as it is (getConfig() and its two weights), for a SimpleAttention class registered in tfjs-layers.
registerTfjsExport('SimpleAttention');

export interface AttentionClassifierOptions {
  maxFeatures?: number;
  maxlen?: number;
  units?: number;
}

export function buildAttentionClassifier(options: AttentionClassifierOptions = {}): Sequential {
  const { maxFeatures = 20000, maxlen = 100, units = 64 } = options;
  const model = new Sequential({ name: 'simple_attention' });
  model.add(layers.embedding({ inputDim: maxFeatures, outputDim: 128, inputShape: [maxlen], maskZero: true }));
  model.add(layers.bidirectional({ layer: layers.lstm({ units, returnSequences: true }) }));
  model.add(new SimpleAttention({ kernelRegularizer: 'l2', kernelConstraint: 'maxNorm' }));
  model.add(layers.dense({ units: 1, activation: 'sigmoid' }));
  model.compile({ optimizer: 'adam', loss: 'binaryCrossentropy', metrics: ['accuracy'] });
  return model;
}

/**
 * Spam detection on the SMS Spam Collection: a seeded 80/20 split, a Tokenizer fitted on the
 * training messages (numWords = maxFeatures), messages padded to maxlen; the test accuracy is
 * printed. Without the dataset, it says why and trains on generated reviews instead.
 */
export async function trainAttentionOnSmsSpam(
  options: ExampleOptions,
  verbose: 0 | 1 = 1,
  sizes: AttentionClassifierOptions = { maxFeatures: 10000, maxlen: 50, units: 64 },
): Promise<{ source: 'sms_spam' | 'generated'; history: History; testAccuracy: number }> {
  await initBackend(options.backend);
  const { maxFeatures = 10000, maxlen = 50 } = sizes;
  const sms = await loadSmsSpam(options.data);
  let data: { x: tf.Tensor2D; y: tf.Tensor2D; xTest: tf.Tensor2D; yTest: tf.Tensor2D };
  if ('skipped' in sms) {
    console.log(`${sms.skipped}\nTraining on generated reviews instead.`);
    const n = options.samples ?? 256;
    const [train, test] = [syntheticReviews(n, maxlen, maxFeatures, 1), syntheticReviews(n, maxlen, maxFeatures, 2)];
    data = { x: train.x, y: train.y, xTest: test.x, yTest: test.y };
  } else {
    const order = permutation(sms.length, seededRandom(7));
    const messages = Array.from(order, (i) => sms[i]).slice(0, options.samples ?? sms.length);
    const cut = Math.round(messages.length * 0.8);
    const tokenizer = new Tokenizer({ numWords: maxFeatures });
    tokenizer.fitOnTexts(messages.slice(0, cut).map((m) => m.text));
    const tensors = (part: SmsMessage[]) => ({
      x: padSequences(tokenizer.textsToSequences(part.map((m) => m.text)), { maxlen }),
      y: tf.tensor2d(part.map((m) => (m.label === 'spam' ? 1 : 0)), [part.length, 1]),
    });
    const [train, test] = [tensors(messages.slice(0, cut)), tensors(messages.slice(cut))];
    data = { x: train.x, y: train.y, xTest: test.x, yTest: test.y };
    if (verbose) console.log(`${cut} train messages, ${messages.length - cut} test messages, ${tokenizer.wordIndex.size} words seen`);
  }
  const model = buildAttentionClassifier(sizes);
  if (verbose) model.summary();
  const history = await model.fit(data.x, data.y, exampleFitArgs(options, [data.xTest, data.yTest], verbose, [__filename]));
  const [, testAccuracy] = (await model.evaluate(data.xTest, data.yTest, { batchSize: options.batchSize, verbose: 0 })) as number[];
  if (verbose) console.log(`Test accuracy: ${testAccuracy.toFixed(4)}`);
  tf.dispose(Object.values(data));
  model.dispose();
  return { source: 'skipped' in sms ? 'generated' : 'sms_spam', history, testAccuracy };
}

async function main(): Promise<void> {
  await trainAttentionOnSmsSpam(parseExampleOptions(process.argv.slice(2), { epochs: 2, batchSize: 32 }));
}

if (require.main === module) main().catch((err) => { console.error(err); process.exit(1); });
