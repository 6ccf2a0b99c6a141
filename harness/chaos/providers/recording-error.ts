/**
 * The error of a recording that cannot be read, on its own: what runs a scenario tells it apart
 * (run-problems.ts) without building recording.ts's schemas in every run.
 */

/** A recording that cannot be read: names the file and the field. */
export class RecordingError extends Error {
  readonly file: string;
  readonly field: string;
  constructor(file: string, field: string, detail: string) {
    super(`${file}: ${field === '' ? '' : `${field}: `}${detail}`);
    this.name = 'RecordingError';
    this.file = file;
    this.field = field;
  }
}
