/**
 * Edits of a scenario's YAML document that keep its comments and layout: what `gauntlet check`,
 * its metamorphic properties and the crash points write into copies of a scenario.
 */
import type { Document } from 'yaml';

/** Appends items to the list at `path` (creating it), as a block list. */
export function appendToList(doc: Document, path: readonly (string | number)[], items: readonly unknown[]): void {
  const existing = (doc.getIn(path) as { toJSON?: () => unknown } | undefined)?.toJSON?.() as unknown[] | undefined;
  doc.setIn(path, doc.createNode([...(existing ?? []), ...items], { flow: false }));
}
