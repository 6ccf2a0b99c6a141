/**
 * Imported first by the entries that run scenarios (run, the pool's worker threads): every zod
 * parse of the process skips zod's JIT fast path, as PARSE_ONCE does for the harness's own parses.
 *
 * Why: zod compiles a fast path (new Function) for an object schema at its first parse, and the
 * schemas decide it when they are built. A run parses each of its dozen object schemas (the
 * scenario's stack, venue and instruments, in the engine's constructors) once or twice and
 * nothing per event, so the compiling (about 8 ms of CPU a run) is never paid back. The results
 * are the same either way.
 */
import { z } from 'zod';

z.config({ jitless: true });
