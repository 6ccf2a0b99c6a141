// Proves that validate's byte-rate bar goes to stderr on a terminal only: with a terminal it shows
// percent, MB read of MB and MB/s; without one (a pipe, CI) nothing is written.
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { Output } from './output.ts';

function stream(tty: boolean): { s: NodeJS.WriteStream; text: () => string } {
  const p = new PassThrough();
  let text = '';
  p.on('data', (c: Buffer) => { text += c.toString('utf8'); });
  const s = Object.assign(p, { isTTY: tty, columns: 120, cursorTo: () => true, clearLine: () => true, moveCursor: () => true }) as unknown as NodeJS.WriteStream;
  return { s, text: () => text };
}

describe('Output.progressBytes', () => {
  it('draws percent, MB and MB/s on a terminal', async () => {
    const err = stream(true);
    const out = new Output({ quiet: false, json: false, stdout: stream(false).s, stderr: err.s, env: { TERM: 'xterm' } });
    out.progressBytes('data.csv', 0, 4_000_000);
    out.progressBytes('data.csv', 2_000_000, 4_000_000);
    out.stopProgress();
    await new Promise((r) => setImmediate(r));
    expect(err.text()).toMatch(/50% 2\.0\/4\.0 MB · [\d.-]+ MB\/s {2}data\.csv/);
  });

  it('writes nothing without a terminal', async () => {
    const err = stream(false);
    const out = new Output({ quiet: false, json: false, stdout: stream(false).s, stderr: err.s, env: { TERM: 'xterm' } });
    out.progressBytes('data.csv', 1, 2);
    out.stopProgress();
    await new Promise((r) => setImmediate(r));
    expect(err.text()).toBe('');
  });
});
