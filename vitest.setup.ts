// Every test file removes the temporary folders it made (engine/testing/temp-dirs.ts).
import { afterAll } from 'vitest';
import { removeTempDirs } from './engine/testing/temp-dirs.ts';

afterAll(() => {
  removeTempDirs();
});
