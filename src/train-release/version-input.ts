import { ConfigurationError } from "../core/errors.ts";
import { parseList } from "../core/inputs.ts";
import { exactVersion } from "./versions.ts";

/**
 * The `version` input: `2.1.0` for the root (or only) component, or `name=version` items separated
 * by commas or lines. The map uses `*` for the bare form.
 */
export function parseVersionInput(
  text: string | undefined,
  label = "input 'version'",
): Map<string, string> {
  const versions = new Map<string, string>();
  for (const item of parseList(text ?? "")) {
    const at = item.indexOf("=");
    const name = at < 0 ? "*" : item.slice(0, at).trim();
    const version = exactVersion(at < 0 ? item : item.slice(at + 1).trim(), label);
    if (versions.has(name)) {
      throw new ConfigurationError(
        `${label} gives ${name === "*" ? "the root component" : name} twice`,
      );
    }
    versions.set(name, version);
  }
  return versions;
}
