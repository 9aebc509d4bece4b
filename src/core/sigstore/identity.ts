import { X509Certificate } from "@sigstore/core";
import { ConfigurationError } from "../errors.ts";

/** The OIDC issuer of GitHub Actions tokens on github.com. */
export const GITHUB_ACTIONS_ISSUER = "https://token.actions.githubusercontent.com";

/**
 * Who must have signed: the repository whose workflow ran, optionally one workflow file in it
 * (and the ref it ran at), and the OIDC issuer that vouched for the run.
 */
export interface ExpectedIdentity {
  /** `owner/name`; compared case-insensitively, as GitHub treats names. */
  repository: string;
  /** A workflow path in that repository, such as `.github/workflows/release.yml`. */
  workflow?: string;
  /** The ref the workflow ran at, such as `refs/tags/v1.2.0`; any ref when absent. */
  ref?: string;
  /** `https://github.com` unless the repository lives on a GHE.com or GHES host. */
  serverUrl?: string;
  /** The token issuer; GitHub Actions' issuer by default. */
  issuer?: string;
}

/** What a Fulcio certificate says about the run that signed (read from its extensions). */
export interface CertificateIdentity {
  subjectAlternativeName: string;
  issuer: string | undefined;
  sourceRepositoryUri: string | undefined;
  sourceRepositoryDigest: string | undefined;
  sourceRepositoryRef: string | undefined;
  buildSignerUri: string | undefined;
  runInvocationUri: string | undefined;
}

const OID = {
  issuerV1: "1.3.6.1.4.1.57264.1.1",
  issuerV2: "1.3.6.1.4.1.57264.1.8",
  buildSignerUri: "1.3.6.1.4.1.57264.1.9",
  sourceRepositoryUri: "1.3.6.1.4.1.57264.1.12",
  sourceRepositoryDigest: "1.3.6.1.4.1.57264.1.13",
  sourceRepositoryRef: "1.3.6.1.4.1.57264.1.14",
  runInvocationUri: "1.3.6.1.4.1.57264.1.21",
} as const;

/** Every character that means something in a regular expression, escaped. */
export function escapeRegExp(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/-]/g, "\\$&");
}

const REPOSITORY = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;
const WORKFLOW_PATH = /^\.github\/workflows\/[^@\s]+\.ya?ml$/;

/** Refuses values that cannot name a repository or workflow, naming the value and the rule. */
export function checkExpectedIdentity(expected: ExpectedIdentity): void {
  if (!REPOSITORY.test(expected.repository)) {
    throw new ConfigurationError(`repository '${expected.repository}' is not owner/name`);
  }
  if (expected.workflow !== undefined && !WORKFLOW_PATH.test(expected.workflow)) {
    throw new ConfigurationError(
      `workflow '${expected.workflow}' is not a path such as .github/workflows/release.yml`,
    );
  }
}

function serverOf(expected: ExpectedIdentity): string {
  return (expected.serverUrl ?? "https://github.com").replace(/\/+$/, "");
}

/**
 * Whether the certificate's subject alternative name (the workflow that signed, as
 * `<server>/<owner>/<repo>/<path>@<ref>`) is the expected one, matched in full. The repository
 * prefix is compared as text (case-insensitively, as GitHub treats names), so `a/b` never admits
 * `a/b-evil` or `xa/b`; the rest must match `workflowPattern` from start to end.
 */
export function matchesSubjectAlternativeName(name: string, expected: ExpectedIdentity): boolean {
  const prefix = `${serverOf(expected)}/${expected.repository}/`;
  if (name.slice(0, prefix.length).toLowerCase() !== prefix.toLowerCase()) return false;
  return workflowPattern(expected).test(name.slice(prefix.length));
}

/**
 * The anchored pattern for `<path>@<ref>` after the repository: the given workflow and ref
 * escaped, or any workflow file of the repository at any ref when they are not given.
 */
export function workflowPattern(expected: ExpectedIdentity): RegExp {
  const workflow = expected.workflow
    ? escapeRegExp(expected.workflow)
    : "\\.github\\/workflows\\/[^@]+";
  const ref = expected.ref ? escapeRegExp(expected.ref) : "refs\\/[^@]+";
  return new RegExp(`^${workflow}@${ref}$`);
}

function extensionText(certificate: X509Certificate, oid: string): string | undefined {
  const value = certificate.extension(oid)?.value;
  if (!value) return undefined;
  // Fulcio's newer extensions hold a DER UTF8String; the legacy ones hold the raw bytes.
  return (value[0] === 0x0c ? derStringContent(value) : value).toString("utf8");
}

/** The content of a DER string (tag, short or long length, content). */
function derStringContent(der: Buffer): Buffer {
  const first = der[1] ?? 0;
  if (first < 0x80) return der.subarray(2, 2 + first);
  const lengthBytes = first & 0x7f;
  const length = der.subarray(2, 2 + lengthBytes).reduce((total, byte) => total * 256 + byte, 0);
  return der.subarray(2 + lengthBytes, 2 + lengthBytes + length);
}

/** Reads the signer's identity from a Fulcio certificate (DER bytes). */
export function certificateIdentity(der: Buffer): CertificateIdentity {
  const certificate = X509Certificate.parse(Buffer.from(der));
  return {
    subjectAlternativeName: certificate.subjectAltName ?? "",
    issuer: extensionText(certificate, OID.issuerV2) ?? extensionText(certificate, OID.issuerV1),
    sourceRepositoryUri: extensionText(certificate, OID.sourceRepositoryUri),
    sourceRepositoryDigest: extensionText(certificate, OID.sourceRepositoryDigest),
    sourceRepositoryRef: extensionText(certificate, OID.sourceRepositoryRef),
    buildSignerUri: extensionText(certificate, OID.buildSignerUri),
    runInvocationUri: extensionText(certificate, OID.runInvocationUri),
  };
}

export type IdentityMismatch = { check: "identity" | "issuer"; message: string };

/** Why the signer is not the expected one, or undefined when it is. */
export function identityMismatch(
  actual: CertificateIdentity,
  expected: ExpectedIdentity,
): IdentityMismatch | undefined {
  if (!matchesSubjectAlternativeName(actual.subjectAlternativeName, expected)) {
    const wanted = expected.workflow ?? "a workflow";
    return {
      check: "identity",
      message: `signed by '${actual.subjectAlternativeName}', not by ${wanted} of ${expected.repository}${expected.ref ? ` at ${expected.ref}` : ""}`,
    };
  }
  const repositoryUri = `${serverOf(expected)}/${expected.repository}`;
  if (
    actual.sourceRepositoryUri !== undefined &&
    actual.sourceRepositoryUri.toLowerCase() !== repositoryUri.toLowerCase()
  ) {
    return {
      check: "identity",
      message: `source repository is '${actual.sourceRepositoryUri}', expected '${repositoryUri}'`,
    };
  }
  const issuer = expected.issuer ?? GITHUB_ACTIONS_ISSUER;
  if (actual.issuer !== issuer) {
    return {
      check: "issuer",
      message: `OIDC issuer is '${actual.issuer ?? "(none)"}', expected '${issuer}'`,
    };
  }
  // Fulcio always records the repository of a GitHub Actions token; a certificate without it
  // would otherwise be trusted on the subject alternative name alone.
  if (issuer === GITHUB_ACTIONS_ISSUER && actual.sourceRepositoryUri === undefined) {
    return {
      check: "identity",
      message: `certificate lacks the source repository URI extension (${OID.sourceRepositoryUri}) that Fulcio adds for GitHub Actions`,
    };
  }
  return undefined;
}
