import { createHash } from "node:crypto";
import { commitsBetween } from "../git-graph.ts";
import type { OperationId } from "../operations.ts";
import type { RepositoryState } from "../repository-state.ts";
import { type Json, type Links, nodeId, userShape } from "../shapes/common.ts";
import type { ReleaseAssetRecord, ReleaseRecord } from "../state-records.ts";
import {
  bodyOf,
  integerParam,
  newestFirst,
  notFound,
  paginate,
  queryString,
  type RouteContext,
  type RouteHandler,
  repositoryOf,
  unprocessable,
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
    // GitHub's uploads host is another origin; the simulator serves uploads on its own.
    upload_url: `${repoApi}/releases/${release.id}/assets{?name,label}`,
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
    immutable: repository.immutableReleases && !release.draft,
    created_at: release.createdAt,
    published_at: release.publishedAt,
    updated_at: release.publishedAt ?? release.createdAt,
    author: userShape(links, release.author),
    assets: release.assets.map((asset) => assetShape(links, repository, release, asset)),
  };
}

export function assetShape(
  links: Links,
  repository: RepositoryState,
  release: ReleaseRecord,
  asset: ReleaseAssetRecord,
): Json {
  const url = `${links.api}/repos/${repository.fullName}/releases/assets/${asset.id}`;
  return {
    url,
    browser_download_url: `${links.web}/${repository.fullName}/releases/download/${encodeURIComponent(release.draft ? `untagged-${release.id}` : release.tagName)}/${encodeURIComponent(asset.name)}`,
    id: asset.id,
    node_id: nodeId("ReleaseAsset", asset.id),
    name: asset.name,
    label: asset.label,
    state: "uploaded",
    content_type: asset.contentType,
    size: asset.data.length,
    digest: `sha256:${createHash("sha256").update(asset.data).digest("hex")}`,
    download_count: 0,
    created_at: asset.createdAt,
    updated_at: asset.createdAt,
    uploader: userShape(links, asset.uploader),
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
      assets: [],
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

  "repos/upload-release-asset": (context) => {
    const repository = repositoryOf(context);
    const release = releaseOf(context, repository);
    const name = queryString(context, "name") ?? "";
    if (repository.immutableReleases && !release.draft) {
      unprocessable("Cannot upload assets to an immutable release.");
    }
    if (release.assets.some((asset) => asset.name === name)) {
      validationFailed({ resource: "ReleaseAsset", code: "already_exists", field: "name" });
    }
    const asset: ReleaseAssetRecord = {
      id: repository.simulator.nextId(),
      name,
      label: queryString(context, "label") ?? null,
      contentType: "application/octet-stream",
      data: context.body as Buffer,
      uploader: repository.simulator.actor,
      createdAt: repository.simulator.now(),
    };
    release.assets.push(asset);
    return { status: 201, body: assetShape(context.links, repository, release, asset) };
  },

  "repos/list-release-assets": (context) => {
    const repository = repositoryOf(context);
    const release = releaseOf(context, repository);
    const page = paginate(context, release.assets);
    return {
      status: 200,
      headers: page.headers,
      body: page.items.map((asset) => assetShape(context.links, repository, release, asset)),
    };
  },

  "repos/get-release-asset": (context) => {
    const repository = repositoryOf(context);
    const { release, asset } = assetOf(context, repository);
    return { status: 200, body: assetShape(context.links, repository, release, asset) };
  },

  "repos/delete-release-asset": (context) => {
    const repository = repositoryOf(context);
    const { release, asset } = assetOf(context, repository);
    if (repository.immutableReleases && !release.draft) {
      unprocessable("Cannot delete assets of an immutable release.");
    }
    release.assets.splice(release.assets.indexOf(asset), 1);
    return { status: 204 };
  },
} satisfies Partial<Record<OperationId, RouteHandler>>;

function assetOf(context: RouteContext, repository: RepositoryState) {
  const id = integerParam(context, "asset_id");
  for (const release of repository.releases) {
    const asset = release.assets.find((candidate) => candidate.id === id);
    if (asset) return { release, asset };
  }
  return notFound();
}
