export { BaseDenseAttention, type BaseDenseAttentionArgs } from './base-dense-attention';
export { Attention, attention, type AttentionArgs } from './attention';
export { AdditiveAttention, additiveAttention, type AdditiveAttentionArgs } from './additive-attention';
export { MultiHeadAttention, multiHeadAttention, type MultiHeadAttentionArgs } from './multi-head-attention';
export { TransformerEncoder, transformerEncoder, type TransformerEncoderArgs } from './transformer-encoder';
