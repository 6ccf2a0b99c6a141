/**
 * The pool's worker: a batch of scenario jobs per task, run one after another, plain data both
 * ways. Loaded by piscina from the TypeScript source in a checkout and from dist/ when installed
 * (pool.ts picks the file).
 */
// First: before any zod schema is built (zod-jitless.ts says why).
import '../zod-jitless.ts';
import { executeJob, type JobOutcome, type JobSpec } from '../job/job.ts';

export default async function runBatch(specs: readonly JobSpec[]): Promise<JobOutcome[]> {
  const out: JobOutcome[] = [];
  for (const spec of specs) out.push(await executeJob(spec));
  return out;
}
