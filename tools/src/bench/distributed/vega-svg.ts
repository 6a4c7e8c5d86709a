import { join } from 'node:path';
import { Worker } from 'node:worker_threads';

/** Loads TypeScript in the renderer's thread, from any working directory. */
const TS_EXEC_ARGV = ['--require', require.resolve('tsx/cjs')];

/**
 * Renders a Vega-Lite spec to SVG (vega's headless renderer: no browser, no canvas). On a worker
 * thread: vega is ESM with top-level await, which require() cannot load and jest's module VM
 * cannot import(); a worker thread imports it with Node's own loader wherever this runs.
 */
export async function renderVegaLiteSvg(spec: object): Promise<string> {
  const worker = new Worker(join(__dirname, 'vega-svg.worker.ts'), { execArgv: TS_EXEC_ARGV, workerData: { spec } });
  try {
    const reply = await new Promise<{ svg?: string; error?: string }>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`the chart renderer's thread exited (code ${code}) before replying`)));
    });
    if (reply.error !== undefined) throw new Error(`Rendering the chart with vega failed: ${reply.error}`);
    return reply.svg as string;
  } finally {
    await worker.terminate();
  }
}
