// Proves the building blocks of scenario error messages: edit distance, "did you mean" (typos,
// case, nothing when no name is close), field paths, and how found values are shown.
import { describe, expect, it } from 'vitest';
import { describeValue, didYouMean, editDistance, formatPath, formatProblem } from './problems.ts';

describe('editDistance', () => {
  it('counts insertions, deletions and substitutions', () => {
    expect(editDistance('period', 'period')).toBe(0);
    expect(editDistance('perod', 'period')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
  });
});

describe('didYouMean', () => {
  const known = ['period', 'instrument', 'allowShort', 'kind', 'id'];
  it('suggests the closest key for a typo', () => {
    expect(didYouMean('perod', known)).toBe('period');
    expect(didYouMean('instrumnet', known)).toBe('instrument');
  });
  it('suggests a key written in another case', () => {
    expect(didYouMean('allowshort', known)).toBe('allowShort');
  });
  it('suggests nothing when no key is close', () => {
    expect(didYouMean('volatility', known)).toBeUndefined();
    expect(didYouMean('xy', known)).toBeUndefined();
  });
});

describe('formatPath and describeValue', () => {
  it('writes paths as a user reads them', () => {
    expect(formatPath(['stack', 'agents', 0, 'period'])).toBe('stack.agents[0].period');
    expect(formatPath([])).toBe('');
  });
  it('shows found values briefly, with their type', () => {
    expect(describeValue('abc')).toBe('"abc" (string)');
    expect(describeValue(undefined)).toMatch(/missing/);
    expect(describeValue([1, 2])).toBe('a list of 2');
    expect(describeValue('x'.repeat(100)).length).toBeLessThan(80);
  });
  it('formats a problem as file:line:column: path: message (expected, found) hint', () => {
    expect(formatProblem({ file: 'a.yaml', line: 3, column: 7, path: 'seed', message: 'invalid value', expected: 'a number >= 0', found: '-1 (number)' }))
      .toBe('a.yaml:3:7: seed: invalid value (expected a number >= 0, found -1 (number))');
  });
});
