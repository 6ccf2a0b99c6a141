/**
 * The flags every benchmark shares: `--json` (one JSON line on stdout), `--smoke` (a tiny size
 * whose JSON keys a test checks, no timing, so benchmarks do not rot), and numeric `--name N`
 * options whose default may differ under --smoke. A number that is not one is refused.
 */
export interface BenchArgs {
  readonly json: boolean;
  readonly smoke: boolean;
  /** The value of `flag`, else `full` (or `smokeValue` under --smoke). */
  number(flag: string, full: number, smokeValue?: number): number;
}

export function benchArgs(argv: readonly string[] = process.argv.slice(2)): BenchArgs {
  const smoke = argv.includes('--smoke');
  return {
    json: argv.includes('--json'),
    smoke,
    number(flag, full, smokeValue) {
      const i = argv.indexOf(flag);
      if (i < 0) return smoke && smokeValue !== undefined ? smokeValue : full;
      const v = Number(argv[i + 1]);
      if (!Number.isFinite(v)) throw new Error(`${flag}: expected a number, got ${argv[i + 1] ?? 'nothing'}`);
      return v;
    },
  };
}
