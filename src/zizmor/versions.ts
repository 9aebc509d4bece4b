import { ConfigurationError } from "../core/errors.ts";

/** The version installed unless the `version` input says otherwise; bumped by hand, never "latest". */
export const DEFAULT_VERSION = "1.30.1";

/** Versions that must not run, and why (shown to the user who asks for one). */
export const REFUSED_VERSIONS: Readonly<Record<string, string>> = {
  "1.27.0": "zizmor 1.27.0 printed configured GitHub credentials in its logs (fixed in 1.28.0)",
};

/** Release targets zizmor publishes archives for, keyed by the runner's OS and architecture. */
export const TARGETS = [
  { os: "Linux", arch: "X64", triple: "x86_64-unknown-linux-gnu", extension: "tar.gz" },
  { os: "Linux", arch: "ARM64", triple: "aarch64-unknown-linux-gnu", extension: "tar.gz" },
  { os: "macOS", arch: "X64", triple: "x86_64-apple-darwin", extension: "tar.gz" },
  { os: "macOS", arch: "ARM64", triple: "aarch64-apple-darwin", extension: "tar.gz" },
  { os: "Windows", arch: "X64", triple: "x86_64-pc-windows-msvc", extension: "zip" },
] as const;

export type Target = (typeof TARGETS)[number];

/**
 * sha256 of each release archive, as GitHub's release API reports the asset digests. zizmor
 * publishes no checksum file, so these are the trust anchor for a version without an attestation
 * check. Adding a version means adding all five digests.
 */
export const PINNED_DIGESTS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  "1.30.1": {
    "x86_64-unknown-linux-gnu": "e65324f4430c2717591937edcec90ccbefaf14c174f8ec9415e03ca875b46e1a",
    "aarch64-unknown-linux-gnu": "7ff1dce33bdd18fd2a4affe63bdd47efcccca97b2cec1c1863ec26e9e2647540",
    "x86_64-apple-darwin": "10e6b18b11ea07e515a16f0f0518c7b07527bc9977c1fd5698181ce7f3554202",
    "aarch64-apple-darwin": "e28d22b087f9ebb8d99da6e740d348c930f559961c7c3f12badda54f882195a2",
    "x86_64-pc-windows-msvc": "b183b1e996eddfab9659f1e9b46e059f1ef1cf984a1f14e5da09f7876a4b3a1c",
  },
};

export const DEFAULT_DOWNLOAD_URL =
  "https://github.com/zizmorcore/zizmor/releases/download/v{version}/{asset}";

const NODE_OS: Record<string, string> = { linux: "Linux", darwin: "macOS", win32: "Windows" };
const NODE_ARCH: Record<string, string> = { x64: "X64", arm64: "ARM64", ia32: "X86", arm: "ARM" };

/**
 * The release target for the runner (`RUNNER_OS`/`RUNNER_ARCH`), or for this machine when run
 * outside Actions. An unsupported pair names every supported one.
 */
export function targetFor(os: string, arch: string): Target {
  const target = TARGETS.find((candidate) => candidate.os === os && candidate.arch === arch);
  if (target) return target;
  const supported = TARGETS.map((candidate) => `${candidate.os}/${candidate.arch}`).join(", ");
  throw new ConfigurationError(
    `zizmor publishes no release archive for ${os}/${arch}; supported runners are ${supported} ` +
      "(or install zizmor yourself and pass its path as 'zizmor-path')",
  );
}

export function runnerPlatform(env: NodeJS.ProcessEnv): { os: string; arch: string } {
  return {
    os: env.RUNNER_OS ?? NODE_OS[process.platform] ?? process.platform,
    arch: env.RUNNER_ARCH ?? NODE_ARCH[process.arch] ?? process.arch,
  };
}

export function assetName(target: Target): string {
  return `zizmor-${target.triple}.${target.extension}`;
}

/**
 * Where the archive is downloaded from: `{version}` and `{asset}` in the template are replaced; a
 * plain base URL (a mirror's folder) gets `/v<version>/<asset>` appended, the release layout.
 */
export function archiveUrl(
  template: string,
  version: string,
  asset: string,
  label: (name: string) => string = (name) => `input '${name}'`,
): string {
  const withAsset = template.includes("{asset}")
    ? template
    : `${template.replace(/\/+$/, "")}/v{version}/{asset}`;
  const url = withAsset
    .replaceAll("{version}", encodeURIComponent(version))
    .replaceAll("{asset}", encodeURIComponent(asset));
  if (!/^https?:\/\//i.test(url)) {
    throw new ConfigurationError(
      `${label("download-url")} is '${template}'; use an http(s) URL, optionally with {version} and {asset}`,
    );
  }
  return url;
}

/** A version as the `version` input takes it: `1.30.1` or `v1.30.1`, never a range or "latest". */
export function parseVersion(
  value: string,
  label: (name: string) => string = (name) => `input '${name}'`,
): string {
  const version = value.trim().replace(/^v/, "");
  if (!/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(version)) {
    throw new ConfigurationError(
      `${label("version")} is '${value}'; use an exact release such as ${DEFAULT_VERSION} ` +
        "(ranges and 'latest' are refused so that the installed binary never drifts)",
    );
  }
  const refusal = REFUSED_VERSIONS[version];
  if (refusal) {
    throw new ConfigurationError(`${label("version")} is '${value}', which is refused: ${refusal}`);
  }
  return version;
}

/** The version in `zizmor --version` output (`zizmor 1.30.1`), or undefined. */
export function versionFromBanner(banner: string): string | undefined {
  return /(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)/.exec(banner)?.[1];
}

/** `input` names where the digest came from (`input 'sha256'`, `--sha256`). */
export function parseSha256(value: string, input: string): string {
  const digest = value
    .trim()
    .toLowerCase()
    .replace(/^sha256:/, "");
  if (!/^[0-9a-f]{64}$/.test(digest)) {
    throw new ConfigurationError(
      `${input} is '${value}'; use a sha256 digest of 64 hexadecimal characters`,
    );
  }
  return digest;
}
