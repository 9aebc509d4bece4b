import semver from "semver";

/**
 * Names and messages the train writes are templates: `release: v{version}`, `release/v{version}`,
 * `runtime-operator/v{version}`, `v{major}`. One filler and one checker for all of them.
 */
export const PLACEHOLDERS = [
  "name",
  "version",
  "tag",
  "slot",
  "major",
  "minor",
  "patch",
  "previous",
  "released",
] as const;

export type Placeholder = (typeof PLACEHOLDERS)[number];

const PLACEHOLDER = /\{([a-z]+)\}/g;

/** Why a template is refused, or undefined. `refName`: the result must be a valid git ref name. */
export function templateProblem(
  text: string,
  options: { refName?: boolean } = {},
): string | undefined {
  const unknown = [...text.matchAll(PLACEHOLDER)]
    .map((match) => match[1] as string)
    .filter((name) => !(PLACEHOLDERS as readonly string[]).includes(name));
  if (unknown.length > 0) {
    return `unknown placeholder {${unknown[0]}}; use ${PLACEHOLDERS.map((name) => `{${name}}`).join(", ")}`;
  }
  if (/[{}]/.test(text.replace(PLACEHOLDER, ""))) return "a brace without its placeholder";
  if (options.refName) {
    const sample = fillTemplate(text, {
      name: "name",
      version: "1.2.3",
      tag: "v1.2.3",
      slot: "2026-12-01",
      previous: "1.2.2",
    });
    if (!isRefName(sample)) {
      return "not a valid git ref name (no spaces, ~ ^ : ? * [ \\, '..', '@{', or a leading or trailing / or .)";
    }
  }
  return undefined;
}

export type TemplateValues = Partial<Record<Placeholder, string>>;

/** Fills placeholders; `{major}`, `{minor}` and `{patch}` come from `version`. */
export function fillTemplate(text: string, values: TemplateValues): string {
  const parsed = values.version ? semver.parse(values.version) : null;
  const all: TemplateValues = {
    ...(parsed
      ? { major: String(parsed.major), minor: String(parsed.minor), patch: String(parsed.patch) }
      : {}),
    ...values,
  };
  return text.replace(PLACEHOLDER, (whole, name: string) => all[name as Placeholder] ?? whole);
}

/** Whether a template names one release (it holds the whole version) or moves with each (`v{major}`). */
export function isFloatingTemplate(text: string): boolean {
  return !/\{(version|tag)\}/.test(text) && !/\{patch\}/.test(text);
}

/** git's rules for a ref name (git check-ref-format), for the parts a template can get wrong. */
export function isRefName(name: string): boolean {
  return (
    name.length > 0 &&
    !/[\s~^:?*[\\]/.test(name) &&
    ![...name].some((char) => (char.codePointAt(0) as number) < 0x20 || char === "\u007f") &&
    !name.includes("..") &&
    !name.includes("@{") &&
    !name.includes("//") &&
    !/^[/.]|[/.]$|\.lock$|\/\./.test(name) &&
    name !== "@"
  );
}
