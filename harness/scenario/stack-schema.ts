/**
 * The scenario's `stack:` section: the reference stack (agents, allocator, risk, execution), a
 * user's own stack from a module (`module:`), or a stack in any language served over HTTP
 * (`service:`), driven in lockstep (harness/service/). One object rather than a union, so that an
 * unknown key still gets its "did you mean" and a reference stack's problems keep their paths.
 */
import { z } from 'zod';
import { durationSchema } from '../../engine/index.ts';
import { StackConfigSchema } from './engine-parts.ts';

/** Default factory export of a module stack. */
export const DEFAULT_STACK_EXPORT = 'createStack';

export const StackServiceSchema = z.strictObject({
  url: z.string().min(1).max(2000).describe('Where the stack listens (http://host:port/path); every protocol message is a POST there. A host other than loopback needs `--allow-remote`.'),
  timeout: durationSchema('Real time the stack may take to answer one message before the run ends as bad input of the stack (default 5s).').prefault('5s'),
  retries: z.number().int().min(0).max(5).default(2)
    .describe('Re-sends of a message whose connection failed (the same sequence number: the stack answers a repeat from its last answer, so a retry never doubles an order). Default 2.'),
  latency: z.enum(['none', 'measured']).default('none')
    .describe("none: the stack answers at the instant it was asked (virtual time). measured: each step's measured real response time is journaled and its orders reach the venue that much later in virtual time."),
}).describe('A stack served over HTTP in lockstep (the Gauntlet stack protocol, schemas/stack-protocol.schema.json).');
export type StackServiceConfig = z.output<typeof StackServiceSchema>;

const shape = StackConfigSchema.shape;

export const ScenarioStackSchema = z.strictObject({
  ...shape,
  agents: shape.agents.optional()
    .describe('Agents of the reference stack: market data in, signals out. Their latest signals on one instrument are averaged. With `service:`, sent to the served reference stack as its configuration.'),
  module: z.string().min(1).max(1000).optional()
    .describe("Your own stack: a module path relative to the scenario file (./my-stack.ts). It exports a factory (see `export`) and `configSchema`, a zod schema of its `config`."),
  export: z.string().regex(/^[A-Za-z_$][\w$]*$/, 'a JavaScript export name').optional()
    .describe(`The module's factory export: (config, context) => TradingStack. Default: ${DEFAULT_STACK_EXPORT}.`),
  config: z.unknown().optional()
    .describe("The module stack's configuration (validated by its configSchema), or what a service stack is sent when it starts."),
  service: StackServiceSchema.optional(),
}).superRefine((s, ctx) => {
  if (s.module !== undefined && s.service !== undefined) ctx.addIssue({ code: 'custom', path: ['service'], message: 'give one of module (a stack in a module) and service (a stack over HTTP), not both' });
  if (s.module !== undefined && s.agents !== undefined) ctx.addIssue({ code: 'custom', path: ['agents'], message: 'agents configure the reference stack; a module stack takes its configuration under config' });
  if (s.module === undefined && s.service === undefined && s.agents === undefined) ctx.addIssue({ code: 'custom', path: [], message: "missing required key 'agents' (the reference stack), or give module (your own stack) or service (a stack over HTTP)" });
  if (s.module === undefined && s.export !== undefined) ctx.addIssue({ code: 'custom', path: ['export'], message: 'export names the factory of a module stack: give module as well' });
  if (s.module === undefined && s.service === undefined && s.config !== undefined) ctx.addIssue({ code: 'custom', path: ['config'], message: 'config is for a module or service stack (the reference stack is configured by agents, allocator, risk, execution)' });
  if (s.service !== undefined && s.agents !== undefined && s.config !== undefined) ctx.addIssue({ code: 'custom', path: ['config'], message: 'a service stack is sent either config or the reference keys (agents, ...), not both' });
}).describe('The stack under test: the reference stack (agents -> allocator -> risk -> execution), your own module (module, export, config), or a stack over HTTP (service). risk declares the limits the riskLimits property checks, whatever the stack.');
export type ScenarioStack = z.output<typeof ScenarioStackSchema>;

/** The reference stack's configuration, for a scenario whose stack is the reference one (or is served from it). */
export type ReferenceStackConfig = Omit<z.output<typeof StackConfigSchema>, 'dataClient'>;

/** Which stack a scenario runs. */
export function stackKind(stack: ScenarioStack): 'reference' | 'module' | 'service' {
  return stack.module !== undefined ? 'module' : stack.service !== undefined ? 'service' : 'reference';
}

/** The reference configuration of a scenario's stack; throws for a module stack or a service sent its own config (a caller's bug). */
export function referenceConfig(stack: ScenarioStack): ReferenceStackConfig {
  if (stack.agents === undefined) throw new Error('this scenario does not configure the reference stack (it names a module or a service with its own config)');
  return { agents: stack.agents, allocator: stack.allocator, risk: stack.risk, execution: stack.execution, orderIdPrefix: stack.orderIdPrefix };
}
