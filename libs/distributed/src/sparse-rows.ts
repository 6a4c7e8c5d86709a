import { FlatLayout, segmentSums, STEP_SPANS, StepTracer, tf, valuesOf, type TraceTrack } from '@weft/tensor';
import { optimizers } from '@weft/layers';
import type { ProcessGroup, SumOrderRange } from './process-group';
import type { BucketReduceOptions } from './gradient-buckets';

export interface RowExchangeOptions extends BucketReduceOptions {
  /** false: always the dense all-reduce. Default true: the touched rows, when they send fewer bytes. */
  sparse?: boolean;
  /**
   * How many times fewer bytes the rows must send than the dense all-reduce to be chosen (default
   * 1). The rows cost more per byte: a round trip for the counts, and the plan of the row sums.
   */
  sparseAdvantage?: number;
}

/** After a dense exchange chosen by twice the margin, the next calls skip the counts and go dense (all ranks alike: they decide from the same counts). */
const DENSE_STREAK = 32;

/** Row indices travel as float32, exact below 2^24. */
const MAX_SPARSE_ROWS = 2 ** 24;

/**
 * The all-reduce of one 2-D gradient whose rows a batch mostly leaves at +0 (an Embedding's
 * table: only the rows it looked up), as TensorFlow's IndexedSlices and Horovod's sparse
 * allgather exchange it. Every rank takes the rows its gradient declares (declareTouchedRows, as
 * an Embedding's does) or else finds its touched rows (any bit set); the ranks all-gather
 * their counts, and when the rows send fewer bytes than a dense all-reduce would (by the ring
 * count of ProcessGroup.bytesSent), all-gather [indices | rows] padded to the largest count, and
 * every rank sums each row over the ranks in the order the dense all-reduce of this array would
 * (group.sumOrder; missing rows add +0), scaled alike, straight into a new tensor (segmentSums):
 * the result has the dense all-reduce's bits. Otherwise it is that dense all-reduce. Every rank
 * must exchange the same weight in turn.
 */
export class RowSparseExchange {
  readonly rows: number;
  readonly cols: number;
  /** The dense array, in the group's memory where it has room: the dense all-reduce works on it in place, and the scan reads it. */
  private readonly buffer: Float32Array;
  private readonly layout: FlatLayout;
  private readonly signature: number;
  private order: SumOrderRange[] | null = null;
  /** Per row: its place among the rows being summed, else -1. */
  private readonly slotOfRow: Int32Array;
  private readonly touched: Int32Array;
  /** What this rank sends, what it gathers and the plan of the sums, kept between steps (fresh arrays cost page faults). */
  private sendSpace = new Float32Array(0);
  private gatherSpace = new Float32Array(0);
  private planSpace = new Int32Array(0);
  /** Calls left that go dense without counting rows (see DENSE_STREAK). */
  private denseCallsLeft = 0;

  /** `trace`: where each phase of an exchange is traced (STEP_SPANS.rowCounts and the rest). */
  constructor(
    private readonly group: ProcessGroup,
    readonly name: string,
    shape: readonly number[],
    private readonly trace: TraceTrack = StepTracer.off,
  ) {
    if (shape.length !== 2) throw new Error(`RowSparseExchange needs a 2-D weight. Received: '${name}' with shape [${shape}]`);
    [this.rows, this.cols] = shape;
    this.layout = new FlatLayout([{ name, shape }]);
    this.buffer = group.allocate(this.layout.size);
    this.signature = hash24(`${name}:${this.rows}x${this.cols}`);
    this.slotOfRow = new Int32Array(this.rows).fill(-1);
    this.touched = new Int32Array(this.rows);
  }

  /**
   * Sums this rank's gradient (float32, rows x cols) with the other ranks': a new tensor (the
   * caller disposes both), with its touched rows declared after a sparse exchange
   * (declareTouchedRows), so that SGD and Adagrad update them alone. Where the gradient itself
   * declares its touched rows (an Embedding's does), only those rows are read: no copy of the whole
   * table, no search for its nonzero rows.
   */
  async allReduceTensor(grad: tf.Tensor, options: RowExchangeOptions = {}): Promise<tf.Tensor> {
    if (grad.dtype !== 'float32' || grad.rank !== 2 || grad.shape[0] !== this.rows || grad.shape[1] !== this.cols) {
      throw new Error(`RowSparseExchange '${this.name}': the gradient must be float32 [${this.rows},${this.cols}]. Received: ${grad.dtype} [${grad.shape}]`);
    }
    const declared = optimizers.touchedRowsOf(grad);
    const { sums, rows } = await this.exchange(declared ? this.declaredRows(grad, declared) : this.scannedRows(grad), options);
    return rows ? optimizers.declareTouchedRows(sums, rows) : sums;
  }

  /** The rows of a gradient that declares none: the whole gradient copied into `buffer`, and its nonzero rows found there. */
  private scannedRows(grad: tf.Tensor): TouchedRows {
    let count = 0;
    let packed = false;
    const fillBuffer = () => {
      if (!packed) this.layout.pack({ [this.name]: grad }, this.buffer);
      packed = true;
    };
    return {
      count: () => {
        fillBuffer();
        return (count = this.findTouchedRows());
      },
      fillBuffer,
      copyRows: (into, at, scale) => {
        const { cols } = this;
        for (let j = 0; j < count; j++) copyScaled(this.buffer.subarray(this.touched[j] * cols, (this.touched[j] + 1) * cols), into, at + j * cols, scale);
        return this.touched.subarray(0, count);
      },
    };
  }

  /** The rows a tensor declares (all others +0): read from the tensor alone. */
  private declaredRows(grad: tf.Tensor, rows: Int32Array): TouchedRows {
    return {
      count: () => rows.length,
      fillBuffer: () => this.layout.pack({ [this.name]: grad }, this.buffer),
      copyRows: (into, at, scale) => {
        const { cols } = this;
        const values = valuesOf(grad);
        for (let j = 0; j < rows.length; j++) copyScaled(values.subarray(rows[j] * cols, (rows[j] + 1) * cols), into, at + j * cols, scale);
        return rows;
      },
    };
  }

  private async exchange(source: TouchedRows, options: RowExchangeOptions): Promise<SummedRows> {
    const { group, cols, trace } = this;
    const dense = () =>
      trace.spanAsync(STEP_SPANS.rowDense, async () => {
        source.fillBuffer();
        await this.reduceDense(options);
        return { sums: this.layout.unpack(this.buffer)[this.name], rows: null };
      });
    if (options.sparse === false || group.size === 1 || this.rows >= MAX_SPARSE_ROWS) return dense();
    if (this.denseCallsLeft > 0) {
      this.denseCallsLeft--;
      return dense();
    }
    const counts = new Float32Array(2 * group.size);
    await trace.spanAsync(STEP_SPANS.rowCounts, () => group.allGather(new Float32Array([source.count(), this.signature]), counts, { timeoutMs: options.timeoutMs }));
    let max = 0;
    for (let r = 0; r < group.size; r++) {
      if (counts[2 * r + 1] !== this.signature) {
        throw new Error(
          `RowSparseExchange: rank ${r} exchanges another weight than rank ${group.rank} ('${this.name}', ${this.rows}x${cols}); ` +
            'every rank must exchange the same weights in the same order',
        );
      }
      max = Math.max(max, counts[2 * r]);
    }
    // Ring bytes: an all-gather sends (n-1) inputs, an all-reduce 2(n-1)/n of the array.
    const rowsCost = group.size * max * (cols + 1) * (options.sparseAdvantage ?? 1);
    if (!(rowsCost < 2 * this.rows * cols)) {
      if (rowsCost >= 4 * this.rows * cols) this.denseCallsLeft = DENSE_STREAK - 1;
      return dense();
    }
    if (max === 0) return { sums: tf.zeros([this.rows, cols]), rows: new Int32Array(0) };
    const stride = max * (cols + 1);
    if (this.gatherSpace.length < stride * group.size) {
      this.sendSpace = new Float32Array(Math.ceil(stride * 1.25));
      this.gatherSpace = new Float32Array(this.sendSpace.length * group.size);
    }
    const mine = this.sendSpace.subarray(0, stride).fill(-1, 0, max);
    // The dense path scales the whole array the same way (GradientBuckets): the same bits.
    trace.span(STEP_SPANS.rowCopy, () => mine.set(source.copyRows(mine, max, options.scale ?? 1)));
    const gathered = this.gatherSpace.subarray(0, stride * group.size);
    await trace.spanAsync(STEP_SPANS.rowGather, () => group.allGather(mine, gathered, { timeoutMs: options.timeoutMs }));
    return trace.span(STEP_SPANS.rowSum, () => this.sumRows(gathered, max, options.op === 'mean'));
  }

  private async reduceDense(options: RowExchangeOptions): Promise<void> {
    const scale = options.scale ?? 1;
    if (scale !== 1) for (let i = 0; i < this.buffer.length; i++) this.buffer[i] *= scale;
    await this.group.allReduce(this.buffer, { op: options.op, timeoutMs: options.timeoutMs });
  }

  /** Fills `touched` with the rows holding any set bit (-0 included, as the dense sum sees it); returns their count. */
  private findTouchedRows(): number {
    const bits = new Int32Array(this.buffer.buffer, this.buffer.byteOffset, this.buffer.length);
    const { cols } = this;
    const whole = cols & ~3;
    let count = 0;
    for (let row = 0, at = 0; row < this.rows; row++, at += cols) {
      // OR-ing a row's words without a branch per element is twice as fast as stopping at the first.
      let any = 0;
      for (let c = at; c < at + whole; c += 4) any |= bits[c] | bits[c + 1] | bits[c + 2] | bits[c + 3];
      for (let c = at + whole; c < at + cols; c++) any |= bits[c];
      if (any !== 0) this.touched[count++] = row;
    }
    return count;
  }

  /**
   * Sums every gathered row over the ranks in the dense all-reduce's order, into a new tensor. A
   * rank without the row adds +0 there, which changes nothing but the sign of a zero: leaving it
   * out and adding +0 once at the end gives the same bits (a sum that has had a +0 added is never
   * -0). The plan has a segment per row, or per piece of a row where the order changes mid-row.
   */
  private sumRows(gathered: Float32Array, max: number, mean: boolean): SummedRows {
    const { cols, slotOfRow } = this;
    const size = this.group.size;
    const stride = max * (cols + 1);
    const union: number[] = [];
    for (let r = 0; r < size; r++) {
      for (let j = 0; j < max && gathered[r * stride + j] >= 0; j++) {
        const row = gathered[r * stride + j];
        if (slotOfRow[row] < 0) {
          slotOfRow[row] = 0;
          union.push(row);
        }
      }
    }
    const rows = Int32Array.from(union).sort();
    rows.forEach((row, u) => (slotOfRow[row] = u));
    // Where rank r's copy of the u-th row starts in `gathered`, or -1.
    const from = new Int32Array(rows.length * size).fill(-1);
    for (let r = 0; r < size; r++) {
      for (let j = 0; j < max && gathered[r * stride + j] >= 0; j++) {
        from[slotOfRow[gathered[r * stride + j]] * size + r] = r * stride + max + j * cols;
      }
    }
    const order = (this.order ??= this.group.sumOrder(this.buffer));
    // Each entry: first element, length, whether to add +0, term count, then where each term starts.
    const entryInts = 4 + size;
    const most = (rows.length + order.length) * entryInts;
    if (this.planSpace.length < most) this.planSpace = new Int32Array(Math.ceil(most * 1.25));
    const plan = this.planSpace;
    let count = 0;
    let k = 0;
    for (let u = 0; u < rows.length; u++) {
      const base = rows[u] * cols;
      for (let start = base; start < base + cols; ) {
        while (order[k].end <= start) k++;
        const end = Math.min(order[k].end, base + cols);
        const e = count++ * entryInts;
        let present = 0;
        for (const r of order[k].ranks) {
          const at = from[u * size + r];
          if (at >= 0) plan[e + 4 + present++] = at + start - base;
        }
        plan[e] = start;
        plan[e + 1] = end - start;
        plan[e + 2] = present < size ? 1 : 0;
        plan[e + 3] = present;
        start = end;
      }
      slotOfRow[rows[u]] = -1;
    }
    const sums = segmentSums([this.rows, cols], gathered, { entries: plan, count, stride: entryInts }, mean ? Math.fround(1 / size) : 1);
    return { sums, rows };
  }
}

/** The sum over the ranks of a gradient: rows x cols, +0 but in `rows` (null: any row, after a dense all-reduce). */
interface SummedRows {
  sums: tf.Tensor;
  rows: Int32Array | null;
}

/** This rank's touched rows, however they are found. */
interface TouchedRows {
  count(): number;
  /** Puts the whole gradient in `buffer`, for a dense all-reduce. */
  fillBuffer(): void;
  /** Writes each touched row times `scale` into `into` from `at` on, in the order of the rows returned (ascending). */
  copyRows(into: Float32Array, at: number, scale: number): Int32Array;
}

function copyScaled(values: Float32Array, into: Float32Array, at: number, scale: number): void {
  if (scale === 1) into.set(values, at);
  else for (let c = 0; c < values.length; c++) into[at + c] = values[c] * scale;
}

/** A 24-bit FNV-1a hash (exact as a float32). */
function hash24(text: string): number {
  let hash = 0x811c9dc5;
  for (const ch of text) hash = Math.imul(hash ^ ch.charCodeAt(0), 0x01000193);
  return (hash >>> 0) & 0xffffff;
}
