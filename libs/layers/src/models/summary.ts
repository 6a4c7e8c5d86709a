import { InputLayer } from '../engine/input-layer';
import type { Layer, Node, SymbolicTensor } from '../engine/layer';
import type { Shape } from '../engine/shape';

/** What summary reads of a model (Model and Sequential implement it; summary does not import them). */
export interface SummarizedModel extends Pick<Layer, 'name' | 'built' | 'trainableWeights' | 'nonTrainableWeights' | 'getClassName'> {
  readonly layers: Layer[];
  readonly outputs: SymbolicTensor[];
  readonly graphNodes: readonly Node[];
}

export interface SummaryArgs {
  /** Where lines go; default console.log. */
  printFn?: (line: string) => void;
}

const formatShape = (s: Shape) => `(${s.map((d) => (d === null ? 'None' : String(d))).join(', ')}${s.length === 1 ? ',' : ''})`;
const formatCount = (n: number) => n.toLocaleString('en-US');

/** Keras's readable_memory_size: float32 bytes in B/KB/MB/GB (1024 base). */
function memorySize(params: number): string {
  let bytes = params * 4;
  for (const unit of ['B', 'KB', 'MB', 'GB']) {
    if (bytes < 1024 || unit === 'GB') return `${bytes.toFixed(2)} ${unit}`;
    bytes /= 1024;
  }
  return '';
}

interface Row {
  cells: string[][];
}

/** Output shapes of a layer's calls inside this model (one per node), or null when unbuilt. */
function outputShapes(model: SummarizedModel, layer: Layer): string[] {
  if (!model.built) return ['?'];
  if (layer instanceof InputLayer) return [formatShape(layer.output.shape)];
  const inModel = layer.inboundNodes.filter((n) => model.outputs.length > 0 && modelNodes(model).includes(n));
  const node = inModel[inModel.length - 1];
  if (!node) return ['?'];
  return node.outputs.length === 1 ? [formatShape(node.outputs[0].shape)] : node.outputs.map((o) => formatShape(o.shape));
}

function modelNodes(model: SummarizedModel): readonly Node[] {
  return model.graphNodes;
}

function connectedTo(model: SummarizedModel, layer: Layer): string[] {
  const nodes = layer.inboundNodes.filter((n) => modelNodes(model).includes(n));
  const refs: string[] = [];
  for (const n of nodes) {
    for (const t of n.inputs) {
      const producer = t.sourceLayer;
      const idx = producer instanceof InputLayer ? 0 : producer.inboundNodes.filter((m) => modelNodes(model).includes(m)).indexOf(producer.inboundNodes[t.nodeIndex]);
      refs.push(`${producer.name}[${idx}][${t.tensorIndex}]`);
    }
  }
  return refs.length ? refs : ['-'];
}

/**
 * Keras 3's model summary: a box table of layer (type), output shape, parameter count and, for
 * functional models, the inbound tensors; then total, trainable and non-trainable parameters.
 */
export function summarize(model: SummarizedModel, args: SummaryArgs = {}): string {
  const print = args.printFn ?? ((line: string) => console.log(line));
  const functional = model.getClassName() !== 'Sequential';
  const headers = functional ? ['Layer (type)', 'Output Shape', 'Param #', 'Connected to'] : ['Layer (type)', 'Output Shape', 'Param #'];
  const rows: Row[] = model.layers.map((layer) => {
    const params = layer.built ? formatCount(layer.countParams()) : '0 (unbuilt)';
    const cells = [[`${layer.name} (${layer.getClassName()})`], outputShapes(model, layer), [params]];
    if (functional) cells.push(connectedTo(model, layer));
    return { cells };
  });
  const widths = headers.map((h, c) => Math.max(h.length, ...rows.flatMap((r) => r.cells[c].map((s) => s.length))) + 2);
  const line = (l: string, m: string, r: string, fill: string) => l + widths.map((w) => fill.repeat(w)).join(m) + r;
  const cell = (text: string, c: number, sep: string) => {
    const w = widths[c] - 2;
    return ' ' + (c === 2 ? text.padStart(w) : text.padEnd(w)) + ' ' + sep;
  };
  const out: string[] = [`Model: "${model.name}"`];
  out.push(line('┏', '┳', '┓', '━'));
  out.push('┃' + headers.map((h, c) => cell(h, c, '┃')).join(''));
  out.push(line('┡', '╇', '┩', '━'));
  rows.forEach((row, i) => {
    const height = Math.max(...row.cells.map((c) => c.length));
    for (let k = 0; k < height; k++) out.push('│' + row.cells.map((c, j) => cell(c[k] ?? '', j, '│')).join(''));
    if (functional && i < rows.length - 1) out.push(line('├', '┼', '┤', '─'));
  });
  out.push(line('└', '┴', '┘', '─'));
  const built = model.built;
  const trainable = built ? model.trainableWeights.reduce((n, w) => n + w.variable.size, 0) : 0;
  const nonTrainable = built ? model.nonTrainableWeights.reduce((n, w) => n + w.variable.size, 0) : 0;
  out.push(` Total params: ${formatCount(trainable + nonTrainable)} (${memorySize(trainable + nonTrainable)})`);
  out.push(` Trainable params: ${formatCount(trainable)} (${memorySize(trainable)})`);
  out.push(` Non-trainable params: ${formatCount(nonTrainable)} (${memorySize(nonTrainable)})`);
  const text = out.join('\n');
  for (const l of out) print(l);
  return text;
}
