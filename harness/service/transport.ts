/**
 * Real HTTP for the stack protocol: one JSON POST with a real-time timeout, retried on a failed
 * connection with the same body (the same sequence number), and the loopback rule. Failures are
 * StackServiceErrors: bad input of the stack (exit 2), never a hang and never an internal error.
 */
import { monotonicMs } from '../monotonic-ms.ts';
import { STACK_PROTOCOL_HEADER } from './protocol-names.ts';

/** The stack behind a service broke the protocol or did not answer: bad input of the stack. */
export class StackServiceError extends Error {
  readonly url: string;
  /** The field of the message that was wrong ('' for the whole answer). */
  readonly field: string;
  constructor(url: string, message: string, field = '') {
    super(message);
    this.name = 'StackServiceError';
    this.url = url;
    this.field = field;
  }
}

export interface PostResult {
  readonly status: number;
  readonly text: string;
  /** Real time from sending to the whole answer read (the last try). */
  readonly wallTimeMs: number;
  /** Tries that failed before it (re-sent after a failed connection). */
  readonly retries: number;
}

export interface PostOptions {
  readonly timeoutMs: number;
  /** Re-sends after a failed connection (refused, reset): the body is the same, so the stack answers a repeat from its last answer. */
  readonly retries: number;
}

/** One POST; throws StackServiceError on timeout or a connection that failed every try. */
export async function postJson(url: string, body: string, options: PostOptions): Promise<PostResult> {
  for (let attempt = 0; ; attempt++) {
    const startMs = monotonicMs();
    try {
      const res = await fetch(url, {
        method: 'POST', body, signal: AbortSignal.timeout(options.timeoutMs),
        headers: { 'content-type': 'application/json', [STACK_PROTOCOL_HEADER]: '1' },
      });
      const text = await res.text();
      return { status: res.status, text, wallTimeMs: monotonicMs() - startMs, retries: attempt };
    } catch (e) {
      const err = e as Error & { cause?: { code?: string } };
      if (err.name === 'TimeoutError' || err.name === 'AbortError') {
        throw new StackServiceError(url, `no answer within ${options.timeoutMs} ms of real time (stack.service.timeout)`, 'timeout');
      }
      if (attempt >= options.retries) {
        throw new StackServiceError(url, `cannot reach the stack (${err.cause?.code ?? err.message}) after ${attempt + 1} tries`, 'url');
      }
    }
  }
}

/** Loopback hosts: a stack on this machine. Anything else needs --allow-remote. */
export function isLoopbackUrl(url: URL): boolean {
  const h = url.hostname.replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

/** Why a stack URL is refused, or null. */
export function stackUrlProblem(text: string, allowRemote: boolean): string | null {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return `${text} is not a URL (expected e.g. http://127.0.0.1:8080/)`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `${text}: only http: and https: stacks are spoken to`;
  if (!allowRemote && !isLoopbackUrl(url)) return `${url.hostname} is not this machine (loopback): a stack elsewhere is refused unless you pass --allow-remote`;
  return null;
}
