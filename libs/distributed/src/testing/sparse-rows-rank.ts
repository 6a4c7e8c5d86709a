import { initBackend, tf, valuesOf } from '@weft/tensor';
import { optimizers } from '@weft/layers';
import type { RankContext } from '../launch/rank-context';
import type { ReduceOp } from '../process-group';
import { RowSparseExchange } from '../sparse-rows';

/** One exchange: a rows x cols gradient, nonzero on each rank in its own rows. */
export interface SparseCase {
  rows: number;
  cols: number;
  /** Per rank, the rows it touched. */
  touched: number[][];
  op: ReduceOp;
  /** Per rank, the scale of a weighted sum. */
  scale?: number[];
  /** RowExchangeOptions.sparseAdvantage. */
  advantage?: number;
  /** Exchanges of the same gradient through the same exchange (default 1); the result is the last one's. */
  calls?: number;
}

export interface SparseCaseResult {
  /** Elements whose bits differ from the dense all-reduce's. */
  mismatches: number;
  /** Whether the exchange sent rows (else it went dense). */
  sparse: boolean;
  /** Rows declared possibly nonzero (-1: all). */
  rows: number;
  denseBytes: number;
  exchangeBytes: number;
  /** Bytes each call sent. */
  bytesPerCall: number[];
}

/** Deterministic values spanning six decades, so that the order of a sum shows in its bits. */
export function rowSparseGradient(c: SparseCase, rank: number, salt: number): Float32Array {
  let seed = (rank + 1) * 7919 + salt * 104729;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const out = new Float32Array(c.rows * c.cols);
  for (const row of c.touched[rank]) {
    for (let j = 0; j < c.cols; j++) out[row * c.cols + j] = (random() - 0.5) * 10 ** (random() * 6 - 3);
  }
  // A -0 in a touched row: the dense sum turns it into +0 unless every rank has -0 there.
  if (c.touched[rank].length > 0) out[c.touched[rank][0] * c.cols] = -0;
  return out;
}

/**
 * Exchanges each case's gradient (a tensor that declares no rows: the exchange finds them) and
 * all-reduces it densely; compares the bits.
 */
export async function main(ctx: RankContext<{ cases: SparseCase[] }>): Promise<SparseCaseResult[]> {
  const group = await ctx.createGroup();
  try {
    await initBackend('wasm');
    const results: SparseCaseResult[] = [];
    for (const [i, c] of ctx.args.cases.entries()) {
      const grad = rowSparseGradient(c, ctx.rank, i);
      const options = { op: c.op, scale: c.scale?.[ctx.rank], sparseAdvantage: c.advantage };
      const exchange = new RowSparseExchange(group, `case${i}`, [c.rows, c.cols]);
      const dense = group.allocate(grad.length);
      dense.set(grad);
      const before = group.bytesSent;
      if (options.scale !== undefined) for (let j = 0; j < dense.length; j++) dense[j] *= options.scale;
      await group.allReduce(dense, { op: c.op });
      const denseBytes = group.bytesSent - before;
      const bytesPerCall: number[] = [];
      const tensor = tf.tensor2d(grad, [c.rows, c.cols]);
      let result = await exchange.allReduceTensor(tensor, options);
      bytesPerCall.push(group.bytesSent - before - denseBytes);
      for (let call = 1; call < (c.calls ?? 1); call++) {
        const start = group.bytesSent;
        result.dispose();
        result = await exchange.allReduceTensor(tensor, options);
        bytesPerCall.push(group.bytesSent - start);
      }
      const values = valuesOf(result);
      const rows = optimizers.touchedRowsOf(result);
      const exchangeBytes = bytesPerCall[0];
      const [want, got] = [new Uint32Array(dense.buffer, dense.byteOffset, dense.length), new Uint32Array(values.buffer, values.byteOffset, values.length)];
      let mismatches = 0;
      for (let j = 0; j < want.length; j++) if (want[j] !== got[j]) mismatches++;
      results.push({ mismatches, sparse: rows !== null, rows: rows?.length ?? -1, denseBytes, exchangeBytes, bytesPerCall });
      tf.dispose([tensor, result]);
    }
    return results;
  } finally {
    group.destroy();
  }
}
