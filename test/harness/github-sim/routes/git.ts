import { isAncestor, newObjectSha, peel } from "../git-graph.ts";
import type { OperationId } from "../operations.ts";
import type { RepositoryState } from "../repository-state.ts";
import { gitCommitShape, gitRefShape, gitTagShape } from "../shapes/git.ts";
import type { TagRecord } from "../state-records.ts";
import {
  bodyOf,
  notFound,
  type RouteContext,
  type RouteHandler,
  repositoryOf,
  unprocessable,
} from "./route-kit.ts";

/** `{ref}` in the git refs API is `heads/main`, never `refs/heads/main`. */
function qualified(context: RouteContext): string {
  return `refs/${context.params.ref}`;
}

function objectExists(repository: RepositoryState, sha: string): boolean {
  return repository.commits.has(sha) || repository.tags.has(sha);
}

function refResponse(
  context: RouteContext,
  repository: RepositoryState,
  ref: string,
  status = 200,
) {
  const sha = repository.refs.get(ref) as string;
  return { status, body: gitRefShape(context.links, repository, ref, sha) };
}

export const gitRoutes = {
  "git/get-ref": (context) => {
    const repository = repositoryOf(context);
    const ref = qualified(context);
    if (!repository.refs.has(ref)) notFound();
    return refResponse(context, repository, ref);
  },

  "git/list-matching-refs": (context) => {
    const repository = repositoryOf(context);
    const prefix = qualified(context);
    const matching = [...repository.refs.keys()].filter((ref) => ref.startsWith(prefix)).sort();
    return {
      status: 200,
      body: matching.map((ref) =>
        gitRefShape(context.links, repository, ref, repository.refs.get(ref) as string),
      ),
    };
  },

  "git/create-ref": (context) => {
    const repository = repositoryOf(context);
    const { ref, sha } = bodyOf<{ ref: string; sha: string }>(context);
    if (!/^refs\/[^/]+\/.+/.test(ref)) {
      unprocessable("Reference name must start with 'refs/' and have at least two slashes.");
    }
    if (repository.refs.has(ref)) unprocessable("Reference already exists");
    if (!objectExists(repository, sha)) unprocessable("Object does not exist");
    repository.setRef(ref, sha);
    const response = refResponse(context, repository, ref, 201);
    return {
      ...response,
      headers: { location: `${context.links.api}/repos/${repository.fullName}/git/${ref}` },
    };
  },

  "git/update-ref": (context) => {
    const repository = repositoryOf(context);
    const ref = qualified(context);
    const { sha, force = false } = bodyOf<{ sha: string; force?: boolean }>(context);
    const current = repository.refs.get(ref);
    if (current === undefined) unprocessable("Reference does not exist");
    refuseImmutableTag(repository, ref);
    if (!objectExists(repository, sha)) unprocessable("Object does not exist");
    const currentCommit = peel(repository, current)?.sha ?? current;
    if (!force && !isAncestor(repository, currentCommit, sha)) {
      unprocessable("Update is not a fast forward");
    }
    repository.setRef(ref, sha);
    return refResponse(context, repository, ref);
  },

  "git/delete-ref": (context) => {
    const repository = repositoryOf(context);
    refuseImmutableTag(repository, qualified(context));
    if (!repository.refs.delete(qualified(context))) unprocessable("Reference does not exist");
    return { status: 204 };
  },

  "git/create-tag": (context) => {
    const repository = repositoryOf(context);
    const body = bodyOf<{
      tag: string;
      message: string;
      object: string;
      type: TagRecord["objectType"];
      tagger?: { name: string; email: string; date?: string };
    }>(context);
    if (!objectExists(repository, body.object)) unprocessable("Object does not exist");
    const tag: TagRecord = {
      sha: newObjectSha("tag", body),
      tag: body.tag,
      message: body.message,
      objectSha: body.object,
      objectType: body.type,
      tagger: {
        name: body.tagger?.name ?? repository.simulator.actor.login,
        email: body.tagger?.email ?? "41898282+github-actions[bot]@users.noreply.github.com",
        date: body.tagger?.date ?? repository.simulator.now(),
      },
    };
    // Creating the tag object does not create the ref; clients follow up with create-ref.
    repository.tags.set(tag.sha, tag);
    return { status: 201, body: gitTagShape(context.links, repository, tag) };
  },

  "git/get-tag": (context) => {
    const repository = repositoryOf(context);
    const tag = repository.tags.get(context.params.tag_sha ?? "") ?? notFound();
    return { status: 200, body: gitTagShape(context.links, repository, tag) };
  },

  "git/get-commit": (context) => {
    const repository = repositoryOf(context);
    const commit = repository.commits.get(context.params.commit_sha ?? "") ?? notFound();
    return { status: 200, body: gitCommitShape(context.links, repository, commit) };
  },

  "git/create-commit": (context) => {
    const repository = repositoryOf(context);
    const body = bodyOf<{
      message: string;
      tree: string;
      parents?: string[];
      author?: { name: string; email: string; date?: string };
    }>(context);
    const parents = body.parents ?? [];
    for (const parent of parents) {
      if (!repository.commits.has(parent)) unprocessable(`Parent SHA does not exist: ${parent}`);
    }
    const commit = repository.addCommit({
      message: body.message,
      tree: body.tree,
      parents,
      ...(body.author ? { author: body.author } : {}),
    });
    return { status: 201, body: gitCommitShape(context.links, repository, commit) };
  },
} satisfies Partial<Record<OperationId, RouteHandler>>;

/** An immutable release's tag can be neither moved nor deleted. */
function refuseImmutableTag(repository: RepositoryState, ref: string): void {
  if (!ref.startsWith("refs/tags/")) return;
  if (repository.immutableReleaseOfTag(ref.slice("refs/tags/".length))) {
    unprocessable("Cannot change the tag of an immutable release.");
  }
}
