import { join } from "node:path";
import { runAction } from "../core/action.ts";
import { Inputs } from "../core/inputs.ts";
import { annotate, info, mask, setOutput } from "../core/log.ts";
import { GITHUB_ACTIONS_ISSUER, SLSA_PROVENANCE_V1 } from "../core/sigstore/index.ts";
import { createDeps } from "./deps.ts";
import { attestSummary, subjectsOutput, verifyLines, verifySummary } from "./report.ts";
import { type AttestInputs, run } from "./run.ts";

await runAction("attest-oci", async () => {
  const read = new Inputs();
  const env = process.env;
  const subjects = read.list("subjects");
  const inputs: AttestInputs = {
    mode: read.enumeration("mode", ["attest", "verify"], "attest"),
    subjects,
    predicateType: read.optional("predicate-type"),
    predicatePath: read.optional("predicate-path"),
    pushToRegistry: read.boolean("push-to-registry", true),
    githubAttestations: read.boolean("github-attestations", true),
    endpoints: {
      sigstore: read.enumeration("sigstore", ["auto", "public-good", "github"], "auto"),
      fulcioUrl: read.optional("fulcio-url"),
      rekorUrl: read.optional("rekor-url"),
      tsaUrl: read.optional("tsa-url"),
    },
    outputDir: join(env.RUNNER_TEMP ?? process.cwd(), "attest-oci"),
    verify: {
      identity: {
        repository: read.string("repository", env.GITHUB_REPOSITORY ?? ""),
        workflow: read.optional("signer-workflow"),
        ref: read.optional("signer-ref"),
        issuer: read.string("oidc-issuer", GITHUB_ACTIONS_ISSUER),
        serverUrl: env.GITHUB_SERVER_URL,
      },
      // As `gh attestation verify`: provenance unless told otherwise, so an SBOM from the right
      // workflow cannot pass a promotion gate that meant provenance.
      predicateType: read.string("predicate-type", SLSA_PROVENANCE_V1),
    },
  };
  const deps = await createDeps({
    env,
    subjects,
    credentials: {
      registry: read.optional("registry"),
      username: read.optional("registry-username"),
      password: read.optional("registry-password"),
    },
    githubToken: read.optional("github-token"),
    trustedRoot: read.optional("trusted-root"),
    mask,
    notice: (message) => annotate({ level: "notice", title: "attest-oci", message }),
  });
  const report = await run(inputs, deps);
  setOutput("subjects", subjectsOutput(report));
  if (report.mode === "verify") {
    for (const line of verifyLines(report)) info(line);
    setOutput("verified", String(report.verified));
    verifySummary(report).write();
    for (const result of report.results.filter((r) => !r.verified)) {
      const reasons = result.failures.map((f) => f.message).join("; ");
      annotate({
        level: "error",
        title: "attest-oci verify",
        message: `${result.reference}: ${reasons}`,
      });
    }
    // A failed verification is a verdict, not a bug: no stack, just a failed step.
    if (!report.verified) process.exitCode = 1;
    return;
  }
  for (const result of report.results) {
    info(`${result.reference}: ${result.digest} -> ${result.referrerDigest ?? "not pushed"}`);
    for (const note of result.notes)
      annotate({ level: "notice", title: "attest-oci", message: note });
  }
  setOutput("bundle-paths", report.results.map((r) => r.bundlePath).join("\n"));
  setOutput("digests", report.results.map((r) => r.digest).join("\n"));
  setOutput("attestation-id", String(report.results[0]?.attestationId ?? ""));
  setOutput("attestation-url", report.results[0]?.attestationUrl ?? "");
  attestSummary(report).write();
});
