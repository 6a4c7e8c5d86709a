import { countedLoop, frame, I32, instantiateOn, op, V128, type AsmFunction, type WasmMemory } from './wasm-asm';

/*
 * One LSTM forward step after its recurrent matmul, as a hand-written wasm SIMD function on the wasm
 * backend's memory, four units a turn (units must be a multiple of 4):
 *   z = projected + recurrent (every gate);  s = sigmoid(z)          -> S[t]
 *   except s_c = sigmoid(2 z_c), so that g = 2 s_c - 1 = tanh(z_c)
 *   c' = s_f c + s_i g;  a = tanh(c') = 2 sigmoid(2c') - 1           -> C[t]
 *   h' = s_o a;  with a mask m: h = h + m (h' - h), c = c + m (c' - c) -> carried h, c
 *   the next recurrent input h * recMask                              -> hIn and H[t + 1]
 * exp is Cephes' expf (range reduction by ln 2, degree-5 polynomial: about 1 ulp).
 * Addresses are byte offsets; mask, recMask and hIn are 0 when absent.
 */

// lstmStep's slots; $x is slot x, as the WebAssembly text format writes `local.get $x`.
const STEP = frame(
  // Byte offsets of the arrays (mask, recMask, hIn and hInStack 0 when absent), then the sizes.
  [[I32, ['projected', 'recurrent', 'sigmoids', 'cPrev', 'hPrev', 'activations', 'hOut', 'cOut', 'mask', 'recMask', 'hIn', 'hInStack', 'batch', 'units']]],
  [
    // row: the batch row; unitByte: the byte offset of these 4 units in a gate; gateBytes: units * 4;
    // gatesRow, unitsRow: where the row starts in the [batch, 4 units] and [batch, units] arrays;
    // gateIAt..gateOAt: these 4 units of each gate in the row; unitAt: these 4 units in a [batch, units] row.
    [I32, ['row', 'unitByte', 'gateBytes', 'gatesRow', 'unitsRow', 'gateIAt', 'gateFAt', 'gateCAt', 'gateOAt', 'unitAt']],
    // The row's mask (splat); the gates' sigmoids; c before and c'; a = tanh(c'); h (h' then masked);
    // c carried on (masked); scratch; exp's n and r; h before this step.
    [V128, ['rowMask', 'sI', 'sF', 'sC', 'sO', 'cBefore', 'cNew', 'a', 'h', 'cCarried', 'scratch', 'expN', 'expR', 'hBefore']],
  ],
);
const $ = STEP.slot;

const splat = (value: number) => [...op.f32(value), ...op.f32x4Splat];
const at = (base: number, offset: number) => [...op.get(base), ...op.get(offset), ...op.i32Add];
const load = (base: number, offset: number) => [...at(base, offset), ...op.v128Load()];

/**
 * exp of the v128 on the stack, left on the stack (in $.scratch, $.expN, $.expR). n = round(x log2 e) comes
 * from adding 1.5 * 2^23, which rounds to an integer (to even, as f32x4.nearest) and leaves n in the
 * low mantissa bits, so 2^n is that bit pattern plus the bias, shifted into the exponent: no float to
 * int conversion (several instructions each in V8). The clamps are pmin/pmax, ordered so that NaN passes.
 */
function exp(): number[] {
  const poly = [1.98756915e-4, 1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2, 1.6666665459e-1, 5.0000001201e-1];
  const horner = [...splat(poly[0])];
  for (const c of poly.slice(1)) horner.push(...op.get($.expR), ...op.f32x4Mul, ...splat(c), ...op.f32x4Add);
  const roundingShift = 12582912; // 1.5 * 2^23
  return [
    ...splat(88.0), ...op.f32x4Pmin, ...splat(-87.33654), ...op.f32x4Pmax, ...op.set($.scratch),
    // x clamped in $.scratch; $.expN holds round(x log2 e) + 1.5 * 2^23; $.expR holds n, then r = x - n ln 2.
    ...op.get($.scratch), ...splat(1.44269504088896341), ...op.f32x4Mul, ...splat(roundingShift), ...op.f32x4Add, ...op.tee($.expN),
    ...splat(roundingShift), ...op.f32x4Sub, ...op.set($.expR),
    ...op.get($.scratch), ...op.get($.expR), ...splat(0.693359375), ...op.f32x4Mul, ...op.f32x4Sub,
    ...op.get($.expR), ...splat(-2.12194440e-4), ...op.f32x4Mul, ...op.f32x4Sub, ...op.set($.expR),
    // (poly r^2 + r + 1) * 2^n, 2^n built in the exponent bits.
    ...horner, ...op.get($.expR), ...op.f32x4Mul, ...op.get($.expR), ...op.f32x4Mul, ...op.get($.expR), ...op.f32x4Add, ...splat(1), ...op.f32x4Add,
    ...op.get($.expN), ...op.i32(127), ...op.i32x4Splat, ...op.i32x4Add, ...op.i32(23), ...op.i32x4Shl,
    ...op.f32x4Mul,
  ];
}

/** 1 / (1 + exp(-v)) of the v128 on the stack. */
const sigmoid = (): number[] => [...op.f32x4Neg, ...exp(), ...splat(1), ...op.f32x4Add, ...op.set($.scratch), ...splat(1), ...op.get($.scratch), ...op.f32x4Div];

function stepCode(): number[] {
  /** A gate's sigmoid (of 2z for the candidate) into slot `s` and into the sigmoids array. */
  const gate = (gateAt: number, s: number, doubled = false) => [
    ...load($.projected, gateAt), ...load($.recurrent, gateAt), ...op.f32x4Add, ...(doubled ? [...splat(2), ...op.f32x4Mul] : []), ...sigmoid(), ...op.set(s),
    ...at($.sigmoids, gateAt), ...op.get(s), ...op.v128Store(),
  ];
  const masked = [
    ...load($.hPrev, $.unitAt), ...op.set($.hBefore),
    ...op.get($.hBefore), ...op.get($.rowMask), ...op.get($.h), ...op.get($.hBefore), ...op.f32x4Sub, ...op.f32x4Mul, ...op.f32x4Add, ...op.set($.h),
    ...op.get($.cBefore), ...op.get($.rowMask), ...op.get($.cNew), ...op.get($.cBefore), ...op.f32x4Sub, ...op.f32x4Mul, ...op.f32x4Add, ...op.set($.cCarried),
  ];
  const recurrentInput = [
    ...op.get($.recMask), ...op.i32Eqz,
    ...op.ifElse(
      [...at($.hIn, $.unitAt), ...op.get($.h), ...op.v128Store(), ...at($.hInStack, $.unitAt), ...op.get($.h), ...op.v128Store()],
      [
        ...load($.recMask, $.unitAt), ...op.get($.h), ...op.f32x4Mul, ...op.set($.scratch),
        ...at($.hIn, $.unitAt), ...op.get($.scratch), ...op.v128Store(), ...at($.hInStack, $.unitAt), ...op.get($.scratch), ...op.v128Store(),
      ],
    ),
  ];
  const inner = [
    ...op.get($.gatesRow), ...op.get($.unitByte), ...op.i32Add, ...op.tee($.gateIAt), ...op.get($.gateBytes), ...op.i32Add, ...op.tee($.gateFAt),
    ...op.get($.gateBytes), ...op.i32Add, ...op.tee($.gateCAt), ...op.get($.gateBytes), ...op.i32Add, ...op.set($.gateOAt),
    ...op.get($.unitsRow), ...op.get($.unitByte), ...op.i32Add, ...op.set($.unitAt),
    ...gate($.gateIAt, $.sI), ...gate($.gateFAt, $.sF), ...gate($.gateCAt, $.sC, true), ...gate($.gateOAt, $.sO),
    ...load($.cPrev, $.unitAt), ...op.set($.cBefore),
    // c' = s_f c + s_i (2 s_c - 1)
    ...op.get($.sF), ...op.get($.cBefore), ...op.f32x4Mul,
    ...op.get($.sI), ...op.get($.sC), ...splat(2), ...op.f32x4Mul, ...splat(1), ...op.f32x4Sub, ...op.f32x4Mul,
    ...op.f32x4Add, ...op.set($.cNew),
    // a = 2 sigmoid(2c') - 1
    ...op.get($.cNew), ...splat(2), ...op.f32x4Mul, ...sigmoid(), ...splat(2), ...op.f32x4Mul, ...splat(1), ...op.f32x4Sub, ...op.set($.a),
    ...at($.activations, $.unitAt), ...op.get($.a), ...op.v128Store(),
    ...op.get($.sO), ...op.get($.a), ...op.f32x4Mul, ...op.set($.h),
    ...op.get($.cNew), ...op.set($.cCarried),
    ...op.get($.mask), ...op.i32Eqz, ...op.ifElse([], masked),
    ...at($.hOut, $.unitAt), ...op.get($.h), ...op.v128Store(),
    ...at($.cOut, $.unitAt), ...op.get($.cCarried), ...op.v128Store(),
    ...op.get($.hIn), ...op.i32Eqz, ...op.ifElse([], recurrentInput),
  ];
  const row = [
    ...op.get($.row), ...op.get($.gateBytes), ...op.i32(4), ...op.i32Mul, ...op.i32Mul, ...op.set($.gatesRow),
    ...op.get($.row), ...op.get($.gateBytes), ...op.i32Mul, ...op.set($.unitsRow),
    ...op.get($.mask), ...op.i32Eqz,
    ...op.ifElse(
      [...splat(1), ...op.set($.rowMask)],
      [...op.get($.mask), ...op.get($.row), ...op.i32(2), ...op.i32Shl, ...op.i32Add, ...op.f32Load(), ...op.f32x4Splat, ...op.set($.rowMask)],
    ),
    ...op.i32(0), ...op.set($.unitByte),
    ...countedLoop($.unitByte, $.gateBytes, 16, inner),
  ];
  return [
    ...op.get($.units), ...op.i32(2), ...op.i32Shl, ...op.set($.gateBytes),
    ...countedLoop($.row, $.batch, 1, row),
  ];
}

function lstmStepFunction(): AsmFunction {
  return { name: 'lstmStep', params: STEP.params, locals: STEP.locals, code: stepCode() };
}

/*
 * One backward step before the recurrent matmul (see backCellStep in lstm-backward.ts), four units a turn:
 *   dh' = dh m, dc_in = dc m (no mask: m = 1 and no products);  dc' = dc_in + dh' s_o (1 - a^2)
 *   dz = [dc' (2 s_c - 1) s_i (1 - s_i), dc' c s_f (1 - s_f), dc' 4 s_i s_c (1 - s_c), dh' a s_o (1 - s_o)]
 *     -> dz and its place in dZ (dzStack); then dz's columns to this step's columns of dZT
 *   dc <- dc' s_f + dc (1 - m);  skip <- dh (1 - m)
 */
// lstmBackStep's slots, named as lstmStep's.
const BACK_STEP = frame(
  // Byte offsets of the arrays (skip and mask 0 without a mask), dZT's row length in bytes, the sizes.
  [[I32, ['sigmoids', 'activations', 'cPrev', 'dh', 'dc', 'skip', 'mask', 'dz', 'dzStack', 'dzT', 'dzTRowBytes', 'batch', 'units']]],
  [
    // As in lstmStep. Then the transpose of dz into dZT: dzColumn, the byte offset of a gate column in
    // a dz row (dzRowBytes long); dzAt, where that column is read; dzTRowAt, the dZT row of that
    // column at this step; dzTAt, where a value (or four) is stored.
    [I32, ['row', 'unitByte', 'gateBytes', 'gatesRow', 'unitsRow', 'gateIAt', 'gateFAt', 'gateCAt', 'gateOAt', 'unitAt']],
    [I32, ['dzColumn', 'dzRowBytes', 'dzAt', 'dzTRowAt', 'dzTAt']],
    // The row's mask and 1 - mask; dh and dc as they come, dh' = dh m, dc' (dc_in first); the gates'
    // sigmoids and a (from the forward pass); one gate's dz (then the dc carried back).
    [V128, ['rowMask', 'oneMinusMask', 'dhIn', 'dcIn', 'dhMasked', 'dcNew', 'sI', 'sF', 'sC', 'sO', 'a', 'dzGate']],
    // The block transpose: four rows of dz, then their pairwise interleavings.
    [V128, ['dzRow0', 'dzRow1', 'dzRow2', 'dzRow3', 'zip01Low', 'zip01High', 'zip23Low', 'zip23High']],
  ],
);
const $b = BACK_STEP.slot;

/** dzTRowAt <- the dZT row of gate column dzColumn; dzAt <- that column in dz's first row; row <- 0. */
const startDzColumn = (): number[] => [
  ...op.get($b.dzT), ...op.get($b.dzColumn), ...op.i32(2), ...op.i32ShrU, ...op.get($b.dzTRowBytes), ...op.i32Mul, ...op.i32Add, ...op.set($b.dzTRowAt),
  ...op.get($b.dz), ...op.get($b.dzColumn), ...op.i32Add, ...op.set($b.dzAt),
  ...op.i32(0), ...op.set($b.row),
];

/**
 * dZT[g + l, t * B + b + k] = dz[b + k, g + l] for k, l < 4: four rows of four gate columns loaded, transposed
 * by shuffles, stored as four runs of four floats.
 */
function transposeBlocks(): number[] {
  const dzRowAddress = (k: number) => [...op.get($b.dzAt), ...(k ? [...op.get($b.dzRowBytes), ...op.i32(k), ...op.i32Mul, ...op.i32Add] : [])];
  const pair = (x: number, y: number, lanes: number[]) => [...op.get(x), ...op.get(y), ...op.i32x4Shuffle(lanes)];
  const store = (value: number[]) => [
    ...op.get($b.dzTAt), ...value, ...op.v128Store(),
    ...op.get($b.dzTAt), ...op.get($b.dzTRowBytes), ...op.i32Add, ...op.set($b.dzTAt),
  ];
  return countedLoop($b.dzColumn, $b.dzRowBytes, 16, [
    ...startDzColumn(),
    ...countedLoop($b.row, $b.batch, 4, [
      ...[$b.dzRow0, $b.dzRow1, $b.dzRow2, $b.dzRow3].flatMap((dzRow, k) => [...dzRowAddress(k), ...op.v128Load(), ...op.set(dzRow)]),
      ...pair($b.dzRow0, $b.dzRow1, [0, 4, 1, 5]), ...op.set($b.zip01Low),
      ...pair($b.dzRow0, $b.dzRow1, [2, 6, 3, 7]), ...op.set($b.zip01High),
      ...pair($b.dzRow2, $b.dzRow3, [0, 4, 1, 5]), ...op.set($b.zip23Low),
      ...pair($b.dzRow2, $b.dzRow3, [2, 6, 3, 7]), ...op.set($b.zip23High),
      ...op.get($b.dzTRowAt), ...op.get($b.row), ...op.i32(2), ...op.i32Shl, ...op.i32Add, ...op.set($b.dzTAt),
      ...store(pair($b.zip01Low, $b.zip23Low, [0, 1, 4, 5])),
      ...store(pair($b.zip01Low, $b.zip23Low, [2, 3, 6, 7])),
      ...store(pair($b.zip01High, $b.zip23High, [0, 1, 4, 5])),
      ...store(pair($b.zip01High, $b.zip23High, [2, 3, 6, 7])),
      ...op.get($b.dzAt), ...op.get($b.dzRowBytes), ...op.i32(2), ...op.i32Shl, ...op.i32Add, ...op.set($b.dzAt),
    ]),
  ]);
}

function backStepCode(): number[] {
  const one = splat(1);
  const oneMinus = (v: number) => [...one, ...op.get(v), ...op.f32x4Sub];
  /** Stores the v128 on the stack (through $b.dzGate) to dz and dzStack at a gate's offset. */
  const storeDz = (gateAt: number) => [
    ...op.set($b.dzGate),
    ...at($b.dz, gateAt), ...op.get($b.dzGate), ...op.v128Store(),
    ...at($b.dzStack, gateAt), ...op.get($b.dzGate), ...op.v128Store(),
  ];
  const inner = [
    ...op.get($b.gatesRow), ...op.get($b.unitByte), ...op.i32Add, ...op.tee($b.gateIAt), ...op.get($b.gateBytes), ...op.i32Add, ...op.tee($b.gateFAt),
    ...op.get($b.gateBytes), ...op.i32Add, ...op.tee($b.gateCAt), ...op.get($b.gateBytes), ...op.i32Add, ...op.set($b.gateOAt),
    ...op.get($b.unitsRow), ...op.get($b.unitByte), ...op.i32Add, ...op.set($b.unitAt),
    ...load($b.dh, $b.unitAt), ...op.set($b.dhIn),
    ...load($b.dc, $b.unitAt), ...op.set($b.dcIn),
    ...op.get($b.mask), ...op.i32Eqz,
    ...op.ifElse(
      [...op.get($b.dhIn), ...op.set($b.dhMasked), ...op.get($b.dcIn), ...op.set($b.dcNew)],
      [...op.get($b.dhIn), ...op.get($b.rowMask), ...op.f32x4Mul, ...op.set($b.dhMasked), ...op.get($b.dcIn), ...op.get($b.rowMask), ...op.f32x4Mul, ...op.set($b.dcNew)],
    ),
    ...load($b.sigmoids, $b.gateIAt), ...op.set($b.sI),
    ...load($b.sigmoids, $b.gateFAt), ...op.set($b.sF),
    ...load($b.sigmoids, $b.gateCAt), ...op.set($b.sC),
    ...load($b.sigmoids, $b.gateOAt), ...op.set($b.sO),
    ...load($b.activations, $b.unitAt), ...op.set($b.a),
    // dc' = dc_in + dh' (o (1 - a a))
    ...op.get($b.dcNew), ...op.get($b.dhMasked), ...op.get($b.sO), ...one, ...op.get($b.a), ...op.get($b.a), ...op.f32x4Mul, ...op.f32x4Sub,
    ...op.f32x4Mul, ...op.f32x4Mul, ...op.f32x4Add, ...op.set($b.dcNew),
    // i gate: dc' ((2 s_c - 1) (s_i (1 - s_i)))
    ...op.get($b.dcNew), ...op.get($b.sC), ...splat(2), ...op.f32x4Mul, ...one, ...op.f32x4Sub,
    ...op.get($b.sI), ...oneMinus($b.sI), ...op.f32x4Mul, ...op.f32x4Mul, ...op.f32x4Mul, ...storeDz($b.gateIAt),
    // f gate: dc' (c (s_f (1 - s_f)))
    ...op.get($b.dcNew), ...load($b.cPrev, $b.unitAt), ...op.get($b.sF), ...oneMinus($b.sF), ...op.f32x4Mul, ...op.f32x4Mul, ...op.f32x4Mul,
    ...storeDz($b.gateFAt),
    // candidate: dc' ((4 s_i) (s_c (1 - s_c)))
    ...op.get($b.dcNew), ...op.get($b.sI), ...splat(4), ...op.f32x4Mul, ...op.get($b.sC), ...oneMinus($b.sC), ...op.f32x4Mul,
    ...op.f32x4Mul, ...op.f32x4Mul, ...storeDz($b.gateCAt),
    // o gate: dh' (a (s_o (1 - s_o)))
    ...op.get($b.dhMasked), ...op.get($b.a), ...op.get($b.sO), ...oneMinus($b.sO), ...op.f32x4Mul, ...op.f32x4Mul, ...op.f32x4Mul,
    ...storeDz($b.gateOAt),
    // dc <- dc' s_f (+ dc (1 - m)); skip <- dh (1 - m)
    ...op.get($b.dcNew), ...op.get($b.sF), ...op.f32x4Mul, ...op.set($b.dzGate),
    ...op.get($b.mask), ...op.i32Eqz,
    ...op.ifElse([], [
      ...op.get($b.dzGate), ...op.get($b.dcIn), ...op.get($b.oneMinusMask), ...op.f32x4Mul, ...op.f32x4Add, ...op.set($b.dzGate),
      ...at($b.skip, $b.unitAt), ...op.get($b.dhIn), ...op.get($b.oneMinusMask), ...op.f32x4Mul, ...op.v128Store(),
    ]),
    ...at($b.dc, $b.unitAt), ...op.get($b.dzGate), ...op.v128Store(),
  ];
  const row = [
    ...op.get($b.row), ...op.get($b.gateBytes), ...op.i32(4), ...op.i32Mul, ...op.i32Mul, ...op.set($b.gatesRow),
    ...op.get($b.row), ...op.get($b.gateBytes), ...op.i32Mul, ...op.set($b.unitsRow),
    ...op.get($b.mask), ...op.i32Eqz,
    ...op.ifElse(
      [...one, ...op.set($b.rowMask)],
      [...op.get($b.mask), ...op.get($b.row), ...op.i32(2), ...op.i32Shl, ...op.i32Add, ...op.f32Load(), ...op.f32x4Splat, ...op.set($b.rowMask)],
    ),
    ...oneMinus($b.rowMask), ...op.set($b.oneMinusMask),
    ...op.i32(0), ...op.set($b.unitByte),
    ...countedLoop($b.unitByte, $b.gateBytes, 16, inner),
  ];
  return [
    ...op.get($b.units), ...op.i32(2), ...op.i32Shl, ...op.set($b.gateBytes),
    ...op.i32(0), ...op.set($b.row),
    ...countedLoop($b.row, $b.batch, 1, row),
    // dZT[:, t * B + b] = dz[b, :]: 4x4 blocks transposed in registers when B is a multiple of 4, else column by column.
    ...op.i32(0), ...op.set($b.dzColumn),
    ...op.get($b.gateBytes), ...op.i32(2), ...op.i32Shl, ...op.set($b.dzRowBytes),
    ...op.get($b.batch), ...op.i32(3), ...op.i32And,
    ...op.ifElse(
      [
        ...countedLoop($b.dzColumn, $b.dzRowBytes, 4, [
          ...startDzColumn(),
          ...countedLoop($b.row, $b.batch, 1, [
            ...op.get($b.dzTRowAt), ...op.get($b.row), ...op.i32(2), ...op.i32Shl, ...op.i32Add,
            ...op.get($b.dzAt), ...op.f32Load(), ...op.f32Store(),
            ...op.get($b.dzAt), ...op.get($b.dzRowBytes), ...op.i32Add, ...op.set($b.dzAt),
          ]),
        ]),
      ],
      transposeBlocks(),
    ),
  ];
}

function lstmBackStepFunction(): AsmFunction {
  return { name: 'lstmBackStep', params: BACK_STEP.params, locals: BACK_STEP.locals, code: backStepCode() };
}

/** dh <- mm * recMask + skip + extra (byte offsets; each of recMask, skip, extra 0 when absent), n floats, n a multiple of 4. */
function lstmBackFinishFunction(): AsmFunction {
  const FINISH = frame(
    [[I32, ['recurrentGrad', 'recMask', 'skip', 'extra', 'dh', 'n']]],
    [[I32, ['byte', 'endByte']], [V128, ['sum']]],
  );
  const $f = FINISH.slot;
  const term = (base: number, combine: number[]) => [
    ...op.get(base), ...op.i32Eqz,
    ...op.ifElse([], [...op.get($f.sum), ...load(base, $f.byte), ...combine, ...op.set($f.sum)]),
  ];
  return {
    name: 'lstmBackFinish',
    params: FINISH.params,
    locals: FINISH.locals,
    code: [
      ...op.get($f.n), ...op.i32(2), ...op.i32Shl, ...op.set($f.endByte),
      ...countedLoop($f.byte, $f.endByte, 16, [
        ...load($f.recurrentGrad, $f.byte), ...op.set($f.sum),
        ...term($f.recMask, op.f32x4Mul), ...term($f.skip, op.f32x4Add), ...term($f.extra, op.f32x4Add),
        ...at($f.dh, $f.byte), ...op.get($f.sum), ...op.v128Store(),
      ]),
    ],
  };
}

export interface LstmSimd {
  lstmStep(
    p: number, r: number, s: number, cPrev: number, hPrev: number, act: number, hOut: number, cOut: number,
    mask: number, recMask: number, hIn: number, hInStack: number, batch: number, units: number,
  ): void;
  lstmBackStep(
    s: number, act: number, cPrev: number, dh: number, dc: number, skip: number, mask: number, dz: number,
    dzStack: number, dzT: number, rowsBytes: number, batch: number, units: number,
  ): void;
  lstmBackFinish(mm: number, recMask: number, skip: number, extra: number, dh: number, n: number): void;
}

const instances = new WeakMap<WasmMemory, LstmSimd | null>();

/** The SIMD LSTM step functions bound to `memory`, or null where wasm SIMD is unavailable. */
export function lstmSimdOn(memory: WasmMemory): LstmSimd | null {
  return instantiateOn(instances, memory, () => [lstmStepFunction(), lstmBackStepFunction(), lstmBackFinishFunction()]);
}
