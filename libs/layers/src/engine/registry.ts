import type { Layer } from './layer';

/** A layer class the registry can rebuild: a static className and fromConfig. */
export interface LayerClass {
  className: string;
  fromConfig(config: Record<string, unknown>): Layer;
  new (...args: any[]): Layer;
}

export interface SerializedLayer {
  className: string;
  config: Record<string, unknown>;
}

const registry = new Map<string, LayerClass>();

/**
 * Makes a layer class rebuildable from its config (`deserializeLayer`), e.g. in a worker thread or
 * process that loads a saved model. Custom layers must register in every thread/process that
 * loads them; returns the class, so `export const X = registerLayer(class X extends Layer {...})` works too.
 */
export function registerLayer<T extends LayerClass>(cls: T): T {
  if (!Object.prototype.hasOwnProperty.call(cls, 'className') || !cls.className) {
    throw new Error(
      `registerLayer needs a static className on the class. Received: class ${cls.name} without its own ` +
        `static className (add \`static override className = '${cls.name}';\`)`,
    );
  }
  const existing = registry.get(cls.className);
  if (existing && existing !== cls) {
    throw new Error(`A different layer class is already registered as '${cls.className}'.`);
  }
  registry.set(cls.className, cls);
  return cls;
}

export function getRegisteredLayer(className: string): LayerClass {
  const cls = registry.get(className);
  if (!cls) {
    throw new Error(
      `Unknown layer class '${className}'. If it is a custom layer, give it \`static className = '${className}'\` ` +
        `and call registerLayer(${className}) before loading the model, ` +
        `in every thread or process that loads it.`,
    );
  }
  return cls;
}

export function registeredLayerNames(): string[] {
  return [...registry.keys()].sort();
}

export function serializeLayer(layer: Pick<Layer, 'getClassName' | 'getConfig'>): SerializedLayer {
  return { className: layer.getClassName(), config: layer.getConfig() };
}

export function deserializeLayer(serialized: SerializedLayer): Layer {
  if (!serialized || typeof serialized.className !== 'string' || typeof serialized.config !== 'object') {
    throw new Error(`deserializeLayer expects {className, config}. Received: ${JSON.stringify(serialized)?.slice(0, 200)}`);
  }
  return getRegisteredLayer(serialized.className).fromConfig(serialized.config);
}
