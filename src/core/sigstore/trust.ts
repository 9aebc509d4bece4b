import { readFile } from "node:fs/promises";
import { TrustedRoot } from "@sigstore/protobuf-specs";
import { getTrustedRoot } from "@sigstore/tuf";
import { type TrustMaterial, toTrustMaterial } from "@sigstore/verify";
import { ConfigurationError } from "../errors.ts";

/**
 * Trust material from one or more trusted roots in their JSON form (`trusted_root.json`, or the
 * JSON lines `gh attestation trusted-root` prints: public-good Sigstore and GitHub's instance).
 * Several roots are merged, so bundles from either instance verify against one value.
 */
export function trustMaterialFromRoots(roots: readonly unknown[]): TrustMaterial {
  const materials = roots.map((root) => toTrustMaterial(TrustedRoot.fromJSON(root)));
  const first = materials[0];
  if (!first) throw new ConfigurationError("no trusted root was given");
  return {
    certificateAuthorities: materials.flatMap((m) => m.certificateAuthorities),
    timestampAuthorities: materials.flatMap((m) => m.timestampAuthorities),
    tlogs: materials.flatMap((m) => m.tlogs),
    ctlogs: materials.flatMap((m) => m.ctlogs),
    publicKey: first.publicKey,
  };
}

/** Parses a trusted-root file: one JSON document, or JSON lines with one root per line. */
export function parseTrustedRoots(text: string, file: string): unknown[] {
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
        throw new ConfigurationError(`${file}:${number} is not a trusted root in JSON`, {
          file,
          line: number,
        });
      }
    });
}

export async function trustMaterialFromFile(file: string): Promise<TrustMaterial> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch {
    throw new ConfigurationError(`cannot read the trusted root '${file}'`);
  }
  return trustMaterialFromRoots(parseTrustedRoots(text, file));
}

/**
 * The public-good Sigstore trusted root, fetched and checked through TUF (cached under
 * `cachePath`). For bundles signed by GitHub's own instance (private repositories), pass GitHub's
 * trusted root as a file instead: `gh attestation trusted-root > trusted_root.jsonl`.
 */
export async function publicGoodTrustMaterial(cachePath?: string): Promise<TrustMaterial> {
  const root = await getTrustedRoot(cachePath ? { cachePath } : {});
  return toTrustMaterial(root);
}
