import { initBackend, tf } from '@weft/tensor';
import { optimizers } from '@weft/layers';
import type { RankContext } from '../launch/rank-context';
import type { ReduceOp } from '../process-group';
import { RowSparseExchange } from '../sparse-rows';
import { rowSparseGradient } from './sparse-rows-rank';

/** One exchange of a tensor that declares its touched rows: per rank, the rows it touched. */
export interface DeclaredCall {
  touched: number[][];
  op: ReduceOp;
  /** Per rank, the scale of a weighted sum. */
  scale?: number[];
}

export interface DeclaredCallResult {
  /** Elements whose bits differ from the dense all-reduce's. */
  mismatches: number;
  /** Whether the result declares rows (the exchange sent rows, else it went dense). */
  sparse: boolean;
}

/**
 * Exchanges a sequence of gradient tensors through one RowSparseExchange, each declaring its
 * touched rows and one more that is +0 (as an Embedding's gradient declares every id looked up);
 * compares each result's bits with the dense all-reduce of the same gradient. Then passes a
 * gradient of the wrong shape, and returns the error.
 */
export async function main(ctx: RankContext<{ rows: number; cols: number; calls: DeclaredCall[] }>): Promise<{ calls: DeclaredCallResult[]; wrongShape: string }> {
  const group = await ctx.createGroup();
  try {
    await initBackend('wasm');
    const { rows, cols, calls } = ctx.args;
    const exchange = new RowSparseExchange(group, 'table', [rows, cols]);
    const results: DeclaredCallResult[] = [];
    for (const [i, call] of calls.entries()) {
      const grad = rowSparseGradient({ rows, cols, touched: call.touched, op: call.op }, ctx.rank, i);
      const scale = call.scale?.[ctx.rank];
      const dense = grad.map((v) => (scale === undefined ? v : v * scale));
      await group.allReduce(dense, { op: call.op });
      const mine = new Set(call.touched[ctx.rank]);
      const spare = [...Array(rows).keys()].find((row) => !mine.has(row))!;
      const declared = Int32Array.from([...mine, spare]).sort();
      const tensor = optimizers.declareTouchedRows(tf.tensor2d(grad, [rows, cols]), declared);
      const out = await exchange.allReduceTensor(tensor, { op: call.op, scale });
      const [want, got] = [new Uint32Array(dense.buffer), new Uint32Array((out.dataSync() as Float32Array).slice().buffer)];
      let mismatches = 0;
      for (let j = 0; j < want.length; j++) if (want[j] !== got[j]) mismatches++;
      results.push({ mismatches, sparse: optimizers.touchedRowsOf(out) !== null });
      tf.dispose([tensor, out]);
    }
    const wrongShape = await exchange.allReduceTensor(tf.zeros([rows, cols + 1])).then(
      () => 'no error',
      (err: Error) => err.message,
    );
    return { calls: results, wrongShape };
  } finally {
    group.destroy();
  }
}
