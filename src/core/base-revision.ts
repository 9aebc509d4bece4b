import type { Repository, RunnerContext } from "./context.ts";
import { ConfigurationError } from "./errors.ts";
import type { GitHubClient } from "./github.ts";

/**
 * What a pull request can change to pass a check (a configuration file, a baseline, a policy) is
 * read from the base revision instead, where the pull request cannot reach.
 */

/** The base revision's files (the commit the pull request merges into). */
export interface BaseRevision {
  /** `the base revision 1a2b3c4` */
  name: string;
  /** A file's text there; undefined when the file does not exist there. */
  read(path: string): Promise<string | undefined>;
}

/** The base's files through the contents API (works with a shallow checkout and `contents: read`). */
export function contentsBaseRevision(
  client: () => GitHubClient,
  repository: Repository,
  sha: string,
  /** What the user can set instead, for the message when a file cannot be read. */
  optOut: string,
): BaseRevision {
  const name = `the base revision ${sha.slice(0, 7)}`;
  const cache = new Map<string, Promise<string | undefined>>();
  const fetchText = async (path: string): Promise<string | undefined> => {
    let data: unknown;
    try {
      ({ data } = await client().request("GET /repos/{owner}/{repo}/contents/{path}", {
        ...repository,
        path,
        ref: sha,
      }));
    } catch (thrown) {
      if ((thrown as { status?: number }).status === 404) return undefined;
      throw new ConfigurationError(
        `cannot read ${path} from ${name} (${(thrown as Error).message}); the token needs ` +
          `'contents: read', or ${optOut}`,
      );
    }
    const file = data as { type?: string; encoding?: string; content?: string };
    if (file.type !== "file") return undefined;
    if (file.encoding !== "base64" || typeof file.content !== "string") {
      throw new ConfigurationError(
        `cannot read ${path} from ${name}: the contents API sent no text (files above 1 MB)`,
      );
    }
    return Buffer.from(file.content, "base64").toString("utf8");
  };
  return {
    name,
    read(path) {
      let text = cache.get(path);
      if (!text) {
        text = fetchText(path);
        cache.set(path, text);
      }
      return text;
    },
  };
}

/**
 * On a pull request, its base revision through the contents API; undefined on other events. An
 * event that names no base commit is an error: the check would otherwise trust the pull request.
 */
export function pullRequestBaseRevision(
  context: RunnerContext,
  client: () => GitHubClient,
  optOut: string,
): BaseRevision | undefined {
  const pull = context.pullRequest;
  if (!pull) return undefined;
  if (!pull.baseSha || !context.repository) {
    throw new ConfigurationError(
      `the pull request event names no base commit, so nothing can be read from the base; ${optOut}`,
    );
  }
  return contentsBaseRevision(client, context.repository, pull.baseSha, optOut);
}
