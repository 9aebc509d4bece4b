import { stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import { Git, GitError } from "../core/git.ts";
import type { ZizmorOptions } from "./invoke.ts";

/**
 * zizmor walks a folder honouring `.gitignore` (its default collection), so a committed workflow
 * that an ignore file matches is never audited, though GitHub runs it; a pull request can add such
 * an ignore line for its own workflow. Files named on zizmor's command line are audited whatever
 * the ignore files say, so those files are handed to it by name.
 */

const KINDS = {
  workflows: /(^|\/)\.github\/workflows\/[^/]+\.ya?ml$/,
  actions: /(^|\/)action\.ya?ml$/,
  dependabot: /(^|\/)\.github\/dependabot\.ya?ml$/,
} as const;

export type HiddenInputs =
  | { files: string[]; unknown?: undefined }
  | { files: []; unknown: string };

/** Committed inputs that `.gitignore` hides from zizmor's folder walk, relative to the workspace. */
export async function inputsHiddenByIgnoreFiles(
  workspace: string,
  options: Pick<ZizmorOptions, "inputs" | "collect">,
): Promise<HiddenInputs> {
  // `all` collects regardless of ignore files.
  if (options.collect.includes("all")) return { files: [] };
  const everything = options.collect.length === 0 || options.collect.includes("default");
  const patterns = Object.entries(KINDS)
    .filter(([kind]) => everything || options.collect.includes(kind as keyof typeof KINDS))
    .map(([, pattern]) => pattern);
  const folders: string[] = [];
  for (const input of options.inputs) {
    const info = await stat(resolve(workspace, input)).catch(() => undefined);
    if (info?.isDirectory()) folders.push(input);
  }
  if (folders.length === 0) return { files: [] };
  const git = new Git(workspace);
  let listed: string[];
  try {
    listed = await git.records([
      "ls-files",
      "-z",
      "--cached",
      "--ignored",
      "--exclude-standard",
      "--",
      ...folders,
    ]);
  } catch (thrown) {
    if (!(thrown instanceof GitError)) throw thrown;
    // Without git, only say so where an ignore file could hide the workflows.
    const ignoreFiles: string[] = [];
    for (const folder of folders) {
      for (const place of ["", ".github", ".github/workflows"]) {
        const file = join(folder, place, ".gitignore");
        if (await stat(resolve(workspace, file)).catch(() => undefined)) ignoreFiles.push(file);
      }
    }
    if (ignoreFiles.length === 0) return { files: [] };
    return {
      files: [],
      unknown: `the workspace is not a git checkout, so whether ${ignoreFiles.join(", ")} hide committed workflows from zizmor's folder walk cannot be told; name the workflow files in 'inputs', or set collect to 'all'`,
    };
  }
  const named = new Set(options.inputs);
  return {
    files: listed.filter(
      (path) => !named.has(path) && patterns.some((pattern) => pattern.test(path)),
    ),
  };
}
