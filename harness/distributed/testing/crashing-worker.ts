/**
 * A pool worker for tests: a batch holding a job whose file name contains "crash-me" ends its
 * worker thread abruptly (as an out-of-memory abort or a native crash would); every other batch
 * runs as usual.
 */
import type { JobOutcome, JobSpec } from '../../job/job.ts';
import runBatch from '../worker.ts';

export default function crashingBatch(specs: readonly JobSpec[]): Promise<JobOutcome[]> {
  if (specs.some((s) => s.file.includes('crash-me'))) process.exit(70);
  return runBatch(specs);
}
