/**
 * The dependency-injection container. tsyringe is used without decorators (esbuild, which
 * vitest uses, emits no decorator metadata): everything is registered and resolved by explicit
 * tokens.
 */
import 'reflect-metadata';
import { container as rootContainer, type DependencyContainer } from 'tsyringe';
import { createRegistries, type Registries } from './registry/registries.js';

export const TOKENS = {
  registries: Symbol.for('scoresde.registries'),
  backend: Symbol.for('scoresde.backend'),
  cwd: Symbol.for('scoresde.cwd'),
} as const;

/** A fresh child container with empty registries. Built-ins are added by `registerBuiltins`. */
export function createContainer(opts: { cwd?: string } = {}): DependencyContainer {
  const c = rootContainer.createChildContainer();
  c.register<Registries>(TOKENS.registries, { useValue: createRegistries() });
  c.register<string>(TOKENS.cwd, { useValue: opts.cwd ?? process.cwd() });
  return c;
}

export function registriesOf(c: DependencyContainer): Registries {
  return c.resolve<Registries>(TOKENS.registries);
}
