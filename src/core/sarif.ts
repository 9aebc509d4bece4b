/**
 * github/codeql-action/upload-sarif's documented limits: a log over them is refused whole, which
 * loses every finding in it, so each SARIF writer stays within them.
 */
export const SARIF_MAX_RESULTS = 25_000;
export const SARIF_MAX_LOCATIONS = 1_000;

/**
 * A rule's `helpUri` (`format: uri` in the SARIF schema, shown as a link by code scanning): only
 * an http(s) URL with nothing a browser would rewrite, else none.
 */
export function sarifHelpUri(url: string | undefined): string | undefined {
  if (!url || !/^https?:\/\/[^\s\p{Cc}\p{Cf}<>"{}|\\^`]+$/iu.test(url)) return undefined;
  try {
    return new URL(url).href === url || new URL(url).href === `${url}/` ? url : undefined;
  } catch {
    return undefined;
  }
}

/** A repository path as an `artifactLocation.uri` (`format: uri-reference`): each part encoded. */
export function sarifArtifactUri(path: string): string {
  return path.split("/").map(encodeURIComponent).join("/");
}
