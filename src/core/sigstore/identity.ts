import { X509Certificate } from "@sigstore/core";
import { ConfigurationError } from "../errors.ts";
import { escapeRegExp } from "../text.ts";

/** The OIDC issuer of GitHub Actions tokens on github.com. */
export const GITHUB_ACTIONS_ISSUER = "https://token.actions.githubusercontent.com";

/**
 * The issuer of the Actions tokens of a server: a GHE.com tenant (`octo.ghe.com`) has its own,
 * `https://token.actions.octo.ghe.com`; github.com (and GHES, whose runs sign nothing public)
 * github.com's.
 */
export function actionsIssuer(serverUrl: string): string {
  const tenant = /^https?:\/\/([a-z0-9-]+)\.ghe\.com\/*$/i.exec(serverUrl)?.[1];
  return tenant ? `https://token.actions.${tenant.toLowerCase()}.ghe.com` : GITHUB_ACTIONS_ISSUER;
}

/**
 * Who must have signed: the repository whose workflow ran, optionally one workflow file in it
 * (and the ref it ran at), and the OIDC issuer that vouched for the run.
 */
export interface ExpectedIdentity {
  /** `owner/name`; compared case-insensitively, as GitHub treats names. */
  repository: string;
  /** A workflow path in that repository, such as `.github/workflows/release.yml`. */
  workflow?: string;
  /**
   * The ref the run was for, such as `refs/tags/v1.2.0`, or a pattern with `*`
   * (`refs/tags/*`); any ref when absent. Compared with the certificate's source repository ref.
   */
  ref?: string;
  /**
   * The repository of the workflow that signed, when it is not `repository`: a reusable workflow
   * kept elsewhere (`gh attestation verify --signer-repo`).
   */
  signerRepository?: string;
  /**
   * The reusable workflow that signed, `owner/repo/.github/workflows/build.yml`, optionally with
   * `@<ref>` (a branch or tag ref, or a commit SHA) (`gh attestation verify --signer-workflow`).
   */
  signerWorkflow?: string;
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
  /** The workflow the run started from (the caller of a reusable workflow), as a URI with its ref. */
  buildConfigUri: string | undefined;
  runInvocationUri: string | undefined;
}

const OID = {
  issuerV1: "1.3.6.1.4.1.57264.1.1",
  issuerV2: "1.3.6.1.4.1.57264.1.8",
  buildSignerUri: "1.3.6.1.4.1.57264.1.9",
  sourceRepositoryUri: "1.3.6.1.4.1.57264.1.12",
  sourceRepositoryDigest: "1.3.6.1.4.1.57264.1.13",
  sourceRepositoryRef: "1.3.6.1.4.1.57264.1.14",
  buildConfigUri: "1.3.6.1.4.1.57264.1.18",
  runInvocationUri: "1.3.6.1.4.1.57264.1.21",
} as const;

const REPOSITORY = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;
const WORKFLOW_PATH = /^\.github\/workflows\/[^@\s]+\.ya?ml$/;
const SIGNER_WORKFLOW =
  /^([A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+)\/(\.github\/workflows\/[^@\s]+\.ya?ml)(?:@([^@\s]+))?$/;

/** A reusable workflow split: `owner/repo`, its path, and the ref it must have run at, if any. */
export interface SignerWorkflow {
  repository: string;
  path: string;
  ref: string | undefined;
}

/** `[host/]owner/repo/.github/workflows/x.yml[@ref]`, or undefined when it is not one. */
export function parseSignerWorkflow(text: string, serverUrl?: string): SignerWorkflow | undefined {
  const host = new URL(serverUrl ?? "https://github.com").host;
  const bare = text
    .replace(/^https?:\/\//, "")
    .replace(new RegExp(`^${escapeRegExp(host)}/`, "i"), "");
  const match = SIGNER_WORKFLOW.exec(bare);
  if (!match) return undefined;
  return { repository: match[1] as string, path: match[2] as string, ref: match[3] };
}

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
  if (expected.signerRepository !== undefined && !REPOSITORY.test(expected.signerRepository)) {
    throw new ConfigurationError(
      `signer repository '${expected.signerRepository}' is not owner/name`,
    );
  }
  if (
    expected.signerWorkflow !== undefined &&
    !parseSignerWorkflow(expected.signerWorkflow, expected.serverUrl)
  ) {
    throw new ConfigurationError(
      `signer workflow '${expected.signerWorkflow}' is not owner/repo/.github/workflows/<file>.yml, optionally with @<ref> or @<sha>`,
    );
  }
}

/** The signing workflow's repository, path and ref as the certificate's name must show them. */
function signerOf(expected: ExpectedIdentity): SignerWorkflow & { pinned: boolean } {
  const reusable = expected.signerWorkflow
    ? parseSignerWorkflow(expected.signerWorkflow, expected.serverUrl)
    : undefined;
  if (reusable) return { ...reusable, pinned: true };
  // With a signer repository, `workflow` names the calling workflow (checked in
  // `identityMismatch`), not one of the signer's.
  if (expected.signerRepository !== undefined) {
    return { repository: expected.signerRepository, path: "", ref: undefined, pinned: true };
  }
  return {
    repository: expected.repository,
    path: expected.workflow ?? "",
    ref: undefined,
    pinned: false,
  };
}

/** A ref pattern where `*` stands for any run of characters, anchored at both ends. */
export function refPattern(pattern: string): RegExp {
  return new RegExp(`^${pattern.split("*").map(escapeRegExp).join(".*")}$`);
}

function serverOf(expected: ExpectedIdentity): string {
  return (expected.serverUrl ?? "https://github.com").replace(/\/+$/, "");
}

/**
 * Whether the certificate's subject alternative name (the workflow that signed, as
 * `<server>/<owner>/<repo>/<path>@<ref>`) is the expected one, matched in full. The repository
 * prefix is compared as text (case-insensitively, as GitHub treats names), so `a/b` never admits
 * `a/b-evil` or `xa/b`; the rest must match `workflowPattern` from start to end. The signer is
 * the reusable workflow (or its repository) when one is expected, else `repository` itself.
 */
export function matchesSubjectAlternativeName(name: string, expected: ExpectedIdentity): boolean {
  const signer = signerOf(expected);
  const prefix = `${serverOf(expected)}/${signer.repository}/`;
  if (name.slice(0, prefix.length).toLowerCase() !== prefix.toLowerCase()) return false;
  return workflowPattern(expected).test(name.slice(prefix.length));
}

/**
 * The anchored pattern for `<path>@<ref>` after the signer's repository: the given workflow
 * escaped (any workflow file of that repository when none is given) at the given ref (a reusable
 * workflow's pinned ref or SHA, or the run's ref pattern when the repository's own workflow
 * signed), or at any ref, SHA or tag.
 */
export function workflowPattern(expected: ExpectedIdentity): RegExp {
  const signer = signerOf(expected);
  const workflow = signer.path ? escapeRegExp(signer.path) : "\\.github\\/workflows\\/[^@]+";
  const ref = signer.ref
    ? escapeRegExp(signer.ref)
    : !signer.pinned && expected.ref
      ? refPattern(expected.ref).source.slice(1, -1)
      : "[^@]+";
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
    buildConfigUri: extensionText(certificate, OID.buildConfigUri),
    runInvocationUri: extensionText(certificate, OID.runInvocationUri),
  };
}

export type IdentityMismatch = { check: "identity" | "issuer"; message: string };

/** Why the signer is not the expected one, or undefined when it is. */
export function identityMismatch(
  actual: CertificateIdentity,
  expected: ExpectedIdentity,
): IdentityMismatch | undefined {
  // The issuer vouches for everything else the certificate says, so it is the first check (and
  // the one a run on another instance, a GHE.com tenant, fails by).
  const issuer = expected.issuer ?? GITHUB_ACTIONS_ISSUER;
  if (actual.issuer !== issuer) {
    return {
      check: "issuer",
      message: `OIDC issuer is '${actual.issuer ?? "(none)"}', expected '${issuer}'`,
    };
  }
  if (!matchesSubjectAlternativeName(actual.subjectAlternativeName, expected)) {
    const signer = signerOf(expected);
    const wanted = signer.path || "a workflow";
    const at = signer.ref ?? (!signer.pinned ? expected.ref : undefined);
    return {
      check: "identity",
      message: `signed by '${actual.subjectAlternativeName}', not by ${wanted} of ${signer.repository}${at ? ` at ${at}` : ""}`,
    };
  }
  const repositoryUri = `${serverOf(expected)}/${expected.repository}`;
  // Fulcio always records the repository of a GitHub Actions run; without it the certificate
  // would be trusted on its subject alternative name alone, whatever the issuer.
  if (actual.sourceRepositoryUri === undefined) {
    return {
      check: "identity",
      message: `certificate lacks the source repository URI extension (${OID.sourceRepositoryUri}) that Fulcio adds for GitHub Actions, so its repository cannot be checked`,
    };
  }
  if (actual.sourceRepositoryUri.toLowerCase() !== repositoryUri.toLowerCase()) {
    return {
      check: "identity",
      message: `source repository is '${actual.sourceRepositoryUri}', expected '${repositoryUri}'`,
    };
  }
  // A reusable workflow's name shows its own ref, and a workflow's name may itself hold an '@':
  // the run's ref is the source ref extension's, and without it a pinned ref is not checked.
  if (expected.ref) {
    if (actual.sourceRepositoryRef === undefined) {
      return {
        check: "identity",
        message: `certificate lacks the source repository ref extension (${OID.sourceRepositoryRef}), so the run's ref cannot be checked against ${expected.ref}`,
      };
    }
    if (!refPattern(expected.ref).test(actual.sourceRepositoryRef)) {
      return {
        check: "identity",
        message: `the run was for ref '${actual.sourceRepositoryRef}', not ${expected.ref}`,
      };
    }
  }
  const caller = callerMismatch(actual, expected, repositoryUri);
  if (caller) return { check: "identity", message: caller };
  return undefined;
}

/**
 * When a workflow elsewhere signed, the certificate's name is that workflow's; the repository's
 * own workflow that called it is the build config URI, which must be the expected `workflow`.
 */
function callerMismatch(
  actual: CertificateIdentity,
  expected: ExpectedIdentity,
  repositoryUri: string,
): string | undefined {
  if (!expected.workflow || !signerOf(expected).pinned) return undefined;
  const prefix = `${repositoryUri}/`;
  const uri = actual.buildConfigUri;
  const calledFrom =
    uri !== undefined &&
    uri.slice(0, prefix.length).toLowerCase() === prefix.toLowerCase() &&
    uri.slice(prefix.length).startsWith(`${expected.workflow}@`);
  if (calledFrom) return undefined;
  return uri === undefined
    ? `certificate lacks the build config URI extension (${OID.buildConfigUri}), so the calling workflow cannot be checked against ${expected.workflow}`
    : `the calling workflow is '${uri}', not ${expected.workflow} of ${expected.repository}`;
}
