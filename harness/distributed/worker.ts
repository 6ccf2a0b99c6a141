/**
 * The pool's worker: one scenario job per task, plain data both ways. Loaded by piscina from the
 * TypeScript source in a checkout and from dist/ when installed (pool.ts picks the file).
 */
import { executeJob, type JobOutcome, type JobSpec } from '../job/job.ts';

export default function runTask(spec: JobSpec): Promise<JobOutcome> {
  return executeJob(spec);
}
