/** What GitHub reads from an uploaded Sigstore bundle to index it. */
export interface AttestationStatement {
  /** `sha256:<hex>` for each subject. */
  subjectDigests: string[];
  predicateType: string | undefined;
}

/**
 * The in-toto statement inside a bundle's DSSE envelope. A bundle without a readable statement
 * has no subjects, which the create endpoint refuses as GitHub does.
 */
export function readStatement(bundle: Record<string, unknown>): AttestationStatement {
  const envelope = bundle.dsseEnvelope as { payload?: unknown } | undefined;
  if (typeof envelope?.payload !== "string")
    return { subjectDigests: [], predicateType: undefined };
  try {
    const statement = JSON.parse(Buffer.from(envelope.payload, "base64").toString("utf8")) as {
      subject?: Array<{ digest?: Record<string, string> }>;
      predicateType?: unknown;
    };
    return {
      subjectDigests: (statement.subject ?? []).flatMap((subject) =>
        Object.entries(subject.digest ?? {}).map(([algorithm, hex]) => `${algorithm}:${hex}`),
      ),
      predicateType:
        typeof statement.predicateType === "string" ? statement.predicateType : undefined,
    };
  } catch {
    return { subjectDigests: [], predicateType: undefined };
  }
}

/** The short names the API accepts for `predicate_type`, besides a full predicate URI. */
const PREDICATE_ALIASES: Record<string, readonly string[]> = {
  provenance: ["https://slsa.dev/provenance/v1"],
  sbom: ["https://spdx.dev/Document/v2.3", "https://cyclonedx.org/bom"],
  release: ["https://in-toto.io/attestation/release/v0.1"],
};

export function matchesPredicate(predicateType: string | undefined, filter: string): boolean {
  return (PREDICATE_ALIASES[filter] ?? [filter]).includes(predicateType ?? "");
}
