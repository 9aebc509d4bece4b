import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ConfigurationError } from "../core/errors.ts";
import { short } from "./event.ts";
import { localGit } from "./git.ts";
import { type ChangeSet, type PlanContext, planRules, type RuleDecision } from "./plan.ts";
import { parseRules } from "./rules.ts";

export interface LocalPlan {
  baseSha: string;
  headSha: string;
  changes: ChangeSet;
  decisions: RuleDecision[];
}

/**
 * The plan for a local diff, as the action makes it: the same diff (from the merge base), the
 * same matching, and the rules read from the base revision, so that an edit of the rules file in
 * the change is seen as one (every rule applies) rather than obeyed. When the base has no rules
 * file, the head's (or, uncommitted, the working tree's) is read and every rule applies.
 */
export async function planLocalDiff(options: {
  repo: string;
  /** The rules file's path in the repository (`.github/status-gate.yml`). */
  rulesPath: string;
  base: string;
  head: string;
  context: PlanContext;
}): Promise<LocalPlan> {
  const { repo, rulesPath, base, head } = options;
  const git = localGit(repo);
  if (!(await git.available()))
    throw new ConfigurationError(`${repo} is not a git repository (--repo)`);
  const [baseSha, headSha] = await Promise.all([
    git.resolveRevision(base),
    git.resolveRevision(head),
  ]);
  if (!baseSha) throw new ConfigurationError(`--base '${base}' is not a commit in ${repo}`);
  if (!headSha) throw new ConfigurationError(`--head '${head}' is not a commit in ${repo}`);
  const baseText = await git.show(baseSha, rulesPath);
  const text = baseText ?? (await git.show(headSha, rulesPath)) ?? readWorkingTree(repo, rulesPath);
  if (text === undefined) {
    throw new ConfigurationError(
      `no rules file ${rulesPath} on --base '${base}', on --head '${head}' or in the working tree (--rules)`,
    );
  }
  const rulesFile = parseRules(rulesPath, text);
  const mergeBase = await git.mergeBase(baseSha, headSha);
  const shallow = await git.isShallow();
  const changes: ChangeSet = {
    files: mergeBase ? await git.diff(baseSha, headSha) : [],
    complete: mergeBase !== undefined && !shallow,
    source: `git diff ${short(baseSha)}...${short(headSha)}`,
    everythingBecause: shallow
      ? "the clone is shallow, so the diff cannot be trusted and every rule applies (git fetch --unshallow)"
      : !mergeBase
        ? `${base} and ${head} share no history, so every rule applies`
        : baseText === undefined
          ? `the base (${base}) has no rules file ${rulesPath}, so every rule applies`
          : undefined,
  };
  return { baseSha, headSha, changes, decisions: planRules(rulesFile, changes, options.context) };
}

function readWorkingTree(repo: string, path: string): string | undefined {
  try {
    return readFileSync(join(repo, path), "utf8");
  } catch {
    return undefined;
  }
}
