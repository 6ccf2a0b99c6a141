/**
 * The provider path of a scenario run: the simulated providers (msw, harness/chaos/providers)
 * serving the scenario's market, opened a second time from the same declarations and seed so it
 * is the very market the venue sees, and the stack's provider data client pointed at them.
 */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { ProviderFault } from '../chaos/providers/transport.ts';
import {
  loadRecording, openProviderRun, providerBaseUrl, ProviderTimeline, saveRecording, type ProviderRun, type ProviderSpec, type RecordedExchange,
} from '../chaos/providers/index.ts';
import {
  DIALECTS, type DataClientFlaws, type FaultRecorder, ProviderDataClient, type DataClientContext, type FetchFn, type ProviderEndpoint, type PullDataClient,
} from '../../engine/index.ts';
import { RngRegistry } from './engine-parts.ts';
import { openSources, type SourceDecl } from './market.ts';
import type { DataCache } from '../data-cache/store.ts';
import { providerAuth, resolveProviders, type ProviderConfig } from './providers-schema.ts';
import type { Scenario } from './schema.ts';

export interface ProviderPath {
  readonly fetch: FetchFn;
  readonly dataClient: (ctx: DataClientContext) => PullDataClient;
  /** The client, once the run has made it (its counters feed the report's metrics). */
  client(): ProviderDataClient | null;
  /** The transport's counters (requests inside a Retry-After window). */
  requestsInRetryAfter(): number;
  close(): void;
  /** Writes each provider's recorded exchanges (when opened to record) to the path `pathOf` gives. */
  saveRecordings(pathOf: (provider: string) => string): void;
}

function spec(p: ProviderConfig, scenarioDir: string): ProviderSpec {
  const limit = p.rateLimit === undefined ? DIALECTS[p.dialect].defaultRateLimit : { requests: p.rateLimit.requests, windowUs: p.rateLimit.window };
  return {
    name: p.name, dialect: p.dialect, auth: providerAuth(p), rateLimit: limit, latency: { minUs: p.latency.min, maxUs: p.latency.max },
    // A recording replays what a provider once answered (a RecordingError names the file and field).
    ...(p.recording === undefined ? {} : { recording: loadRecording(resolve(scenarioDir, p.recording)).filter((x) => x.provider === p.name) }),
  };
}

/** Null for the direct path (no `providers:`). */
export interface ProviderPathOptions {
  readonly record?: boolean;
  readonly faults?: readonly ProviderFault[];
  readonly recorder?: () => FaultRecorder | null;
  /** Deliberately broken client variants (tests that prove chaos gates catch them). */
  readonly flaws?: DataClientFlaws;
  /** The data cache the run reads its files through. */
  readonly cache?: DataCache | null;
}

export async function openProviderPath(scenario: Scenario, decls: readonly SourceDecl[], scenarioDir: string, seed: number, options: ProviderPathOptions = {}): Promise<ProviderPath | null> {
  const record = options.record === true;
  const providers = resolveProviders(scenario.providers);
  if (providers.length === 0) return null;
  const sources = openSources(decls, scenarioDir, seed, options.cache ?? null);
  let timeline: ProviderTimeline;
  try {
    timeline = await ProviderTimeline.fromSources(sources);
  } finally {
    await Promise.all(sources.map((s) => s.close?.()));
  }
  // The providers' latency streams are the run's own ('provider.<name>'), apart from the market's.
  const recorded: RecordedExchange[] = [];
  const run: ProviderRun = openProviderRun({
    providers: providers.map((p) => spec(p, scenarioDir)), timeline, rng: new RngRegistry(seed), ...(record ? { record: (x: RecordedExchange) => { recorded.push(x); } } : {}),
    ...(options.faults === undefined ? {} : { faults: options.faults }), ...(options.recorder === undefined ? {} : { recorder: options.recorder }),
  });
  const endpoints: ProviderEndpoint[] = providers.map((p) => ({
    name: p.name, baseUrl: providerBaseUrl(p.name), dialect: p.dialect, auth: providerAuth(p), pollIntervalUs: p.pollInterval,
  }));
  let client: ProviderDataClient | null = null;
  return {
    fetch: run.transport,
    dataClient: (ctx) => (client = new ProviderDataClient({
      providers: endpoints, dialects: DIALECTS, config: scenario.stack.dataClient, instruments: ctx.instruments,
      kernel: ctx.kernel, clock: ctx.clock, journal: ctx.journal, rng: ctx.rng, ...(options.flaws === undefined ? {} : { flaws: options.flaws }),
    })),
    client: () => client,
    requestsInRetryAfter: () => run.counters().requestsInRetryAfter,
    close: () => run.close(),
    saveRecordings: (pathOf) => {
      for (const p of providers) {
        const path = pathOf(p.name);
        mkdirSync(dirname(path), { recursive: true });
        saveRecording(path, recorded.filter((x) => x.provider === p.name));
      }
    },
  };
}
