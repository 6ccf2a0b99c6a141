/** The reporters' names, apart from the reporters themselves (which load the report modules). */
export type ReporterName = 'json' | 'junit' | 'md' | 'html';
export const REPORTERS: readonly ReporterName[] = ['json', 'junit', 'md', 'html'];
/** What `gauntlet run` writes when no --reporter is given. */
export const DEFAULT_REPORTERS: readonly ReporterName[] = ['json', 'junit', 'md'];
