// The engine's view of the leaf modules: null-tolerant lookups and serializers for optional
// layer arguments (no regularizer, no constraint), and activations serialized by name as Keras does.
import { getActivation, type Activation } from '../activations';
import type { Serialized } from '../activations';
import { Constraint, getConstraint as lookupConstraint, serializeConstraint as writeConstraint } from '../constraints';
import { Initializer, getInitializer, serializeInitializer } from '../initializers';
import { Regularizer, getRegularizer as lookupRegularizer, serializeRegularizer as writeRegularizer } from '../regularizers';

export { getActivation, getInitializer, serializeInitializer, Initializer, Regularizer, Constraint };
export type { Activation, Serialized };

export type ActivationId = string | Activation | Serialized | null;
export type InitializerId = string | Initializer | Serialized;
export type RegularizerId = string | Regularizer | Serialized | null;
export type ConstraintId = string | Constraint | Serialized | null;

export function serializeActivation(a: Activation): string {
  return a.name;
}

export function getRegularizer(id?: RegularizerId): Regularizer | null {
  return id == null ? null : lookupRegularizer(id);
}

export function serializeRegularizer(r: Regularizer | null): Serialized | null {
  return r ? writeRegularizer(r) : null;
}

export function getConstraint(id?: ConstraintId): Constraint | null {
  return id == null ? null : lookupConstraint(id);
}

export function serializeConstraint(c: Constraint | null): Serialized | null {
  return c ? writeConstraint(c) : null;
}
