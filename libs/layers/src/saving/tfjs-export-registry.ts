import type * as tf from '@tensorflow/tfjs-core';
import type { Layer } from '../engine/layer';
import { KerasJson } from './tfjs-keras-config';

/** One weight as tfjs-layers names it, relative to its layer ('kernel', 'forward_lstm/bias'). */
export interface TfjsWeight {
  name: string;
  tensor: tf.Tensor;
}

/** A layer as tfjs-layers rebuilds it. */
export interface TfjsLayerSpec {
  /** The class name tfjs-layers registers (Keras's): 'LSTM', or a custom class registered there. */
  className: string;
  /** The constructor config with camelCase keys, as getConfig() gives it; written out in Keras's snake_case. */
  config: Record<string, unknown>;
  /** The weights in tfjs-layers' order and layout. */
  weights: TfjsWeight[];
}

/** What exporting a wrapped layer gives its wrapper (Bidirectional, TimeDistributed). */
export interface TfjsInner {
  keras: KerasJson;
  weights: TfjsWeight[];
}

export interface TfjsExportContext {
  /** Exports a layer held inside another (a wrapper's layer). */
  inner(layer: Layer): TfjsInner;
}

export type TfjsExporter = (layer: Layer, context: TfjsExportContext) => TfjsLayerSpec;

/**
 * How the tfjs-layers class treats a mask from upstream (Embedding maskZero, Masking), given which
 * inputs carry one; returns which outputs carry one, or throws. tfjs-layers refuses a model in which
 * a layer that does not support masking receives a mask.
 * - 'pass': supports masks and passes them on (Dense, Dropout, normalization, merges);
 * - 'consume': supports masks and outputs none (an attention pooling);
 * - 'refuse': does not support masks;
 * - a function, for layers whose behaviour depends on their config.
 */
export type TfjsMaskRule = 'pass' | 'consume' | 'refuse' | ((layer: Layer, inputsMasked: boolean[]) => boolean[]);

export interface TfjsExportEntry {
  toTfjs: TfjsExporter;
  masks: TfjsMaskRule;
  /** Why this weft layer (or this configuration of it) cannot be exported, or null when it can. */
  unsupported?: (layer: Layer) => string | null;
}

/** The weights a layer owns, named without the layer prefix ('dense/kernel' -> 'kernel'). */
export function ownWeights(layer: Layer): TfjsWeight[] {
  return layer.weights.map((w) => ({ name: w.name.slice(w.name.indexOf('/') + 1), tensor: w.read() }));
}

/** getConfig() as tfjs-layers reads it: what a custom layer whose tfjs-layers class takes the same arguments needs. */
export const sameConfigExporter: TfjsExporter = (layer) => ({ className: layer.getClassName(), config: layer.getConfig(), weights: ownWeights(layer) });

const custom = new Map<string, TfjsExportEntry>();

/**
 * Declares how layers of class `className` (a custom layer, or a built-in one you want written
 * differently) export to the tfjs-layers format. By default the config is getConfig() and the
 * weights are the layer's own, under the same class name: tfjs-layers loads it once a layer class
 * of that name is registered there (`tf.serialization.registerClass`). `masks` says what that class
 * does with a mask (default 'consume'). Replaces an earlier registration for the same class.
 */
export function registerTfjsExport(
  className: string,
  toTfjs: TfjsExporter = sameConfigExporter,
  options: { masks?: TfjsMaskRule } = {},
): void {
  if (typeof className !== 'string' || !className) throw new Error(`registerTfjsExport needs a layer class name. Received: ${String(className)}`);
  custom.set(className, { toTfjs, masks: options.masks ?? 'consume' });
}

/** Removes a registration made with registerTfjsExport (a built-in layer's own export applies again). */
export function unregisterTfjsExport(className: string): void {
  custom.delete(className);
}

export function customTfjsExport(className: string): TfjsExportEntry | undefined {
  return custom.get(className);
}

export function customTfjsExportNames(): string[] {
  return [...custom.keys()];
}
