import { describe, expect, it } from 'vitest';
import { CLI_COMMANDS, commandOf } from './commands.ts';
import { commandNames } from './main.ts';

describe('CLI_COMMANDS', () => {
  it('are the commands the program defines', () => {
    expect([...CLI_COMMANDS].sort()).toEqual(commandNames().sort());
  });

  it('commandOf reads the first argument that is not a flag, as main does', () => {
    expect(commandOf(['node', 'gauntlet', 'run', 'x.yaml'])).toBe('run');
    expect(commandOf(['node', 'gauntlet', '--quiet', 'report', 'html'])).toBe('report');
    expect(commandOf(['node', 'gauntlet', '--help'])).toBeNull();
    expect(commandOf(['node', 'gauntlet', 'nonsense', 'run'])).toBeNull();
    expect(commandOf(['node', 'gauntlet'])).toBeNull();
  });
});
