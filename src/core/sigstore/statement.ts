/** The DSSE payload type of an in-toto statement. */
export const IN_TOTO_PAYLOAD_TYPE = "application/vnd.in-toto+json";
export const IN_TOTO_STATEMENT_V1 = "https://in-toto.io/Statement/v1";
/** SLSA build provenance v1, what `actions/attest-build-provenance` writes. */
export const SLSA_PROVENANCE_V1 = "https://slsa.dev/provenance/v1";

export interface StatementSubject {
  name: string;
  digest: Record<string, string>;
}

export interface InTotoStatement {
  _type: string;
  subject: StatementSubject[];
  predicateType: string;
  predicate: Record<string, unknown>;
}

/** An artifact digest as `<algorithm>:<hex>`, such as `sha256:9f86…`. */
export interface ArtifactDigest {
  algorithm: string;
  hex: string;
}

const DIGEST = /^([a-z0-9]+(?:[+._-][a-z0-9]+)*):([a-fA-F0-9]{32,})$/;

/** Parses `sha256:<hex>`; undefined when the text is not a digest. */
export function parseDigest(text: string): ArtifactDigest | undefined {
  const match = DIGEST.exec(text.trim());
  if (!match) return undefined;
  return { algorithm: match[1] as string, hex: (match[2] as string).toLowerCase() };
}

export function formatDigest(digest: ArtifactDigest): string {
  return `${digest.algorithm}:${digest.hex}`;
}

/** Builds a statement with its subjects in a stable order, so equal inputs give equal bytes. */
export function buildStatement(
  subjects: readonly StatementSubject[],
  predicateType: string,
  predicate: Record<string, unknown>,
): InTotoStatement {
  const ordered = [...subjects].sort((a, b) =>
    a.name === b.name
      ? JSON.stringify(a.digest).localeCompare(JSON.stringify(b.digest))
      : a.name.localeCompare(b.name),
  );
  return { _type: IN_TOTO_STATEMENT_V1, subject: ordered, predicateType, predicate };
}

/** Reads a DSSE payload as an in-toto statement; a string says what is wrong with it. */
export function parseStatement(payload: Buffer): InTotoStatement | string {
  let value: unknown;
  try {
    value = JSON.parse(payload.toString("utf8"));
  } catch {
    return "the payload is not JSON";
  }
  if (typeof value !== "object" || value === null) return "the payload is not a JSON object";
  const statement = value as Partial<InTotoStatement>;
  if (typeof statement._type !== "string" || !statement._type.startsWith("https://in-toto.io/")) {
    return `'_type' is ${JSON.stringify(statement._type) ?? "absent"}, not an in-toto statement`;
  }
  if (!Array.isArray(statement.subject) || statement.subject.length === 0) {
    return "the statement has no subjects";
  }
  for (const subject of statement.subject) {
    if (typeof subject?.digest !== "object" || subject.digest === null) {
      return "a subject has no digest";
    }
    // in-toto's digest set maps algorithm names to hex strings, as gh reads it; anything else in
    // a signed statement is refused here rather than trusted (or thrown on) further on.
    const values = Object.values(subject.digest as object);
    if (Array.isArray(subject.digest) || values.some((value) => typeof value !== "string")) {
      return `a subject's digest is ${JSON.stringify(subject.digest).slice(0, 100)}, not a map of algorithm names to hex strings`;
    }
  }
  if (typeof statement.predicateType !== "string") return "the statement has no predicateType";
  return {
    _type: statement._type,
    subject: statement.subject,
    predicateType: statement.predicateType,
    predicate: (statement.predicate ?? {}) as Record<string, unknown>,
  };
}

/** Whether one of the statement's subjects carries this digest (hex compared in lower case). */
export function statementCovers(statement: InTotoStatement, digest: ArtifactDigest): boolean {
  return statement.subject.some(
    (subject) => subject.digest[digest.algorithm]?.toLowerCase() === digest.hex,
  );
}
