// Worker-thread entry of renderVegaLiteSvg: compiles a Vega-Lite spec to Vega and renders it
// headless to an SVG string, posting { svg } or { error }.
import { parentPort, workerData } from 'node:worker_threads';

/** vega-lite's compile, typed here: its types sit behind package "exports", which this repo's module resolution does not read. */
interface VegaLite {
  compile(spec: object): { spec: object };
}

async function render(spec: object): Promise<string> {
  const vegaLite = (await import('vega-lite' as string)) as VegaLite;
  const vega = await import('vega');
  const view = new vega.View(vega.parse(vegaLite.compile(spec).spec as never), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

render((workerData as { spec: object }).spec).then(
  (svg) => parentPort?.postMessage({ svg }),
  (err: Error) => parentPort?.postMessage({ error: err.stack ?? String(err) }),
);
