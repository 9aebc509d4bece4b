import { ConfigurationError } from "../core/errors.ts";

/** An image reference as registries resolve it: `registry/repository[:tag][@digest]`. */
export interface ImageReference {
  /** The host (and port) as written, lower-cased; `docker.io` for Docker Hub. */
  registry: string;
  /** The repository path, lower-cased; `library/<name>` for official Docker Hub images. */
  repository: string;
  tag: string | undefined;
  digest: string | undefined;
  /** The text the user gave, for messages. */
  original: string;
}

const DOCKER_HUB = "docker.io";
const DOCKER_HUB_ALIASES = new Set(["docker.io", "index.docker.io", "registry-1.docker.io"]);
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-fA-F0-9]{32,}$/;
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const HOST = /^(?:[a-zA-Z0-9-]+(?:\.[a-zA-Z0-9-]+)*|\[[0-9a-fA-F:]+\])(?::\d+)?$/;

/** Whether the first path component names a registry host rather than a repository part. */
function isRegistryHost(component: string): boolean {
  return component.includes(".") || component.includes(":") || component === "localhost";
}

function refuse(text: string, why: string): never {
  throw new ConfigurationError(
    `image reference '${text}' ${why}; write it as registry/repository:tag or registry/repository@sha256:<hex>`,
  );
}

/**
 * Parses and normalises an image reference as Docker and registries do: no host means Docker
 * Hub, a single-component Docker Hub name gains `library/`, the repository is lower-cased, and a
 * tag defaults to nothing (callers decide whether `latest` is meant).
 */
export function parseImageReference(text: string): ImageReference {
  const original = text.trim();
  if (original.length === 0) refuse(text, "is empty");
  let rest = original.replace(/^(?:oci|docker):\/\//, "");
  let digest: string | undefined;
  const at = rest.indexOf("@");
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) refuse(original, `has digest '${digest}', not <algorithm>:<hex>`);
    digest = digest.toLowerCase();
  }
  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf("/");
  const colon = rest.lastIndexOf(":");
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) refuse(original, `has tag '${tag}', which is not a valid tag`);
  }
  const components = rest.split("/");
  let registry = DOCKER_HUB;
  if (components.length > 1 && isRegistryHost(components[0] as string)) {
    registry = (components.shift() as string).toLowerCase();
    if (!HOST.test(registry)) refuse(original, `names registry '${registry}', not a host[:port]`);
  }
  if (DOCKER_HUB_ALIASES.has(registry)) registry = DOCKER_HUB;
  const path = components.map((component) => component.toLowerCase());
  if (registry === DOCKER_HUB && path.length === 1) path.unshift("library");
  for (const component of path) {
    if (!PATH_COMPONENT.test(component)) {
      refuse(original, `has repository part '${component}', which registries do not accept`);
    }
  }
  return { registry, repository: path.join("/"), tag, digest, original };
}

/** `registry/repository[:tag][@digest]`, the normalised form. */
export function formatReference(reference: ImageReference): string {
  const tag = reference.tag ? `:${reference.tag}` : "";
  const digest = reference.digest ? `@${reference.digest}` : "";
  return `${reference.registry}/${reference.repository}${tag}${digest}`;
}

/** The subject name of a statement: the repository without tag or digest, as GitHub writes it. */
export function subjectName(reference: ImageReference): string {
  return `${reference.registry}/${reference.repository}`;
}

/** The host to speak the distribution API to (Docker Hub's API lives on another host). */
export function apiHost(registry: string): string {
  return registry === DOCKER_HUB ? "registry-1.docker.io" : registry;
}
