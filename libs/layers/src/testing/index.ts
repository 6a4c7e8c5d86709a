export { runLayerTest, type LayerTestCase, type LayerTestReport, type OracleLayer } from './run-layer-test';
export { assertClose, type Tolerance } from './assert-close';
export { registerChainedOpsForTfjsLayers } from './tfjs-chained-ops';
