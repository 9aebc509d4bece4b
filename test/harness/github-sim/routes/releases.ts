import { commitsBetween } from "../git-graph.ts";
import type { OperationId } from "../operations.ts";
import type { RepositoryState } from "../repository-state.ts";
import { type Json, type Links, nodeId, userShape } from "../shapes/common.ts";
import type { ReleaseRecord } from "../state-records.ts";
import {
  bodyOf,
  integerParam,
  newestFirst,
  notFound,
  paginate,
  type RouteContext,
  type RouteHandler,
  repositoryOf,
  validationFailed,
} from "./route-kit.ts";

interface ReleaseBody {
  tag_name?: string;
  target_commitish?: string;
  name?: string;
  body?: string;
  draft?: boolean;
  prerelease?: boolean;
  generate_release_notes?: boolean;
  make_latest?: "true" | "false" | "legacy";
}

export function releaseShape(
  links: Links,
  repository: RepositoryState,
  release: ReleaseRecord,
): Json {
  const repoApi = `${links.api}/repos/${repository.fullName}`;
  const repoWeb = `${links.web}/${repository.fullName}`;
  const url = `${repoApi}/releases/${release.id}`;
  // Drafts have no tag yet, so GitHub gives them an untagged web address and no archives.
  const tagged = !release.draft;
  return {
    url,
    html_url: tagged
      ? `${repoWeb}/releases/tag/${release.tagName}`
      : `${repoWeb}/releases/tag/untagged-${release.id}`,
    assets_url: `${url}/assets`,
    upload_url: `https://uploads.github.com/repos/${repository.fullName}/releases/${release.id}/assets{?name,label}`,
    tarball_url: tagged ? `${repoApi}/tarball/${release.tagName}` : null,
    zipball_url: tagged ? `${repoApi}/zipball/${release.tagName}` : null,
    id: release.id,
    node_id: nodeId("Release", release.id),
    tag_name: release.tagName,
    target_commitish: release.targetCommitish,
    name: release.name,
    body: release.body,
    draft: release.draft,
    prerelease: release.prerelease,
    immutable: false,
    created_at: release.createdAt,
    published_at: release.publishedAt,
    updated_at: release.publishedAt ?? release.createdAt,
    author: userShape(links, release.author),
    assets: [],
  };
}

function releaseOf(context: RouteContext, repository: RepositoryState): ReleaseRecord {
  const id = integerParam(context, "release_id");
  return repository.releases.find((release) => release.id === id) ?? notFound();
}

/** Publishing creates the tag at the target when it does not exist yet, as GitHub does. */
function publish(repository: RepositoryState, release: ReleaseRecord): void {
  if (repository.refs.has(`refs/tags/${release.tagName}`)) return;
  const target = repository.resolve(release.targetCommitish);
  if (!target) {
    validationFailed({ resource: "Release", code: "invalid", field: "target_commitish" });
  }
  repository.addTag({ name: release.tagName, sha: target.sha });
}

function applyMakeLatest(
  repository: RepositoryState,
  release: ReleaseRecord,
  makeLatest: ReleaseBody["make_latest"],
): void {
  if (release.draft || release.prerelease) return;
  if (makeLatest === "false") return;
  if (makeLatest === "legacy") repository.latestReleaseId = undefined;
  else repository.latestReleaseId = release.id;
}

/**
 * What "Generate release notes" writes: merged pull requests whose merge commit is new since
 * the previous release, then the full-changelog link.
 */
export function generateNotes(
  links: Links,
  repository: RepositoryState,
  tagName: string,
  targetCommitish: string | undefined,
  previousTagName: string | undefined,
): { name: string; body: string } {
  const head =
    repository.resolve(`refs/tags/${tagName}`) ??
    repository.resolve(targetCommitish ?? repository.info.defaultBranch) ??
    notFound();
  const previous =
    previousTagName ??
    newestFirst(repository.releases).find(
      (release) => !release.draft && !release.prerelease && release.tagName !== tagName,
    )?.tagName;
  const base =
    previous === undefined
      ? undefined
      : (repository.resolve(`refs/tags/${previous}`) ?? notFound());
  const inRange = new Set(
    commitsBetween(repository, base?.sha ?? "", head.sha).map((commit) => commit.sha),
  );
  const repoWeb = `${links.web}/${repository.fullName}`;
  const lines = [...repository.pulls.values()]
    .filter(
      (pull) => pull.merged && pull.mergeCommitSha !== null && inRange.has(pull.mergeCommitSha),
    )
    .sort((a, b) => a.number - b.number)
    .map((pull) => `* ${pull.title} by @${pull.user.login} in ${repoWeb}/pull/${pull.number}`);
  const changelog =
    previous === undefined
      ? `**Full Changelog**: ${repoWeb}/commits/${tagName}`
      : `**Full Changelog**: ${repoWeb}/compare/${previous}...${tagName}`;
  const body =
    lines.length > 0 ? `## What's Changed\n${lines.join("\n")}\n\n\n${changelog}` : changelog;
  return { name: tagName, body };
}

export const releaseRoutes = {
  "repos/create-release": (context) => {
    const repository = repositoryOf(context);
    const body = bodyOf<ReleaseBody & { tag_name: string }>(context);
    if (repository.releases.some((release) => release.tagName === body.tag_name)) {
      validationFailed({ resource: "Release", code: "already_exists", field: "tag_name" });
    }
    const targetCommitish = body.target_commitish ?? repository.info.defaultBranch;
    let notes = body.body ?? null;
    if (body.generate_release_notes) {
      const generated = generateNotes(
        context.links,
        repository,
        body.tag_name,
        targetCommitish,
        undefined,
      );
      notes = notes ? `${notes}\n\n${generated.body}` : generated.body;
    }
    const draft = body.draft ?? false;
    const now = repository.simulator.now();
    const release: ReleaseRecord = {
      id: repository.simulator.nextId(),
      tagName: body.tag_name,
      targetCommitish,
      name: body.name ?? null,
      body: notes,
      draft,
      prerelease: body.prerelease ?? false,
      author: repository.simulator.actor,
      createdAt: now,
      publishedAt: draft ? null : now,
    };
    if (!draft) publish(repository, release);
    repository.releases.push(release);
    applyMakeLatest(repository, release, body.make_latest);
    return {
      status: 201,
      body: releaseShape(context.links, repository, release),
      headers: {
        location: `${context.links.api}/repos/${repository.fullName}/releases/${release.id}`,
      },
    };
  },

  "repos/get-release": (context) => {
    const repository = repositoryOf(context);
    return {
      status: 200,
      body: releaseShape(context.links, repository, releaseOf(context, repository)),
    };
  },

  "repos/get-release-by-tag": (context) => {
    const repository = repositoryOf(context);
    // Drafts are not reachable by tag: their tag does not exist until they are published.
    const release =
      repository.releases.find(
        (candidate) => candidate.tagName === context.params.tag && !candidate.draft,
      ) ?? notFound();
    return { status: 200, body: releaseShape(context.links, repository, release) };
  },

  "repos/get-latest-release": (context) => {
    const repository = repositoryOf(context);
    const published = repository.releases.filter(
      (release) => !release.draft && !release.prerelease,
    );
    const release =
      published.find((candidate) => candidate.id === repository.latestReleaseId) ??
      [...published].sort(
        (a, b) => (b.publishedAt ?? "").localeCompare(a.publishedAt ?? "") || b.id - a.id,
      )[0] ??
      notFound();
    return { status: 200, body: releaseShape(context.links, repository, release) };
  },

  "repos/list-releases": (context) => {
    const repository = repositoryOf(context);
    const page = paginate(context, newestFirst(repository.releases));
    return {
      status: 200,
      headers: page.headers,
      body: page.items.map((release) => releaseShape(context.links, repository, release)),
    };
  },

  "repos/update-release": (context) => {
    const repository = repositoryOf(context);
    const release = releaseOf(context, repository);
    const body = bodyOf<ReleaseBody>(context);
    if (body.tag_name !== undefined && body.tag_name !== release.tagName) {
      if (repository.releases.some((other) => other.tagName === body.tag_name)) {
        validationFailed({ resource: "Release", code: "already_exists", field: "tag_name" });
      }
      release.tagName = body.tag_name;
    }
    if (body.target_commitish !== undefined) release.targetCommitish = body.target_commitish;
    if (body.name !== undefined) release.name = body.name;
    if (body.body !== undefined) release.body = body.body;
    if (body.prerelease !== undefined) release.prerelease = body.prerelease;
    if (body.draft === false && release.draft) {
      publish(repository, release);
      release.draft = false;
      release.publishedAt = repository.simulator.now();
    } else if (body.draft === true) {
      release.draft = true;
    }
    applyMakeLatest(repository, release, body.make_latest);
    return { status: 200, body: releaseShape(context.links, repository, release) };
  },

  "repos/generate-release-notes": (context) => {
    const repository = repositoryOf(context);
    const body = bodyOf<{
      tag_name: string;
      target_commitish?: string;
      previous_tag_name?: string;
    }>(context);
    return {
      status: 200,
      body: generateNotes(
        context.links,
        repository,
        body.tag_name,
        body.target_commitish,
        body.previous_tag_name,
      ),
    };
  },
} satisfies Partial<Record<OperationId, RouteHandler>>;
