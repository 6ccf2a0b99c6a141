import { z } from 'zod';
import { beforeEach, describe, expect, it, vi } from 'vitest';

describe('zod-jitless.ts', () => {
  beforeEach(() => {
    z.config({ jitless: false });
    vi.resetModules();
  });

  it.each(['./cli/run-command.ts', './distributed/worker.ts'])('%s turns off zod\'s JIT fast path for the process', async (entry) => {
    await import(entry);
    expect(z.config().jitless).toBe(true);
  });
});
