/**
 * Name lookup and `{className, config}` (de)serialization shared by the leaf modules
 * (activations, initializers, regularizers, constraints, losses, metrics, optimizers).
 */

/** A serialized object, as Keras writes it: the class name and its constructor config. */
export interface Serialized {
  className: string;
  config: Record<string, unknown>;
}

export function isSerialized(x: unknown): x is Serialized {
  return (
    typeof x === 'object' && x !== null && typeof (x as Serialized).className === 'string' &&
    !('apply' in x)
  );
}

/** 'glorot_uniform', 'glorotUniform' and 'GlorotUniform' all normalise to 'glorotuniform'. */
function normalize(name: string): string {
  return name.replace(/_/g, '').toLowerCase();
}

/**
 * A table of named factories. Lookup accepts the camelCase name, Keras's snake_case spelling and
 * the class name; an unknown name is an error listing the valid (camelCase) names.
 */
export class NameTable<T> {
  private readonly byKey = new Map<string, (config: Record<string, unknown>) => T>();
  private readonly names: string[] = [];

  constructor(
    private readonly kind: string,
    entries: Record<string, (config: Record<string, unknown>) => T>,
    aliases: Record<string, string> = {},
  ) {
    for (const [name, factory] of Object.entries(entries)) this.register(name, factory);
    for (const [alias, target] of Object.entries(aliases)) {
      const factory = this.byKey.get(normalize(target));
      if (!factory) throw new Error(`Alias '${alias}' points to unknown ${this.kind} '${target}'.`);
      this.byKey.set(normalize(alias), factory);
    }
  }

  /** Adds a (custom) entry; its class name and snake_case spelling resolve to it too. */
  register(name: string, factory: (config: Record<string, unknown>) => T, className?: string): void {
    this.byKey.set(normalize(name), factory);
    if (className) this.byKey.set(normalize(className), factory);
    if (!this.names.includes(name)) this.names.push(name);
  }

  has(name: string): boolean {
    return this.byKey.has(normalize(name));
  }

  create(name: string, config: Record<string, unknown> = {}): T {
    const factory = this.byKey.get(normalize(name));
    if (!factory) {
      throw new Error(
        `Unknown ${this.kind}: '${name}'. Valid ${this.kind} names: ${this.names.join(', ')}.`,
      );
    }
    return factory(config);
  }

  validNames(): string[] {
    return [...this.names];
  }
}

/** Throws a Keras-style error unless `value` satisfies `ok`. */
export function check(ok: boolean, what: string, value: unknown, requirement: string): void {
  if (!ok) throw new Error(`${what} ${requirement}. Received: ${what}=${JSON.stringify(value)}`);
}
