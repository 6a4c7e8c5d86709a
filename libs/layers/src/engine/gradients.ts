// tfjs-core's CommonJS bundle registers no gradient functions (the tfjs union package and
// tfjs-layers do, on load). Loading tfjs-layers' bundle registers tfjs-core's gradient configs for
// every kernel, which training needs; nothing else of tfjs-layers is used at run time.
import '@tensorflow/tfjs-layers';
