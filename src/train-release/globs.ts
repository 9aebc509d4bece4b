import { Minimatch } from "minimatch";

/**
 * Globs compiled once: the plan tests every file of tens of thousands of commits against the
 * ignore and shared globs, and compiling a pattern per test cost more than the test.
 */
export function anyGlob(globs: readonly string[]): (path: string) => boolean {
  const compiled = globs.map((glob) => new Minimatch(glob, { dot: true }));
  if (compiled.length === 0) return () => false;
  return (path) => compiled.some((glob) => glob.match(path));
}
