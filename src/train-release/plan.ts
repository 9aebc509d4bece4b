import { minimatch } from "minimatch";
import { ConfigurationError } from "../core/errors.ts";
import type { ComponentKind, TrainConfig } from "./config.ts";
import {
  type Bump,
  type ClassifiedCommit,
  type CommitRecord,
  classifyCommit,
  largestBump,
} from "./conventional.ts";
import {
  type Component,
  discoverComponents,
  ownershipIndex,
  type TreeSnapshot,
} from "./discover.ts";
import { exactVersion, isGreater, latestTag, type NextVersion, nextVersion } from "./versions.ts";

/** The history source a plan needs; LocalGit implements it. */
export interface HistoryReader {
  tagsMergedInto(commit: string): Map<string, string>;
  allTags(): Map<string, string>;
  commits(range: readonly string[]): CommitRecord[];
  snapshot(commit: string, wanted: (path: string) => boolean): TreeSnapshot;
}

export interface ManualRequest {
  /** Replaces the bump conventional commits would choose. */
  bump?: Exclude<Bump, "none">;
  /** Exact versions by component name; `*` is the root (or only) component. */
  versions?: Map<string, string>;
}

export interface ComponentPlan {
  component: Component;
  name: string;
  path: string;
  kind: ComponentKind;
  /** The last released version (from tags), undefined for a first release. */
  previous: string | undefined;
  previousTag: string | undefined;
  /** The version this train would release; equals `previous` when it stays. */
  version: string;
  tag: string;
  departs: boolean;
  how: NextVersion["how"] | "unchanged";
  commits: ClassifiedCommit[];
  /** Subjects that are not conventional commits, counted as patches. */
  unparsed: string[];
}

export interface ReleasePlan {
  cutoff: string;
  /** Every Cargo.toml at the cutoff: path dependencies on bumped crates may need a new requirement. */
  cargoManifests: string[];
  components: ComponentPlan[];
  departing: ComponentPlan[];
}

const MANIFEST = /(^|\/)(Cargo\.toml|Cargo\.lock|package\.json|package-lock\.json)$/;

/** Decides, from local history alone, what each component releases if the train leaves at `cutoff`. */
export function planRelease(
  history: HistoryReader,
  config: TrainConfig,
  cutoff: string,
  manual: ManualRequest = {},
): ReleasePlan {
  const extra = new Set(config.versionFiles.map((file) => file.path));
  const tree = history.snapshot(cutoff, (path) => MANIFEST.test(path) || extra.has(path));
  const components = discoverComponents(tree, config);
  const releases = lastReleases(components, history.tagsMergedInto(cutoff), history.allTags());
  const changes = commitsByComponent(history, config, components, releases, cutoff);
  const exact = resolveExactVersions(components, manual.versions);
  const plans = components.map((component) =>
    planComponent(
      component,
      releases.get(component),
      changes.get(component) ?? [],
      config,
      manual,
      exact.get(component),
    ),
  );
  const cargoManifests = tree.files.filter(
    (path) =>
      /(^|\/)Cargo\.toml$/.test(path) &&
      !config.ignore.some((glob) => minimatch(path, glob, { dot: true })),
  );
  return {
    cutoff,
    cargoManifests,
    components: plans,
    departing: plans.filter((plan) => plan.departs),
  };
}

interface LastRelease {
  tag: string;
  version: string;
  commit: string;
}

/**
 * Each component's last release: the highest semver tag of its prefix reachable from the cutoff,
 * or the tag of the manifest's own version when that exists elsewhere and is higher (a release
 * commit whose bumps came back through a squashed pull request is not an ancestor).
 */
function lastReleases(
  components: readonly Component[],
  merged: Map<string, string>,
  all: Map<string, string>,
): Map<Component, LastRelease> {
  const result = new Map<Component, LastRelease>();
  for (const component of components) {
    const reachable = latestTag(merged.keys(), component.tagPrefix);
    const ownTag = `${component.tagPrefix}${component.version}`;
    const own = all.get(ownTag);
    if (own && (!reachable || isGreater(component.version, reachable.version))) {
      result.set(component, { tag: ownTag, version: component.version, commit: own });
    } else if (reachable) {
      result.set(component, { ...reachable, commit: merged.get(reachable.tag) as string });
    }
  }
  return result;
}

function commitsByComponent(
  history: HistoryReader,
  config: TrainConfig,
  components: readonly Component[],
  releases: Map<Component, LastRelease>,
  cutoff: string,
): Map<Component, ClassifiedCommit[]> {
  const byBase = new Map<string, Component[]>();
  for (const component of components) {
    const base = releases.get(component)?.commit ?? "";
    byBase.set(base, [...(byBase.get(base) ?? []), component]);
  }
  const owner = ownershipIndex(components);
  const ignored = (file: string) =>
    config.ignore.some((glob) => minimatch(file, glob, { dot: true }));
  const result = new Map<Component, ClassifiedCommit[]>();
  for (const [base, group] of byBase) {
    const members = new Set(group);
    const range = [
      cutoff,
      ...(base ? [`^${base}`] : []),
      ...(config.bootstrap ? [`^${config.bootstrap}`] : []),
    ];
    for (const commit of history.commits(range)) {
      const touched = new Set<Component>();
      for (const file of commit.files) {
        if (ignored(file)) continue;
        const found = owner(file);
        if (found && members.has(found)) touched.add(found);
        for (const shared of config.shared) {
          if (!shared.paths.some((glob) => minimatch(file, glob, { dot: true }))) continue;
          for (const component of group) {
            if (shared.affects.includes("*") || shared.affects.includes(component.name))
              touched.add(component);
          }
        }
      }
      if (touched.size === 0) continue;
      const classified = classifyCommit(commit);
      for (const component of touched)
        result.set(component, [...(result.get(component) ?? []), classified]);
    }
  }
  return result;
}

function resolveExactVersions(
  components: readonly Component[],
  versions: Map<string, string> | undefined,
): Map<Component, string> {
  const result = new Map<Component, string>();
  for (const [name, version] of versions ?? []) {
    const target =
      name === "*"
        ? (components.find((component) => component.path === "") ??
          (components.length === 1 ? components[0] : undefined))
        : components.find((component) => component.name === name);
    if (!target) {
      throw new ConfigurationError(
        name === "*"
          ? `input 'version' needs a component name (name=version): there is no root component; components: ${components.map((c) => c.name).join(", ")}`
          : `input 'version' names '${name}', which is not a component; components: ${components.map((c) => c.name).join(", ")}`,
      );
    }
    result.set(target, exactVersion(version));
  }
  return result;
}

function planComponent(
  component: Component,
  last: LastRelease | undefined,
  commits: ClassifiedCommit[],
  config: TrainConfig,
  manual: ManualRequest,
  exact: string | undefined,
): ComponentPlan {
  const unparsed = commits
    .filter((commit) => commit.type === undefined)
    .map((commit) => commit.subject);
  const base = {
    component,
    name: component.name,
    path: component.path,
    kind: component.kind,
    previous: last?.version,
    previousTag: last?.tag,
    commits,
    unparsed,
  };
  const decided = decideVersion(component, last?.version, commits, config, manual, exact);
  const version = decided?.version ?? last?.version ?? component.version;
  return {
    ...base,
    version,
    tag: `${component.tagPrefix}${version}`,
    departs: decided !== undefined,
    how: decided?.how ?? "unchanged",
  };
}

function decideVersion(
  component: Component,
  previous: string | undefined,
  commits: ClassifiedCommit[],
  config: TrainConfig,
  manual: ManualRequest,
  exact: string | undefined,
): NextVersion | undefined {
  if (exact !== undefined) {
    if (previous !== undefined && !isGreater(exact, previous)) {
      throw new ConfigurationError(
        `input 'version' asks ${component.name} for ${exact}, which is not above its released ${previous}`,
      );
    }
    return { version: exact, how: "exact" };
  }
  if (previous === undefined) {
    return commits.some((commit) => commit.bump !== "none")
      ? { version: component.version, how: "initial" }
      : undefined;
  }
  if (isGreater(component.version, previous)) return { version: component.version, how: "manual" };
  let bump = largestBump(commits.map((commit) => commit.bump));
  if (manual.bump && commits.length > 0) bump = manual.bump;
  if (bump === "none" && config.emptyTrain === "always") bump = "patch";
  if (bump === "none") return undefined;
  return nextVersion(component.name, previous, bump, {
    preOne: config.preOne,
    candidates: config.releaseCandidates,
  });
}

/** The plan as the CLI prints it and the action logs it. */
export function planJson(plan: ReleasePlan) {
  return plan.components.map((item) => ({
    name: item.name,
    path: item.path || ".",
    kind: item.kind,
    previous: item.previous ?? null,
    version: item.version,
    bump: item.departs ? item.how : "none",
    commits: item.commits.length,
    unparsed: item.unparsed,
  }));
}
