export { describeModel, applyModelSpec, type ModelSpec } from './model-spec';
export { getWeightValues, setWeightValues, toWeightValues, toNamedTensors, packWeights, unpackWeights, type WeightValue } from './weight-values';
export { saveModel, saveWeights, loadWeights, type SaveModelArgs } from './save-model';
export type { SavableModel } from './savable-model';
export { writeFileAtomic, writeDirAtomic } from './atomic-write';
export { exportTfjsLayersModel, toTfjsArtifacts, type TfjsArtifacts } from './tfjs-format';
export {
  registerTfjsExport,
  unregisterTfjsExport,
  ownWeights,
  type TfjsExporter,
  type TfjsExportContext,
  type TfjsLayerSpec,
  type TfjsMaskRule,
  type TfjsWeight,
} from './tfjs-export-registry';
export { tfjsFileHandler } from './tfjs-file-io';
