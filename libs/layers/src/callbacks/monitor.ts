/** 'min' or 'max' for a monitored quantity; 'auto' maximises accuracy-like names, minimises the rest (Keras). */
export function resolveMode(mode: 'auto' | 'min' | 'max', monitor: string, owner: string): 'min' | 'max' {
  if (!['auto', 'min', 'max'].includes(mode)) {
    throw new Error(`${owner}: \`mode\` must be 'auto', 'min' or 'max'. Received: mode=${JSON.stringify(mode)}`);
  }
  if (mode !== 'auto') return mode;
  return /acc|auc|precision|recall|^fmeasure/.test(monitor.replace(/^val_/, '')) ? 'max' : 'min';
}

/** Whether `current` improves on `best` by more than minDelta in the given direction. */
export function isImprovement(current: number, best: number, mode: 'min' | 'max', minDelta: number): boolean {
  return mode === 'min' ? current < best - minDelta : current > best + minDelta;
}
