import { NameTable, isSerialized, type Serialized } from '../../activations/lookup';
import { CosineDecay } from './cosine-decay';
import { ExponentialDecay } from './exponential-decay';
import { InverseTimeDecay } from './inverse-time-decay';
import { LearningRateSchedule } from './learning-rate-schedule';
import { PiecewiseConstantDecay } from './piecewise-constant-decay';
import { PolynomialDecay } from './polynomial-decay';

type Config = Record<string, unknown>;

const table = new NameTable<LearningRateSchedule>('learning rate schedule', {
  exponentialDecay: (c: Config) => new ExponentialDecay(c as never),
  piecewiseConstantDecay: (c: Config) => new PiecewiseConstantDecay(c as never),
  cosineDecay: (c: Config) => new CosineDecay(c as never),
  inverseTimeDecay: (c: Config) => new InverseTimeDecay(c as never),
  polynomialDecay: (c: Config) => new PolynomialDecay(c as never),
});

export function getSchedule(id: LearningRateSchedule | Serialized): LearningRateSchedule {
  if (id instanceof LearningRateSchedule) return id;
  if (isSerialized(id)) return table.create(id.className, id.config);
  throw new Error(`Cannot interpret ${JSON.stringify(id)} as a learning rate schedule: pass a LearningRateSchedule or {className, config}.`);
}

export function serializeSchedule(schedule: LearningRateSchedule): Serialized {
  const className = (schedule.constructor as typeof LearningRateSchedule).className;
  return { className, config: schedule.getConfig() };
}
