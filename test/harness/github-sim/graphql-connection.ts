import { GraphQLError } from "graphql";

type Args = Record<string, unknown>;

/** Opaque to clients, as GitHub's are; only this module reads them back. */
function cursor(index: number): string {
  return Buffer.from(`cursor:v2:${index}`).toString("base64");
}

function offsetAfter(value: unknown): number {
  if (typeof value !== "string") return 0;
  const match = /^cursor:v2:(\d+)$/.exec(Buffer.from(value, "base64").toString("utf8"));
  if (!match) throw new GraphQLError(`\`${value}\` does not appear to be a valid cursor.`);
  return Number(match[1]) + 1;
}

/**
 * A Relay connection with GitHub's rules: `first` or `last` is required and at most 100.
 * `extra` adds connection-level fields such as `checkRunCount`.
 */
export function connection<T>(
  name: string,
  items: readonly T[],
  args: Args,
  toNode: (item: T) => unknown,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  const first = args.first as number | undefined;
  const last = args.last as number | undefined;
  if (first === undefined && last === undefined) {
    throw new GraphQLError(
      `You must provide a \`first\` or \`last\` value to properly paginate the \`${name}\` connection.`,
    );
  }
  for (const [argument, value] of [
    ["first", first],
    ["last", last],
  ] as const) {
    if (value !== undefined && (value < 0 || value > 100)) {
      throw new GraphQLError(
        `Requesting ${value} records on the \`${name}\` connection exceeds the \`${argument}\` limit of 100 records.`,
      );
    }
  }
  let start = offsetAfter(args.after);
  let end = items.length;
  if (typeof args.before === "string") end = Math.min(end, offsetAfter(args.before) - 1);
  if (first !== undefined) end = Math.min(end, start + first);
  if (last !== undefined) start = Math.max(start, end - last);
  const slice = items.slice(start, end);
  const edges = slice.map((item, index) => ({ cursor: cursor(start + index), node: toNode(item) }));
  return {
    totalCount: items.length,
    nodes: edges.map((edge) => edge.node),
    edges,
    pageInfo: {
      hasNextPage: end < items.length,
      hasPreviousPage: start > 0,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
    ...extra,
  };
}
