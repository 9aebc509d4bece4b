import {
  SARIF_MAX_LOCATIONS,
  SARIF_MAX_RESULTS,
  sarifArtifactUri,
  sarifHelpUri,
} from "../core/sarif.ts";
import { fingerprint } from "./gate.ts";
import { type Finding, type FindingLocation, type Severity, severityRank } from "./report.ts";

/** zizmor's own SARIF levels (`ResultLevel::from` in zizmor's `output/sarif.rs`). */
const SARIF_LEVEL: Record<Severity, "error" | "warning" | "note"> = {
  high: "error",
  medium: "warning",
  low: "note",
  informational: "note",
  unknown: "note",
};

/** GitHub code scanning ranks alerts by this 0.0-10.0 score. */
const SECURITY_SEVERITY: Record<Severity, string> = {
  high: "8.0",
  medium: "5.0",
  low: "3.0",
  informational: "1.0",
  unknown: "0.0",
};

/**
 * A SARIF 2.1.0 log built from the JSON v1 findings, shaped like zizmor's own `--format sarif`
 * (rule ids `zizmor/<audit>`), so one zizmor run serves annotations, the gate and code scanning.
 * Findings outside the workspace have no file code scanning could show, so they are left out.
 */
export function toSarif(findings: readonly Finding[], version: string): object {
  const all = findings.filter(
    (finding) => finding.primary.key.kind === "local" && finding.primary.key.path !== undefined,
  );
  // upload-sarif refuses a run over its limit whole: keep the most severe, count the rest.
  const located =
    all.length <= SARIF_MAX_RESULTS
      ? all
      : [...all]
          .sort((a, b) => severityRank(b.severity) - severityRank(a.severity))
          .slice(0, SARIF_MAX_RESULTS);
  const rules = new Map<string, Finding>();
  for (const finding of located) if (!rules.has(finding.audit)) rules.set(finding.audit, finding);
  return {
    $schema: "https://docs.oasis-open.org/sarif/sarif/v2.1.0/os/schemas/sarif-schema-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "zizmor",
            semanticVersion: version,
            informationUri: "https://docs.zizmor.sh",
            rules: [...rules.values()].map((finding) => ({
              id: `zizmor/${finding.audit}`,
              name: finding.audit,
              shortDescription: { text: finding.description },
              help: { text: finding.description },
              ...(sarifHelpUri(finding.url) ? { helpUri: sarifHelpUri(finding.url) } : {}),
              properties: { tags: ["security"] },
            })),
          },
        },
        results: located.map((finding) => ({
          ruleId: `zizmor/${finding.audit}`,
          level: SARIF_LEVEL[finding.severity],
          message: {
            text: finding.primary.annotation
              ? `${finding.description}: ${finding.primary.annotation}`
              : finding.description,
          },
          locations: [physical(finding.primary)],
          relatedLocations: finding.related
            .filter((location) => location.key.kind === "local" && location.key.path)
            .slice(0, SARIF_MAX_LOCATIONS)
            .map((location, id) => ({ id, ...physical(location) })),
          partialFingerprints: { "zizmorFinding/v1": fingerprint(finding) },
          ...(finding.ignored ? { suppressions: [{ kind: "inSource" }] } : {}),
          properties: {
            "zizmor/severity": finding.severity,
            "zizmor/confidence": finding.confidence,
            "zizmor/persona": finding.persona,
            "security-severity": SECURITY_SEVERITY[finding.severity],
          },
        })),
        ...(located.length < all.length
          ? { properties: { omittedResults: all.length - located.length } }
          : {}),
      },
    ],
  };
}

function physical(location: FindingLocation) {
  const path = location.key.kind === "local" ? (location.key.path ?? "") : "";
  return {
    physicalLocation: {
      artifactLocation: { uri: sarifArtifactUri(path) },
      region: {
        startLine: location.line,
        startColumn: location.column,
        endLine: location.endLine,
        // SARIF's end column is the character after the region; ours is the last one in it.
        endColumn: location.endColumn + 1,
      },
    },
    message: { text: location.annotation },
  };
}
