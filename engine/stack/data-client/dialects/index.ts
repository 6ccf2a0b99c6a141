/** The provider dialects Gauntlet speaks, by name. */
import { aggsV3 } from './aggs-v3.ts';
import type { Dialect } from './dialect.ts';
import { stocksV2 } from './stocks-v2.ts';

export const DIALECTS = { 'stocks-v2': stocksV2, 'aggs-v3': aggsV3 } as const satisfies Record<string, Dialect>;
export type DialectName = keyof typeof DIALECTS;
export const DIALECT_NAMES = Object.keys(DIALECTS) as DialectName[];
export * from './dialect.ts';
