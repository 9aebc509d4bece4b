import { ancestry, combinedFiles, commitsBetween, mergeBase } from "../git-graph.ts";
import type { OperationId } from "../operations.ts";
import { commitShape, diffEntryShape } from "../shapes/git.ts";
import type { CommitRecord } from "../state-records.ts";
import {
  GitHubApiError,
  notFound,
  paginate,
  queryString,
  type RouteHandler,
  repositoryOf,
  unprocessable,
} from "./route-kit.ts";

/** GitHub lists at most this many files for one commit and for one comparison. */
export const MAX_FILES_PER_COMMIT = 300;
export const MAX_COMPARE_FILES = 300;
/** Without `page`/`per_page`, compare returns up to 250 commits. */
export const MAX_COMPARE_COMMITS = 250;

export const commitRoutes = {
  "repos/get-commit": (context) => {
    const repository = repositoryOf(context);
    const ref = context.params.ref ?? "";
    const commit = repository.resolve(ref) ?? unprocessable(`No commit found for SHA: ${ref}`);
    const shape = commitShape(context.links, repository, commit, { withFiles: true });
    shape.files = (shape.files as unknown[]).slice(0, MAX_FILES_PER_COMMIT);
    return { status: 200, body: shape };
  },

  "repos/list-commits": (context) => {
    const repository = repositoryOf(context);
    const start = queryString(context, "sha") ?? repository.info.defaultBranch;
    const tip = repository.resolve(start) ?? notFound();
    const path = queryString(context, "path");
    const commits = ancestry(repository, tip.sha)
      .map((sha) => repository.commits.get(sha) as CommitRecord)
      .filter(
        (commit) =>
          path === undefined ||
          commit.files.some(
            (file) => file.filename === path || file.filename.startsWith(`${path}/`),
          ),
      );
    const page = paginate(context, commits);
    return {
      status: 200,
      body: page.items.map((commit) => commitShape(context.links, repository, commit)),
      headers: page.headers,
    };
  },

  "repos/compare-commits-with-basehead": (context) => {
    const repository = repositoryOf(context);
    const basehead = context.params.basehead ?? "";
    const separator = basehead.indexOf("...");
    if (separator < 0) notFound();
    const baseName = basehead.slice(0, separator);
    const headName = basehead.slice(separator + 3);
    // `owner:ref` compares across forks, which the simulator does not model.
    if (baseName.includes(":") || headName.includes(":")) notFound();
    const base = repository.resolve(baseName) ?? notFound();
    const head = repository.resolve(headName) ?? notFound();
    const baseSha = mergeBase(repository, base.sha, head.sha);
    if (baseSha === undefined)
      throw new GitHubApiError(404, `No common ancestor between ${baseName} and ${headName}.`);
    const ahead = commitsBetween(repository, baseSha, head.sha);
    const behind = commitsBetween(repository, baseSha, base.sha);
    const status =
      base.sha === head.sha
        ? "identical"
        : behind.length === 0
          ? "ahead"
          : ahead.length === 0
            ? "behind"
            : "diverged";
    const paginated = context.query.page !== undefined || context.query.per_page !== undefined;
    const page = paginated
      ? paginate(context, ahead, { maxPerPage: 100 })
      : { items: ahead.slice(0, MAX_COMPARE_COMMITS), headers: {} };
    const repoWeb = `${context.links.web}/${repository.fullName}`;
    return {
      status: 200,
      headers: page.headers,
      body: {
        url: `${context.links.api}/repos/${repository.fullName}/compare/${basehead}`,
        html_url: `${repoWeb}/compare/${basehead}`,
        permalink_url: `${repoWeb}/compare/${repository.info.owner.login}:${base.sha.slice(0, 7)}...${repository.info.owner.login}:${head.sha.slice(0, 7)}`,
        diff_url: `${repoWeb}/compare/${basehead}.diff`,
        patch_url: `${repoWeb}/compare/${basehead}.patch`,
        base_commit: commitShape(context.links, repository, base),
        merge_base_commit: commitShape(
          context.links,
          repository,
          repository.commits.get(baseSha) as CommitRecord,
        ),
        status,
        ahead_by: ahead.length,
        behind_by: behind.length,
        total_commits: ahead.length,
        commits: page.items.map((commit) => commitShape(context.links, repository, commit)),
        files: combinedFiles(ahead)
          .slice(0, MAX_COMPARE_FILES)
          .map((file) => diffEntryShape(context.links, repository, file, head.sha)),
      },
    };
  },
} satisfies Partial<Record<OperationId, RouteHandler>>;
