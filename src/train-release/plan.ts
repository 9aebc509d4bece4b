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
import { anyGlob } from "./globs.ts";
import {
  type BlockedVersion,
  exactVersion,
  isGreater,
  latestTag,
  type ManualBump,
  type NextVersion,
  nextVersion,
} from "./versions.ts";

/** The history source a plan needs; LocalGit implements it. */
export interface HistoryReader {
  tagsMergedInto(commit: string): Map<string, string>;
  allTags(): Map<string, string>;
  commits(range: readonly string[]): Promise<CommitRecord[]>;
  snapshot(commit: string, wanted: (path: string) => boolean): TreeSnapshot;
}

export interface ManualRequest {
  /** Replaces the bump conventional commits would choose. */
  bump?: ManualBump;
  /** Exact versions by component name; `*` is the root (or only) component. */
  versions?: Map<string, string>;
  /** How messages name where the versions came from (`input 'version'`, `--version`). */
  versionLabel?: string;
}

export interface PlanOptions {
  /**
   * Release tags the train made that are not on the branch (a release commit whose bumps have
   * not come back yet): each counts as its component's last release, by tag name and commit.
   */
  trainTags?: ReadonlyMap<string, string>;
  /** Tags to leave out: a recorded train's own tags, when its plan is rebuilt to finish it. */
  ignoreTags?: ReadonlySet<string>;
  /**
   * Each named component's last release tag as a marker recorded it (null: a first release), so
   * a recorded train's plan is rebuilt exactly as it was decided.
   */
  previousTags?: ReadonlyMap<string, string | null>;
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
  how: NextVersion["how"] | "unchanged" | "blocked";
  /** Why a component with changes stays (its release candidate is in flight). */
  blocked?: string;
  commits: ClassifiedCommit[];
  /** Subjects that are not conventional commits, counted as patches. */
  unparsed: string[];
}

export interface ReleasePlan {
  cutoff: string;
  /**
   * Every Cargo.toml and Cargo.lock at the cutoff: path dependencies on bumped crates may need a
   * new requirement, and lock files that reach them by path their new versions.
   */
  cargoManifests: string[];
  components: ComponentPlan[];
  departing: ComponentPlan[];
}

const MANIFEST = /(^|\/)(Cargo\.toml|Cargo\.lock|package\.json|package-lock\.json)$/;

/** Decides, from local history alone, what each component releases if the train leaves at `cutoff`. */
export async function planRelease(
  history: HistoryReader,
  config: TrainConfig,
  cutoff: string,
  manual: ManualRequest = {},
  options: PlanOptions = {},
): Promise<ReleasePlan> {
  const { tree, components } = componentsAt(history, config, cutoff);
  const ignore = options.ignoreTags ?? new Set<string>();
  const without = (tags: Map<string, string>) => {
    for (const tag of ignore) tags.delete(tag);
    return tags;
  };
  const merged = without(history.tagsMergedInto(cutoff));
  for (const [tag, commit] of options.trainTags ?? [])
    if (!ignore.has(tag)) merged.set(tag, commit);
  const all = without(history.allTags());
  const releases = lastReleases(components, merged, all);
  for (const [name, tag] of options.previousTags ?? []) {
    const component = components.find((item) => item.name === name);
    if (!component) continue;
    const commit = tag === null ? undefined : all.get(tag);
    if (tag === null) releases.delete(component);
    else if (commit) {
      releases.set(component, { tag, version: tag.slice(component.tagPrefix.length), commit });
    }
  }
  const changes = await commitsByComponent(history, config, components, releases, cutoff);
  const exact = resolveExactVersions(components, manual);
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
  const ignored = anyGlob(config.ignore);
  const cargoManifests = tree.files.filter(
    (path) => /(^|\/)Cargo\.(toml|lock)$/.test(path) && !ignored(path),
  );
  return {
    cutoff,
    cargoManifests,
    components: plans,
    departing: plans.filter((plan) => plan.departs),
  };
}

/** The components of the repository at a commit, with the versions their manifests carry. */
export function componentsAt(history: HistoryReader, config: TrainConfig, commit: string) {
  const extra = new Set(config.versionFiles.map((file) => file.path));
  const tree = history.snapshot(commit, (path) => MANIFEST.test(path) || extra.has(path));
  return { tree, components: discoverComponents(tree, config) };
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

async function commitsByComponent(
  history: HistoryReader,
  config: TrainConfig,
  components: readonly Component[],
  releases: Map<Component, LastRelease>,
  cutoff: string,
): Promise<Map<Component, ClassifiedCommit[]>> {
  const byBase = new Map<string, Component[]>();
  for (const component of components) {
    const base = releases.get(component)?.commit ?? "";
    const group = byBase.get(base);
    if (group) group.push(component);
    else byBase.set(base, [component]);
  }
  const owner = ownershipIndex(components);
  const ignored = anyGlob(config.ignore);
  const shared = config.shared.map((input) => ({ ...input, matches: anyGlob(input.paths) }));
  const result = new Map<Component, ClassifiedCommit[]>();
  for (const [base, group] of byBase) {
    const members = new Set(group);
    const range = [
      cutoff,
      ...(base ? [`^${base}`] : []),
      ...(config.bootstrap ? [`^${config.bootstrap}`] : []),
    ];
    for (const commit of await history.commits(range)) {
      const touched = new Set<Component>();
      for (const file of commit.files) {
        if (ignored(file)) continue;
        const found = owner(file);
        if (found && members.has(found)) touched.add(found);
        for (const input of shared) {
          if (!input.matches(file)) continue;
          for (const component of group) {
            if (input.affects.includes("*") || input.affects.includes(component.name))
              touched.add(component);
          }
        }
      }
      if (touched.size === 0) continue;
      const classified = classifyCommit(commit);
      for (const component of touched) {
        const list = result.get(component);
        if (list) list.push(classified);
        else result.set(component, [classified]);
      }
    }
  }
  return result;
}

function resolveExactVersions(
  components: readonly Component[],
  manual: ManualRequest,
): Map<Component, string> {
  const label = manual.versionLabel ?? "input 'version'";
  const names = components.map((c) => c.name).join(", ");
  const result = new Map<Component, string>();
  for (const [name, version] of manual.versions ?? []) {
    const target =
      name === "*"
        ? (components.find((component) => component.path === "") ??
          (components.length === 1 ? components[0] : undefined))
        : components.find((component) => component.name === name);
    if (!target) {
      throw new ConfigurationError(
        name === "*"
          ? `${label} needs a component name (name=version): there is no root component; components: ${names}`
          : `${label} names '${name}', which is not a component; components: ${names}`,
      );
    }
    result.set(target, exactVersion(version, label));
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
  if (decided && "blocked" in decided) {
    const version = last?.version ?? component.version;
    return {
      ...base,
      version,
      tag: `${component.tagPrefix}${version}`,
      departs: false,
      how: "blocked",
      blocked: decided.blocked,
    };
  }
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
): NextVersion | BlockedVersion | undefined {
  if (exact !== undefined) {
    if (previous !== undefined && !isGreater(exact, previous)) {
      throw new ConfigurationError(
        `${manual.versionLabel ?? "input 'version'"} asks ${component.name} for ${exact}, which is not above its released ${previous}`,
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
  let bump: Bump | ManualBump = largestBump(commits.map((commit) => commit.bump));
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
    tag: item.tag,
    ...(item.blocked ? { blocked: item.blocked } : {}),
  }));
}
