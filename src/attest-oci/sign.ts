import { bundleToJSON, type SerializedBundle } from "@sigstore/bundle";
import {
  DSSEBundleBuilder,
  FulcioSigner,
  RekorWitness,
  TSAWitness,
  type Witness,
} from "@sigstore/sign";
import { ConfigurationError } from "../core/errors.ts";
import { IN_TOTO_PAYLOAD_TYPE } from "../core/sigstore/index.ts";

export type SigstoreInstance = "public-good" | "github";

export interface SigningEndpoints {
  instance: SigstoreInstance | "custom";
  fulcioUrl: string;
  rekorUrl: string | undefined;
  tsaUrl: string | undefined;
}

export interface EndpointChoice {
  /** How messages name an input (`input 'fulcio-url'`, `--fulcio-url`). */
  label?: (name: string) => string;
  /** `auto` follows the repository's visibility, as GitHub's attest actions do. */
  sigstore: "auto" | SigstoreInstance;
  /** `repository.visibility` of the event payload. */
  visibility: string | undefined;
  serverUrl: string;
  fulcioUrl?: string;
  rekorUrl?: string;
  tsaUrl?: string;
}

/**
 * Where to sign: public-good Sigstore (Fulcio and Rekor) for public repositories, GitHub's
 * instance (Fulcio and a timestamp authority) otherwise, so private provenance never reaches a
 * public log. Explicit URLs replace the instance's (self-hosted Sigstore, tests).
 */
export function signingEndpoints(choice: EndpointChoice): SigningEndpoints {
  const instance: SigstoreInstance =
    choice.sigstore === "auto"
      ? choice.visibility === "public"
        ? "public-good"
        : "github"
      : choice.sigstore;
  if (choice.fulcioUrl) {
    if (!choice.rekorUrl && !choice.tsaUrl) {
      const label = choice.label ?? ((name: string) => `input '${name}'`);
      throw new ConfigurationError(
        `${label("fulcio-url")} is set but neither ${label("rekor-url")} nor ${label("tsa-url")} is; a bundle needs a timestamp from one of them`,
      );
    }
    return {
      instance: "custom",
      fulcioUrl: choice.fulcioUrl,
      rekorUrl: choice.rekorUrl,
      tsaUrl: choice.tsaUrl,
    };
  }
  if (instance === "public-good") {
    return {
      instance,
      fulcioUrl: "https://fulcio.sigstore.dev",
      rekorUrl: "https://rekor.sigstore.dev",
      tsaUrl: undefined,
    };
  }
  let host = new URL(choice.serverUrl).hostname;
  if (host === "github.com") host = "githubapp.com";
  return {
    instance,
    fulcioUrl: `https://fulcio.${host}`,
    rekorUrl: undefined,
    tsaUrl: `https://timestamp.${host}`,
  };
}

/**
 * Signs an in-toto statement with a short-lived Fulcio certificate for the job's ID token and
 * timestamps it (Rekor and/or a TSA): one certificate request and one timestamp per statement.
 */
export async function signStatement(
  statement: Buffer,
  endpoints: SigningEndpoints,
  idToken: string,
): Promise<SerializedBundle> {
  const witnesses: Witness[] = [];
  if (endpoints.rekorUrl) {
    witnesses.push(new RekorWitness({ rekorBaseURL: endpoints.rekorUrl, fetchOnConflict: true }));
  }
  if (endpoints.tsaUrl) witnesses.push(new TSAWitness({ tsaBaseURL: endpoints.tsaUrl }));
  const signer = new FulcioSigner({
    fulcioBaseURL: endpoints.fulcioUrl,
    identityProvider: { getToken: async () => idToken },
    timeout: 10_000,
    retry: 3,
  });
  const bundle = await new DSSEBundleBuilder({ signer, witnesses }).create({
    data: statement,
    type: IN_TOTO_PAYLOAD_TYPE,
  });
  return bundleToJSON(bundle);
}
