// Keras's add_weight keywords for layers with several kinds of weight: a layer takes
// `${role}Initializer`, `${role}Regularizer` and `${role}Constraint` for each role (kernel, bias,
// recurrent, gamma, ...), resolves them once, spreads them into addWeight and writes them back
// into its config.
import {
  getConstraint,
  getInitializer,
  getRegularizer,
  serializeConstraint,
  serializeInitializer,
  serializeRegularizer,
  type Constraint,
  type ConstraintId,
  type Initializer,
  type InitializerId,
  type Regularizer,
  type RegularizerId,
} from './leaf-modules';

/** A layer's arguments for weights of these roles: `kernel` gives kernelInitializer, kernelRegularizer and kernelConstraint. */
export type WeightArgs<Role extends string> = { [K in `${Role}Initializer`]?: InitializerId } & { [K in `${Role}Regularizer`]?: RegularizerId } & {
  [K in `${Role}Constraint`]?: ConstraintId;
};

/** How one kind of weight is created and kept in bounds; spread it into addWeight's arguments. */
export interface WeightSpec {
  readonly initializer: Initializer;
  readonly regularizer: Regularizer | null;
  readonly constraint: Constraint | null;
}

/**
 * The spec of each role from a layer's arguments; `defaultInitializers` names the roles and their
 * initializers when none is given (regularizer and constraint default to none).
 */
export function weightSpecs<Role extends string>(args: WeightArgs<Role>, defaultInitializers: Record<Role, InitializerId>): Record<Role, WeightSpec> {
  const given = args as Record<string, unknown>;
  const roles = Object.keys(defaultInitializers) as Role[];
  // Initializers, then regularizers, then constraints: a bad argument is reported in that order.
  const initializers = roles.map((role) => getInitializer((given[`${role}Initializer`] as InitializerId | undefined) ?? defaultInitializers[role]));
  const regularizers = roles.map((role) => getRegularizer(given[`${role}Regularizer`] as RegularizerId | undefined));
  const constraints = roles.map((role) => getConstraint(given[`${role}Constraint`] as ConstraintId | undefined));
  const specs = {} as Record<Role, WeightSpec>;
  roles.forEach((role, i) => (specs[role] = { initializer: initializers[i], regularizer: regularizers[i], constraint: constraints[i] }));
  return specs;
}

/**
 * The specs as config entries in Keras's order: every `${role}Initializer` (then `initializers`,
 * for weights that have only one), every regularizer (then `activityRegularizer`, when the layer
 * takes one), every constraint.
 */
export function serializeWeightSpecs(
  specs: Record<string, WeightSpec>,
  extra: { initializers?: Record<string, Initializer>; activityRegularizer?: Regularizer | null } = {},
): Record<string, unknown> {
  const entries = Object.entries(specs);
  const config: Record<string, unknown> = {};
  for (const [role, s] of entries) config[`${role}Initializer`] = serializeInitializer(s.initializer);
  for (const [role, initializer] of Object.entries(extra.initializers ?? {})) config[`${role}Initializer`] = serializeInitializer(initializer);
  for (const [role, s] of entries) config[`${role}Regularizer`] = serializeRegularizer(s.regularizer);
  if (extra.activityRegularizer !== undefined) config.activityRegularizer = serializeRegularizer(extra.activityRegularizer);
  for (const [role, s] of entries) config[`${role}Constraint`] = serializeConstraint(s.constraint);
  return config;
}
