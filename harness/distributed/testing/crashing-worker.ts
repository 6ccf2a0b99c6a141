/**
 * A pool worker for tests: a job whose file name contains "crash-me" ends its worker thread
 * abruptly (as an out-of-memory abort or a native crash would); every other job runs as usual.
 */
import { executeJob, type JobOutcome, type JobSpec } from '../../job/job.ts';

export default function runTask(spec: JobSpec): Promise<JobOutcome> {
  if (spec.file.includes('crash-me')) process.exit(70);
  return executeJob(spec);
}
