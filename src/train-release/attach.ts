import { ConfigurationError } from "../core/errors.ts";
import { Outcome } from "../core/outcome.ts";
import { inlineCode, link, Summary } from "../core/summary.ts";
import { assetFiles, attachToDraft, unpublishable } from "./assets.ts";
import type { AttachRequest } from "./inputs.ts";
import type { Identity, TrainRemote } from "./remote.ts";

/**
 * The attach step, for jobs after the train (a build matrix): uploads this job's files and their
 * Sigstore bundles to the train's drafts, and with `publish` publishes the drafts once each has
 * its assets. Drafts only: a published release is never changed.
 */
export async function attachStep(
  request: AttachRequest,
  remote: TrainRemote,
  workspace: string,
): Promise<Outcome> {
  const outcome = new Outcome();
  const wanted = request.handle.releases.filter(
    (item) => request.component === undefined || item.name === request.component,
  );
  if (wanted.length === 0) {
    throw new ConfigurationError(
      request.component === undefined
        ? "the train's attach output names no draft release: nothing to attach"
        : `the train's attach output has no draft of '${request.component}'; it has ${request.handle.releases.map((item) => item.name).join(", ") || "none"}`,
    );
  }
  const writes: string[] = [];
  const rows: string[][] = [];
  const published: Array<{ name: string; tag: string; url: string }> = [];
  for (const item of wanted) {
    let release = await remote.getRelease(item.release_id);
    const globs = request.assets.length > 0 ? request.assets : item.assets;
    const files = assetFiles(globs, workspace);
    if (files.length > 0 || !request.publish) {
      const attached = await attachToDraft(remote, release, files, request.handle.bundles, writes);
      if (attached.unsigned.length > 0) {
        outcome.notice(
          `${item.tag}: attached without a Sigstore bundle: ${attached.unsigned.join(", ")}`,
          "train-release: assets",
        );
      }
    }
    if (request.publish && release.draft) {
      const why = unpublishable(release, request.handle.bundles);
      if (why) throw new ConfigurationError(`${why}; the draft is kept and not published`);
      release = await remote.publishRelease(release, item.latest);
      writes.push(`publish release ${item.tag}`);
      // The floating tags (v1, v1.2) follow the release only once it is published.
      const { tagger } = request.handle;
      const by = tagger && { ...tagger, date: new Date(tagger.date) };
      for (const floating of by ? (item.floating_tags ?? []) : []) {
        await remote.moveTag(floating.name, floating.commit, floating.message, by as Identity);
        writes.push(`move tag ${floating.name} to ${floating.commit.slice(0, 12)}`);
      }
    }
    if (!release.draft) published.push({ name: item.name, tag: item.tag, url: release.url });
    rows.push([
      inlineCode(item.tag),
      String(release.assets.length),
      release.draft ? "draft" : link("published", release.url),
    ]);
  }
  outcome.output("attached", writes.filter((write) => write.startsWith("upload")).length);
  outcome.output("published", published);
  outcome.summary = new Summary()
    .heading(`Release assets (train ${request.handle.slot})`)
    .table(["release", "assets", "state"], rows);
  return outcome;
}
