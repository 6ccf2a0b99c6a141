import type { ScenarioReport } from './schema.ts';

/** What the risk engine did, when it did anything: a strategy whose orders were refused must not look quiet. */
export function riskText(s: ScenarioReport): string {
  const m = s.metrics;
  if (m === null) return '';
  const parts: string[] = [];
  if ((m.riskRejections ?? 0) > 0) parts.push(`${m.riskRejections} order${m.riskRejections === 1 ? '' : 's'} refused by risk`);
  if ((m.dailyLossHalts ?? 0) > 0) parts.push(`${m.dailyLossHalts} daily-loss halt${m.dailyLossHalts === 1 ? '' : 's'}`);
  if ((m.killSwitchTrips ?? 0) > 0) parts.push('kill switch tripped');
  return parts.join(', ');
}

/** The faults a run applied, by kind ("provider-status x14, venue-lost-ack x3"); '' without a fault plan. */
export function faultText(s: ScenarioReport): string {
  if (s.faults === null) return '';
  const kinds = Object.entries(s.faults.byKind).sort(([a], [b]) => a.localeCompare(b));
  return kinds.length === 0 ? 'no fault applied' : `faults ${kinds.map(([k, n]) => `${k} x${n}`).join(', ')}`;
}
