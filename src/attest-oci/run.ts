import { createHash } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { GitHubClient } from "../core/github.ts";
import {
  buildStatement,
  checkExpectedIdentity,
  type TrustMaterial,
  writeGitHubAttestation,
} from "../core/sigstore/index.ts";
import { choosePredicate, runClaims, tokenClaims } from "./provenance.ts";
import { subjectName } from "./reference.ts";
import type { RegistryClient } from "./registry.ts";
import { type EndpointChoice, signingEndpoints, signStatement } from "./sign.ts";
import {
  listAttestations,
  pushReferrer,
  type ReferrerStorage,
  readReferrerBundle,
  referrerForStatement,
} from "./store.ts";
import { parseSubjects, type ResolvedSubject, resolveSubject } from "./subjects.ts";
import { type VerifyInputs, type VerifyReport, verifySubjects } from "./verify.ts";

export interface AttestInputs {
  mode: "attest" | "verify";
  /** Image references, one per line. */
  subjects: string[];
  predicateType: string | undefined;
  predicatePath: string | undefined;
  pushToRegistry: boolean;
  githubAttestations: boolean;
  endpoints: Omit<EndpointChoice, "visibility" | "serverUrl">;
  /** Where bundles are written, one `<hex>.sigstore.json` per subject. */
  outputDir: string;
  verify: VerifyInputs;
}

/** The run as GitHub describes it: the repository and how the event payload shows it. */
export interface RunContext {
  repository: { owner: string; repo: string };
  serverUrl: string;
  visibility: string | undefined;
  ownerType: string | undefined;
}

export interface AttestDeps {
  registry: RegistryClient;
  /** For GitHub's attestations API; absent when there is no token. */
  github: GitHubClient | undefined;
  idToken(audience: string): Promise<string>;
  trust(): Promise<TrustMaterial>;
  context: RunContext;
  now(): Date;
  notice(message: string): void;
}

export interface SubjectResult {
  reference: string;
  name: string;
  digest: string;
  kind: ResolvedSubject["kind"];
  bundlePath: string;
  referrerDigest: string | undefined;
  storage: ReferrerStorage | undefined;
  /** True when an earlier run had already stored this statement for the subject. */
  reused: boolean;
  attestationId: number | undefined;
  attestationUrl: string | undefined;
  notes: string[];
}

export interface AttestReport {
  mode: "attest";
  predicateType: string;
  signed: boolean;
  sigstoreInstance: string;
  results: SubjectResult[];
  notices: string[];
}

export type RunReport = AttestReport | VerifyReport;

/** Pushes to run at once: enough to hide latency, few enough for any registry's rate limits. */
const PUSH_CONCURRENCY = 6;

/** `items.map(work)` with at most `limit` pieces of work in flight; results in input order. */
async function mapConcurrently<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/**
 * Subjects naming the same manifest (two tags of one image) become one: one statement subject,
 * one referrer, and no two writers of one fallback index.
 */
function distinctManifests(subjects: ResolvedSubject[]): ResolvedSubject[] {
  const seen = new Set<string>();
  return subjects.filter((subject) => {
    const key = `${subjectName(subject.reference)}@${subject.digest}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export async function run(inputs: AttestInputs, deps: AttestDeps): Promise<RunReport> {
  const references = parseSubjects(inputs.subjects, "subjects");
  if (inputs.mode === "verify") checkExpectedIdentity(inputs.verify.identity);
  const resolved = await mapConcurrently(references, PUSH_CONCURRENCY, (reference) =>
    resolveSubject(deps.registry, reference),
  );
  const subjects = distinctManifests(resolved);
  if (inputs.mode === "verify") return verifySubjects(subjects, inputs.verify, deps);
  return attest(subjects, inputs, deps);
}

/** Statement bytes and their digest; equal inputs give equal bytes, so a re-run finds its own. */
function encodeStatement(statement: unknown): { bytes: Buffer; digest: string } {
  const bytes = Buffer.from(JSON.stringify(statement));
  return { bytes, digest: `sha256:${createHash("sha256").update(bytes).digest("hex")}` };
}

interface PreparedStatement {
  idToken: string;
  endpoints: ReturnType<typeof signingEndpoints>;
  predicateType: string;
  bytes: Buffer;
  digest: string;
}

/** One statement about every subject, from the job's token claims (or a predicate file). */
async function prepareStatement(
  subjects: ResolvedSubject[],
  inputs: AttestInputs,
  deps: AttestDeps,
): Promise<PreparedStatement> {
  const idToken = await deps.idToken("sigstore");
  const claims = runClaims(tokenClaims(idToken));
  const endpoints = signingEndpoints({
    ...inputs.endpoints,
    // Events without a repository in their payload still have the token's claim.
    visibility: deps.context.visibility ?? claims.repository_visibility,
    serverUrl: deps.context.serverUrl,
  });
  const { predicateType, predicate } = await choosePredicate(
    inputs,
    claims,
    deps.context.serverUrl,
  );
  const statementSubjects = subjects.map((subject) => ({
    name: subjectName(subject.reference),
    digest: { sha256: subject.digest.replace(/^sha256:/, "") },
  }));
  const encoded = encodeStatement(buildStatement(statementSubjects, predicateType, predicate));
  return { idToken, endpoints, predicateType, ...encoded };
}

/** Per subject: the referrers already stored, and the one holding this statement, if any. */
async function earlierAttestations(
  subjects: ResolvedSubject[],
  statement: PreparedStatement,
  inputs: AttestInputs,
  deps: AttestDeps,
) {
  if (!inputs.pushToRegistry) return subjects.map(() => ({ listed: undefined, found: undefined }));
  return mapConcurrently(subjects, PUSH_CONCURRENCY, async (subject) => {
    const listed = await listAttestations(
      deps.registry,
      subject.reference,
      subject.digest,
      statement.predicateType,
    );
    return { listed, found: referrerForStatement(listed, statement.digest) };
  });
}

async function attest(
  subjects: ResolvedSubject[],
  inputs: AttestInputs,
  deps: AttestDeps,
): Promise<AttestReport> {
  const statement = await prepareStatement(subjects, inputs, deps);
  const earlier = await earlierAttestations(subjects, statement, inputs, deps);
  const first = earlier[0]?.found;
  const everyoneHasIt = inputs.pushToRegistry && earlier.every((e) => e.found !== undefined);
  // A re-run of the same job attempt signs nothing new: the bundle is already with every image.
  const bundle =
    everyoneHasIt && first && subjects[0]
      ? await readReferrerBundle(deps.registry, subjects[0].reference, first)
      : await signStatement(statement.bytes, statement.endpoints, statement.idToken);
  const bundleBytes = Buffer.from(JSON.stringify(bundle));
  await mkdir(inputs.outputDir, { recursive: true });
  const created = deps.now().toISOString();
  const results = await mapConcurrently(subjects, PUSH_CONCURRENCY, async (subject, index) => {
    const { listed, found } = earlier[index] ?? {};
    const bundlePath = join(
      inputs.outputDir,
      `${subject.digest.replace(/^sha256:/, "")}.sigstore.json`,
    );
    await writeFile(bundlePath, bundleBytes);
    const pushed =
      inputs.pushToRegistry && !found
        ? await pushReferrer(deps.registry, subject, bundleBytes, {
            predicateType: statement.predicateType,
            statementDigest: statement.digest,
            created,
          })
        : undefined;
    return subjectResult(
      subject,
      bundlePath,
      pushed ?? found,
      pushed?.storage ?? listed?.storage,
      found !== undefined,
    );
  });
  const notices = everyoneHasIt ? [] : await storeWithGitHub(bundle, results, inputs, deps);
  return {
    mode: "attest",
    predicateType: statement.predicateType,
    signed: !everyoneHasIt,
    sigstoreInstance: statement.endpoints.instance,
    results,
    notices,
  };
}

function subjectResult(
  subject: ResolvedSubject,
  bundlePath: string,
  referrer: { digest: string } | undefined,
  storage: ReferrerStorage | undefined,
  reused: boolean,
): SubjectResult {
  return {
    reference: subject.reference.original,
    name: subjectName(subject.reference),
    digest: subject.digest,
    kind: subject.kind,
    bundlePath,
    referrerDigest: referrer?.digest,
    storage,
    reused,
    attestationId: undefined,
    attestationUrl: undefined,
    notes: subject.notes,
  };
}

/**
 * Writes the bundle to GitHub's attestations API, once for all subjects (GitHub indexes it by
 * every subject digest). User-owned private repositories have no attestation store: a notice.
 */
async function storeWithGitHub(
  bundle: unknown,
  results: SubjectResult[],
  inputs: AttestInputs,
  deps: AttestDeps,
): Promise<string[]> {
  if (!inputs.githubAttestations) return [];
  const { repository, visibility, ownerType, serverUrl } = deps.context;
  const name = `${repository.owner}/${repository.repo}`;
  if (visibility === "private" && ownerType === "User") {
    const notice = `${name} is a private repository owned by a user, which GitHub's attestation store does not serve; the attestations are in the registry only`;
    deps.notice(notice);
    return [notice];
  }
  if (!deps.github) {
    throw new Error("a GitHub token is needed to store attestations (input 'github-token')");
  }
  const id = await writeGitHubAttestation(deps.github, repository, bundle);
  const url = `${serverUrl}/${name}/attestations/${id}`;
  for (const result of results) {
    result.attestationId = id;
    result.attestationUrl = url;
  }
  return [];
}
