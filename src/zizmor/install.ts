import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { delimiter, isAbsolute, join, resolve } from "node:path";
import { ConfigurationError } from "../core/errors.ts";
import {
  archiveUrl,
  assetName,
  PINNED_DIGESTS,
  parseVersion,
  REFUSED_VERSIONS,
  type Target,
  targetFor,
  versionFromBanner,
} from "./versions.ts";

/** A check that failed before zizmor could run: nothing unverified is ever executed. */
export class VerificationError extends Error {
  override readonly name = "VerificationError";
}

export interface InstallRequest {
  version: string;
  /** A digest the user pinned; it wins over the action's own table. */
  sha256: string | undefined;
  downloadUrl: string;
  /** A zizmor already on the machine: a path, or a bare name looked up on PATH. */
  zizmorPath: string | undefined;
  platform: { os: string; arch: string };
  toolCache: string;
  temp: string;
  /** Whether zizmor's GitHub attestation is checked too (or instead, with no pinned digest). */
  attestation: "auto" | "required" | "off";
  /** How messages name an input (`input 'sha256'`, or `--sha256` on the command line). */
  label?: (name: string) => string;
}

const inputLabel = (name: string) => `input '${name}'`;

/** What verified an archive, in words for the summary. */
export interface Installed {
  path: string;
  version: string;
  provenance: string;
}

export interface InstallDeps {
  download(url: string): Promise<Buffer>;
  /** Unpacks an archive into an empty folder (tar.gz, or zip on Windows). */
  extract(archive: string, into: string): Promise<void>;
  /** `zizmor --version`. */
  versionOf(binary: string): Promise<string>;
  /**
   * Verifies zizmor's own attestation for an archive digest (sha256 hex) and release tag; throws
   * VerificationError when it does not verify. Undefined when no verifier is available.
   */
  verifyAttestation?: (digest: string, version: string) => Promise<string>;
  notice(message: string): void;
  env: NodeJS.ProcessEnv;
}

export function sha256Of(bytes: Buffer): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** zizmor ready to run: a user's binary as given, or a release archive verified before use. */
export async function installZizmor(
  request: InstallRequest,
  deps: InstallDeps,
): Promise<Installed> {
  const label = request.label ?? inputLabel;
  if (request.zizmorPath) return useExisting(request.zizmorPath, deps, label);
  const version = parseVersion(request.version, label);
  const target = targetFor(request.platform.os, request.platform.arch);
  const asset = assetName(target);
  const pinned = request.sha256 ?? PINNED_DIGESTS[version]?.[target.triple];
  if (!pinned && (request.attestation === "off" || !deps.verifyAttestation)) {
    throw new ConfigurationError(
      `this action pins no digest for zizmor ${version} (${asset}); set ${label("sha256")} to the ` +
        "archive's sha256, or use a version with a pinned digest " +
        `(${Object.keys(PINNED_DIGESTS).join(", ")})` +
        (deps.verifyAttestation ? `, or set ${label("verify-attestation")} to auto` : ""),
    );
  }
  const archive = await verifiedArchive(request, target, version, pinned, deps);
  return unpack(archive, request, target, version, deps);
}

interface VerifiedArchive {
  /** The verified bytes themselves: what is unpacked is exactly what was checked. */
  bytes: Buffer;
  provenance: string;
}

interface Expectation {
  request: InstallRequest;
  version: string;
  pinned: string | undefined;
  deps: InstallDeps;
}

/** Checks an archive against the pinned digest and, when asked for, zizmor's attestation. */
async function verify(bytes: Buffer, from: string, expected: Expectation): Promise<string> {
  const { request, version, pinned, deps } = expected;
  const digest = sha256Of(bytes);
  const pinnedBy = request.sha256 ? (request.label ?? inputLabel)("sha256") : "this action";
  if (pinned && digest !== pinned) {
    throw new VerificationError(
      `the zizmor ${version} archive ${from} has sha256 ${digest}, but ${pinnedBy} pins ${pinned}; refusing to run it`,
    );
  }
  const matched = pinned ? `sha256 ${digest} matches the digest pinned by ${pinnedBy}` : "";
  const wantsAttestation =
    request.attestation === "required" || (request.attestation === "auto" && !pinned);
  const attested =
    wantsAttestation && deps.verifyAttestation ? await deps.verifyAttestation(digest, version) : "";
  return [matched, attested].filter(Boolean).join("; ");
}

async function verifiedArchive(
  request: InstallRequest,
  target: Target,
  version: string,
  pinned: string | undefined,
  deps: InstallDeps,
): Promise<VerifiedArchive> {
  const expected = { request, version, pinned, deps };
  const asset = assetName(target);
  const folder = join(request.toolCache, "zizmor", version, target.arch.toLowerCase());
  const cached = join(folder, asset);
  if (existsSync(join(folder, ".complete")) && existsSync(cached)) {
    const bytes = readFileSync(cached);
    try {
      return {
        bytes,
        provenance: `${await verify(bytes, "in the tool cache", expected)} (tool cache)`,
      };
    } catch (thrown) {
      if (!(thrown instanceof VerificationError)) throw thrown;
      deps.notice(`the cached zizmor ${version} archive did not verify; downloading it again`);
      rmSync(folder, { recursive: true, force: true });
    }
  }
  const url = archiveUrl(request.downloadUrl, version, asset, request.label ?? inputLabel);
  const bytes = await deps.download(url);
  const provenance = await verify(bytes, `downloaded from ${url}`, expected);
  mkdirSync(folder, { recursive: true });
  writeFileSync(cached, bytes);
  writeFileSync(join(folder, ".complete"), "");
  return { bytes, provenance: `${provenance} (downloaded from ${url})` };
}

async function unpack(
  archive: VerifiedArchive,
  request: InstallRequest,
  target: Target,
  version: string,
  deps: InstallDeps,
): Promise<Installed> {
  const folder = join(request.temp, `zizmor-${version}-${randomBytes(4).toString("hex")}`);
  mkdirSync(folder, { recursive: true });
  const archivePath = `${folder}.${target.extension}`;
  writeFileSync(archivePath, archive.bytes);
  await deps.extract(archivePath, folder);
  rmSync(archivePath, { force: true });
  const binary = join(folder, target.os === "Windows" ? "zizmor.exe" : "zizmor");
  if (!existsSync(binary)) {
    throw new VerificationError(
      `the zizmor ${version} archive holds no ${binary.slice(folder.length + 1)}`,
    );
  }
  const reported = versionFromBanner(await deps.versionOf(binary));
  if (reported !== version) {
    throw new VerificationError(
      `the verified zizmor ${version} archive reports version ${reported ?? "(none)"}; refusing to run it`,
    );
  }
  return { path: binary, version, provenance: `zizmor ${version}: ${archive.provenance}` };
}

async function useExisting(
  given: string,
  deps: InstallDeps,
  label: (name: string) => string,
): Promise<Installed> {
  const input = label("zizmor-path");
  const path = locate(given, deps.env, input);
  const banner = await deps.versionOf(path);
  const version = versionFromBanner(banner);
  if (!version) {
    throw new ConfigurationError(
      `${input} is '${given}', whose --version printed '${banner.trim()}', not a zizmor version`,
    );
  }
  const refusal = REFUSED_VERSIONS[version];
  if (refusal) {
    throw new ConfigurationError(`${input} is '${given}': ${refusal}; install another version`);
  }
  return {
    path,
    version,
    provenance: `zizmor ${version} from ${path} (given as ${input}; not verified by this action)`,
  };
}

/** A path as given, or a bare command name found on PATH. */
function locate(given: string, env: NodeJS.ProcessEnv, input: string): string {
  if (isAbsolute(given) || given.includes("/") || given.includes("\\")) {
    const path = resolve(env.GITHUB_WORKSPACE ?? process.cwd(), given);
    if (existsSync(path)) return path;
    throw new ConfigurationError(`${input} is '${given}', but ${path} does not exist`);
  }
  const extensions = process.platform === "win32" ? [".exe", ""] : [""];
  for (const folder of (env.PATH ?? "").split(delimiter).filter(Boolean)) {
    for (const extension of extensions) {
      const candidate = join(folder, `${given}${extension}`);
      if (existsSync(candidate)) return candidate;
    }
  }
  throw new ConfigurationError(
    `${input} is '${given}', which is not on PATH; give a path, or leave it empty to install zizmor`,
  );
}
