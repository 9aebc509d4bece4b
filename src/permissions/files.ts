import { readdir, readFile, stat, writeFile } from "node:fs/promises";
import { join, posix, relative, resolve, sep } from "node:path";
import type { WorkflowFiles } from "./run.ts";

const WORKFLOW_FILE = /\.ya?ml$/i;

/** Workflow files on disk under `root` (the repository checkout). */
export function diskWorkflowFiles(root: string): WorkflowFiles {
  const absolute = (path: string) => resolve(root, path);
  const shown = (path: string) => {
    const inside = relative(root, path);
    return (inside.startsWith("..") ? path : inside).split(sep).join(posix.sep);
  };
  return {
    async list(path) {
      const info = await stat(absolute(path)).catch(() => undefined);
      if (!info) return undefined;
      if (!info.isDirectory()) return [shown(absolute(path))];
      const entries = await readdir(absolute(path), { withFileTypes: true });
      return entries
        .filter((entry) => entry.isFile() && WORKFLOW_FILE.test(entry.name))
        .map((entry) => shown(join(absolute(path), entry.name)))
        .sort();
    },
    async read(path) {
      return readFile(absolute(path), "utf8").catch((thrown: NodeJS.ErrnoException) => {
        if (thrown.code === "ENOENT") return undefined;
        throw thrown;
      });
    },
    async write(path, text) {
      await writeFile(absolute(path), text);
    },
  };
}
