import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { writeDirAtomic } from './atomic-write';

const MODEL_JSON = 'model.json';
const WEIGHTS = 'weights.bin';

/** 'file://dir', 'dir' or 'dir/model.json' -> the directory. */
export function stripFileScheme(target: string): string {
  return target.startsWith('file://') ? target.slice('file://'.length) : target;
}

function modelDir(target: string): string {
  const p = stripFileScheme(target);
  return path.basename(p) === MODEL_JSON ? path.dirname(p) : p;
}

/**
 * A tfjs IOHandler over files, for Node without tfjs-node (which brings its own file:// handler):
 * `tf.loadLayersModel(tfjsFileHandler('dir'))` reads dir/model.json and its weight files;
 * `save` writes model.json + weights.bin, replacing the directory atomically.
 */
export function tfjsFileHandler(target: string): Required<Pick<tf.io.IOHandler, 'load' | 'save'>> {
  const dir = modelDir(target);
  return {
    async load(): Promise<tf.io.ModelArtifacts> {
      const file = path.join(dir, MODEL_JSON);
      let json: tf.io.ModelJSON;
      try {
        json = JSON.parse(await fs.readFile(file, 'utf8')) as tf.io.ModelJSON;
      } catch (err) {
        throw new Error(`Cannot read a tfjs model from '${file}': ${(err as Error).message}`);
      }
      return tf.io.getModelArtifactsForJSON(json, async (manifest) => {
        const buffers = await Promise.all(manifest.flatMap((group) => group.paths.map((p) => fs.readFile(path.join(dir, p)))));
        const all = Buffer.concat(buffers);
        return [manifest.flatMap((group) => group.weights), all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength)];
      });
    },
    async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
      const weightData = tf.io.CompositeArrayBuffer.join(artifacts.weightData ?? new ArrayBuffer(0));
      const modelJson = {
        format: artifacts.format ?? 'layers-model',
        generatedBy: artifacts.generatedBy ?? 'weft',
        convertedBy: artifacts.convertedBy ?? null,
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: [WEIGHTS], weights: artifacts.weightSpecs ?? [] }],
      };
      await writeDirAtomic(dir, async (tmp) => {
        await fs.writeFile(path.join(tmp, MODEL_JSON), JSON.stringify(modelJson));
        await fs.writeFile(path.join(tmp, WEIGHTS), Buffer.from(weightData));
      });
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    },
  };
}
