/**
 * The CLI bundle's freshness proof. `npm run bundle` (and `prepare`, after `npm ci`) writes the
 * bundle of the CLI into bundle/ with a manifest of every file it was built from: its path, size,
 * modification and change times, taken before the file was read. bin/gauntlet.js runs the bundle
 * only while every one of those files still has the same stamp (stats only, no reads), and the
 * TypeScript sources otherwise: a checkout never runs code older than its files.
 *
 * The change time (ctime) is what makes it a proof rather than a heuristic: any write to a file
 * sets it to the current time, and unlike mtime no tool can set it back. A file that was only
 * touched, or copied, reads as changed too; the sources then run until the next `npm run bundle`.
 *
 * This module is imported by bin/gauntlet.js before anything else loads: it imports node:fs alone.
 */
import { readFileSync, statSync } from 'node:fs';

/** The bundle's folder under the package root. */
export const BUNDLE_DIR = 'bundle';
export const MANIFEST_FILE = 'manifest.json';
const MANIFEST_VERSION = 1;

/** A file's stamp: [path relative to the package root, size in bytes, mtimeMs, ctimeMs]. */
export type InputStamp = readonly [path: string, size: number, mtimeMs: number, ctimeMs: number];

export interface BundleManifest {
  readonly version: typeof MANIFEST_VERSION;
  readonly inputs: readonly InputStamp[];
}

export function manifestOf(inputs: readonly InputStamp[]): BundleManifest {
  return { version: MANIFEST_VERSION, inputs: [...inputs].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)) };
}

/** The stamp of `rel` (relative to `root`, '/'-separated) now; null when it is not a file. */
export function stampOf(root: string, rel: string): InputStamp | null {
  const s = statSync(`${root}/${rel}`, { throwIfNoEntry: false });
  return s === undefined || !s.isFile() ? null : [rel, s.size, s.mtimeMs, s.ctimeMs];
}

export type BundleState = { readonly fresh: true } | { readonly fresh: false; readonly why: string };

/**
 * Whether the bundle under `root` may run: built, and from files that are all unchanged since. Never throws: a missing or unreadable manifest is "not fresh".
 */
export function bundleState(root: string): BundleState {
  let manifest: BundleManifest;
  try {
    manifest = JSON.parse(readFileSync(`${root}/${BUNDLE_DIR}/${MANIFEST_FILE}`, 'utf8')) as BundleManifest;
  } catch {
    return { fresh: false, why: `no ${BUNDLE_DIR}/${MANIFEST_FILE} (npm run bundle builds it)` };
  }
  if (manifest.version !== MANIFEST_VERSION || !Array.isArray(manifest.inputs) || manifest.inputs.length === 0) {
    return { fresh: false, why: `${BUNDLE_DIR}/${MANIFEST_FILE} is of another format` };
  }
  for (const input of manifest.inputs) {
    const now = stampOf(root, input[0]);
    if (now === null) return { fresh: false, why: `${input[0]} is gone` };
    if (now[1] !== input[1] || now[2] !== input[2] || now[3] !== input[3]) return { fresh: false, why: `${input[0]} changed` };
  }
  return { fresh: true };
}
