/**
 * zod issues -> scenario problems: the field path, a message in the file's terms, what was
 * expected and what was found (read from the data at the path).
 */
import type { z } from 'zod';
import { describeValue } from './problems.ts';

type Issue = z.core.$ZodIssue;

export interface IssueText {
  readonly message: string;
  readonly expected?: string;
  readonly found?: string;
  /** The key is missing: the problem is located at its parent. */
  readonly missing: boolean;
}

export function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = data;
  for (const seg of path) {
    if (typeof v !== 'object' || v === null) return undefined;
    v = (v as Record<PropertyKey, unknown>)[seg];
  }
  return v;
}

function article(word: string): string {
  return `${/^[aeiou]/.test(word) ? 'an' : 'a'} ${word}`;
}

/** Lists longer than this are cut short in messages (the JSON Schema has them all). */
const MAX_LISTED = 12;

function oneOf(values: readonly unknown[]): string {
  if (values.length === 1) return JSON.stringify(values[0]);
  const shown = values.slice(0, MAX_LISTED).map((v) => JSON.stringify(v)).join(', ');
  return `one of ${shown}${values.length > MAX_LISTED ? `, ... (${values.length - MAX_LISTED} more)` : ''}`;
}

/** The allowed values of an enum-like issue, for a "did you mean". */
export function allowedValues(issue: Issue): readonly string[] {
  if (issue.code === 'invalid_value') return issue.values.filter((v): v is string => typeof v === 'string');
  if (issue.code === 'invalid_union' && 'options' in issue && Array.isArray(issue.options)) {
    return (issue.options as unknown[]).filter((v): v is string => typeof v === 'string');
  }
  return [];
}

function plural(n: number | bigint, word: string): string {
  return `${n} ${word}${n === 1 || n === 1n ? '' : 's'}`;
}

/**
 * A union's issue, reported where the input went wrong: when exactly one alternative accepted the
 * value's shape and failed only deeper inside it (a list of providers with one bad entry, against
 * "a keyword or a list"), that alternative's own issues, at their full paths; else the issue.
 */
export function expandUnion(issue: Issue): Issue[] {
  if (issue.code !== 'invalid_union' || !('errors' in issue) || !Array.isArray(issue.errors)) return [issue];
  const deeper = issue.errors.filter((branch) => branch.length > 0 && branch.every((i) => i.path.length > 0));
  if (deeper.length !== 1) return [issue];
  return deeper[0]!.flatMap((i) => expandUnion({ ...i, path: [...issue.path, ...i.path] } as Issue));
}

/** What the schema wanted, in words; undefined when the message already says it. */
export function expectedOf(issue: Issue): string | undefined {
  switch (issue.code) {
    case 'invalid_type':
      return issue.expected === 'never' ? undefined : issue.expected === 'int' ? 'an integer' : article(issue.expected);
    case 'invalid_value':
      return oneOf(issue.values);
    case 'too_small': {
      const op = issue.inclusive === false ? '>' : '>=';
      if (issue.origin === 'array' || issue.origin === 'set') return `at least ${plural(issue.minimum, 'item')}`;
      if (issue.origin === 'string') return `at least ${plural(issue.minimum, 'character')}`;
      return `a number ${op} ${issue.minimum}`;
    }
    case 'too_big': {
      const op = issue.inclusive === false ? '<' : '<=';
      if (issue.origin === 'array' || issue.origin === 'set') return `at most ${plural(issue.maximum, 'item')}`;
      if (issue.origin === 'string') return `at most ${plural(issue.maximum, 'character')}`;
      return `a number ${op} ${issue.maximum}`;
    }
    case 'not_multiple_of':
      return `a multiple of ${issue.divisor}`;
    case 'invalid_union': {
      if ('options' in issue && Array.isArray(issue.options)) {
        return oneOf(issue.options as unknown[]);
      }
      const alternatives = issue.errors.map((branch) => (branch[0] === undefined ? undefined : expectedOf(branch[0])))
        .filter((e): e is string => e !== undefined);
      return alternatives.length > 0 ? [...new Set(alternatives)].join(' or ') : undefined;
    }
    default:
      return undefined;
  }
}

export function issueText(issue: Issue, data: unknown): IssueText {
  const value = valueAt(data, issue.path);
  const last = issue.path[issue.path.length - 1];
  const missing = value === undefined && issue.path.length > 0 && issue.code !== 'custom';
  // zod's own messages are replaced by the file's terms; a schema's custom message is kept.
  const zodDefault = /^(Invalid input|Invalid option|Too (small|big)|Invalid discriminator)/.test(issue.message);
  let message = issue.message.replace(/^Invalid input: /, '');
  if (!zodDefault && issue.code !== 'invalid_union') return { message, ...(missing ? {} : { found: describeValue(value) }), missing: false };
  if (missing) message = `missing required key '${String(last)}'`;
  else if (issue.code === 'invalid_union' && 'options' in issue) message = 'invalid value';
  else if (issue.code === 'invalid_union' && message === 'Invalid input') message = 'does not match any allowed form';
  else if (issue.code === 'invalid_type' || issue.code === 'invalid_value' || issue.code === 'too_small' || issue.code === 'too_big') message = 'invalid value';
  const expected = expectedOf(issue);
  const scalar = typeof value !== 'object' || value === null;
  const found = missing ? undefined : issue.code === 'custom' && !scalar ? undefined : describeValue(value);
  return { message, ...(expected === undefined ? {} : { expected }), ...(found === undefined ? {} : { found }), missing };
}
