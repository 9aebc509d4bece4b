import { describeThrown } from "../errors.ts";
import type { GitHubClient } from "../github.ts";
import { nextLink, readLimited } from "../network.ts";
import { snappyDecompress } from "../snappy.ts";

export interface Repository {
  owner: string;
  repo: string;
}

/** One attestation stored by GitHub for a subject digest. */
export interface StoredAttestation {
  /** The Sigstore bundle in its JSON form. */
  bundle: unknown;
  repositoryId: number | undefined;
  /** The attestation's id, read from its `bundle_url` (`…/attestations/<id>/bundle`). */
  id: number | undefined;
  /** Why the bundle could not be read from its `bundle_url` (then `bundle` is undefined). */
  problem?: string;
}

interface AttestationsPage {
  attestations?: { bundle?: unknown; repository_id?: number; bundle_url?: string }[];
}

/**
 * The query of the next page from a `link` header (GitHub pages attestations with an `after`
 * cursor; other lists with `page`), or undefined on the last page.
 */
export function nextPageQuery(link: string | undefined): Record<string, string> | undefined {
  const next = nextLink(link, "https://api.github.com/");
  return next ? Object.fromEntries(next.searchParams) : undefined;
}

/**
 * Every attestation GitHub holds for `subjectDigest` (`sha256:<hex>`) in one repository
 * (`GET /repos/{owner}/{repo}/attestations/{subject_digest}`, all pages), optionally only those of
 * one predicate type; none when GitHub holds none. GitHub serves a bundle inline or, as it does
 * since July 2026, as `bundle: null` with a `bundle_url` on blob storage holding it
 * snappy-compressed: that URL is fetched without any credential (it is pre-signed, and the token
 * must not reach another host). A bundle that cannot be read is returned with its `problem`.
 */
export async function fetchGitHubAttestations(
  client: GitHubClient,
  repository: Repository,
  subjectDigest: string,
  options: { predicateType?: string; pageSize?: number } = {},
): Promise<StoredAttestation[]> {
  const found: StoredAttestation[] = [];
  let next: Record<string, string> | undefined = {};
  while (next) {
    const response = await client
      .request("GET /repos/{owner}/{repo}/attestations/{subject_digest}", {
        owner: repository.owner,
        repo: repository.repo,
        subject_digest: subjectDigest,
        per_page: options.pageSize ?? 100,
        ...(options.predicateType ? { predicate_type: options.predicateType } : {}),
        ...next,
      })
      .catch((thrown: unknown) => {
        // GitHub answers 404 when nothing is attested for the digest.
        if ((thrown as { status?: number }).status === 404) return undefined;
        throw thrown;
      });
    if (!response) break;
    const page = response.data as AttestationsPage;
    for (const entry of page.attestations ?? []) {
      if (!entry.bundle && !entry.bundle_url) continue;
      const id = /\/attestations\/(\d+)(?:\/|$)/.exec(entry.bundle_url ?? "")?.[1];
      const read = entry.bundle ? { bundle: entry.bundle } : await bundleAt(entry.bundle_url ?? "");
      found.push({
        ...read,
        repositoryId: entry.repository_id,
        id: id === undefined ? undefined : Number(id),
      });
    }
    const following = nextPageQuery(response.headers.link);
    // A server that repeats the same next page would otherwise be asked forever.
    next = JSON.stringify(following) === JSON.stringify(next) ? undefined : following;
  }
  return found;
}

/** The most a bundle served by URL may weigh, compressed or not: real ones are a few KiB. */
const BUNDLE_URL_LIMIT = 8 * 1024 * 1024;

/**
 * A bundle from its `bundle_url`: snappy (block or framed), or plain JSON. Fetched with no
 * credential at all; any failure is the entry's `problem`, never another entry's.
 */
async function bundleAt(
  url: string,
): Promise<{ bundle: unknown } | { bundle: undefined; problem: string }> {
  const failed = (why: string) => ({
    bundle: undefined,
    problem: `the bundle at its bundle_url (${new URL(url, "https://invalid").host}) ${why}`,
  });
  try {
    const response = await fetch(url, {
      // A stalled or dripping blob store fails this entry instead of holding the job.
      signal: AbortSignal.timeout(60_000),
      headers: { accept: "application/x-snappy, application/json" },
    });
    if (!response.ok) {
      await response.body?.cancel();
      return failed(`answered HTTP ${response.status}`);
    }
    const body = await readLimited(response, BUNDLE_URL_LIMIT, "the bundle");
    const text = body[0] === 0x7b ? body : snappyDecompress(body, BUNDLE_URL_LIMIT);
    return { bundle: JSON.parse(text.toString("utf8")) as unknown };
  } catch (thrown) {
    return failed(`could not be read (${describeThrown(thrown)})`);
  }
}

/** Stores a bundle with GitHub (`POST /repos/{owner}/{repo}/attestations`); returns its id. */
export async function writeGitHubAttestation(
  client: GitHubClient,
  repository: Repository,
  bundle: unknown,
): Promise<number> {
  const response = await client.request("POST /repos/{owner}/{repo}/attestations", {
    owner: repository.owner,
    repo: repository.repo,
    // The route's types describe a v0.2 bundle; GitHub accepts every bundle version.
    bundle: bundle as never,
  });
  return (response.data as { id: number }).id;
}
