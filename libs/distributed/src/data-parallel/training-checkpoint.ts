import { createHash } from 'node:crypto';
import { packWeights, unpackWeights, type ModelSpec, type WeightValue } from '@weft/layers';
import type { ModelState } from './fit-job';

/** What identifies a model for its checkpoint: its config's classes (layers, initializers...) and its weights' shapes, in order. */
export interface ModelFingerprint {
  classes: string[];
  weights: string[];
}

/** What fixes a fit's data order: a checkpoint resumes only a fit with the same. */
export interface DataOrder {
  seed: number;
  samples: number;
  batchSize: number;
  stepsPerEpoch: number;
  shuffle: boolean;
}

/** Everything a data-parallel fit resumes from: where it was, its data order, and rank 0's state there. */
export interface TrainingCheckpoint {
  fingerprint: ModelFingerprint;
  order: DataOrder;
  /** Where training resumes: step `step` of epoch `epoch` (0-based; step 0 after an epoch's end)... */
  epoch: number;
  step: number;
  /** ...which is batch `globalStep` since the fit's data order began (the data position). */
  globalStep: number;
  /** The optimizer's learning rate there (callbacks may have changed it); null for a schedule. */
  learningRate: number | null;
  /** The epoch's metric state so far, summed over ranks; null at an epoch's start. */
  metricState: number[] | null;
  state: ModelState;
}

const MAGIC = Buffer.from('WEFTCKPT');
const FORMAT = 1;
const HASH_BYTES = 32;

export function fingerprintOf(spec: ModelSpec): ModelFingerprint {
  const classes: string[] = [];
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === 'object') {
      for (const [key, child] of Object.entries(value)) {
        if (key === 'className' && typeof child === 'string') classes.push(child);
        else walk(child);
      }
    }
  };
  walk(spec.model);
  if (spec.compile) walk(spec.compile);
  return { classes, weights: spec.weights.map((w) => `[${w.shape.join(', ')}] ${w.dtype}`) };
}

/** Why `found` is not `expected`'s checkpoint, or null when it is. */
export function fingerprintMismatch(found: ModelFingerprint, expected: ModelFingerprint): string | null {
  if (found.weights.length !== expected.weights.length) {
    return `it holds ${found.weights.length} weights, this model has ${expected.weights.length}`;
  }
  const weight = found.weights.findIndex((w, i) => w !== expected.weights[i]);
  if (weight >= 0) return `its weight ${weight} is ${found.weights[weight]}, this model's is ${expected.weights[weight]}`;
  if (found.classes.join() !== expected.classes.join()) {
    const at = found.classes.findIndex((c, i) => c !== expected.classes[i]);
    return `its config has ${found.classes[at] ?? 'nothing'} where this model's has ${expected.classes[at] ?? 'nothing'} (classes: ${found.classes.join(', ')} vs ${expected.classes.join(', ')})`;
  }
  return null;
}

type Manifest = ReturnType<typeof packWeights>['manifest'];

interface Header extends Omit<TrainingCheckpoint, 'state'> {
  format: number;
  weights: Manifest;
  optimizerWeights: Manifest;
  optimizerIterations: number;
  dropoutDraws: number[];
}

/** The checkpoint as one buffer: magic, SHA-256 of the rest, header length, JSON header, weights. */
export function encodeCheckpoint(checkpoint: TrainingCheckpoint): Buffer {
  const { state, ...rest } = checkpoint;
  const weights = packWeights(state.weights);
  const optimizer = packWeights(state.optimizerWeights);
  const optimizerWeights = optimizer.manifest.map((m) => ({ ...m, offset: m.offset + weights.data.length }));
  const { optimizerIterations, dropoutDraws } = state;
  const header: Header = { format: FORMAT, ...rest, weights: weights.manifest, optimizerWeights, optimizerIterations, dropoutDraws };
  const json = Buffer.from(JSON.stringify(header));
  const length = Buffer.alloc(4);
  length.writeUInt32LE(json.length);
  const body = Buffer.concat([length, json, weights.data, optimizer.data]);
  return Buffer.concat([MAGIC, createHash('sha256').update(body).digest(), body]);
}

/** Reads a checkpoint back, refusing (naming the file and what to do) anything that is not one intact. */
export function decodeCheckpoint(bytes: Buffer, path: string): TrainingCheckpoint {
  const leave = `It was left as it is: move or delete it to start afresh.`;
  if (bytes.length < MAGIC.length + HASH_BYTES + 4 || !bytes.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw new Error(`DataParallel: ${path} is not a weft training checkpoint. ${leave}`);
  }
  const body = bytes.subarray(MAGIC.length + HASH_BYTES);
  if (!createHash('sha256').update(body).digest().equals(bytes.subarray(MAGIC.length, MAGIC.length + HASH_BYTES))) {
    throw new Error(`DataParallel: the checkpoint ${path} is corrupt (its SHA-256 does not match its contents: truncated or damaged). ${leave}`);
  }
  const headerLength = body.readUInt32LE(0);
  const header = JSON.parse(body.subarray(4, 4 + headerLength).toString('utf8')) as Header;
  if (header.format !== FORMAT) {
    throw new Error(`DataParallel: the checkpoint ${path} has format ${header.format}; this weft reads format ${FORMAT}. ${leave}`);
  }
  const data = Buffer.from(body.subarray(4 + headerLength));
  const { format: _format, weights, optimizerWeights, optimizerIterations, dropoutDraws, ...rest } = header;
  return { ...rest, state: { weights: unpackWeights(weights, data), optimizerWeights: unpackWeights(optimizerWeights, data), optimizerIterations, dropoutDraws } };
}

/**
 * The state under this model's weight names: a checkpoint matches by position (a model built again
 * gets new layer names), optimizer slots ('<weight>/<slot>') follow their weights.
 */
export function renameState(state: ModelState, names: string[]): ModelState {
  const renamed = new Map(state.weights.map((w, i) => [w.name, names[i]]));
  const rename = (w: WeightValue, name: string | undefined): WeightValue => (name === undefined ? w : { ...w, name });
  return {
    weights: state.weights.map((w, i) => rename(w, names[i])),
    optimizerWeights: state.optimizerWeights.map((w) => {
      const slash = w.name.lastIndexOf('/');
      const weight = renamed.get(w.name.slice(0, slash));
      return rename(w, slash > 0 && weight !== undefined ? `${weight}${w.name.slice(slash)}` : undefined);
    }),
    optimizerIterations: state.optimizerIterations,
    dropoutDraws: state.dropoutDraws,
  };
}

/** Refuses to resume `expected`'s fit from `checkpoint` when it is another model's or another data order's; nothing is touched. */
export function checkResumable(checkpoint: TrainingCheckpoint, fingerprint: ModelFingerprint, order: DataOrder, path: string): void {
  const leave = 'It was left as it is: fit with another checkpointDir, or move the file away to start afresh.';
  const model = fingerprintMismatch(checkpoint.fingerprint, fingerprint);
  if (model) throw new Error(`DataParallel: the checkpoint ${path} was written for another model: ${model}. ${leave}`);
  for (const key of Object.keys(order) as (keyof DataOrder)[]) {
    if (checkpoint.order[key] !== order[key]) {
      throw new Error(
        `DataParallel: the checkpoint ${path} is from a fit with ${key} ${checkpoint.order[key]}, this fit has ${key} ${order[key]}: ` +
          `a checkpoint resumes the same data order only (samples, batchSize, stepsPerEpoch, shuffle and seed). ${leave}`,
      );
    }
  }
}
