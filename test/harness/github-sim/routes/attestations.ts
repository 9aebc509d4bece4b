import { matchesPredicate, readStatement } from "../attestation-bundle.ts";
import type { OperationId } from "../operations.ts";
import type { RepositoryState } from "../repository-state.ts";
import type { Json } from "../shapes/common.ts";
import {
  bodyOf,
  cursorPaginate,
  notFound,
  queryString,
  type RouteContext,
  type RouteHandler,
  repositoryOf,
  validationFailed,
} from "./route-kit.ts";

/**
 * Attestations for a digest across some repositories. GitHub answers 404 when there are none,
 * which is how `gh attestation verify` learns that nothing was attested, and pages by cursor.
 */
function listAttestations(context: RouteContext, repositories: RepositoryState[]) {
  const digest = context.params.subject_digest ?? "";
  const predicate = queryString(context, "predicate_type");
  const found = repositories.flatMap((repository) =>
    repository.attestations
      .filter(
        (attestation) =>
          attestation.subjectDigests.includes(digest) &&
          (predicate === undefined || matchesPredicate(attestation.predicateType, predicate)),
      )
      .map((attestation) => ({ attestation, repository })),
  );
  if (found.length === 0) notFound();
  const page = cursorPaginate(context, found, ({ attestation }) => String(attestation.id));
  const body = page.items.map(
    ({ attestation, repository }): Json => ({
      bundle: attestation.bundle,
      repository_id: repository.info.id,
      bundle_url: `${context.links.api}/repos/${repository.fullName}/attestations/${attestation.id}/bundle`,
    }),
  );
  return { status: 200, headers: page.headers, body: { attestations: body } };
}

function ownedBy(context: RouteContext, login: string, type: "User" | "Organization") {
  const repositories = context.state
    .allRepositories()
    .filter((repository) => repository.info.owner.login.toLowerCase() === login.toLowerCase());
  if (repositories.length === 0 || repositories[0]?.info.owner.type !== type) notFound();
  return repositories;
}

export const attestationRoutes = {
  "repos/create-attestation": (context) => {
    const repository = repositoryOf(context);
    const { bundle } = bodyOf<{ bundle: Record<string, unknown> }>(context);
    if (readStatement(bundle).subjectDigests.length === 0) {
      validationFailed({ resource: "Attestation", field: "bundle", code: "invalid" });
    }
    const attestation = repository.addAttestation(bundle);
    return { status: 201, body: { id: attestation.id } };
  },

  "repos/list-attestations": (context) => listAttestations(context, [repositoryOf(context)]),

  "users/list-attestations": (context) =>
    listAttestations(context, ownedBy(context, context.params.username ?? "", "User")),

  "orgs/list-attestations": (context) =>
    listAttestations(context, ownedBy(context, context.params.org ?? "", "Organization")),
} satisfies Partial<Record<OperationId, RouteHandler>>;
