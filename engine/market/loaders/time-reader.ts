/**
 * Reads a row's timestamp by its declared TimeSpec into epoch microseconds. For date-only rows it
 * also gives the session's open and close from the declared calendar.
 */
import type { SessionCalendar } from '../calendar.ts';
import { resolveCalendar, sessionCloseUsYmd, sessionOpenUsYmd } from '../calendar.ts';
import type { TimeSpec } from './mapping.ts';
import type { TimeFields } from './time-parse.ts';
import {
  fieldsToUtcUs, newTimeFields, parseDateAndClock, parseDateOnly, parseDatetime, parseIso, parseMdy,
} from './time-parse.ts';

/** A resolved column: its 0-based field index and the name issues report. */
export interface Column {
  readonly index: number;
  readonly name: string;
}

const EXPECTED = {
  'date': 'YYYY-MM-DD',
  'date+time': 'YYYY-MM-DD and HH:MM[:SS[.ffffff]]',
  'iso': 'YYYY-MM-DDTHH:MM[:SS[.ffffff]][Z|+HH:MM]',
  'mdy': 'MM/DD/YYYY HH:MM:SS[.ffffff]',
  'datetime': 'YYYY-MM-DD HH:MM:SS[.ffffff]',
} as const;

export class TimeReader {
  /** The first time column (issues about order and time name it). */
  readonly column: Column;
  /** Every column the time is read from. */
  readonly columns: readonly Column[];
  /** For date-only rows: the calendar the dates belong to. */
  readonly calendar: SessionCalendar | null;
  /** The instant read (for date-only rows: the session open). */
  timeUs = 0;
  /** Date-only rows: the session close. */
  sessionCloseUs = 0;
  private readonly format: TimeSpec['format'];
  private readonly timeZone: string;
  private readonly second: Column | null;
  private readonly f: TimeFields = newTimeFields();

  constructor(spec: TimeSpec, resolve: (ref: string | number) => Column) {
    this.format = spec.format;
    if (spec.format === 'date+time') {
      this.column = resolve(spec.dateColumn);
      this.second = resolve(spec.timeColumn);
      this.columns = [this.column, this.second];
    } else {
      this.column = resolve(spec.column);
      this.second = null;
      this.columns = [this.column];
    }
    this.calendar = spec.format === 'date' ? resolveCalendar(spec.calendar) : null;
    this.timeZone = spec.format === 'date' ? (this.calendar?.timeZone ?? 'UTC') : spec.timeZone;
  }

  /** Reads the row's time; false when its text is not in the declared format (or not a real date). */
  read(rec: readonly string[]): boolean {
    const s = rec[this.column.index] ?? '';
    const f = this.f;
    let ok: boolean;
    switch (this.format) {
      case 'date': ok = parseDateOnly(s, f); break;
      case 'date+time': ok = parseDateAndClock(s, rec[this.second?.index ?? 0] ?? '', f); break;
      case 'iso': ok = parseIso(s, f); break;
      case 'mdy': ok = parseMdy(s, f); break;
      case 'datetime': ok = parseDatetime(s, f); break;
    }
    if (!ok) return false;
    if (this.calendar !== null) {
      this.timeUs = sessionOpenUsYmd(this.calendar, f.y, f.mo, f.d);
      this.sessionCloseUs = sessionCloseUsYmd(this.calendar, f.y, f.mo, f.d);
    } else {
      this.timeUs = fieldsToUtcUs(f, this.timeZone);
    }
    return true;
  }

  /** Issue detail for a row whose time did not parse. */
  badDetail(rec: readonly string[]): string {
    const text = this.columns.map((c) => `'${rec[c.index] ?? ''}'`).join(' ');
    return `${text} is not a valid ${EXPECTED[this.format]}`;
  }
}
