/**
 * `gauntlet serve-stack`: the reference stack served over the stack protocol until SIGINT or
 * SIGTERM. Loopback only unless --allow-remote.
 */
import { z } from 'zod';
import { ReferenceStackService } from '../service/reference-service.ts';
import { serveMessages } from '../service/server.ts';
import { isLoopbackUrl } from '../service/transport.ts';
import { FlagError, parseFlags } from './flags.ts';

const ServeFlagsSchema = z.strictObject({
  host: z.string().min(1).default('127.0.0.1'),
  port: z.string().regex(/^\d+$/, 'expected a port number').transform(Number).pipe(z.number().int().min(0).max(65535)).default(8787),
  allowRemote: z.boolean().default(false),
});

export async function serveStackCommand(rawFlags: Record<string, unknown>): Promise<number> {
  const flags = parseFlags(ServeFlagsSchema, rawFlags);
  const host = flags.host.includes(':') && !flags.host.startsWith('[') ? `[${flags.host}]` : flags.host;
  if (!flags.allowRemote && !isLoopbackUrl(new URL(`http://${host}/`))) {
    throw new FlagError(`--host ${flags.host}: not a loopback address; serving the stack to other machines needs --allow-remote`);
  }
  const service = new ReferenceStackService();
  let server;
  try {
    server = await serveMessages((json) => service.handle(json), { host: flags.host, port: flags.port });
  } catch (e) {
    throw new FlagError(`cannot listen on ${flags.host}:${flags.port}: ${(e as Error).message}`);
  }
  process.stdout.write(`gauntlet serve-stack: the reference stack on ${server.url} (stack protocol v1; Ctrl-C stops)\n`);
  const signal = await new Promise<'SIGINT' | 'SIGTERM'>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  await server.close();
  return signal === 'SIGINT' ? 130 : 143;
}
