/**
 * The calibration of latency budgets: a bare node:http server answering a fixed JSON body, asked
 * the same number of sequential requests as the run made decisions, from this process (as a
 * stack over HTTP is asked in lockstep). What this machine's HTTP costs at the least, measured in
 * the same run as the figures it calibrates.
 */
import { performance } from 'node:perf_hooks';
import type { LatencySample } from '../gates/latency.ts';
import { startCeilingServer } from './load/load.ts';

/** Requests of one calibration run: as many as the run's decisions, within these bounds. */
export const CALIBRATION_REQUESTS = { min: 200, max: 5_000 } as const;

export async function calibrationRuns(decisions: number, repeats: number): Promise<LatencySample[]> {
  const n = Math.min(CALIBRATION_REQUESTS.max, Math.max(CALIBRATION_REQUESTS.min, decisions));
  const server = await startCeilingServer();
  const body = JSON.stringify({ version: 1, type: 'step', events: [] });
  const runs: LatencySample[] = [];
  try {
    for (let r = 0; r < repeats; r++) {
      const decisionsMs: number[] = [];
      let errors = 0;
      const t0 = performance.now();
      for (let i = 0; i < n; i++) {
        const s = performance.now();
        const res = await fetch(server.url, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
        await res.text();
        if (res.status !== 200) errors++;
        decisionsMs.push(performance.now() - s);
      }
      runs.push({ decisionsMs, runMs: performance.now() - t0, errors });
    }
  } finally {
    await server.close();
  }
  return runs;
}
