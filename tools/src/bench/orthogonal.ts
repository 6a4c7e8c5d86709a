/**
 * Orthogonal initializer: ours (Gram-Schmidt in JS) beside tf.linalg.qr (what a tfjs-ops
 * implementation, tfjs-layers' included, runs), same shapes, same run.
 * Run: npx tsx tools/src/bench/orthogonal.ts [--backend wasm|cpu]
 */
import { choiceOption, initBackend, parseFlags, tf } from '@weft/tensor';
import { initializers } from '@weft/layers';

const { orthogonal } = initializers;

async function main(): Promise<void> {
  const { values } = parseFlags(process.argv.slice(2), { backend: { type: 'string' } }, { help: 'Usage: npx tsx tools/src/bench/orthogonal.ts [--backend wasm|cpu]' });
  const backend = choiceOption('backend', values.backend, ['wasm', 'cpu'] as const, 'wasm');
  await initBackend(backend);
  console.log(`backend ${backend}`);
  for (const [rows, cols] of [[32, 128], [64, 256], [128, 512]]) {
    let t0 = performance.now();
    orthogonal().apply([rows, cols]).dispose();
    const ours = performance.now() - t0;
    t0 = performance.now();
    tf.dispose(tf.tidy(() => tf.linalg.qr(tf.randomNormal([cols, rows]))));
    const qr = performance.now() - t0;
    console.log(`[${rows},${cols}]  weft ${ours.toFixed(1)} ms   tf.linalg.qr ${qr.toFixed(0)} ms   weft/qr ${(ours / qr).toFixed(4)}`);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
