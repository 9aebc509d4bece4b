import { constants } from "node:fs";
import { lstat, open, readdir } from "node:fs/promises";
import { join, posix, relative, resolve, sep } from "node:path";
import { ConfigurationError } from "../core/errors.ts";
import { symbolicLinkOnTheWay } from "../core/links.ts";
import type { WorkflowFiles } from "./run.ts";

const WORKFLOW_FILE = /\.ya?ml$/i;

/**
 * Workflow files on disk under `root` (the repository checkout). A symbolic link, the file itself
 * or a folder on its way from the root, is never followed: GitHub does not run such a workflow,
 * and writing through it could change a file outside the repository.
 */
export function diskWorkflowFiles(root: string): WorkflowFiles {
  const absolute = (path: string) => resolve(root, path);
  const shown = (path: string) => {
    const inside = relative(root, path);
    return (inside.startsWith("..") ? path : inside).split(sep).join(posix.sep);
  };
  const isSymlink = async (path: string) =>
    (await symbolicLinkOnTheWay(root, absolute(path))) !== undefined;
  const refuseLinks = async (path: string) => {
    if (await isSymlink(path)) {
      throw new ConfigurationError(`'${path}' is a symbolic link; it is never followed or written`);
    }
  };
  return {
    isSymlink,
    async list(path) {
      const info = await lstat(absolute(path)).catch(() => undefined);
      if (!info) return undefined;
      if (!info.isDirectory()) return [shown(absolute(path))];
      const entries = await readdir(absolute(path), { withFileTypes: true });
      return entries
        .filter(
          (entry) => (entry.isFile() || entry.isSymbolicLink()) && WORKFLOW_FILE.test(entry.name),
        )
        .map((entry) => shown(join(absolute(path), entry.name)))
        .sort();
    },
    async read(path) {
      await refuseLinks(path);
      const handle = await open(absolute(path), constants.O_RDONLY | constants.O_NOFOLLOW).catch(
        (thrown: NodeJS.ErrnoException) => {
          if (thrown.code === "ENOENT" || thrown.code === "ENOTDIR") return undefined;
          throw thrown;
        },
      );
      if (!handle) return undefined;
      try {
        return await handle.readFile("utf8");
      } finally {
        await handle.close();
      }
    },
    async write(path, text) {
      await refuseLinks(path);
      const handle = await open(
        absolute(path),
        constants.O_WRONLY | constants.O_TRUNC | constants.O_NOFOLLOW,
      );
      try {
        await handle.writeFile(text);
      } finally {
        await handle.close();
      }
    },
  };
}
