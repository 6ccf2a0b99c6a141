/**
 * Bars per year for a scenario's metrics. Never a hard-coded 252: from the scenario's own
 * `metrics.periodsPerYear` when given; else from a synthetic bar source's periodsPerYear; else
 * from the session calendar and the bar interval of the first source; for trade and quote markets
 * (no bar interval), from the marks actually observed per calendar year.
 */
import { periodsPerYear, sessionLengthUs, type SessionCalendar } from './engine-parts.ts';
import type { Scenario } from './schema.ts';
import type { SourceDecl } from './market.ts';

const YEAR_US = 365.25 * 86_400_000_000;

export function scenarioPeriodsPerYear(params: {
  scenario: Scenario;
  first: SourceDecl | undefined;
  calendar: SessionCalendar;
  barIntervalUs: number | undefined;
  marks: number;
  elapsedUs: number;
}): number {
  const { scenario, first, calendar, barIntervalUs } = params;
  if (scenario.metrics.periodsPerYear !== undefined) return scenario.metrics.periodsPerYear;
  const synthetic = first?.config.synthetic;
  if (synthetic?.output.type === 'bar' && synthetic.output.periodsPerYear !== undefined) return synthetic.output.periodsPerYear;
  const session = sessionLengthUs(calendar);
  if (barIntervalUs !== undefined && barIntervalUs > 0 && barIntervalUs <= session) {
    return periodsPerYear({ barIntervalUs, sessionLengthUs: session, sessionsPerYear: calendar.sessionsPerYear });
  }
  if (params.marks > 1 && params.elapsedUs > 0) return params.marks / (params.elapsedUs / YEAR_US);
  return calendar.sessionsPerYear;
}
