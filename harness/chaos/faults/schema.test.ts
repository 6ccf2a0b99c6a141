import { describe, expect, it } from 'vitest';
import { US_PER_DAY } from '../../../engine/kernel/time.ts';
import { boundUs, FaultSchema } from './schema.ts';

describe('fault window bounds', () => {
  it("take offsets beyond a year ('+1200d' into a long daily history), up to a century", () => {
    const f = FaultSchema.parse({ kind: 'venue-reject', window: { from: '+1200d', to: '+36525d' } });
    expect(f.kind === 'venue-reject' && f.window.from).toBe('+1200d');
    expect(boundUs('+1200d', 1_000)).toBe(1_000 + 1200 * US_PER_DAY);
  });

  it('refuse a malformed offset or one past a century, and say what they expected', () => {
    for (const from of ['+36526d', '+12x', '1200d']) {
      const r = FaultSchema.safeParse({ kind: 'venue-reject', window: { from } });
      expect(r.success).toBe(false);
      expect(r.error?.issues[0]?.message).toContain("offset from the market's start");
    }
  });
});
