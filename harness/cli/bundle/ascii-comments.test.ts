// The bundle's comments are made ASCII (so V8 keeps a chunk one byte a character); code and
// anything not clearly a comment are left as they are.
import { describe, expect, it } from 'vitest';
import { asciiComments } from './ascii-comments.ts';

describe('asciiComments', () => {
  it('escapes non-ASCII characters in line comments and block comment lines', () => {
    expect(asciiComments('x = 1; // 1 µs — at least\n')).toBe('x = 1; // 1 \\u00b5s \\u2014 at least\n');
    expect(asciiComments('  /** Full jitter, at least 1 µs. */\n  f();')).toBe('  /** Full jitter, at least 1 \\u00b5s. */\n  f();');
    expect(asciiComments('   * see RFC 1035 §2.3.1\n')).toBe('   * see RFC 1035 \\u00a72.3.1\n');
    // An astral character is two UTF-16 units, escaped one by one.
    expect(asciiComments('// 😀')).toBe('// \\ud83d\\ude00');
  });

  it('leaves text without non-ASCII characters, and any not clearly in a comment, unchanged', () => {
    const ascii = 'const a = "//"; // plain\n';
    expect(asciiComments(ascii)).toBe(ascii);
    const raw = 'tag`µ` // note\n';
    expect(asciiComments(raw)).toBe(raw);
    const afterBlock = ' * end */ tag`µ`;\n';
    expect(asciiComments(afterBlock)).toBe(afterBlock);
  });

  it('keeps what the escaped text means when evaluated', () => {
    const code = 'const s = "ok"; // µ\nexport default s;';
    expect(asciiComments(code)).not.toMatch(/[\u0080-\uffff]/);
    expect(new Function(asciiComments(code).replace('export default s;', 'return s;'))()).toBe('ok');
  });
});
