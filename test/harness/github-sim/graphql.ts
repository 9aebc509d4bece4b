import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import {
  buildClientSchema,
  execute,
  type GraphQLError,
  type GraphQLFieldResolver,
  type GraphQLResolveInfo,
  type GraphQLSchema,
  type GraphQLTypeResolver,
  type IntrospectionQuery,
  parse,
  validate,
} from "graphql";
import { notFoundError, repositoryNode } from "./graphql-nodes.ts";
import type { RateLimiter } from "./rate-limit.ts";
import type { Links } from "./shapes/common.ts";
import type { SimulatorState } from "./state.ts";

/** What every resolver receives as its third argument. */
export interface GraphQLContext {
  state: SimulatorState;
  links: Links;
  rateLimits: RateLimiter;
}

export type FieldResolver = (
  source: unknown,
  args: Record<string, unknown>,
  context: GraphQLContext,
  info: GraphQLResolveInfo,
) => unknown;

/** `{ TypeName: { fieldName: resolver } }`, the shape graphql-tools popularised. */
export type ResolverMap = Record<string, Record<string, FieldResolver>>;

export interface GraphQLResult {
  status: number;
  body: { data?: unknown; errors?: Array<Record<string, unknown>> };
  /** Set when the query is not one GitHub would accept. */
  problem: string | undefined;
  operationName: string | undefined;
}

let schema: GraphQLSchema | undefined;

/**
 * GitHub's published schema, built once per process on first use (about 150 ms), from the
 * introspection result `@octokit/graphql-schema` ships. Its `exports` map hides the file, so
 * it is found next to the package's entry on the resolution path.
 */
export function githubSchema(): GraphQLSchema {
  if (schema) return schema;
  const require = createRequire(import.meta.url);
  const file = (require.resolve.paths("@octokit/graphql-schema") ?? [])
    .map((directory) => `${directory}/@octokit/graphql-schema/schema.json`)
    .find((candidate) => existsSync(candidate));
  if (!file) throw new Error("github-sim: @octokit/graphql-schema is not installed");
  const introspection = JSON.parse(readFileSync(file, "utf8")) as
    | IntrospectionQuery
    | { data: IntrospectionQuery };
  schema = buildClientSchema("data" in introspection ? introspection.data : introspection, {
    assumeValid: true,
  });
  return schema;
}

const BUILT_IN_RESOLVERS: ResolverMap = {
  Query: {
    repository: (_source, args, context) => {
      const found = context.state.findRepository(String(args.owner), String(args.name));
      if (!found) {
        throw notFoundError(
          `Could not resolve to a Repository with the name '${args.owner}/${args.name}'.`,
        );
      }
      return repositoryNode(context.links, found);
    },
    rateLimit: (_source, _args, context) => {
      const snapshot = context.rateLimits.snapshot("graphql");
      return {
        __typename: "RateLimit",
        cost: 1,
        limit: snapshot.limit,
        nodeCount: 0,
        remaining: snapshot.remaining,
        used: snapshot.used,
        resetAt: new Date(snapshot.reset * 1000).toISOString(),
      };
    },
  },
};

/**
 * `POST /graphql`: parse and validate against GitHub's schema, then execute against it with
 * resolvers over the simulator state. Fields nobody resolves fail loudly instead of answering
 * `null`, so a test never passes on data the simulator made up.
 */
export class GraphQLEndpoint {
  private readonly resolvers: ResolverMap = {};

  constructor() {
    this.addResolvers(BUILT_IN_RESOLVERS);
  }

  /** Adds or replaces field resolvers; later registrations win. */
  addResolvers(resolvers: ResolverMap): void {
    for (const [typeName, fields] of Object.entries(resolvers)) {
      this.resolvers[typeName] = { ...this.resolvers[typeName], ...fields };
    }
  }

  async handle(requestBody: unknown, context: GraphQLContext): Promise<GraphQLResult> {
    const { query, variables, operationName } = (requestBody ?? {}) as {
      query?: unknown;
      variables?: unknown;
      operationName?: unknown;
    };
    const name = typeof operationName === "string" ? operationName : undefined;
    if (typeof query !== "string") {
      const message = "A query attribute must be specified and must be a string.";
      return {
        status: 400,
        body: { errors: [{ message }] },
        problem: message,
        operationName: name,
      };
    }
    let document: ReturnType<typeof parse>;
    try {
      document = parse(query);
    } catch (error) {
      return this.rejected([error as GraphQLError], name);
    }
    const errors = validate(githubSchema(), document);
    if (errors.length > 0) return this.rejected(errors, name);

    const result = await execute({
      schema: githubSchema(),
      document,
      rootValue: {},
      contextValue: context,
      variableValues: (variables ?? undefined) as Record<string, unknown> | undefined,
      operationName: name,
      fieldResolver: this.fieldResolver,
      typeResolver,
    });
    const body: GraphQLResult["body"] = { data: result.data ?? null };
    if (result.errors) body.errors = result.errors.map(formatError);
    // Variable errors surface here, not from validate(); GitHub refuses those queries too.
    const refused = result.errors?.find((error) => error.path === undefined);
    return {
      status: 200,
      body,
      problem: refused ? `GraphQL ${refused.message}` : undefined,
      operationName: name,
    };
  }

  private rejected(
    errors: readonly GraphQLError[],
    operationName: string | undefined,
  ): GraphQLResult {
    return {
      status: 200,
      body: { errors: errors.map(formatError) },
      problem: `GraphQL query is not valid against GitHub's schema: ${errors.map((error) => error.message).join("; ")}`,
      operationName,
    };
  }

  private readonly fieldResolver: GraphQLFieldResolver<unknown, GraphQLContext> = (
    source,
    args,
    context,
    info,
  ) => {
    const custom = this.resolvers[info.parentType.name]?.[info.fieldName];
    if (custom) return custom(source, args, context, info);
    if (source !== null && typeof source === "object" && info.fieldName in source) {
      const value = (source as Record<string, unknown>)[info.fieldName];
      return typeof value === "function" ? value.call(source, args, context, info) : value;
    }
    throw new Error(
      `github-sim does not simulate ${info.parentType.name}.${info.fieldName}; add it with ` +
        `sim.graphql.addResolvers({ ${info.parentType.name}: { ${info.fieldName}: (source, args) => ... } })`,
    );
  };
}

const typeResolver: GraphQLTypeResolver<unknown, GraphQLContext> = (value) =>
  value !== null && typeof value === "object" && "__typename" in value
    ? String(value.__typename)
    : undefined;

/** GitHub puts the error `type` (`NOT_FOUND`, ...) at the top level, not in `extensions`. */
function formatError(error: GraphQLError): Record<string, unknown> {
  const formatted: Record<string, unknown> = { ...error.toJSON() };
  const type = error.extensions?.type;
  if (type !== undefined) {
    formatted.type = type;
    delete formatted.extensions;
  }
  return formatted;
}
