// Attesting 20 images plus 20 files in one step against local Sigstore and registry services,
// beside 20 separate one-image steps: wall time, signing requests (Fulcio certificates and
// timestamps) and registry requests. Run with `node bench/attest-oci.ts`.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RegistryClient } from "../src/attest-oci/registry.ts";
import { type AttestDeps, type AttestInputs, run } from "../src/attest-oci/run.ts";
import { pusher } from "../test/attest-oci/artifacts.ts";
import { startRegistryDouble } from "../test/attest-oci/registry-double.ts";
import { githubClaims, startSigstoreHarness } from "../test/harness/sigstore.ts";

const IMAGES = 20;
const FILES = 20;
const sigstore = await startSigstoreHarness();
const registry = await startRegistryDouble();
const push = pusher(registry.host);
const references: string[] = [];
for (let index = 0; index < IMAGES; index++) {
  const image =
    index % 2 === 0
      ? await push.wasmComponent(`bench/component-${index}`, "v1")
      : await push.multiPlatformImage(`bench/image-${index}`, "v1");
  references.push(image.reference);
}

const claims = githubClaims({ repository: "wasmcloud/wasmcloud" });
const workspace = mkdtempSync(join(tmpdir(), "sg-bench-files-"));
for (let index = 0; index < FILES; index++) {
  writeFileSync(join(workspace, `wash-${index}.tar.gz`), `release archive ${index}`.repeat(4096));
}

function inputs(subjects: string[], runId: number, files: string[] = []): AttestInputs {
  return {
    mode: "attest",
    subjects,
    subjectPaths: files,
    subjectChecksums: undefined,
    cwd: workspace,
    dryRun: false,
    label: (name) => `input '${name}'`,
    predicateType: undefined,
    predicatePath: undefined,
    pushToRegistry: true,
    // GitHub's store takes one write per statement either way: 1 here against 20 separately.
    githubAttestations: false,
    endpoints: { sigstore: "auto", fulcioUrl: sigstore.fulcioUrl, tsaUrl: sigstore.tsaUrl },
    outputDir: mkdtempSync(join(tmpdir(), `sg-bench-${runId}-`)),
    verify: {
      identity: { repository: "wasmcloud/wasmcloud" },
      predicateType: undefined,
      bundlePaths: [],
      files: [],
      digests: [],
      digestAlgorithm: "sha256",
    },
  };
}

function deps(client: RegistryClient, runId: number): AttestDeps {
  return {
    registry: client,
    github: undefined,
    idToken: async () => sigstore.mintToken({ ...claims, run_id: String(runId) }),
    trust: async () => sigstore.trustMaterial,
    context: {
      repository: { owner: "wasmcloud", repo: "wasmcloud" },
      serverUrl: "https://github.com",
      visibility: "public",
      ownerType: "Organization",
    },
    now: () => new Date(),
  };
}

async function measure(label: string, steps: string[][], firstRunId: number, files: string[] = []) {
  const before = { ...sigstore.requests, registry: registry.requests.length };
  const started = performance.now();
  for (const [index, subjects] of steps.entries()) {
    // Every step is a fresh process on a runner: a new client, no cached registry tokens.
    const client = new RegistryClient(() => undefined);
    const outcome = await run(
      inputs(subjects, firstRunId + index, files),
      deps(client, firstRunId + index),
    );
    if (outcome.failure) throw new Error(outcome.failure);
  }
  const wall = performance.now() - started;
  const certificates = sigstore.requests.fulcio - before.fulcio;
  const timestamps = sigstore.requests.tsa - before.tsa;
  console.log(`${label} wall time: ${wall.toFixed(0)} ms`);
  console.log(`${label} signing requests: ${certificates + timestamps} requests`);
  console.log(`${label} certificates: ${certificates} requests`);
  console.log(`${label} timestamps: ${timestamps} requests`);
  console.log(`${label} registry requests: ${registry.requests.length - before.registry} requests`);
}

// A first step warms up the JIT and connections, so neither measured run pays for it.
const warmUp = await push.wasmComponent("bench/warm-up", "v1");
await run(inputs([warmUp.reference], 4000), deps(new RegistryClient(() => undefined), 4000));

await measure("one step, 20 images and 20 files", [references], 5000, ["wash-*.tar.gz"]);
await measure(
  "20 steps, one image each",
  references.map((reference) => [reference]),
  6000,
);
await measure("re-run of the 20-image, 20-file step", [references], 5000, ["wash-*.tar.gz"]);

await sigstore.close();
await registry.close();
