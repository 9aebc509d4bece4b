import { ConfigurationError } from "../core/errors.ts";
import type { GitHubClient } from "../core/github.ts";
import type { ActionOutcome } from "../core/outcome.ts";
import { checkExpectedIdentity, parseDigest, type SigstoreTrust } from "../core/sigstore/index.ts";
import { mapConcurrently } from "../core/text.ts";
import { attest, fileResult, REGISTRY_CONCURRENCY } from "./attest.ts";
import { bundleFolder, type FileSubject, fileDigest, resolveFileSubjects } from "./files.ts";
import { customPredicate } from "./provenance.ts";
import { subjectName } from "./reference.ts";
import type { RegistryClient } from "./registry.ts";
import { outcomeOf } from "./report.ts";
import { type EndpointChoice, signingEndpoints } from "./sign.ts";
import type { ReferrerStorage } from "./store.ts";
import { parseSubjects, type ResolvedSubject, resolveSubject } from "./subjects.ts";
import { type VerifyInputs, type VerifyReport, verifySubjects } from "./verify.ts";

export interface AttestInputs {
  mode: "attest" | "verify";
  /** Image references, one per line. */
  subjects: string[];
  /** File globs (`subject-path`), resolved in `cwd`. */
  subjectPaths: string[];
  /** A sha256sum file, or its lines (`subject-checksums`). */
  subjectChecksums: string | undefined;
  cwd: string;
  predicateType: string | undefined;
  predicatePath: string | undefined;
  pushToRegistry: boolean;
  githubAttestations: boolean;
  endpoints: Omit<EndpointChoice, "visibility" | "serverUrl">;
  /** Where image bundles are written, one `<hex>.sigstore.json` per image. */
  outputDir: string;
  /** Resolve every subject and say what would be signed and where it would go; sign nothing. */
  dryRun: boolean;
  verify: VerifyInputs;
  /** How messages name an input: `input 'subjects'` in the action, `--subjects` in the CLI. */
  label: (name: string) => string;
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
  trust(): Promise<SigstoreTrust>;
  context: RunContext;
  now(): Date;
}

export interface SubjectResult {
  reference: string;
  name: string;
  digest: string;
  kind: ResolvedSubject["kind"] | "file";
  bundlePath: string;
  referrerDigest: string | undefined;
  storage: ReferrerStorage | undefined;
  /** True when the registry already held a bundle of this statement that verified for this run. */
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
  /** Things to know: stored referrers that did not verify, a store that was skipped. */
  notices: string[];
  /** Nothing was signed or stored: `results` says what would have been, and where. */
  dryRun: boolean;
}

export type RunReport = AttestReport | VerifyReport;

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

/** The run's subjects: images resolved through their registries, files hashed. */
export async function resolveAll(
  inputs: AttestInputs,
  deps: Pick<AttestDeps, "registry">,
): Promise<{ images: ResolvedSubject[]; files: FileSubject[] }> {
  const files = await resolveFileSubjects(
    { patterns: inputs.subjectPaths, checksums: inputs.subjectChecksums, cwd: inputs.cwd },
    inputs.label,
  );
  if (inputs.mode === "verify") files.push(...(await verifiedFiles(inputs)));
  if (inputs.subjects.length === 0 && files.length === 0) {
    throw new ConfigurationError(
      `nothing to ${inputs.mode}: ${inputs.label("subjects")} is empty${inputs.mode === "attest" ? ` and so are ${inputs.label("subject-path")} and ${inputs.label("subject-checksums")}` : ""}; list one image reference per line${inputs.mode === "attest" ? ", or files" : ""}`,
    );
  }
  const references =
    inputs.subjects.length > 0 ? parseSubjects(inputs.subjects, inputs.label("subjects")) : [];
  const resolved = await mapConcurrently(references, REGISTRY_CONCURRENCY, (reference) =>
    resolveSubject(deps.registry, reference),
  );
  return { images: distinctManifests(resolved), files };
}

/** `--file PATH` hashed as the statements hash it, and `--digest` values checked. */
async function verifiedFiles(inputs: AttestInputs): Promise<FileSubject[]> {
  const { files, digests, digestAlgorithm, bundlePaths } = inputs.verify;
  const subjects: FileSubject[] = [];
  for (const path of files) {
    const digest = await fileDigest(path, digestAlgorithm).catch(() => {
      throw new ConfigurationError(`${inputs.label("file")}: cannot read '${path}'`);
    });
    subjects.push({ name: path, digest, path });
  }
  for (const digest of digests) {
    const parsed = parseDigest(digest);
    if (!parsed || !["sha256", "sha512"].includes(parsed.algorithm)) {
      throw new ConfigurationError(
        `${inputs.label("digest")} is '${digest}'; give sha256:<64 hex> (or sha512:<128 hex>)`,
      );
    }
    subjects.push({ name: digest, digest: `${parsed.algorithm}:${parsed.hex}`, path: undefined });
  }
  if (digests.length > 0 && bundlePaths.length === 0) {
    throw new ConfigurationError(
      `${inputs.label("digest")} needs ${inputs.label("bundle")} FILE: the bundle to check the digest against`,
    );
  }
  return subjects;
}

/** Attests or verifies; the report is plain data that the CLI prints and `run` publishes. */
export async function attestOci(inputs: AttestInputs, deps: AttestDeps): Promise<RunReport> {
  if (inputs.mode === "verify") checkExpectedIdentity(inputs.verify.identity);
  const { images, files } = await resolveAll(inputs, deps);
  if (inputs.mode === "verify") return verifySubjects(images, files, inputs.verify, deps);
  if (inputs.dryRun) {
    const custom = await customPredicate(inputs, inputs.label);
    return plan(images, files, { ...inputs, predicateType: custom?.predicateType }, deps);
  }
  // Before anything is signed: a folder that cannot take the bundles fails the run up front.
  await bundleFolder(inputs.outputDir);
  return attest(images, files, inputs, deps);
}

/** What a real run would sign and where each bundle would be stored. */
function plan(
  images: ResolvedSubject[],
  files: FileSubject[],
  inputs: AttestInputs,
  deps: AttestDeps,
): AttestReport {
  const endpoints = signingEndpoints({
    ...inputs.endpoints,
    visibility: deps.context.visibility,
    serverUrl: deps.context.serverUrl,
  });
  const where = (digest: string) =>
    `${inputs.outputDir}/${digest.replace(/^sha256:/, "")}.sigstore.json`;
  const results: SubjectResult[] = [
    ...images.map((image) => ({
      reference: image.reference.original,
      name: subjectName(image.reference),
      digest: image.digest,
      kind: image.kind,
      bundlePath: where(image.digest),
      referrerDigest: undefined,
      storage: undefined,
      reused: false,
      attestationId: undefined,
      attestationUrl: undefined,
      notes: [
        ...image.notes,
        inputs.pushToRegistry
          ? `would store the bundle as a referrer in ${image.reference.registry}/${image.reference.repository}`
          : "would not push to the registry (push-to-registry is false)",
      ],
    })),
    ...files.map((file) =>
      fileResult(file, file.path ? `${file.path}.sigstore.json` : where(file.digest)),
    ),
  ];
  const store = inputs.githubAttestations
    ? `GitHub's attestation store of ${deps.context.repository.owner}/${deps.context.repository.repo}`
    : "no GitHub attestation store (github-attestations is false)";
  return {
    mode: "attest",
    predicateType: inputs.predicateType ?? "https://slsa.dev/provenance/v1",
    signed: false,
    sigstoreInstance: endpoints.instance,
    results,
    notices: [
      `dry run: would sign one statement about ${results.length} subject(s) with Sigstore (${endpoints.instance}, ${endpoints.fulcioUrl}) and store it in ${store}; nothing was signed or stored`,
    ],
    dryRun: true,
  };
}

/** The action's `run`: the report as an outcome (outputs, annotations, summary, failure). */
export async function run(inputs: AttestInputs, deps: AttestDeps): Promise<ActionOutcome> {
  return outcomeOf(await attestOci(inputs, deps));
}
