/**
 * Debian's chromium driven by playwright-core, for the browser tests of report.html. The browser
 * is the system's (installed by .ci/setup-browser): `npx playwright install` downloads a browser
 * build, which cannot work where only the npm registry and Debian's packages are reached.
 * DEVELOPERS.md says why each flag is there.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { REPO } from '../../../cli/cli-helpers.ts';

export const CHROMIUM_PATH = '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
] as const;

/** Where browser tests keep their screenshots (reports/ is not committed). */
export const ARTIFACTS_DIR = join(REPO, 'reports', 'test-artifacts');

export async function launchChromium(): Promise<Browser> {
  // A missing browser fails the test with the fix, never skips it.
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`${CHROMIUM_PATH} is missing: run .ci/setup-browser (apt-get install -y chromium)`);
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS] });
}

export function artifactPath(name: string): string {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  return join(ARTIFACTS_DIR, name);
}
