import { readFileSync } from 'node:fs';

/**
 * This process's peak resident memory, in MB. On Linux from /proc/self/status (VmHWM, the high-water
 * mark of this program's own memory): getrusage's maxRSS is carried over exec from the process
 * that spawned it, so a replay spawned by a bigger process (bench:data, holding a 250,000-bar
 * job's memory) reported that process's peak, not its own. maxRSS where there is no /proc.
 */
export function peakRssMb(): number {
  let status: string | null = null;
  try {
    status = readFileSync('/proc/self/status', 'utf8');
  } catch {
    // Not Linux: getrusage is all there is.
  }
  const hwmKb = status === null ? undefined : /^VmHWM:\s+(\d+)\s+kB$/m.exec(status)?.[1];
  return Math.round((hwmKb === undefined ? process.resourceUsage().maxRSS : Number(hwmKb)) / 1024);
}
