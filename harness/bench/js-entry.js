// `node harness/bench/js-entry.js <bench>.ts [args...]`: runs a TypeScript benchmark from a
// JavaScript entry with V8's compile cache on, as bin/gauntlet.js runs the CLI. A process whose
// entry file is TypeScript loads Node's TypeScript stripper to read it (about 20 MB resident for
// the whole run, which the CLI never pays), so a benchmark of a process's peak memory starts here.
import * as nodeModule from 'node:module';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

nodeModule.enableCompileCache?.();
const [file, ...rest] = process.argv.slice(2);
if (file === undefined || !file.endsWith('.ts')) {
  process.stderr.write('usage: node harness/bench/js-entry.js <bench>.ts [args...]\n');
  process.exit(2);
}
// The benchmark reads its flags from process.argv.slice(2), as if it were the entry.
process.argv.splice(1, process.argv.length - 1, resolve(file), ...rest);
await import(pathToFileURL(resolve(file)).href);
