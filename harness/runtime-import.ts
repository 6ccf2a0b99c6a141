/**
 * `import()` of a module that is not part of the CLI's bundle: a package left out of it (piscina)
 * or a user's file (a scenario's stack module). In the bundle's classic script (bundle/cli.cjs,
 * run through node:vm by harness/cli/bundle/code-cache.ts) an `import()` would need Node's
 * experimental vm loader, which prints a warning; the script's wrapper passes this import instead
 * (code-cache.ts's SCRIPT_HEAD). Everywhere else it is `import()` itself.
 */
declare global {
  interface ImportMeta {
    /** True in the CLI's classic script only (defined by harness/cli/bundle/build.ts). */
    readonly gauntletScript?: boolean;
  }
}

/** The wrapper's parameter, in the CLI's script only. */
declare const __gauntletImport: (specifier: string) => Promise<unknown>;

export function importAtRuntime(specifier: string): Promise<unknown> {
  return import.meta.gauntletScript === true ? __gauntletImport(specifier) : import(specifier);
}
