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

export async function run(inputs: AttestInputs, deps: AttestDeps): Promise<RunReport> {
  const references = parseSubjects(inputs.subjects, "subjects");
  if (inputs.mode === "verify") checkExpectedIdentity(inputs.verify.identity);
  const subjects = await Promise.all(references.map((r) => resolveSubject(deps.registry, r)));
  if (inputs.mode === "verify") return verifySubjects(subjects, inputs.verify, deps);
  return attest(subjects, inputs, deps);
}

/** Statement bytes and their digest; equal inputs give equal bytes, so a re-run finds its own. */
function encodeStatement(statement: unknown): { bytes: Buffer; digest: string } {
  const bytes = Buffer.from(JSON.stringify(statement));
  return { bytes, digest: `sha256:${createHash("sha256").update(bytes).digest("hex")}` };
}

async function attest(
  subjects: ResolvedSubject[],
  inputs: AttestInputs,
  deps: AttestDeps,
): Promise<AttestReport> {
  const endpoints = signingEndpoints({
    ...inputs.endpoints,
    visibility: deps.context.visibility,
    serverUrl: deps.context.serverUrl,
  });
  const idToken = await deps.idToken("sigstore");
  const claims = runClaims(tokenClaims(idToken));
  const { predicateType, predicate } = await choosePredicate(inputs, claims, deps.context.serverUrl);
  const statementSubjects = subjects.map((subject) => ({
    name: subjectName(subject.reference),
    digest: { sha256: subject.digest.replace(/^sha256:/, "") },
  }));
  const statement = encodeStatement(buildStatement(statementSubjects, predicateType, predicate));

  const listed = inputs.pushToRegistry
    ? await Promise.all(
        subjects.map((s) => listAttestations(deps.registry, s.reference, s.digest, predicateType)),
      )
    : subjects.map(() => undefined);
  const earlier = listed.map((l) => (l ? referrerForStatement(l, statement.digest) : undefined));
  const everyoneHasIt = inputs.pushToRegistry && earlier.every((d) => d !== undefined);
  // A re-run of the same job attempt signs nothing new: the bundle is already with every image.
  const bundle = everyoneHasIt
    ? await readReferrerBundle(deps.registry, subjects[0]!.reference, earlier[0]!)
    : await signStatement(statement.bytes, endpoints, idToken);
  const bundleBytes = Buffer.from(JSON.stringify(bundle));

  await mkdir(inputs.outputDir, { recursive: true });
  const results: SubjectResult[] = [];
  for (const [index, subject] of subjects.entries()) {
    const bundlePath = join(inputs.outputDir, `${subject.digest.replace(/^sha256:/, "")}.sigstore.json`);
    await writeFile(bundlePath, bundleBytes);
    const found = earlier[index];
    const pushed =
      inputs.pushToRegistry && !found
        ? await pushReferrer(deps.registry, subject, bundleBytes, {
            predicateType,
            statementDigest: statement.digest,
            created: deps.now().toISOString(),
          })
        : undefined;
    results.push({
      reference: subject.reference.original,
      name: subjectName(subject.reference),
      digest: subject.digest,
      kind: subject.kind,
      bundlePath,
      referrerDigest: pushed?.digest ?? found?.digest,
      storage: pushed?.storage ?? listed[index]?.storage,
      reused: found !== undefined,
      attestationId: undefined,
      attestationUrl: undefined,
      notes: subject.notes,
    });
  }
  const notices = everyoneHasIt ? [] : await storeWithGitHub(bundle, results, inputs, deps);
  return {
    mode: "attest",
    predicateType,
    signed: !everyoneHasIt,
    sigstoreInstance: endpoints.instance,
    results,
    notices,
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
