/** The reporters' names, apart from the reporters themselves (which load the report modules). */
export type ReporterName = 'json' | 'junit' | 'md';
export const REPORTERS: readonly ReporterName[] = ['json', 'junit', 'md'];
