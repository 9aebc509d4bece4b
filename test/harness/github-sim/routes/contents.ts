import { blobSha, wrappedBase64 } from "../file-contents.ts";
import type { OperationId } from "../operations.ts";
import type { RepositoryState } from "../repository-state.ts";
import type { Json, Links } from "../shapes/common.ts";
import {
  GitHubApiError,
  notFound,
  queryString,
  type RouteContext,
  type RouteHandler,
  repositoryOf,
} from "./route-kit.ts";

/** Where one entry of the contents API lives, for its `url`, `html_url` and `_links`. */
interface EntryPlace {
  links: Links;
  repository: RepositoryState;
  ref: string;
  path: string;
}

function entryLinks(
  { links, repository, ref, path }: EntryPlace,
  kind: "blob" | "tree",
  sha: string,
) {
  const encodedPath = path.split("/").map(encodeURIComponent).join("/");
  const self = `${links.api}/repos/${repository.fullName}/contents/${encodedPath}?ref=${encodeURIComponent(ref)}`;
  const git = `${links.api}/repos/${repository.fullName}/git/${kind}s/${sha}`;
  const html = `${links.web}/${repository.fullName}/${kind}/${encodeURIComponent(ref)}/${encodedPath}`;
  return { url: self, git_url: git, html_url: html, _links: { self, git, html } };
}

function fileShape(place: EntryPlace, text: string, withContent: boolean): Json {
  const sha = blobSha(text);
  const links = entryLinks(place, "blob", sha);
  const encodedPath = place.path.split("/").map(encodeURIComponent).join("/");
  return {
    type: "file",
    ...(withContent ? { encoding: "base64" } : {}),
    size: Buffer.byteLength(text, "utf8"),
    name: place.path.slice(place.path.lastIndexOf("/") + 1),
    path: place.path,
    ...(withContent ? { content: wrappedBase64(text) } : {}),
    sha,
    ...links,
    download_url: `${place.links.web}/${place.repository.fullName}/raw/${encodeURIComponent(place.ref)}/${encodedPath}`,
  };
}

function directoryShape(place: EntryPlace, tree: Map<string, string>): Json[] {
  const prefix = `${place.path}/`;
  const children = new Map<string, Json>();
  for (const [path, text] of [...tree].sort(([a], [b]) => a.localeCompare(b))) {
    if (!path.startsWith(prefix)) continue;
    const name = path.slice(prefix.length).split("/")[0] as string;
    if (children.has(name)) continue;
    const childPath = `${prefix}${name}`;
    const child = { ...place, path: childPath };
    if (childPath === path) {
      children.set(name, fileShape(child, text, false));
    } else {
      // The simulator keeps no tree objects; a directory's id only has to be stable.
      const sha = blobSha(`tree ${childPath}`);
      children.set(name, {
        type: "dir",
        size: 0,
        name,
        path: childPath,
        sha,
        ...entryLinks(child, "tree", sha),
        download_url: null,
      });
    }
  }
  return [...children.values()];
}

export const contentRoutes = {
  /** A file (base64, as GitHub sends it) or a directory listing at `ref` (the default branch). */
  "repos/get-content": (context: RouteContext) => {
    const repository = repositoryOf(context);
    const ref = queryString(context, "ref") ?? repository.info.defaultBranch;
    const commit = repository.resolve(ref);
    if (!commit) throw new GitHubApiError(404, `No commit found for the ref ${ref}`);
    const path = (context.params.path ?? "").replace(/^\/+|\/+$/g, "");
    const tree = repository.fileContents.treeAt(repository, commit.sha);
    const place = { links: context.links, repository, ref, path };
    const text = tree.get(path);
    if (text !== undefined) return { status: 200, body: fileShape(place, text, true) };
    const listing = directoryShape(place, tree);
    if (listing.length === 0) notFound();
    return { status: 200, body: listing };
  },
} satisfies Partial<Record<OperationId, RouteHandler>>;
