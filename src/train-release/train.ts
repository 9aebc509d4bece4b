import { DEFAULT_COMMIT, type TrainConfig } from "./config.ts";
import type { LocalGit } from "./git.ts";
import type { Marker, MarkerRecord, Reason, RecordedComponent } from "./markers.ts";
import type { NotesContext } from "./notes.ts";
import { type ComponentPlan, planRelease, type ReleasePlan } from "./plan.ts";
import { filesToEdit, releaseEdits, releaseMessage, writeReleaseCommit } from "./release-commit.ts";
import { fillTemplate, isFloatingTemplate, type TemplateValues } from "./templates.ts";
import { isPrerelease } from "./versions.ts";

/** A train whose plan is fixed: decided now, or rebuilt from its departure marker. */
export interface Train {
  /** The departure marker's tag, `train/2026-12-01`. */
  marker: string;
  record: FullRecord;
  /** The plan restricted to the departing components, for notes and the release commit. */
  plan: ReleasePlan;
  /** The release commit's subject (also the release pull request's title). */
  subject: string;
}

export type FullRecord = MarkerRecord &
  Required<Pick<MarkerRecord, "release" | "mode" | "branch" | "components">>;

/** Values for templates: the train's main component is the root one, else the first departing. */
export function templateValues(slot: string, departing: readonly ComponentPlan[]): TemplateValues {
  const main = departing.find((item) => item.path === "") ?? departing[0];
  return {
    slot,
    ...(main ? { name: main.name, version: main.version, tag: main.tag } : {}),
    previous: main?.previous ?? "",
  };
}

function recordComponent(item: ComponentPlan, slot: string): RecordedComponent {
  const values = { ...templateValues(slot, [item]), name: item.name };
  const fixed = item.component.extraTags.filter((tag) => !isFloatingTemplate(tag));
  const floating = item.component.extraTags.filter(isFloatingTemplate);
  return {
    name: item.name,
    path: item.path,
    kind: item.kind,
    previous: item.previous ?? null,
    previousTag: item.previousTag ?? null,
    version: item.version,
    tag: item.tag,
    extraTags: fixed.map((tag) => fillTemplate(tag, values)),
    // A floating tag follows the newest release; a candidate never moves it.
    floatingTags: isPrerelease(item.version)
      ? []
      : floating.map((tag) => fillTemplate(tag, values)),
    assets: item.component.assets,
  };
}

export interface Departure {
  slot: string;
  departsAt: Date;
  reason: Reason;
  run: string;
  attempt: number;
}

/**
 * Decides a train completely before anything is written: the release commit is built in the
 * local clone (nothing leaves it), so the marker can record its SHA with the rest of the plan.
 */
export function decideTrain(
  git: LocalGit,
  config: TrainConfig,
  plan: ReleasePlan,
  departure: Departure,
  notes: NotesContext,
): Train {
  const values = templateValues(departure.slot, plan.departing);
  const subject = fillTemplate(config.commit.subject, values);
  const release = buildReleaseCommit(git, config, plan, subject, departure.departsAt, notes);
  const record: FullRecord = {
    slot: departure.slot,
    cutoff: plan.cutoff,
    departsAt: departure.departsAt.toISOString(),
    run: departure.run,
    attempt: departure.attempt,
    reason: departure.reason,
    versions: Object.fromEntries(plan.departing.map((item) => [item.name, item.version])),
    release,
    subject,
    mode: config.mode,
    branch: fillTemplate(config.commit.branch, values),
    components: plan.departing.map((item) => recordComponent(item, departure.slot)),
    attach: config.assets.attach,
  };
  return { marker: `${config.markerPrefix}${departure.slot}`, record, plan, subject };
}

/** The release commit, written into the local clone only; the cutoff itself when nothing changes. */
export function buildReleaseCommit(
  git: LocalGit,
  config: TrainConfig,
  plan: ReleasePlan,
  subject: string,
  departsAt: Date,
  notes: NotesContext,
): string {
  const paths = filesToEdit(plan.departing, plan.cargoManifests, config.changelog);
  const originals = git.readBlobs(plan.cutoff, paths);
  // A forced train's slot is `run-<id>`; its changelog entry is dated by its departure.
  const date = /^\d{4}-\d{2}-\d{2}$/.test(notes.slot)
    ? notes.slot
    : departsAt.toISOString().slice(0, 10);
  const edits = releaseEdits(
    plan.departing,
    (path) => originals.get(path),
    plan.cargoManifests,
    config.changelog ? { ...notes, date } : undefined,
  );
  const author = config.commit.author;
  const message = releaseMessage(
    subject,
    plan.departing,
    config.commit.signoff ? author : undefined,
  );
  return writeReleaseCommit(git, plan.cutoff, edits, message, { ...author, date: departsAt });
}

/**
 * A departed train as its marker recorded it. The plan is rebuilt from the recorded cutoff, with
 * the recorded versions and last releases and without the train's own tags, so the notes and the
 * release commit come out as they did at departure. A marker of an older version of the train
 * (versions only) gets the rest filled in as that version decided it.
 */
export async function trainFromMarker(
  git: LocalGit,
  config: TrainConfig,
  marker: Marker,
  notes: NotesContext,
): Promise<Train> {
  const { record } = marker;
  const versions = new Map(Object.entries(record.versions));
  const own = new Set((record.components ?? []).flatMap((item) => [item.tag, ...item.extraTags]));
  if (!record.components) {
    for (const item of (await planRelease(git, config, record.cutoff)).components) {
      const version = versions.get(item.name);
      if (version) own.add(`${item.component.tagPrefix}${version}`);
    }
  }
  const previousTags = record.components
    ? new Map(record.components.map((item) => [item.name, item.previousTag]))
    : undefined;
  const full = await planRelease(
    git,
    config,
    record.cutoff,
    { versions },
    {
      ignoreTags: own,
      ...(previousTags ? { previousTags } : {}),
    },
  );
  const departing = full.components
    .filter((item) => versions.has(item.name))
    .map((item) => ({ ...item, departs: true }));
  const plan: ReleasePlan = {
    ...full,
    components: full.components.map((item) => ({ ...item, departs: versions.has(item.name) })),
    departing,
  };
  if (record.components && record.release && record.mode && record.branch) {
    const subject =
      record.subject ?? fillTemplate(config.commit.subject, templateValues(record.slot, departing));
    return { marker: marker.tag, record: record as FullRecord, plan, subject };
  }
  // Before markers recorded the release commit, it was always built this way.
  const legacy: TrainConfig = { ...config, changelog: false, commit: DEFAULT_COMMIT };
  const subject = `release: train ${record.slot}`;
  const departsAt = new Date(record.departsAt ?? `${record.slot}T00:00:00Z`);
  const filled: FullRecord = {
    ...record,
    mode: record.mode ?? config.mode,
    branch: record.branch ?? `release/train-${record.slot}`,
    components: record.components ?? departing.map((item) => recordComponent(item, record.slot)),
    release: record.release ?? buildReleaseCommit(git, legacy, plan, subject, departsAt, notes),
  };
  return { marker: marker.tag, record: filled, plan, subject };
}
