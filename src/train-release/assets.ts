import { existsSync, globSync, readFileSync, realpathSync, statSync } from "node:fs";
import { basename, isAbsolute, join, relative, resolve } from "node:path";
import { ConfigurationError } from "../core/errors.ts";
import type { ReleaseAsset, RemoteRelease, TrainRemote } from "./remote.ts";

/** The Sigstore bundle attest-oci writes next to a file it attests (`subject-path`). */
export const BUNDLE_SUFFIX = ".sigstore.json";

export type BundlePolicy = "optional" | "required" | "none";

export interface AssetFile {
  path: string;
  /** The asset's name on the release: the file's name. */
  name: string;
}

/**
 * The files a release's asset globs match under `workspace`, bundles left out (they go with their
 * file). Two files of one name would be one asset, so that is refused.
 */
export function assetFiles(globs: readonly string[], workspace: string): AssetFile[] {
  const found = new Map<string, string>();
  const root = realpathSync(workspace);
  for (const glob of globs) {
    for (const match of globSync(glob, { cwd: workspace })) {
      const path = isAbsolute(match) ? match : join(workspace, match);
      if (match.endsWith(BUNDLE_SUFFIX) || !statSync(path).isFile()) continue;
      refuseLinkOutside(path, root, workspace);
      const name = basename(path);
      const other = found.get(name);
      if (other !== undefined && other !== path) {
        throw new ConfigurationError(
          `assets: ${relative(workspace, other)} and ${relative(workspace, path)} would both be the release asset '${name}'; rename one`,
        );
      }
      found.set(name, path);
    }
  }
  return [...found]
    .map(([name, path]) => ({ name, path }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * A link the checkout holds (a pull request can commit one where the build leaves its files) is
 * followed only inside the workspace: pointing at `/proc/self/environ` or a credentials file, it
 * would publish the runner's token as a release asset.
 */
function refuseLinkOutside(path: string, root: string, workspace: string): void {
  const real = realpathSync(path);
  if (real === resolve(path)) return;
  const inside = relative(root, real);
  if (inside !== "" && !inside.startsWith("..") && !isAbsolute(inside)) return;
  throw new ConfigurationError(
    `assets: ${relative(workspace, path)} leads outside the workspace (to ${real}) through a symbolic link; nothing was uploaded. Release assets are the build's files in the workspace, never what a link points at elsewhere`,
  );
}

export interface AttachResult {
  uploaded: string[];
  /** Files attached without a Sigstore bundle beside them (policy `optional`). */
  unsigned: string[];
}

/**
 * Uploads files (and each one's `<file>.sigstore.json`) to a draft release. Nothing is ever
 * attached to a published release: with immutable releases GitHub refuses it, and without them a
 * published release would change under its users. An asset already there with the same size is
 * kept, so a rerun uploads only what is missing.
 */
export async function attachToDraft(
  remote: TrainRemote,
  release: RemoteRelease,
  files: readonly AssetFile[],
  bundles: BundlePolicy,
  writes: string[],
): Promise<AttachResult> {
  if (files.length === 0) {
    throw new ConfigurationError(
      `no files to attach to release ${release.tag}: the asset globs matched nothing; a release without its assets is not published`,
    );
  }
  const missingBundles = files.filter((file) => !existsSync(`${file.path}${BUNDLE_SUFFIX}`));
  if (bundles === "required" && missingBundles.length > 0) {
    throw new ConfigurationError(
      `no Sigstore bundle beside ${missingBundles.map((file) => file.name).join(", ")} (expected <file>${BUNDLE_SUFFIX}); ` +
        "attest the files first (attest-oci with subject-path), or set assets.bundles to optional",
    );
  }
  const uploads = files.flatMap((file) => {
    const bundle = `${file.path}${BUNDLE_SUFFIX}`;
    return [
      file,
      ...(bundles !== "none" && existsSync(bundle)
        ? [{ path: bundle, name: `${file.name}${BUNDLE_SUFFIX}` }]
        : []),
    ];
  });
  const pending = uploads
    .map((file) => ({ ...file, data: readFileSync(file.path) }))
    .filter((file) => assetOf(release, file.name)?.size !== file.data.length);
  if (!release.draft && pending.length > 0) {
    throw new ConfigurationError(
      `release ${release.tag} is already published${release.immutable ? " and immutable" : ""}, without ${pending.map((file) => file.name).join(", ")}; ` +
        "assets are attached to its draft before it is published, never after",
    );
  }
  const uploaded: string[] = [];
  for (const file of pending) {
    const { data } = file;
    const existing = assetOf(release, file.name);
    if (existing) {
      await remote.deleteAsset(existing);
      release.assets.splice(release.assets.indexOf(existing), 1);
      writes.push(`delete asset ${file.name} of ${release.tag} (a different size)`);
    }
    release.assets.push(await remote.uploadAsset(release, file.name, data));
    writes.push(`upload asset ${file.name} to draft release ${release.tag}`);
    uploaded.push(file.name);
  }
  return {
    uploaded,
    unsigned: bundles === "optional" ? missingBundles.map((file) => file.name) : [],
  };
}

/**
 * The release's asset for a file: GitHub renames special characters in asset names
 * (`wash-2.1.0+linux` is stored as `wash-2.1.0.linux`), so the file's own name is its label.
 */
function assetOf(release: RemoteRelease, name: string): ReleaseAsset | undefined {
  return release.assets.find((asset) => asset.label === name || asset.name === name);
}

/** Why a draft may not be published yet: no asset, or (when required) a file without its bundle. */
export function unpublishable(release: RemoteRelease, bundles: BundlePolicy): string | undefined {
  const files = release.assets.filter((asset) => !asset.name.endsWith(BUNDLE_SUFFIX));
  if (files.length === 0) return `release ${release.tag} has no assets attached`;
  if (bundles !== "required") return undefined;
  const names = new Set(release.assets.map((asset) => asset.name));
  const unsigned = files.filter((asset) => !names.has(`${asset.name}${BUNDLE_SUFFIX}`));
  return unsigned.length > 0
    ? `release ${release.tag} has no Sigstore bundle for ${unsigned.map((asset) => asset.name).join(", ")}`
    : undefined;
}
