// Proves that each declared timestamp format is read to the right instant (local zone, explicit
// offsets, fractions of a second) and that malformed or impossible times are refused, never guessed.
import { describe, expect, it } from 'vitest';
import {
  fieldsToUtcUs, newTimeFields, parseDateAndClock, parseDateOnly, parseDatetime, parseIso, parseMdy,
} from './time-parse.ts';

const f = newTimeFields();
const iso = (s: string): number => Date.parse(s) * 1000;

describe('time formats', () => {
  it('reads each format in its zone', () => {
    expect(parseMdy('02/03/2010 16:53:54', f)).toBe(true);
    expect(fieldsToUtcUs(f, 'UTC')).toBe(iso('2010-02-03T16:53:54Z'));
    expect(parseDatetime('2017-04-19 09:00:00', f)).toBe(true);
    expect(fieldsToUtcUs(f, 'Europe/Berlin')).toBe(iso('2017-04-19T07:00:00Z'));
    expect(parseDateAndClock('2006-01-02', '09:05:00', f)).toBe(true);
    expect(fieldsToUtcUs(f, 'Europe/Berlin')).toBe(iso('2006-01-02T08:05:00Z'));
    expect(parseDateAndClock('2006-01-02', '09:05', f)).toBe(true);
    expect(fieldsToUtcUs(f, 'UTC')).toBe(iso('2006-01-02T09:05:00Z'));
    expect(parseDateOnly('1995-01-03', f)).toBe(true);
    expect([f.y, f.mo, f.d]).toEqual([1995, 1, 3]);
  });

  it('reads ISO fractions to the microsecond and honours a written offset', () => {
    expect(parseIso('2015-09-23T20:57:42.146', f)).toBe(true);
    expect(fieldsToUtcUs(f, 'UTC')).toBe(iso('2015-09-23T20:57:42.146Z'));
    expect(parseIso('2015-09-23T20:57:42.000001', f)).toBe(true);
    expect(fieldsToUtcUs(f, 'UTC')).toBe(iso('2015-09-23T20:57:42Z') + 1);
    expect(parseIso('2015-09-23T20:57:42.5+02:00', f)).toBe(true);
    expect(fieldsToUtcUs(f, 'America/New_York')).toBe(iso('2015-09-23T18:57:42.5Z'));
    expect(parseIso('2015-09-23T20:57Z', f)).toBe(true);
    expect(fieldsToUtcUs(f, 'America/New_York')).toBe(iso('2015-09-23T20:57:00Z'));
  });

  it('refuses malformed and impossible times', () => {
    const bad: [string, (s: string) => boolean][] = [
      ['2010-02-03 16:53:54', (s) => parseMdy(s, f)],
      ['02/30/2010 16:53:54', (s) => parseMdy(s, f)],
      ['02/03/2010 16:53', (s) => parseMdy(s, f)],
      ['2017-04-19 24:00:00', (s) => parseDatetime(s, f)],
      ['2017-04-19 09:60:00', (s) => parseDatetime(s, f)],
      ['2017-04-19 09:00:60', (s) => parseDatetime(s, f)],
      ['2017-04-19 09:00:00 ', (s) => parseDatetime(s, f)],
      ['2017-04-19T09:00:00', (s) => parseDatetime(s, f)],
      ['2017-4-19', (s) => parseDateOnly(s, f)],
      ['2017-02-29', (s) => parseDateOnly(s, f)],
      ['1600-01-01', (s) => parseDateOnly(s, f)],
      ['abc', (s) => parseDateOnly(s, f)],
      ['2015-09-23 20:57:42', (s) => parseIso(s, f)],
      ['2015-09-23T20:57:42.', (s) => parseIso(s, f)],
      ['2015-09-23T20:57:42.1234567', (s) => parseIso(s, f)],
      ['2015-09-23T20:57:42+2', (s) => parseIso(s, f)],
    ];
    for (const [s, p] of bad) expect([s, p(s)]).toEqual([s, false]);
    expect(parseDateAndClock('2006-01-02', '9:05', f)).toBe(false);
  });
});
