/**
 * Generated market files for the data cache's tests and `bench:data`: hourly bars of a seeded
 * random walk as a CSV (optionally with bad rows), and an SMA-crossover scenario that reads it.
 */
import { writeFileSync } from 'node:fs';

const HOUR_US = 3_600_000_000;
/** 2020-01-01T00:00:00Z. */
const START_US = 1_577_836_800_000_000;

export interface HourlyBarsOptions {
  readonly bars: number;
  readonly seed?: number;
  /** Lines (1-based, header = 1) written as bad rows: a High below its Low, or text where a price goes. */
  readonly badLines?: readonly number[];
}

/** The bars as columns: open time (epoch µs), and prices in cents. */
export function hourlyBars(options: HourlyBarsOptions): { timeUs: number[]; open: number[]; high: number[]; low: number[]; close: number[]; volume: number[] } {
  let state = (options.seed ?? 1) >>> 0;
  const rand = (): number => {
    // xorshift32: enough for a price path; the engine's own streams are not involved.
    state ^= state << 13; state >>>= 0; state ^= state >>> 17; state ^= state << 5; state >>>= 0;
    return state / 2 ** 32;
  };
  const out = { timeUs: [] as number[], open: [] as number[], high: [] as number[], low: [] as number[], close: [] as number[], volume: [] as number[] };
  let price = 10_000;
  for (let i = 0; i < options.bars; i++) {
    const open = price;
    const close = Math.max(100, open + Math.round((rand() - 0.5) * 60));
    out.timeUs.push(START_US + i * HOUR_US);
    out.open.push(open);
    out.close.push(close);
    out.high.push(Math.max(open, close) + Math.round(rand() * 20));
    out.low.push(Math.max(1, Math.min(open, close) - Math.round(rand() * 20)));
    out.volume.push(1000 + Math.round(rand() * 9000));
    price = close;
  }
  return out;
}

const cents = (raw: number): string => `${Math.floor(raw / 100)}.${String(raw % 100).padStart(2, '0')}`;

/** Writes the bars as `time,open,high,low,close,volume` with ISO-8601 UTC times; returns the bytes written. */
export function writeHourlyBarsCsv(path: string, options: HourlyBarsOptions): number {
  const b = hourlyBars(options);
  const bad = new Set(options.badLines ?? []);
  const lines = ['time,open,high,low,close,volume'];
  for (let i = 0; i < b.timeUs.length; i++) {
    const line = i + 2;
    const time = new Date(b.timeUs[i]! / 1000).toISOString().replace('.000Z', 'Z');
    if (bad.has(line)) {
      lines.push(line % 2 === 0
        ? `${time},${cents(b.open[i]!)},${cents(b.low[i]! - 1 > 0 ? b.low[i]! - 1 : 1)},${cents(b.high[i]!)},${cents(b.close[i]!)},${b.volume[i]}`
        : `${time},n/a,${cents(b.high[i]!)},${cents(b.low[i]!)},${cents(b.close[i]!)},${b.volume[i]}`);
    } else {
      lines.push(`${time},${cents(b.open[i]!)},${cents(b.high[i]!)},${cents(b.low[i]!)},${cents(b.close[i]!)},${b.volume[i]}`);
    }
  }
  const text = `${lines.join('\n')}\n`;
  writeFileSync(path, text);
  return Buffer.byteLength(text);
}

/** An SMA-crossover scenario on `file` (relative to the scenario), bars of one hour, the given bad-row policy. */
export function hourlyScenarioText(options: { file: string; badRows?: 'reject' | 'skip' | 'repair'; name?: string; period?: number }): string {
  return `version: 1
name: ${options.name ?? 'hourly-sma'}
seed: 7
market:
  csv:
    file: ${options.file}
    instrumentId: SYN
    dataType: bar
    priceDecimals: 2
    barInterval: 1h
    timestampMarks: open
    time: { format: iso, column: time }
    columns: { open: open, high: high, low: low, close: close, volume: volume }
    badRows: ${options.badRows ?? 'reject'}
calendar: UTC_24H
account: { currency: USD, startCash: 100000 }
stack:
  agents:
    - { kind: sma-crossover, instrument: SYN, period: ${options.period ?? 50} }
  allocator: { kind: fixed-quantity, quantity: 10 }
  risk: { maxPosition: 10 }
venue:
  fees: { bps: 1 }
gates:
  - { metric: trades, min: 1 }
`;
}

/**
 * The same bars as a Parquet file (hyparquet-writer): `time` a TIMESTAMP (millisecond), prices
 * DOUBLE, volume INT64. A bad line of the CSV (even: High below Low) is the same bad row here; odd
 * bad lines write NaN as the open. Returns the file's bytes.
 */
export async function writeHourlyBarsParquet(path: string, options: HourlyBarsOptions & { rowGroupSize?: number }): Promise<number> {
  const { parquetWriteBuffer } = await import('hyparquet-writer');
  const b = hourlyBars(options);
  const open = b.open.map((x) => x / 100);
  const high = b.high.map((x) => x / 100);
  const low = b.low.map((x) => x / 100);
  for (const line of options.badLines ?? []) {
    const i = line - 2;
    if (line % 2 === 0) { high[i] = Math.max(1, b.low[i]! - 1) / 100; low[i] = b.high[i]! / 100; } else open[i] = Number.NaN;
  }
  const buffer = parquetWriteBuffer({
    columnData: [
      { name: 'time', data: b.timeUs.map((us) => new Date(us / 1000)), type: 'TIMESTAMP' },
      { name: 'open', data: open, type: 'DOUBLE' },
      { name: 'high', data: high, type: 'DOUBLE' },
      { name: 'low', data: low, type: 'DOUBLE' },
      { name: 'close', data: b.close.map((x) => x / 100), type: 'DOUBLE' },
      { name: 'volume', data: b.volume.map((v) => BigInt(v)), type: 'INT64' },
    ],
    ...(options.rowGroupSize === undefined ? {} : { rowGroupSize: options.rowGroupSize }),
  });
  writeFileSync(path, new Uint8Array(buffer));
  return buffer.byteLength;
}
