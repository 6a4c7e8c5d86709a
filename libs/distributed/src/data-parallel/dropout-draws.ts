import { Dropout, type Layer } from '@weft/layers';

/** The model's seeded Dropout layers (nested ones included), each once, in layer order. */
function seededDropouts(model: Layer): Dropout[] {
  const seen = new Set<Layer>();
  const found: Dropout[] = [];
  const walk = (layer: Layer): void => {
    if (seen.has(layer)) return;
    seen.add(layer);
    if (layer instanceof Dropout && layer.seed !== null) found.push(layer);
    layer.subLayers.forEach(walk);
  };
  walk(model);
  return found;
}

/** Where each seeded Dropout's mask sequence is: part of the RNG state a checkpoint keeps. */
export function dropoutDraws(model: Layer): number[] {
  return seededDropouts(model).map((layer) => layer.drawnMasks);
}

/** Puts each seeded Dropout's mask sequence where `draws` says (none given: where it is). */
export function restoreDropoutDraws(model: Layer, draws: readonly number[]): void {
  seededDropouts(model).forEach((layer, i) => {
    if (draws[i] !== undefined) layer.drawnMasks = draws[i];
  });
}
