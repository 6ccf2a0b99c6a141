/**
 * The load generator, in a process of its own (so its work never steals the event loop of the
 * service it measures): autocannon against one URL, bounded in time and requests, optionally at
 * a fixed overall rate. Prints one JSON line (LoadResult) on stdout.
 *
 * kind 'stack': each connection opens its own stack-protocol session first, then sends steps
 * (one bar each, seq 1, 2, 3... per connection: every request is a new decision, never a repeat
 * answered from the last answer). kind 'plain': the same POST body every time (a ceiling server).
 */
import autocannon from 'autocannon';
import { LoadSpecSchema, loadSummary, stackStartBody, stackStepBody } from './load.ts';

const spec = LoadSpecSchema.parse(JSON.parse(process.argv[2] ?? '{}'));
const latenciesMs: number[] = [];
const MAX_SAMPLES = 2_000_000;

async function openSessions(n: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const id = `load-${process.pid}-${i}`;
    const res = await fetch(spec.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: stackStartBody(id) });
    if (res.status !== 200) throw new Error(`start of session ${id} answered HTTP ${res.status}: ${await res.text()}`);
    ids.push(id);
  }
  return ids;
}

const sessions = spec.kind === 'stack' ? await openSessions(spec.connections) : [];
let nextSession = 0;
const plainBody = JSON.stringify({ hello: 'world' });

const instance = autocannon({
  url: spec.url,
  connections: spec.connections,
  duration: spec.durationSec,
  ...(spec.amount === undefined ? {} : { amount: spec.amount }),
  ...(spec.overallRate === undefined ? {} : { overallRate: spec.overallRate }),
  timeout: spec.timeoutSec,
  requests: [{
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    setupRequest: (req, context) => {
      if (spec.kind !== 'stack') return { ...req, body: plainBody };
      const ctx = context as { session?: string; seq?: number };
      if (ctx.session === undefined) { ctx.session = sessions[nextSession++ % sessions.length]!; ctx.seq = 0; }
      ctx.seq = (ctx.seq ?? 0) + 1;
      return { ...req, body: stackStepBody(ctx.session, ctx.seq) };
    },
  }],
}, (err, result) => {
  if (err) { process.stderr.write(`load: ${err.message}\n`); process.exit(1); }
  process.stdout.write(`${JSON.stringify(loadSummary(result, latenciesMs, spec))}\n`);
});
instance.on('response', (_client, _status, _bytes, responseTimeMs: number) => {
  if (latenciesMs.length < MAX_SAMPLES) latenciesMs.push(responseTimeMs);
});
