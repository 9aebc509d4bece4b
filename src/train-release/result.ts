import type { Reason, RecordedComponent } from "./markers.ts";
import type { ReleasePlan } from "./plan.ts";
import type { RemoteRelease } from "./remote.ts";

/** One item of the `released` output: a publish matrix entry. */
export interface ReleasedComponent {
  name: string;
  path: string;
  kind: string;
  previous: string | null;
  version: string;
  tag: string;
  release_url: string;
  /** The release's id, for the attach step and API calls. */
  release_id: number;
  /** Still a draft: its assets are attached by later jobs (`assets.attach: later`) before it is published. */
  draft: boolean;
}

/** What the attach step of later jobs needs: the drafts and the files each expects. */
export interface AttachHandle {
  slot: string;
  bundles: "optional" | "required" | "none";
  releases: Array<{
    name: string;
    tag: string;
    release_id: number;
    assets: string[];
    /** Publishing it makes it the repository's latest release (the root component's). */
    latest?: boolean;
    /** Tags that follow the newest release (`v1`), moved when the attach step publishes it. */
    floating_tags?: Array<{ name: string; commit: string; message: string }>;
  }>;
  /** Who moves the floating tags (the train's commit identity), with the departure's date. */
  tagger?: { name: string; email: string; date: string };
}

export interface TrainResult {
  departed: boolean;
  slot: string;
  reason: Reason;
  detail: string;
  plan: ReleasePlan | undefined;
  released: ReleasedComponent[];
  /** Markdown (escaped for it) and plain text. */
  releaseNotes: string;
  releaseNotesText: string;
  pullRequestUrl: string | undefined;
  /** The next slot's date when no train left now. */
  next: string | undefined;
  attach: AttachHandle | undefined;
  /** Every write, in order (dry runs list what they would do). */
  writes: string[];
  /** Why the step fails, when it does (a check that did not pass before tagging). */
  failure: string | undefined;
}

export function idle(slot: string, reason: Reason, detail: string): TrainResult {
  return {
    departed: false,
    slot,
    reason,
    detail,
    plan: undefined,
    released: [],
    releaseNotes: "",
    releaseNotesText: "",
    pullRequestUrl: undefined,
    next: undefined,
    attach: undefined,
    writes: [],
    failure: undefined,
  };
}

/** Only what exists: a component is listed when its tag and its release are both there. */
export function releasedList(
  components: readonly RecordedComponent[],
  releases: ReadonlyMap<string, RemoteRelease>,
  tagged: ReadonlyMap<string, string>,
): ReleasedComponent[] {
  return components.flatMap((item) => {
    const release = releases.get(item.tag);
    if (!release || !tagged.has(item.tag)) return [];
    return [
      {
        name: item.name,
        path: item.path || ".",
        kind: item.kind,
        previous: item.previous,
        version: item.version,
        tag: item.tag,
        release_url: release.url,
        release_id: release.id,
        draft: release.draft,
      },
    ];
  });
}
