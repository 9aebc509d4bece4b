import { escapeMarkdown, inlineCode, link, Summary } from "../core/summary.ts";
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
    })),
  );
}

const STORAGE_LABEL = { "referrers-api": "referrers API", "tag-fallback": "sha256-tag index" };

export function attestSummary(report: AttestReport): Summary {
  const summary = new Summary().heading("OCI attestations");
  const how = report.signed
    ? `Signed one statement (${report.predicateType}) for ${report.results.length} artifact(s) with Sigstore (${report.sigstoreInstance}).`
    : `Every artifact already holds this statement (${report.predicateType}) from an earlier attempt; nothing was signed again.`;
  summary.paragraph(how);
  summary.table(
    ["Artifact", "Kind", "Digest", "Stored in registry", "GitHub attestation"],
    report.results.map((r) => [
      escapeMarkdown(r.reference),
      escapeMarkdown(r.kind),
      inlineCode(r.digest),
      r.referrerDigest
        ? `${inlineCode(r.referrerDigest)} (${escapeMarkdown(r.storage ? STORAGE_LABEL[r.storage] : "")}${r.reused ? ", already there" : ""})`
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
  return report.results.flatMap((r) =>
    r.verified
      ? [`✓ ${r.reference} (${r.digest}): verified, signed by ${r.signer}`]
      : [
          `✗ ${r.reference} (${r.digest}): not verified`,
          ...r.failures.map((f) => `    ${f.referrer ? `${f.referrer}: ` : ""}${f.message}`),
        ],
  );
}
