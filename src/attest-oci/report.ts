import { Outcome } from "../core/outcome.ts";
import { escapeMarkdown, inlineCode, link, Summary } from "../core/summary.ts";
import { showControls } from "../core/text.ts";
import type { AttestReport, RunReport } from "./run.ts";
import type { VerifyReport } from "./verify.ts";

/** The `subjects` output: one entry per subject, the same fields in both modes where they apply. */
export function subjectsOutput(report: RunReport): string {
  if (report.mode === "verify") {
    return JSON.stringify(
      report.results.map((r) => ({
        reference: r.reference,
        digest: r.digest,
        verified: r.verified,
        "referrer-digest": r.referrer ?? null,
        signer: r.signer ?? null,
        failures: r.failures,
      })),
    );
  }
  return JSON.stringify(
    report.results.map((r) => ({
      reference: r.reference,
      name: r.name,
      digest: r.digest,
      kind: r.kind,
      "bundle-path": r.bundlePath,
      "referrer-digest": r.referrerDigest ?? null,
      storage: r.storage ?? null,
      reused: r.reused,
      "attestation-id": r.attestationId ?? null,
      "attestation-url": r.attestationUrl ?? null,
      ...(report.dryRun ? { "dry-run": true, notes: r.notes } : {}),
    })),
  );
}

/**
 * The report as the action publishes it: outputs, a notice per note, an error per subject that
 * did not verify, the job summary, and the step's failure (`attest-oci: …`) when one did not.
 */
export function outcomeOf(report: RunReport): Outcome {
  const outcome = new Outcome().output("subjects", subjectsOutput(report));
  if (report.mode === "verify") {
    outcome.output("verified", report.verified);
    outcome.summary = verifySummary(report);
    const failed = report.results.filter((r) => !r.verified);
    for (const result of failed) {
      const reasons = result.failures.map((f) => f.message).join("; ");
      outcome.annotate({
        level: "error",
        title: "attest-oci verify",
        message: `${result.reference}: ${reasons}`,
      });
    }
    if (failed.length > 0) {
      outcome.fail(
        `${failed.length} of ${report.results.length} subject(s) have no attestation that verifies: ${failed.map((r) => `${r.reference} (${r.failures[0]?.message ?? "no attestation"})`).join("; ")}`,
      );
    }
    return outcome;
  }
  outcome
    .output("bundle-paths", report.dryRun ? "" : report.results.map((r) => r.bundlePath).join("\n"))
    .output("digests", report.results.map((r) => r.digest).join("\n"))
    .output("attestation-id", report.results[0]?.attestationId ?? "")
    .output("attestation-url", report.results[0]?.attestationUrl ?? "");
  for (const note of report.results.flatMap((r) => r.notes).concat(report.notices)) {
    outcome.notice(note, "attest-oci");
  }
  outcome.summary = attestSummary(report);
  return outcome;
}

const STORAGE_LABEL = { "referrers-api": "referrers API", "tag-fallback": "sha256-tag index" };

export function attestSummary(report: AttestReport): Summary {
  const summary = new Summary().heading("OCI attestations");
  const how = report.dryRun
    ? `Dry run: one statement (${report.predicateType}) about ${report.results.length} subject(s) would be signed with Sigstore (${report.sigstoreInstance}); nothing was signed or stored.`
    : report.signed
      ? `Signed one statement (${report.predicateType}) for ${report.results.length} artifact(s) with Sigstore (${report.sigstoreInstance}).`
      : `The registry already held this statement (${report.predicateType}) from an earlier attempt, and it verified for this run; nothing was signed again.`;
  summary.paragraph(how);
  summary.table(
    ["Artifact", "Kind", "Digest", "Stored in registry", "GitHub attestation"],
    report.results.map((r) => [
      escapeMarkdown(r.reference),
      escapeMarkdown(r.kind),
      inlineCode(r.digest),
      r.referrerDigest
        ? `${inlineCode(r.referrerDigest)} (${escapeMarkdown(r.storage ? STORAGE_LABEL[r.storage] : "")}${r.reused ? ", already there" : ""})`
        : r.kind === "file"
          ? `bundle ${inlineCode(r.bundlePath)}`
          : "not pushed",
      r.attestationId ? link(`#${r.attestationId}`, r.attestationUrl) : "none",
    ]),
  );
  const notes = report.results.flatMap((r) => r.notes).concat(report.notices);
  if (notes.length > 0) summary.list(notes.map(escapeMarkdown));
  return summary;
}

export function verifySummary(report: VerifyReport): Summary {
  const summary = new Summary().heading("OCI attestation verification");
  summary.table(
    ["Artifact", "Digest", "Result", "Detail"],
    report.results.map((r) => [
      escapeMarkdown(r.reference),
      inlineCode(r.digest),
      r.verified ? "verified" : "**failed**",
      r.verified
        ? `signed by ${inlineCode(r.signer ?? "")}`
        : r.failures.map((f) => escapeMarkdown(f.message)).join("<br>"),
    ]),
  );
  return summary;
}

/** One line per subject for logs and the CLI. */
export function verifyLines(report: VerifyReport): string[] {
  const lines = report.results.flatMap((r) =>
    r.verified
      ? [`✓ ${r.reference} (${r.digest}): verified, signed by ${r.signer}`]
      : [
          `✗ ${r.reference} (${r.digest}): not verified`,
          ...r.failures.map((f) => `    ${f.referrer ? `${f.referrer}: ` : ""}${f.message}`),
        ],
  );
  // Registries and bundles supply parts of these lines: no control reaches a terminal.
  return lines.map((line) => showControls(line));
}
