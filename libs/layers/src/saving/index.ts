export { getWeightValues, setWeightValues, toWeightValues, toNamedTensors, packWeights, unpackWeights, type WeightValue } from './weight-values';
export { saveModel, loadModel, saveWeights, loadWeights, type SaveModelArgs } from './save-model';
export { writeFileAtomic, writeDirAtomic } from './atomic-write';
export { exportTfjsLayersModel, toTfjsArtifacts, registerTfjsExport } from './tfjs-format';
