/**
 * The market a scenario declares, as a list of sources with what each one trades, and the sources
 * opened for a run: CSV files (paths relative to the scenario file), synthetic generators (each on
 * its own named stream of the run's seed) and the built-in demo data.
 */
import { resolve } from 'node:path';
import type { MarketSource } from '../../engine/index.ts';
import type { Scenario, MarketSourceConfig } from './schema.ts';
import { applyOverlays, SyntheticBarSource, syntheticBarBoundsUs, syntheticSourceOf, demoSp500Mapping, openMarketFile, RngRegistry, BATCH_ROWS, fileSourceInfo, type CsvMapping } from './engine-parts.ts';
import { CachedFileSource } from '../data-cache/cached-source.ts';
import type { DataCache } from '../data-cache/store.ts';

export interface SourceDecl {
  readonly config: MarketSourceConfig;
  /** Path of the source in the scenario, for error locations. */
  readonly path: readonly (string | number)[];
  readonly instrumentId: string;
  readonly priceDecimals: number;
  /** The CSV mapping when the source is a file (the demo's is declared by the engine). */
  readonly csv: CsvMapping | undefined;
  /**
   * The declared instrument's tickSize in raw units at priceDecimals, for the CSV loader to check
   * the file's prices against; 1 (every price) when none is declared or it is not a whole number
   * of raw units (semantic validation reports that one).
   */
  readonly tickSizeRaw: number;
}

export function marketSources(scenario: Scenario): SourceDecl[] {
  const m = scenario.market;
  const list = m.sources === undefined
    ? [{ config: m as MarketSourceConfig, path: ['market'] as (string | number)[] }]
    : m.sources.map((config, i) => ({ config, path: ['market', 'sources', i] }));
  const tick = (instrumentId: string, priceDecimals: number): number => {
    const size = scenario.instruments?.find((i) => i.id === instrumentId)?.tickSize;
    if (size === undefined) return 1;
    const raw = Math.round(size * 10 ** priceDecimals);
    return raw >= 1 && Math.abs(raw - size * 10 ** priceDecimals) <= 1e-6 ? raw : 1;
  };
  return list.map(({ config, path }) => {
    if (config.csv !== undefined) {
      const { instrumentId, priceDecimals } = config.csv;
      return { config, path, instrumentId, priceDecimals, csv: config.csv, tickSizeRaw: tick(instrumentId, priceDecimals) };
    }
    if (config.synthetic !== undefined) {
      const { instrumentId, priceDecimals } = config.synthetic;
      return { config, path, instrumentId, priceDecimals, csv: undefined, tickSizeRaw: tick(instrumentId, priceDecimals) };
    }
    const demo = demoSp500Mapping();
    return { config, path, instrumentId: demo.instrumentId, priceDecimals: demo.priceDecimals, csv: demo, tickSizeRaw: tick(demo.instrumentId, demo.priceDecimals) };
  });
}

/** Options of a CSV source's loader: where relative paths start, and the instrument's tick grid. */
export function csvSourceOptions(d: SourceDecl, scenarioDir: string): { baseDir: string; tickSizeRaw: number } {
  return { baseDir: scenarioDir, tickSizeRaw: d.tickSizeRaw };
}

/** Absolute path of a CSV source's file: relative paths are relative to the scenario's folder. */
export function csvPath(mapping: CsvMapping, scenarioDir: string): string {
  return resolve(scenarioDir, mapping.file);
}

/** A data file's source: through the data cache when there is one. */
export function openFileSource(d: SourceDecl & { csv: CsvMapping }, scenarioDir: string, cache: DataCache | null): MarketSource {
  const open = () => openMarketFile(d.csv, csvSourceOptions(d, scenarioDir));
  if (cache === null) return open();
  const path = csvPath(d.csv, scenarioDir);
  return new CachedFileSource({ cache, mapping: d.csv, path, info: fileSourceInfo(d.csv, path), tickSizeRaw: d.tickSizeRaw, batchRows: BATCH_ROWS, open });
}

/**
 * Opens the sources for one run. The first synthetic source draws from the run's 'market' stream
 * and the n-th from 'market.n', so adding a source never moves another source's path. Data files
 * are read through `cache` when one is given.
 */
export function openSources(decls: readonly SourceDecl[], scenarioDir: string, seed: number, cache: DataCache | null = null): MarketSource[] {
  const rng = new RngRegistry(seed);
  let synthetic = 0;
  return decls.map((d) => {
    let source: MarketSource;
    if (d.csv !== undefined) {
      source = openFileSource({ ...d, csv: d.csv }, scenarioDir, cache);
    } else {
      const stream = synthetic === 0 ? 'market' : `market.${synthetic}`;
      synthetic++;
      source = syntheticSourceOf(d.config.synthetic!, rng.stream(stream));
    }
    const overlays = d.config.overlays ?? [];
    // Overlays that draw randomness take the run's 'faults' stream, so they never move the market's.
    return overlays.length === 0 ? source : applyOverlays(source, overlays, rng.stream('faults'));
  });
}

/**
 * The first and last event times of the scenario's market (for fault windows): read once more,
 * except a synthetic bar source's, whose bar times follow from its parameters without a draw. The
 * sources are opened either way, so a market the run cannot open is refused here the same.
 */
export async function marketBoundsUs(decls: readonly SourceDecl[], scenarioDir: string, seed: number, cache: DataCache | null = null): Promise<{ firstUs: number; lastUs: number }> {
  let firstUs = Number.POSITIVE_INFINITY;
  let lastUs = Number.NEGATIVE_INFINITY;
  for (const source of openSources(decls, scenarioDir, seed, cache)) {
    try {
      // Overlays (halts, gaps) wrap a source and may move or drop bars: only a bare generator is known.
      if (source instanceof SyntheticBarSource && source.params.output.type === 'bar') {
        const known = syntheticBarBoundsUs(source.params, source.params.output);
        if (known.firstUs < firstUs) firstUs = known.firstUs;
        if (known.lastUs > lastUs) lastUs = known.lastUs;
        continue;
      }
      for (let b = await source.next(); b !== null; b = await source.next()) {
        if (b.length === 0) continue;
        const first = b.type === 'bar' ? b.openTimeUs[0]! : b.timeUs[0]!;
        const last = b.type === 'bar' ? b.closeTimeUs[b.length - 1]! : b.timeUs[b.length - 1]!;
        if (first < firstUs) firstUs = first;
        if (last > lastUs) lastUs = last;
      }
    } finally {
      await source.close?.();
    }
  }
  return { firstUs, lastUs };
}
