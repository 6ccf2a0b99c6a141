/** Incremental indicators with plain-data state, for agents and allocators. */
export { Sma, type SmaState } from './sma.ts';
export { Ema, type EmaState } from './ema.ts';
export { Rsi, type RsiState } from './rsi.ts';
export { RollingStd, type RollingStdState } from './rolling-std.ts';
