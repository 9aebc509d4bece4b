import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { TrustedRoot } from "@sigstore/protobuf-specs";
import { getTrustedRoot, initTUF } from "@sigstore/tuf";
import { toTrustMaterial, type TrustMaterial as VerifierTrust } from "@sigstore/verify";
import { ConfigurationError, describeThrown } from "../errors.ts";
import GITHUB_TUF_ROOT from "./roots/tuf-repo.github.com.root.json" with { type: "json" };

/**
 * Which Sigstore a trusted root belongs to, which decides what a bundle chaining to it must
 * carry (as `gh attestation verify` decides): public-good needs an SCT and a Rekor entry with an
 * inclusion proof; GitHub's instance needs a signed (RFC 3161) timestamp and has no CT log; any
 * other instance needs what its root lists (a Rekor entry when it lists a log, a timestamp).
 */
export type SigstoreInstance = "public-good" | "github" | "custom";

export interface TrustedRootEntry {
  instance: SigstoreInstance;
  /** Where it came from, for messages: a file and line, or a TUF repository. */
  source: string;
  material: VerifierTrust;
}

/** Every trusted root a verification may use, each kept apart with its own policy. */
export interface SigstoreTrust {
  roots: TrustedRootEntry[];
}

interface RootJson {
  certificateAuthorities?: { uri?: string; subject?: { organization?: string } }[];
}

/** Public-good's and GitHub's roots name themselves in their CA entries; anything else is custom. */
export function instanceOf(root: unknown): SigstoreInstance {
  const authorities = (root as RootJson | null)?.certificateAuthorities ?? [];
  const named = (test: (uri: string, organization: string) => boolean) =>
    authorities.length > 0 &&
    authorities.every((ca) =>
      test(hostOf(ca.uri ?? ""), (ca.subject?.organization ?? "").toLowerCase()),
    );
  if (named((host, org) => host === "fulcio.sigstore.dev" || org === "sigstore.dev")) {
    return "public-good";
  }
  if (
    named(
      (host, org) =>
        /^fulcio\.(githubapp\.com|[a-z0-9-]+\.ghe\.com)$/.test(host) || org === "github, inc.",
    )
  ) {
    return "github";
  }
  return "custom";
}

function hostOf(uri: string): string {
  try {
    return new URL(uri.includes("://") ? uri : `https://${uri}`).hostname.toLowerCase();
  } catch {
    return "";
  }
}

/** Trust from trusted roots in their JSON form, each kept apart (never merged: see `instanceOf`). */
export function trustFromRoots(roots: readonly unknown[], source = "trusted root"): SigstoreTrust {
  if (roots.length === 0) throw new ConfigurationError(`${source} holds no trusted root`);
  return {
    roots: roots.map((root, index) => {
      const where = roots.length > 1 ? `${source}:${index + 1}` : source;
      let material: VerifierTrust;
      try {
        material = toTrustMaterial(TrustedRoot.fromJSON(root));
      } catch (thrown) {
        throw new ConfigurationError(
          `${where} is not a Sigstore trusted root (${describeThrown(thrown)})`,
        );
      }
      return { instance: instanceOf(root), source: where, material };
    }),
  };
}

/** @deprecated the old name of {@link trustFromRoots}. */
export const trustMaterialFromRoots = trustFromRoots;

/**
 * One JSON document, or JSON lines with one document per line (`gh attestation trusted-root`,
 * `gh attestation download`); a line that is not JSON is an error at its line, naming `what`.
 */
export function parseJsonDocuments(text: string, file: string, what: string): unknown[] {
  const trimmed = text.trim();
  try {
    return [JSON.parse(trimmed)];
  } catch {
    // Not one document: try JSON lines below.
  }
  return trimmed
    .split(/\r?\n/)
    .map((line, index) => ({ line: line.trim(), number: index + 1 }))
    .filter(({ line }) => line.length > 0)
    .map(({ line, number }) => {
      try {
        return JSON.parse(line) as unknown;
      } catch {
        throw new ConfigurationError(`${file}:${number} is not ${what} in JSON`, {
          file,
          line: number,
        });
      }
    });
}

/** Parses a trusted-root file: one JSON document, or JSON lines with one root per line. */
export function parseTrustedRoots(text: string, file: string): unknown[] {
  return parseJsonDocuments(text, file, "a trusted root");
}

/** `trusted_root.json`, or the JSON lines `gh attestation trusted-root` prints (several roots). */
export async function trustMaterialFromFile(file: string): Promise<SigstoreTrust> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch {
    throw new ConfigurationError(`cannot read the trusted root '${file}'`);
  }
  return trustFromRoots(parseTrustedRoots(text, file), file);
}

export const GITHUB_TUF_MIRROR = "https://tuf-repo.github.com";

/** Why trust could not be fetched, with what to do instead: this machine may be offline. */
function offline(what: string, thrown: unknown): ConfigurationError {
  return new ConfigurationError(
    `cannot fetch ${what} through TUF (${describeThrown(thrown)}); to verify offline, pass --trusted-root FILE (input 'trusted-root'), exported where there is network with 'gh attestation trusted-root > trusted_root.jsonl'`,
  );
}

const TUF_TIMEOUT = 10_000;

/** Public-good Sigstore's trusted root through its TUF repository (embedded in @sigstore/tuf). */
export async function publicGoodTrustMaterial(cachePath?: string): Promise<SigstoreTrust> {
  try {
    const root = await getTrustedRoot({
      ...(cachePath ? { cachePath } : {}),
      retry: 1,
      timeout: TUF_TIMEOUT,
    });
    return {
      roots: [
        {
          instance: "public-good",
          source: "tuf-repo-cdn.sigstore.dev",
          material: toTrustMaterial(root),
        },
      ],
    };
  } catch (thrown) {
    throw offline("public-good Sigstore's trusted root", thrown);
  }
}

/**
 * Where TUF metadata is kept between runs when no cache is given: this user's own cache
 * directory, never the shared temp dir, where another user of the machine could plant a TUF root
 * (a cached root.json is trusted as it is) or a link that the seed would be written through.
 */
function userCache(): string {
  const home = homedir();
  if (process.platform === "win32") {
    return join(process.env.LOCALAPPDATA || join(home, "AppData", "Local"), "status-gate", "tuf");
  }
  if (process.platform === "darwin") return join(home, "Library", "Caches", "status-gate", "tuf");
  return join(process.env.XDG_CACHE_HOME || join(home, ".cache"), "status-gate", "tuf");
}

/**
 * GitHub's trusted root through GitHub's TUF repository, starting from the root metadata that
 * `gh` embeds (a TUF client updates from there, checking each new root against the last).
 */
export async function githubTrustMaterial(cachePath?: string): Promise<SigstoreTrust> {
  const cache = cachePath ?? userCache();
  mkdirSync(cache, { recursive: true, mode: 0o700 });
  // The seed goes to a directory of its own that nobody else can have prepared (mkdtemp).
  const seedDir = mkdtempSync(join(tmpdir(), "status-gate-tuf-seed-"));
  const seed = join(seedDir, "tuf-repo.github.com.root.json");
  writeFileSync(seed, JSON.stringify(GITHUB_TUF_ROOT), { flag: "wx" });
  try {
    const tuf = await initTUF({
      mirrorURL: GITHUB_TUF_MIRROR,
      rootPath: seed,
      cachePath: cache,
      retry: 1,
      timeout: TUF_TIMEOUT,
    });
    const root = JSON.parse(await tuf.getTarget("trusted_root.json")) as unknown;
    return trustFromRoots([root], "tuf-repo.github.com");
  } catch (thrown) {
    if (thrown instanceof ConfigurationError) throw thrown;
    throw offline("GitHub's trusted root", thrown);
  } finally {
    rmSync(seedDir, { recursive: true, force: true });
  }
}

/** What `gh attestation verify` trusts by default: public-good Sigstore and GitHub's instance. */
export async function defaultTrust(cachePath?: string): Promise<SigstoreTrust> {
  const [publicGood, github] = await Promise.all([
    publicGoodTrustMaterial(cachePath),
    githubTrustMaterial(cachePath),
  ]);
  return { roots: [...publicGood.roots, ...github.roots] };
}
