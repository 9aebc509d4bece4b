import { closeSync, constants, lstatSync, mkdirSync, openSync, writeSync } from "node:fs";
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";

/**
 * Symbolic links inside a checkout are the pull request's to plant: a file written through one
 * lands wherever the link points (outside the workspace, over a runner's file). These helpers
 * look at every part of a path below `root` without following any of them.
 */

/** The parts of `path` to look at: those below `root`, or the whole path when it lies outside. */
function partsBelow(root: string, path: string): { start: string; parts: string[] } {
  const target = resolve(root, path);
  const inside = relative(root, target);
  if (inside === "" || inside.startsWith("..") || isAbsolute(inside)) {
    return { start: "", parts: [target] };
  }
  return { start: root, parts: inside.split(sep) };
}

/** The first part of `path` (below `root`) that is a symbolic link, or undefined. */
export function linkOnPathSync(root: string, path: string): string | undefined {
  const { start, parts } = partsBelow(root, path);
  let current = start;
  for (const part of parts) {
    current = current ? join(current, part) : part;
    let link = false;
    try {
      link = lstatSync(current).isSymbolicLink();
    } catch {
      return undefined;
    }
    if (link) return current;
  }
  return undefined;
}

/** {@link linkOnPathSync} for callers that await. */
export async function linkOnPath(root: string, path: string): Promise<string | undefined> {
  return linkOnPathSync(root, path);
}

export class SymbolicLinkError extends Error {
  constructor(path: string, link: string) {
    super(
      `${path} is not written: ${link === resolve(path) ? "it is" : `${link} is`} a symbolic link, which is never followed (a link in the checkout could send it anywhere)`,
    );
    this.name = "SymbolicLinkError";
  }
}

/**
 * Writes `contents` to `path`, creating or replacing the file and the folders it needs (a report
 * asked for at `reports/x.sarif`), unless the file or a folder on its way below `root` is a
 * symbolic link (then a {@link SymbolicLinkError}); the last part is opened with O_NOFOLLOW, so a
 * link made in between is refused too.
 */
export function writeFileRefusingLinks(root: string, path: string, contents: string): void {
  // Relative to the working directory, as any file write.
  const target = resolve(path);
  const link = linkOnPathSync(root, target);
  if (link) throw new SymbolicLinkError(path, link);
  // Only folders that do not exist yet are made: every existing part was just found not a link.
  mkdirSync(dirname(target), { recursive: true });
  let descriptor: number;
  try {
    descriptor = openSync(
      target,
      constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW,
      0o644,
    );
  } catch (thrown) {
    if ((thrown as NodeJS.ErrnoException).code === "ELOOP") {
      throw new SymbolicLinkError(path, target);
    }
    throw thrown;
  }
  try {
    writeSync(descriptor, contents);
  } finally {
    closeSync(descriptor);
  }
}
