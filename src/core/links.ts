import { lstat } from "node:fs/promises";
import { join, relative, resolve, sep } from "node:path";

/**
 * The first symbolic link on the way from `root` to `path`: a folder between them or the file
 * itself (for a path outside `root`, only the path itself is looked at). Reading or writing
 * through one could reach a file outside the repository, and a clone can hold links that point
 * anywhere. Undefined when there is none (or the path does not exist yet).
 */
export async function symbolicLinkOnTheWay(
  root: string,
  path: string,
): Promise<string | undefined> {
  const target = resolve(root, path);
  const inside = relative(root, target);
  const outside = inside.startsWith("..");
  let current = outside ? "" : root;
  for (const part of outside ? [target] : inside.split(sep)) {
    current = current ? join(current, part) : part;
    const info = await lstat(current).catch(() => undefined);
    if (!info) return undefined;
    if (info.isSymbolicLink()) return current;
  }
  return undefined;
}
