import * as tfl from '@tensorflow/tfjs-layers';

/** Keras's imdb_cnn example: Embedding 20000x50, length 400, Conv1D 250x3, GlobalMaxPool1D, Dense 250, Dense 1. */
export function imdbCnn(): tfl.Sequential {
  const m = tfl.sequential();
  m.add(tfl.layers.embedding({ inputDim: 20000, outputDim: 50, inputLength: 400 }));
  m.add(tfl.layers.dropout({ rate: 0.2 }));
  m.add(tfl.layers.conv1d({ filters: 250, kernelSize: 3, padding: 'valid', activation: 'relu', strides: 1 }));
  m.add(tfl.layers.globalMaxPooling1d());
  m.add(tfl.layers.dense({ units: 250 }));
  m.add(tfl.layers.dropout({ rate: 0.2 }));
  m.add(tfl.layers.activation({ activation: 'relu' }));
  m.add(tfl.layers.dense({ units: 1, activation: 'sigmoid' }));
  m.compile({ optimizer: 'adam', loss: 'binaryCrossentropy', metrics: ['accuracy'] });
  return m;
}

/** Keras's imdb_lstm example: Embedding 20000x128, length 80, LSTM 128 (dropout 0.2, recurrent 0.2), Dense 1. */
export function imdbLstm(): tfl.Sequential {
  const m = tfl.sequential();
  m.add(tfl.layers.embedding({ inputDim: 20000, outputDim: 128, inputLength: 80 }));
  m.add(tfl.layers.lstm({ units: 128, dropout: 0.2, recurrentDropout: 0.2 }));
  m.add(tfl.layers.dense({ units: 1, activation: 'sigmoid' }));
  m.compile({ optimizer: 'adam', loss: 'binaryCrossentropy', metrics: ['accuracy'] });
  return m;
}
