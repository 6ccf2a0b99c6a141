/**
 * Parse options for data parsed once or a few times per process (a scenario, a job spec, a cache
 * entry's meta, a run's metrics). zod compiles a fast path (new Function) for each object schema
 * at its first parse; a one-off parse pays the compiling and never gets it back: skipping it
 * (`jitless`) made a whole `gauntlet run`'s first scenario parse about 10 ms faster, and later
 * parses no slower. The result is the same either way.
 */
import type { core } from 'zod';

export const PARSE_ONCE: core.ParseContext<core.$ZodIssue> = { jitless: true };
