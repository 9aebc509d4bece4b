import { minimatch } from "minimatch";
import { parse as parseToml } from "smol-toml";
import { ConfigurationError } from "../core/errors.ts";
import type { ComponentKind, TrainConfig } from "./config.ts";
import { anyGlob } from "./globs.ts";

/** A version field in a file: which file, how to edit it, and which key holds the version. */
export interface VersionField {
  path: string;
  format: "toml" | "json" | "yaml";
  /** Dotted key, e.g. `workspace.package.version`, `package.version`, `version`. */
  key: string;
}

/** A lock file and the package names in it that belong to a component. */
export interface LockEntry {
  path: string;
  format: "cargo" | "npm";
  packages: string[];
  /** npm: the workspace paths of the members (keys of `packages` in package-lock.json). */
  memberPaths: string[];
}

export interface Component {
  name: string;
  /** Directory relative to the repository root ("" for the root). */
  path: string;
  kind: ComponentKind;
  tagPrefix: string;
  /** The version in the manifest at the cutoff. */
  version: string;
  /** Directories whose files belong to this component. */
  owns: string[];
  fields: VersionField[];
  locks: LockEntry[];
  /** The Cargo crates (or npm packages) this component versions. */
  packages: string[];
  /** Tag templates beyond the component's own tag (configured). */
  extraTags: string[];
  /** Globs of files attached to its releases (configured). */
  assets: string[];
}

/** The repository at the cutoff: its file list and a reader for contents. */
export interface TreeSnapshot {
  files: readonly string[];
  read(path: string): string | undefined;
}

type Table = Record<string, unknown>;

const dirOf = (path: string) => (path.includes("/") ? path.slice(0, path.lastIndexOf("/")) : "");
const join = (dir: string, file: string) => (dir ? `${dir}/${file}` : file);

/**
 * Finds the components of a repository: Cargo workspaces (a `[workspace.package].version` with
 * `version.workspace = true` members is one co-versioned group), crates and examples with their
 * own manifest and lock file, npm packages and workspaces, then applies the configuration.
 */
export function discoverComponents(tree: TreeSnapshot, config: TrainConfig): Component[] {
  const ignoredByConfig = anyGlob(config.ignore);
  const ignored = (path: string) =>
    ignoredByConfig(path) || /(^|\/)(node_modules|target)\//.test(path);
  const files = tree.files.filter((path) => !ignored(path));
  const found = [...discoverCargo(tree, files), ...discoverNpm(tree, files)];
  const components = applyOverrides(assignKinds(found, config), config);
  attachVersionFiles(components, tree, config);
  const names = new Map<string, string>();
  for (const component of components) {
    const other = names.get(component.name);
    if (other !== undefined) {
      throw new ConfigurationError(
        `two components are named '${component.name}' (${other || "."} and ${component.path || "."}); ` +
          "give one a 'name' under components in the train configuration",
      );
    }
    names.set(component.name, component.path);
  }
  return components.sort((a, b) => a.path.localeCompare(b.path) || a.name.localeCompare(b.name));
}

function readToml(tree: TreeSnapshot, path: string): Table {
  try {
    return parseToml(tree.read(path) ?? "") as Table;
  } catch (thrown) {
    const { line, column } = thrown as { line?: number; column?: number };
    const message = (
      thrown instanceof Error ? thrown.message.split("\n")[0] : String(thrown)
    )?.replace(/^Invalid TOML document: /, "");
    const where = line === undefined ? path : `${path}:${line}:${column ?? 1}`;
    throw new ConfigurationError(`${where}: not valid TOML: ${message}`, {
      file: path,
      ...(line === undefined ? {} : { line, column: column ?? 1 }),
    });
  }
}

function table(value: unknown): Table | undefined {
  return value !== null && typeof value === "object" && !Array.isArray(value)
    ? (value as Table)
    : undefined;
}

function defaultPrefix(path: string, name: string): string {
  return path === "" ? "v" : `${name}-v`;
}

function discoverCargo(tree: TreeSnapshot, files: string[]): Component[] {
  const manifests = files.filter((path) => path === "Cargo.toml" || path.endsWith("/Cargo.toml"));
  const parsed = new Map(manifests.map((path) => [path, readToml(tree, path)]));
  const claimed = new Set<string>();
  const components: Component[] = [];
  for (const [path, manifest] of parsed) {
    const workspace = table(manifest.workspace);
    if (!workspace) continue;
    const root = dirOf(path);
    const members = workspaceMembers(root, workspace, manifests);
    if (table(manifest.package)) members.unshift(path);
    for (const member of members) claimed.add(member);
    components.push(...workspaceComponents(root, manifest, members, parsed, files));
  }
  for (const [path, manifest] of parsed) {
    if (claimed.has(path) || table(manifest.workspace)) continue;
    const crate = crateComponent(path, manifest, files);
    if (crate) components.push(crate);
  }
  return components;
}

function workspaceMembers(root: string, workspace: Table, manifests: string[]): string[] {
  const include = ((workspace.members as string[] | undefined) ?? []).map((glob) =>
    join(root, glob),
  );
  const exclude = ((workspace.exclude as string[] | undefined) ?? []).map((glob) =>
    join(root, glob),
  );
  return manifests.filter((manifest) => {
    const dir = dirOf(manifest);
    if (dir === root) return false;
    return (
      include.some((glob) => minimatch(dir, glob)) && !exclude.some((glob) => minimatch(dir, glob))
    );
  });
}

function workspaceComponents(
  root: string,
  manifest: Table,
  members: string[],
  parsed: Map<string, Table>,
  files: string[],
): Component[] {
  const workspacePackage = table(table(manifest.workspace)?.package);
  const lock = join(root, "Cargo.lock");
  const hasLock = files.includes(lock);
  const grouped: string[] = [];
  const components: Component[] = [];
  for (const member of members) {
    const memberPackage = table(parsed.get(member)?.package) ?? {};
    const inherits = table(memberPackage.version)?.workspace === true;
    if (inherits && typeof workspacePackage?.version === "string") {
      grouped.push(member);
      continue;
    }
    if (typeof memberPackage.version !== "string") continue;
    const name = String(memberPackage.name ?? dirOf(member).split("/").pop());
    components.push({
      name,
      path: dirOf(member),
      kind: "crate",
      tagPrefix: defaultPrefix(dirOf(member), name),
      version: memberPackage.version,
      owns: [dirOf(member)],
      fields: [{ path: member, format: "toml", key: "package.version" }],
      locks: hasLock ? [{ path: lock, format: "cargo", packages: [name], memberPaths: [] }] : [],
      packages: [name],
      extraTags: [],
      assets: [],
    });
  }
  if (typeof workspacePackage?.version === "string") {
    const rootPackage = table(manifest.package);
    const name = String(rootPackage?.name ?? (root.split("/").pop() || "workspace"));
    const crateNames = grouped.map((member) => String(table(parsed.get(member)?.package)?.name));
    components.push({
      name,
      path: root,
      kind: "group",
      tagPrefix: defaultPrefix(root, name),
      version: workspacePackage.version,
      owns: [...new Set([root, ...grouped.map(dirOf)])],
      fields: [
        { path: join(root, "Cargo.toml"), format: "toml", key: "workspace.package.version" },
      ],
      locks: hasLock
        ? [{ path: lock, format: "cargo", packages: crateNames, memberPaths: [] }]
        : [],
      packages: crateNames,
      extraTags: [],
      assets: [],
    });
  }
  return components;
}

function crateComponent(path: string, manifest: Table, files: string[]): Component | undefined {
  const cratePackage = table(manifest.package);
  if (typeof cratePackage?.version !== "string") return undefined;
  const dir = dirOf(path);
  const name = String(cratePackage.name ?? dir.split("/").pop());
  const lock = join(dir, "Cargo.lock");
  return {
    name,
    path: dir,
    kind: "crate",
    tagPrefix: defaultPrefix(dir, name),
    version: cratePackage.version,
    owns: [dir],
    fields: [{ path, format: "toml", key: "package.version" }],
    locks: files.includes(lock)
      ? [{ path: lock, format: "cargo", packages: [name], memberPaths: [] }]
      : [],
    packages: [name],
    extraTags: [],
    assets: [],
  };
}

function discoverNpm(tree: TreeSnapshot, files: string[]): Component[] {
  const manifests = files.filter(
    (path) => path === "package.json" || path.endsWith("/package.json"),
  );
  const parsed = new Map<string, Table>();
  for (const path of manifests) {
    try {
      parsed.set(path, JSON.parse(tree.read(path) ?? "") as Table);
    } catch {
      throw new ConfigurationError(`${path}: not valid JSON`, { file: path });
    }
  }
  const workspaceOf = new Map<string, string>();
  for (const [path, manifest] of parsed) {
    const globs = Array.isArray(manifest.workspaces)
      ? (manifest.workspaces as string[])
      : ((table(manifest.workspaces)?.packages as string[] | undefined) ?? []);
    const root = dirOf(path);
    for (const member of manifests) {
      const dir = dirOf(member);
      if (dir !== root && globs.some((glob) => minimatch(dir, join(root, glob)))) {
        workspaceOf.set(member, root);
      }
    }
  }
  const components: Component[] = [];
  for (const [path, manifest] of parsed) {
    const isWorkspaceRoot = manifest.workspaces !== undefined;
    if (typeof manifest.version !== "string" || (isWorkspaceRoot && manifest.private === true))
      continue;
    const dir = dirOf(path);
    const name = String(manifest.name ?? (dir.split("/").pop() || "package"));
    const lockRoot = workspaceOf.get(path) ?? dir;
    const lock = join(lockRoot, "package-lock.json");
    const memberPath = lockRoot === "" ? dir : dir.slice(lockRoot.length + 1);
    components.push({
      name,
      path: dir,
      kind: "package",
      tagPrefix: defaultPrefix(dir, name.replace(/^@[^/]+\//, "")),
      version: manifest.version,
      owns: [dir],
      fields: [{ path, format: "json", key: "version" }],
      locks: files.includes(lock)
        ? [{ path: lock, format: "npm", packages: [name], memberPaths: [memberPath] }]
        : [],
      packages: [name],
      extraTags: [],
      assets: [],
    });
  }
  return components;
}

/**
 * A component's kind comes from the folder it lives in (examples/**, and any roles configured
 * under `kinds`), not from how its manifest is laid out: a member of an example's own workspace is
 * an example all the same.
 */
function assignKinds(found: Component[], config: TrainConfig): Component[] {
  const roles = Object.entries(config.kinds).map(
    ([kind, globs]) => [kind as ComponentKind, anyGlob(globs ?? [])] as const,
  );
  return found.map((component) => {
    const role = roles.find(([, matches]) => matches(component.path));
    return role ? { ...component, kind: role[0] } : component;
  });
}

function applyOverrides(found: Component[], config: TrainConfig): Component[] {
  for (const override of config.components) {
    if (!found.some((component) => component.path === override.path)) {
      throw new ConfigurationError(
        `${config.file ?? "train configuration"}: components lists '${override.path || "."}', ` +
          `but no Cargo.toml or package.json with a version was found there ` +
          `(found: ${found.map((component) => component.path || ".").join(", ") || "none"})`,
        config.file ? { file: config.file } : undefined,
      );
    }
  }
  return found.flatMap((component) => {
    const override = config.components.find((item) => item.path === component.path);
    if (!override) return [component];
    if (override.skip) return [];
    const name = override.name ?? component.name;
    return [
      {
        ...component,
        name,
        kind: override.kind ?? component.kind,
        tagPrefix: override.tagPrefix ?? defaultPrefix(component.path, name),
        extraTags: override.extraTags,
        assets: override.assets,
      },
    ];
  });
}

function attachVersionFiles(components: Component[], tree: TreeSnapshot, config: TrainConfig) {
  for (const versionFile of config.versionFiles) {
    const component = components.find((item) => item.name === versionFile.component);
    if (!component) {
      throw new ConfigurationError(
        `version-files: '${versionFile.path}' names component '${versionFile.component}', which ` +
          `does not exist (components: ${components.map((item) => item.name).join(", ")})`,
        config.file ? { file: config.file } : undefined,
      );
    }
    if (tree.read(versionFile.path) === undefined) {
      throw new ConfigurationError(`version-files: '${versionFile.path}' does not exist`);
    }
    const format = /\.ya?ml$/.test(versionFile.path)
      ? "yaml"
      : versionFile.path.endsWith(".json")
        ? "json"
        : "toml";
    for (const key of versionFile.keys)
      component.fields.push({ path: versionFile.path, format, key });
  }
}

/** Maps each file to the component that owns the deepest directory containing it. */
export function ownershipIndex(
  components: readonly Component[],
): (file: string) => Component | undefined {
  const byDir = new Map<string, Component>();
  for (const component of components) for (const dir of component.owns) byDir.set(dir, component);
  // Most commits touch folders seen before: each folder's owner is looked up once.
  const known = new Map<string, Component | undefined>();
  const ownerOf = (dir: string): Component | undefined => {
    if (known.has(dir)) return known.get(dir);
    const owner = byDir.get(dir) ?? (dir === "" ? undefined : ownerOf(dirOf(dir)));
    known.set(dir, owner);
    return owner;
  };
  return (file) => ownerOf(dirOf(file));
}
