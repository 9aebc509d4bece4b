import { join } from "node:path";
import { runAction } from "../core/action.ts";
import { Inputs } from "../core/inputs.ts";
import { mask } from "../core/log.ts";
import type { AttestInputs } from "./run.ts";

await runAction("attest-oci", async (context) => {
  // Sigstore's clients read the proxy variables once, as they load: they load here, after
  // runAction has written those out for every client alike (core/network.ts), not with the entry.
  const [{ actionsIssuer, SLSA_PROVENANCE_V1 }, { createDeps }, { run }] = await Promise.all([
    import("../core/sigstore/index.ts"),
    import("./deps.ts"),
    import("./run.ts"),
  ]);
  const read = new Inputs();
  const subjects = read.list("subjects");
  const label = read.label;
  const inputs: AttestInputs = {
    mode: read.enumeration("mode", ["attest", "verify"], "attest"),
    subjects,
    subjectPaths: read.globs("subject-path"),
    subjectChecksums: read.optional("subject-checksums"),
    cwd: context.workspace,
    predicateType: read.optional("predicate-type"),
    predicatePath: read.optional("predicate-path"),
    pushToRegistry: read.boolean("push-to-registry", true),
    githubAttestations: read.boolean("github-attestations", true),
    dryRun: read.boolean("dry-run", false),
    endpoints: {
      sigstore: read.enumeration("sigstore", ["auto", "public-good", "github"], "auto"),
      fulcioUrl: read.optional("fulcio-url"),
      rekorUrl: read.optional("rekor-url"),
      tsaUrl: read.optional("tsa-url"),
      label,
    },
    outputDir: join(context.temp ?? context.workspace, "attest-oci"),
    verify: {
      identity: signerIdentity(
        read,
        context.repositoryName,
        context.urls.server,
        actionsIssuer(context.urls.server),
      ),
      // As `gh attestation verify`: provenance unless told otherwise, so an SBOM from the right
      // workflow cannot pass a promotion gate that meant provenance.
      predicateType: read.string("predicate-type", SLSA_PROVENANCE_V1),
      bundlePaths: [],
      files: [],
      digests: [],
      digestAlgorithm: "sha256",
    },
    label,
  };
  const deps = await createDeps({
    env: process.env,
    context,
    subjects,
    credentials: {
      registry: read.optional("registry"),
      username: read.optional("registry-username"),
      password: read.optional("registry-password"),
    },
    insecureRegistries: read.list("insecure-registries"),
    registryTimeoutMs: read.duration("registry-timeout", "60s"),
    githubToken: read.optional("github-token"),
    trustedRoot: read.optional("trusted-root"),
    mask,
    label,
  });
  return run(inputs, deps);
});

/**
 * Who must have signed, in verify mode. `signer-workflow` is a path in `repository` (as it always
 * was) or, as `gh attestation verify --signer-workflow`, `owner/repo/.github/workflows/x.yml[@ref]`
 * for a reusable workflow kept elsewhere.
 */
function signerIdentity(read: Inputs, repository: string, serverUrl: string, issuer: string) {
  const workflow = read.optional("signer-workflow");
  const reusable = workflow !== undefined && !workflow.startsWith(".github/");
  return {
    repository: read.string("repository", repository),
    workflow: reusable ? undefined : workflow,
    signerWorkflow: reusable ? workflow : undefined,
    signerRepository: read.optional("signer-repo"),
    ref: read.optional("signer-ref"),
    issuer: read.string("oidc-issuer", issuer),
    serverUrl,
  };
}
