/**
 * Apache Arrow, loaded from the single-file build the package ships (Arrow.esnext.min.js: the same
 * library and version as its module tree). Importing the module tree costs 70-100 ms here against
 * 9-17 ms for the bundle, with the compile cache on: that is a third of a warm run's whole process.
 * Types come from the package's own declarations.
 */
import { createRequire } from 'node:module';
import type * as ArrowModule from 'apache-arrow';

export type Arrow = typeof ArrowModule;

let arrow: Arrow | null = null;

export function loadArrow(): Arrow {
  arrow ??= createRequire(import.meta.url)('apache-arrow/Arrow.esnext.min') as Arrow;
  return arrow;
}
