import { countedLoop, I32, instantiateOn, op, V128, type AsmFunction, type WasmMemory } from './wasm-asm';

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

// Parameters.
const [P, R, S, C_PREV, H_PREV, ACT, H_OUT, C_OUT, MASK, REC_MASK, H_IN, H_IN_STACK, BATCH, UNITS] = [...Array(14).keys()];
// i32 locals.
const [B, J, U_BYTES, ROW_G, ROW_U, G0, G1, G2, G3, U0] = [14, 15, 16, 17, 18, 19, 20, 21, 22, 23];
// v128 locals.
const [M, ZI, ZF, ZG, ZO, CV, CNEW, AV, HV, CC, X, FX, RR, HP] = [24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37];
const LOCALS = [...Array(10).fill(I32), ...Array(14).fill(V128)];

const NEG = [0xfd, 0xe1, 0x01]; // f32x4.neg
const splat = (value: number) => [...op.f32(value), ...op.f32x4Splat];
const at = (base: number, offset: number) => [...op.get(base), ...op.get(offset), ...op.i32Add];
const load = (base: number, offset: number) => [...at(base, offset), ...op.v128Load()];

/**
 * exp of the v128 on the stack, left on the stack (uses locals X, FX, RR). n = round(x log2 e) comes
 * from adding 1.5 * 2^23, which rounds to an integer (to even, as f32x4.nearest) and leaves n in the
 * low mantissa bits, so 2^n is that bit pattern plus the bias, shifted into the exponent: no float to
 * int conversion (several instructions each in V8). The clamps are pmin/pmax, ordered so that NaN passes.
 */
function exp(): number[] {
  const poly = [1.98756915e-4, 1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2, 1.6666665459e-1, 5.0000001201e-1];
  const horner = [...splat(poly[0])];
  for (const c of poly.slice(1)) horner.push(...op.get(RR), ...op.f32x4Mul, ...splat(c), ...op.f32x4Add);
  const roundingShift = 12582912; // 1.5 * 2^23
  return [
    ...splat(88.0), ...op.f32x4Pmin, ...splat(-87.33654), ...op.f32x4Pmax, ...op.set(X),
    // FX holds round(x log2 e) + 1.5 * 2^23; RR first holds n itself.
    ...op.get(X), ...splat(1.44269504088896341), ...op.f32x4Mul, ...splat(roundingShift), ...op.f32x4Add, ...op.tee(FX),
    ...splat(roundingShift), ...op.f32x4Sub, ...op.set(RR),
    ...op.get(X), ...op.get(RR), ...splat(0.693359375), ...op.f32x4Mul, ...op.f32x4Sub,
    ...op.get(RR), ...splat(-2.12194440e-4), ...op.f32x4Mul, ...op.f32x4Sub, ...op.set(RR),
    // (poly r^2 + r + 1) * 2^n, 2^n built in the exponent bits.
    ...horner, ...op.get(RR), ...op.f32x4Mul, ...op.get(RR), ...op.f32x4Mul, ...op.get(RR), ...op.f32x4Add, ...splat(1), ...op.f32x4Add,
    ...op.get(FX), ...op.i32(127), ...op.i32x4Splat, ...op.i32x4Add, ...op.i32(23), ...op.i32x4Shl,
    ...op.f32x4Mul,
  ];
}

/** 1 / (1 + exp(-v)) of the v128 on the stack. */
const sigmoid = (): number[] => [...NEG, ...exp(), ...splat(1), ...op.f32x4Add, ...op.set(X), ...splat(1), ...op.get(X), ...op.f32x4Div];

function stepCode(): number[] {
  const gate = (g: number, z: number, doubled = false) => [
    ...load(P, g), ...load(R, g), ...op.f32x4Add, ...(doubled ? [...splat(2), ...op.f32x4Mul] : []), ...sigmoid(), ...op.set(z),
    ...at(S, g), ...op.get(z), ...op.v128Store(),
  ];
  const masked = [
    ...load(H_PREV, U0), ...op.set(HP),
    ...op.get(HP), ...op.get(M), ...op.get(HV), ...op.get(HP), ...op.f32x4Sub, ...op.f32x4Mul, ...op.f32x4Add, ...op.set(HV),
    ...op.get(CV), ...op.get(M), ...op.get(CNEW), ...op.get(CV), ...op.f32x4Sub, ...op.f32x4Mul, ...op.f32x4Add, ...op.set(CC),
  ];
  const recurrentInput = [
    ...op.get(REC_MASK), ...op.i32Eqz,
    ...op.ifElse(
      [...at(H_IN, U0), ...op.get(HV), ...op.v128Store(), ...at(H_IN_STACK, U0), ...op.get(HV), ...op.v128Store()],
      [
        ...load(REC_MASK, U0), ...op.get(HV), ...op.f32x4Mul, ...op.set(X),
        ...at(H_IN, U0), ...op.get(X), ...op.v128Store(), ...at(H_IN_STACK, U0), ...op.get(X), ...op.v128Store(),
      ],
    ),
  ];
  const inner = [
    ...op.get(ROW_G), ...op.get(J), ...op.i32Add, ...op.tee(G0), ...op.get(U_BYTES), ...op.i32Add, ...op.tee(G1),
    ...op.get(U_BYTES), ...op.i32Add, ...op.tee(G2), ...op.get(U_BYTES), ...op.i32Add, ...op.set(G3),
    ...op.get(ROW_U), ...op.get(J), ...op.i32Add, ...op.set(U0),
    ...gate(G0, ZI), ...gate(G1, ZF), ...gate(G2, ZG, true), ...gate(G3, ZO),
    ...load(C_PREV, U0), ...op.set(CV),
    // c' = s_f c + s_i (2 s_c - 1)
    ...op.get(ZF), ...op.get(CV), ...op.f32x4Mul,
    ...op.get(ZI), ...op.get(ZG), ...splat(2), ...op.f32x4Mul, ...splat(1), ...op.f32x4Sub, ...op.f32x4Mul,
    ...op.f32x4Add, ...op.set(CNEW),
    // a = 2 sigmoid(2c') - 1
    ...op.get(CNEW), ...splat(2), ...op.f32x4Mul, ...sigmoid(), ...splat(2), ...op.f32x4Mul, ...splat(1), ...op.f32x4Sub, ...op.set(AV),
    ...at(ACT, U0), ...op.get(AV), ...op.v128Store(),
    ...op.get(ZO), ...op.get(AV), ...op.f32x4Mul, ...op.set(HV),
    ...op.get(CNEW), ...op.set(CC),
    ...op.get(MASK), ...op.i32Eqz, ...op.ifElse([], masked),
    ...at(H_OUT, U0), ...op.get(HV), ...op.v128Store(),
    ...at(C_OUT, U0), ...op.get(CC), ...op.v128Store(),
    ...op.get(H_IN), ...op.i32Eqz, ...op.ifElse([], recurrentInput),
  ];
  const row = [
    ...op.get(B), ...op.get(U_BYTES), ...op.i32(4), ...op.i32Mul, ...op.i32Mul, ...op.set(ROW_G),
    ...op.get(B), ...op.get(U_BYTES), ...op.i32Mul, ...op.set(ROW_U),
    ...op.get(MASK), ...op.i32Eqz,
    ...op.ifElse(
      [...splat(1), ...op.set(M)],
      [...op.get(MASK), ...op.get(B), ...op.i32(2), ...op.i32Shl, ...op.i32Add, ...op.f32Load(), ...op.f32x4Splat, ...op.set(M)],
    ),
    ...op.i32(0), ...op.set(J),
    ...countedLoop(J, U_BYTES, 16, inner),
  ];
  return [
    ...op.get(UNITS), ...op.i32(2), ...op.i32Shl, ...op.set(U_BYTES),
    ...countedLoop(B, BATCH, 1, row),
  ];
}

function lstmStepFunction(): AsmFunction {
  return { name: 'lstmStep', params: Array(14).fill(I32), locals: LOCALS, code: stepCode() };
}

/*
 * One backward step before the recurrent matmul (see backCellStep in lstm-backward.ts), four units a turn:
 *   dh' = dh m, dc_in = dc m (no mask: m = 1 and no products);  dc' = dc_in + dh' s_o (1 - a^2)
 *   dz = [dc' (2 s_c - 1) s_i (1 - s_i), dc' c s_f (1 - s_f), dc' 4 s_i s_c (1 - s_c), dh' a s_o (1 - s_o)]
 *     -> dz and its place in dZ; then dz's columns to this step's columns of dZT
 *   dc <- dc' s_f + dc (1 - m);  skip <- dh (1 - m)
 * Params: s, act, cPrev, dh, dc, skip, mask, dz, dzStack, dzT (byte offsets; skip and mask 0
 * without a mask), rowsBytes (dZT's row length in bytes), batch, units.
 */
const BP = { s: 0, act: 1, cPrev: 2, dh: 3, dc: 4, skip: 5, mask: 6, dz: 7, dzStack: 8, dzT: 9, rowsBytes: 10, batch: 11, units: 12 };
const BI = { b: 13, j: 14, uBytes: 15, rowG: 16, rowU: 17, g0: 18, g1: 19, g2: 20, g3: 21, u0: 22, ta: 23 };
const BV = { m: 24, skip: 25, dh: 26, dc: 27, dhNew: 28, dcNew: 29, i: 30, f: 31, sg: 32, o: 33, act: 34, z: 35 };

// v128 locals of the block transpose: four rows of dz, then their pairwise interleavings.
const TV = { r: [36, 37, 38, 39], t: [40, 41, 42, 43] };

/**
 * dZT[g + l, t * B + b + k] = dz[b + k, g + l] for k, l < 4: four rows of four gate columns loaded, transposed
 * by shuffles, stored as four runs of four floats. Uses BI.j (gate column, bytes), BI.g3 (dz row bytes),
 * BI.ta, BI.g0, BI.b, BI.rowG.
 */
function transposeBlocks(): number[] {
  const rowAddress = (k: number) => [...op.get(BI.g0), ...(k ? [...op.get(BI.g3), ...op.i32(k), ...op.i32Mul, ...op.i32Add] : [])];
  const pair = (x: number, y: number, lanes: number[]) => [...op.get(x), ...op.get(y), ...op.i32x4Shuffle(lanes)];
  const store = (value: number[]) => [
    ...op.get(BI.rowG), ...value, ...op.v128Store(),
    ...op.get(BI.rowG), ...op.get(BP.rowsBytes), ...op.i32Add, ...op.set(BI.rowG),
  ];
  const [r0, r1, r2, r3] = TV.r;
  const [t0, t1, t2, t3] = TV.t;
  return countedLoop(BI.j, BI.g3, 16, [
    ...op.get(BP.dzT), ...op.get(BI.j), ...op.i32(2), ...op.i32ShrU, ...op.get(BP.rowsBytes), ...op.i32Mul, ...op.i32Add, ...op.set(BI.ta),
    ...op.get(BP.dz), ...op.get(BI.j), ...op.i32Add, ...op.set(BI.g0),
    ...op.i32(0), ...op.set(BI.b),
    ...countedLoop(BI.b, BP.batch, 4, [
      ...[0, 1, 2, 3].flatMap((k) => [...rowAddress(k), ...op.v128Load(), ...op.set(TV.r[k])]),
      ...pair(r0, r1, [0, 4, 1, 5]), ...op.set(t0),
      ...pair(r0, r1, [2, 6, 3, 7]), ...op.set(t1),
      ...pair(r2, r3, [0, 4, 1, 5]), ...op.set(t2),
      ...pair(r2, r3, [2, 6, 3, 7]), ...op.set(t3),
      ...op.get(BI.ta), ...op.get(BI.b), ...op.i32(2), ...op.i32Shl, ...op.i32Add, ...op.set(BI.rowG),
      ...store(pair(t0, t2, [0, 1, 4, 5])),
      ...store(pair(t0, t2, [2, 3, 6, 7])),
      ...store(pair(t1, t3, [0, 1, 4, 5])),
      ...store(pair(t1, t3, [2, 3, 6, 7])),
      ...op.get(BI.g0), ...op.get(BI.g3), ...op.i32(2), ...op.i32Shl, ...op.i32Add, ...op.set(BI.g0),
    ]),
  ]);
}

function backStepCode(): number[] {
  const one = splat(1);
  const oneMinus = (v: number) => [...one, ...op.get(v), ...op.f32x4Sub];
  /** Stores the v128 in BV.z to dz and dzStack at gate offset g. */
  const storeZ = (g: number) => [
    ...op.set(BV.z),
    ...at(BP.dz, g), ...op.get(BV.z), ...op.v128Store(),
    ...at(BP.dzStack, g), ...op.get(BV.z), ...op.v128Store(),
  ];
  const inner = [
    ...op.get(BI.rowG), ...op.get(BI.j), ...op.i32Add, ...op.tee(BI.g0), ...op.get(BI.uBytes), ...op.i32Add, ...op.tee(BI.g1),
    ...op.get(BI.uBytes), ...op.i32Add, ...op.tee(BI.g2), ...op.get(BI.uBytes), ...op.i32Add, ...op.set(BI.g3),
    ...op.get(BI.rowU), ...op.get(BI.j), ...op.i32Add, ...op.set(BI.u0),
    ...load(BP.dh, BI.u0), ...op.set(BV.dh),
    ...load(BP.dc, BI.u0), ...op.set(BV.dc),
    ...op.get(BP.mask), ...op.i32Eqz,
    ...op.ifElse(
      [...op.get(BV.dh), ...op.set(BV.dhNew), ...op.get(BV.dc), ...op.set(BV.dcNew)],
      [...op.get(BV.dh), ...op.get(BV.m), ...op.f32x4Mul, ...op.set(BV.dhNew), ...op.get(BV.dc), ...op.get(BV.m), ...op.f32x4Mul, ...op.set(BV.dcNew)],
    ),
    ...load(BP.s, BI.g0), ...op.set(BV.i),
    ...load(BP.s, BI.g1), ...op.set(BV.f),
    ...load(BP.s, BI.g2), ...op.set(BV.sg),
    ...load(BP.s, BI.g3), ...op.set(BV.o),
    ...load(BP.act, BI.u0), ...op.set(BV.act),
    // dc' = dc_in + dh' (o (1 - a a))
    ...op.get(BV.dcNew), ...op.get(BV.dhNew), ...op.get(BV.o), ...one, ...op.get(BV.act), ...op.get(BV.act), ...op.f32x4Mul, ...op.f32x4Sub,
    ...op.f32x4Mul, ...op.f32x4Mul, ...op.f32x4Add, ...op.set(BV.dcNew),
    // i gate: dc' ((2 s_c - 1) (s_i (1 - s_i)))
    ...op.get(BV.dcNew), ...op.get(BV.sg), ...splat(2), ...op.f32x4Mul, ...one, ...op.f32x4Sub,
    ...op.get(BV.i), ...oneMinus(BV.i), ...op.f32x4Mul, ...op.f32x4Mul, ...op.f32x4Mul, ...storeZ(BI.g0),
    // f gate: dc' (c (s_f (1 - s_f)))
    ...op.get(BV.dcNew), ...load(BP.cPrev, BI.u0), ...op.get(BV.f), ...oneMinus(BV.f), ...op.f32x4Mul, ...op.f32x4Mul, ...op.f32x4Mul,
    ...storeZ(BI.g1),
    // candidate: dc' ((4 s_i) (s_c (1 - s_c)))
    ...op.get(BV.dcNew), ...op.get(BV.i), ...splat(4), ...op.f32x4Mul, ...op.get(BV.sg), ...oneMinus(BV.sg), ...op.f32x4Mul,
    ...op.f32x4Mul, ...op.f32x4Mul, ...storeZ(BI.g2),
    // o gate: dh' (a (s_o (1 - s_o)))
    ...op.get(BV.dhNew), ...op.get(BV.act), ...op.get(BV.o), ...oneMinus(BV.o), ...op.f32x4Mul, ...op.f32x4Mul, ...op.f32x4Mul,
    ...storeZ(BI.g3),
    // dc <- dc' s_f (+ dc (1 - m)); skip <- dh (1 - m)
    ...op.get(BV.dcNew), ...op.get(BV.f), ...op.f32x4Mul, ...op.set(BV.z),
    ...op.get(BP.mask), ...op.i32Eqz,
    ...op.ifElse([], [
      ...op.get(BV.z), ...op.get(BV.dc), ...op.get(BV.skip), ...op.f32x4Mul, ...op.f32x4Add, ...op.set(BV.z),
      ...at(BP.skip, BI.u0), ...op.get(BV.dh), ...op.get(BV.skip), ...op.f32x4Mul, ...op.v128Store(),
    ]),
    ...at(BP.dc, BI.u0), ...op.get(BV.z), ...op.v128Store(),
  ];
  const row = [
    ...op.get(BI.b), ...op.get(BI.uBytes), ...op.i32(4), ...op.i32Mul, ...op.i32Mul, ...op.set(BI.rowG),
    ...op.get(BI.b), ...op.get(BI.uBytes), ...op.i32Mul, ...op.set(BI.rowU),
    ...op.get(BP.mask), ...op.i32Eqz,
    ...op.ifElse(
      [...one, ...op.set(BV.m)],
      [...op.get(BP.mask), ...op.get(BI.b), ...op.i32(2), ...op.i32Shl, ...op.i32Add, ...op.f32Load(), ...op.f32x4Splat, ...op.set(BV.m)],
    ),
    ...oneMinus(BV.m), ...op.set(BV.skip),
    ...op.i32(0), ...op.set(BI.j),
    ...countedLoop(BI.j, BI.uBytes, 16, inner),
  ];
  return [
    ...op.get(BP.units), ...op.i32(2), ...op.i32Shl, ...op.set(BI.uBytes),
    ...op.i32(0), ...op.set(BI.b),
    ...countedLoop(BI.b, BP.batch, 1, row),
    // dZT[:, t * B + b] = dz[b, :]: 4x4 blocks transposed in registers when B is a multiple of 4, else column by column.
    ...op.i32(0), ...op.set(BI.j),
    ...op.get(BI.uBytes), ...op.i32(2), ...op.i32Shl, ...op.set(BI.g3),
    ...op.get(BP.batch), ...op.i32(3), ...op.i32And,
    ...op.ifElse(
      [
        ...countedLoop(BI.j, BI.g3, 4, [
          ...op.get(BP.dzT), ...op.get(BI.j), ...op.i32(2), ...op.i32ShrU, ...op.get(BP.rowsBytes), ...op.i32Mul, ...op.i32Add, ...op.set(BI.ta),
          ...op.get(BP.dz), ...op.get(BI.j), ...op.i32Add, ...op.set(BI.g0),
          ...op.i32(0), ...op.set(BI.b),
          ...countedLoop(BI.b, BP.batch, 1, [
            ...op.get(BI.ta), ...op.get(BI.b), ...op.i32(2), ...op.i32Shl, ...op.i32Add,
            ...op.get(BI.g0), ...op.f32Load(), ...op.f32Store(),
            ...op.get(BI.g0), ...op.get(BI.g3), ...op.i32Add, ...op.set(BI.g0),
          ]),
        ]),
      ],
      transposeBlocks(),
    ),
  ];
}

function lstmBackStepFunction(): AsmFunction {
  return { name: 'lstmBackStep', params: Array(13).fill(I32), locals: [...Array(11).fill(I32), ...Array(20).fill(V128)], code: backStepCode() };
}

/** dh <- mm * recMask + skip + extra (byte offsets; each of recMask, skip, extra 0 when absent), n floats, n a multiple of 4. */
function lstmBackFinishFunction(): AsmFunction {
  const [MM, RM, SKIP, EXTRA, DH, N, I, END, V] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const term = (base: number, combine: number[]) => [
    ...op.get(base), ...op.i32Eqz,
    ...op.ifElse([], [...op.get(V), ...load(base, I), ...combine, ...op.set(V)]),
  ];
  return {
    name: 'lstmBackFinish',
    params: Array(6).fill(I32),
    locals: [I32, I32, V128],
    code: [
      ...op.get(N), ...op.i32(2), ...op.i32Shl, ...op.set(END),
      ...countedLoop(I, END, 16, [
        ...load(MM, I), ...op.set(V),
        ...term(RM, op.f32x4Mul), ...term(SKIP, op.f32x4Add), ...term(EXTRA, op.f32x4Add),
        ...at(DH, I), ...op.get(V), ...op.v128Store(),
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
