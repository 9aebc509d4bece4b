import type { Repository } from "../core/context.ts";
import type { GitHubClient } from "../core/github.ts";

/** One comment kept up to date: found again by its hidden marker and its author, then edited. */
export interface StickyComment {
  /** Creates the comment, or updates ours that carries `marker`; returns its URL. */
  upsert(marker: string, body: string): Promise<string>;
  /** Updates ours that carries `marker`, if there is one; never creates. */
  edit(marker: string, body: string): Promise<string | undefined>;
}

/** The login the token comments as. */
export type Identity = () => Promise<string>;

const ACTIONS_BOT = "github-actions[bot]";

/**
 * Who the token is: `configured` when the workflow says (a GitHub App's `<slug>[bot]`), else the
 * user of a personal token, else GitHub Actions' bot: GitHub answers `GET /user` with 403 for the
 * installation tokens GITHUB_TOKEN and apps use. Asked once, only when a marked comment exists.
 */
export function tokenIdentity(client: GitHubClient, configured: string | undefined): Identity {
  let login: Promise<string> | undefined;
  return () => {
    login ??= configured
      ? Promise.resolve(configured)
      : client.request("GET /user").then(
          (response) => response.data.login,
          (thrown: { status?: number }) => {
            if (thrown.status === 401 || thrown.status === 403 || thrown.status === 404) {
              return ACTIONS_BOT;
            }
            throw thrown;
          },
        );
    return login;
  };
}

interface Existing {
  id: number;
  body?: string | null;
  user: { login: string } | null;
}

/**
 * A comment someone else wrote that carries our marker is never ours to edit: a pull request's
 * author could plant the marker first, to have the bot's table written into their comment.
 */
async function findOurs(comments: readonly Existing[], marker: string, identity: Identity) {
  const marked = comments.filter((comment) => comment.body?.includes(marker));
  if (marked.length === 0) return [];
  const login = (await identity()).toLowerCase();
  return marked.filter((comment) => comment.user?.login.toLowerCase() === login);
}

/** Where sticky comments live: list them, edit one, add one; each returns the comment's URL. */
interface Thread {
  list(): Promise<readonly Existing[]>;
  update(id: number, body: string): Promise<string>;
  create(body: string): Promise<string>;
}

/** A create that failed this way may still have created the comment (GitHub answered 5xx late). */
function mayHaveLanded(thrown: unknown): boolean {
  const status = (thrown as { status?: unknown }).status;
  return typeof status !== "number" || status >= 500;
}

/**
 * Edits our marked comment, or creates it. Creation is never retried blindly: GitHub sometimes
 * creates the comment and still answers 502, and a second POST would leave two comments, one of
 * them never updated again. So after such a failure the thread is read again first. Should two
 * of ours exist anyway (older versions retried), every one is edited, so none disagrees.
 */
function sticky(thread: Thread, identity: Identity): StickyComment {
  const edit = async (ours: readonly Existing[], body: string) => {
    const [url] = await Promise.all(ours.map((comment) => thread.update(comment.id, body)));
    return url as string;
  };
  return {
    async edit(marker, body) {
      const ours = await findOurs(await thread.list(), marker, identity);
      return ours.length > 0 ? edit(ours, body) : undefined;
    },
    async upsert(marker, body) {
      const ours = await findOurs(await thread.list(), marker, identity);
      if (ours.length > 0) return edit(ours, body);
      for (let attempt = 1; ; attempt++) {
        try {
          return await thread.create(body);
        } catch (thrown) {
          if (!mayHaveLanded(thrown) || attempt >= CREATE_ATTEMPTS) throw thrown;
        }
        await new Promise((resolve) => setTimeout(resolve, 1000 * attempt));
        const landed = await findOurs(await thread.list(), marker, identity);
        if (landed.length > 0) return edit(landed, body);
      }
    },
  };
}

const CREATE_ATTEMPTS = 3;

/** Octokit's retry plugin would POST a comment again after a 5xx; `upsert` looks first. */
const NO_RETRY = { retries: 0 };

/** The sticky comment on a pull request's conversation. */
export function pullRequestComment(
  client: GitHubClient,
  repository: Repository,
  pullRequest: number,
  identity: Identity,
): StickyComment {
  const issue = { ...repository, issue_number: pullRequest };
  return sticky(
    {
      list: () =>
        client.paginate("GET /repos/{owner}/{repo}/issues/{issue_number}/comments", {
          ...issue,
          per_page: 100,
        }),
      update: async (comment_id, body) =>
        (
          await client.request("PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}", {
            ...repository,
            comment_id,
            body,
          })
        ).data.html_url,
      create: async (body) =>
        (
          await client.request("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", {
            ...issue,
            body,
            request: NO_RETRY,
          })
        ).data.html_url,
    },
    identity,
  );
}

/** The alert on a commit pushed to the main branch: one per commit, however often it is re-run. */
export function commitComment(
  client: GitHubClient,
  repository: Repository,
  commit: string,
  identity: Identity,
): StickyComment {
  const target = { ...repository, commit_sha: commit };
  return sticky(
    {
      list: () =>
        client.paginate("GET /repos/{owner}/{repo}/commits/{commit_sha}/comments", {
          ...target,
          per_page: 100,
        }),
      update: async (comment_id, body) =>
        (
          await client.request("PATCH /repos/{owner}/{repo}/comments/{comment_id}", {
            ...repository,
            comment_id,
            body,
          })
        ).data.html_url,
      create: async (body) =>
        (
          await client.request("POST /repos/{owner}/{repo}/commits/{commit_sha}/comments", {
            ...target,
            body,
            request: NO_RETRY,
          })
        ).data.html_url,
    },
    identity,
  );
}
