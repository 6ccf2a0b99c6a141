/**
 * Bars per year for a scenario's metrics. Never a hard-coded 252: from the scenario's own
 * `metrics.periodsPerYear` when given; else from a synthetic bar source's periodsPerYear; else
 * from the session calendar and the bar interval of the first source; for trade and quote markets
 * (no bar interval), from the marks actually observed per calendar year.
 *
 * Where nothing the scenario declares decides it, the figure rests on an assumption, and the
 * scenario report says which (an 'annualisation' warning): for recorded data with no calendar
 * declared (neither the scenario's `calendar` nor a date-only CSV's; a synthetic market is 24/7 by
 * construction and needs none), the default calendar is UTC_24H, a market open 24
 * hours a day, 365 days a year, which for Frankfurt's 5-minute bars gives 4.1 times the periods
 * of its real sessions and twice the Sharpe ratio; marks observed over a stretch of time are
 * extrapolated to a whole 365.25-day year as if trading went on at that pace around the clock.
 */
import { periodsPerYear, sessionLengthUs, type SessionCalendar } from './engine-parts.ts';
import type { Scenario } from './schema.ts';
import { marketSources, type SourceDecl } from './market.ts';

const YEAR_US = 365.25 * 86_400_000_000;

/** A figure the scenario did not declare: on what it rests and how to declare it. */
export interface AnnualisationWarning {
  readonly kind: 'annualisation';
  /** default-calendar: the UTC_24H default decided; observed-marks: marks extrapolated to a year. */
  readonly basis: 'default-calendar' | 'observed-marks';
  readonly periodsPerYear: number;
  readonly message: string;
}

export interface AnnualiseParams {
  scenario: Scenario;
  first: SourceDecl | undefined;
  calendar: SessionCalendar;
  barIntervalUs: number | undefined;
  marks: number;
  elapsedUs: number;
}

export interface Annualisation {
  readonly periodsPerYear: number;
  /** Null when the scenario's own declarations decided the figure. */
  readonly warning: AnnualisationWarning | null;
}

const HOW_TO_DECLARE = 'Declare `calendar:` (a preset such as XNYS, XETR or FX_24x5, UTC_24H to keep this, or a full calendar) '
  + 'or `metrics.periodsPerYear` in the scenario.';

export function annualise(params: AnnualiseParams): Annualisation {
  const { scenario, first, calendar, barIntervalUs } = params;
  if (scenario.metrics.periodsPerYear !== undefined) return { periodsPerYear: scenario.metrics.periodsPerYear, warning: null };
  const synthetic = first?.config.synthetic;
  if (synthetic?.output.type === 'bar' && synthetic.output.periodsPerYear !== undefined) return { periodsPerYear: synthetic.output.periodsPerYear, warning: null };
  // A synthetic market runs around the clock by construction (its time scale is secondsPerYear of
  // continuous time), so the 24/7 default is the market's truth there, not an assumption about it.
  const declared = calendarDeclared(scenario) || synthetic !== undefined;
  const assumed = (ppy: number): Annualisation => ({
    periodsPerYear: ppy,
    warning: declared ? null : {
      kind: 'annualisation', basis: 'default-calendar', periodsPerYear: ppy,
      message: `annualised as a market open 24 hours a day, ${calendar.sessionsPerYear} days a year (${round(ppy)} periods a year): `
        + `the scenario declares no calendar. ${HOW_TO_DECLARE}`,
    },
  });
  const session = sessionLengthUs(calendar);
  if (barIntervalUs !== undefined && barIntervalUs > 0 && barIntervalUs <= session) {
    return assumed(periodsPerYear({ barIntervalUs, sessionLengthUs: session, sessionsPerYear: calendar.sessionsPerYear }));
  }
  if (params.marks > 1 && params.elapsedUs > 0) {
    const ppy = params.marks / (params.elapsedUs / YEAR_US);
    return {
      periodsPerYear: ppy,
      warning: {
        kind: 'annualisation', basis: 'observed-marks', periodsPerYear: ppy,
        message: `annualised from the ${params.marks} equity marks observed over ${formatDurationUs(params.elapsedUs)}, `
          + `extrapolated to a 365.25-day year (${round(ppy)} periods a year), as if the market traded at that pace around the clock. `
          + 'Declare `metrics.periodsPerYear` in the scenario.',
      },
    };
  }
  return assumed(calendar.sessionsPerYear);
}

/** scenarioPeriodsPerYear(p) = annualise(p).periodsPerYear. */
export function scenarioPeriodsPerYear(params: AnnualiseParams): number {
  return annualise(params).periodsPerYear;
}

/** True when the scenario names its calendar, itself or through a date-only CSV source. */
function calendarDeclared(scenario: Scenario): boolean {
  return scenario.calendar !== undefined || marketSources(scenario).some((d) => d.csv?.time.format === 'date');
}

function round(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toPrecision(6);
}

function formatDurationUs(us: number): string {
  const s = us / 1e6;
  if (s < 120) return `${s.toFixed(1)} s`;
  if (s < 7200) return `${(s / 60).toFixed(1)} min`;
  if (s < 172_800) return `${(s / 3600).toFixed(1)} h`;
  return `${(s / 86_400).toFixed(1)} days`;
}
