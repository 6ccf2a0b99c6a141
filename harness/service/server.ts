/**
 * The stack protocol over node:http: every POST body is one JSON message, answered with the
 * handler's status and JSON. A body that is not JSON, too large, or not a POST gets an error answer
 * in the protocol's shape, never a dropped connection.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PROTOCOL_VERSION } from './protocol.ts';
import type { ServiceAnswer } from './reference-service.ts';

/** Largest message read: a step of many events is kilobytes; this is bounded memory, not a limit met. */
export const MAX_BODY_BYTES = 64 << 20;

export interface StackServer {
  readonly url: string;
  readonly server: Server;
  close(): Promise<void>;
}

export type MessageHandler = (json: unknown) => ServiceAnswer | Promise<ServiceAnswer>;

function send(res: ServerResponse, status: number, body: object): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) { resolve(null); req.destroy(); return; }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export async function serveMessages(handler: MessageHandler, options: { host?: string; port?: number } = {}): Promise<StackServer> {
  const server = createServer((req, res) => {
    void (async () => {
      if (req.method !== 'POST') { send(res, 405, { version: PROTOCOL_VERSION, type: 'error', error: 'the stack protocol is JSON POSTs' }); return; }
      const text = await readBody(req);
      if (text === null) { send(res, 413, { version: PROTOCOL_VERSION, type: 'error', error: `message larger than ${MAX_BODY_BYTES} bytes` }); return; }
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        send(res, 400, { version: PROTOCOL_VERSION, type: 'error', error: 'the body is not JSON' });
        return;
      }
      const answer = await handler(json);
      send(res, answer.status, answer.body);
    })().catch((e: unknown) => {
      if (!res.headersSent) send(res, 500, { version: PROTOCOL_VERSION, type: 'error', error: `the stack failed: ${(e as Error).message}` });
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const addr = server.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  return {
    url: `http://${host}:${addr.port}/`,
    server,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
