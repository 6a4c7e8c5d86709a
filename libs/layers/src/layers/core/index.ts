export { Dense, dense, type DenseArgs } from './dense';
export { Embedding, embedding, type EmbeddingArgs } from './embedding';
export { Masking, masking, type MaskingArgs } from './masking';
