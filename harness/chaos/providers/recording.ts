/**
 * Recorded provider exchanges: what a run asked its providers and what they answered, with the
 * dialect's secret headers redacted, saved as JSON and replayed by a provider spec's `recording`.
 * A recording is bad input when it is loaded: it crosses a zod schema, and an error names the file
 * and the field.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { z } from 'zod';
import { INTERNAL_PREFIX } from './provider.ts';
import { RecordingError } from './recording-error.ts';

export { RecordingError };

export const RECORDING_VERSION = 1;
export const REDACTED = '<redacted>';

export interface RecordedExchange {
  readonly provider: string;
  readonly method: string;
  readonly url: string;
  /** Lower-case names; the dialect's secret headers read `<redacted>`; no internal headers. */
  readonly requestHeaders: Readonly<Record<string, string>>;
  /** The virtual instant of the request. */
  readonly nowUs: number;
  readonly status: number;
  readonly responseHeaders: Readonly<Record<string, string>>;
  readonly body: string;
  /** When the response arrived after the request, on virtual time. */
  readonly latencyUs: number;
  /** The data stream whose item at the arrival instant it carried (released by that market event; see TransportResponse.release). */
  readonly release?: string;
}

const headers = z.record(z.string().regex(/^[a-z0-9!#$%&'*+.^_`|~-]+$/, 'a lower-case header name'), z.string());
const time = z.number().int().refine(Number.isSafeInteger, 'a safe integer');

export const RecordedExchangeSchema = z.strictObject({
  provider: z.string().regex(/^[a-z][a-z0-9-]*$/, 'a provider name'),
  method: z.string().regex(/^[A-Z]+$/, 'an upper-case HTTP method'),
  url: z.url(),
  requestHeaders: headers,
  nowUs: time,
  status: z.number().int().min(100).max(599),
  responseHeaders: headers,
  body: z.string(),
  latencyUs: time.nonnegative(),
  release: z.string().regex(/^(bars|quotes|trades):.+$/, 'a data stream such as bars:SPX').optional(),
});

export const RecordingSchema = z.strictObject({
  version: z.literal(RECORDING_VERSION),
  exchanges: z.array(RecordedExchangeSchema),
});

export type RecordingResult = { readonly ok: true; readonly exchanges: RecordedExchange[] } | { readonly ok: false; readonly error: RecordingError };

/** Reads a recording's text; `file` names it in errors. */
export function parseRecording(text: string, file: string): RecordingResult {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return { ok: false, error: new RecordingError(file, '', `not JSON: ${(e as Error).message}`) };
  }
  const r = RecordingSchema.safeParse(json);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    // A bad record key's own message (what a key must be) sits one level down in zod 4.
    const inner = issue.code === 'invalid_key' ? issue.issues[0]?.message : undefined;
    return { ok: false, error: new RecordingError(file, issue.path.join('.'), inner === undefined ? issue.message : `${issue.message}: ${inner}`) };
  }
  return { ok: true, exchanges: r.data.exchanges };
}

/** Loads a recording; throws a RecordingError naming the file and field when it is bad. */
export function loadRecording(path: string): RecordedExchange[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new RecordingError(path, '', `cannot read: ${(e as Error).message}`);
  }
  const r = parseRecording(text, path);
  if (!r.ok) throw r.error;
  return r.exchanges;
}

/** Writes a recording atomically (a temporary file renamed over the target): never half a file. */
export function saveRecording(path: string, exchanges: readonly RecordedExchange[]): void {
  const text = `${JSON.stringify({ version: RECORDING_VERSION, exchanges }, null, 2)}\n`;
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

/** Request headers as recorded: lower-case names, secrets redacted, internal headers dropped, sorted. */
export function recordableHeaders(headers: Readonly<Record<string, string>> | undefined, secretHeaders: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  const names = Object.keys(headers ?? {}).sort();
  for (const name of names) {
    const lower = name.toLowerCase();
    if (lower.startsWith(INTERNAL_PREFIX)) continue;
    out[lower] = secretHeaders.includes(lower) ? REDACTED : headers![name]!;
  }
  return out;
}
