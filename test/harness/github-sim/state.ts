import { RepositoryState } from "./repository-state.ts";
import {
  type Account,
  type App,
  type DispatchRecord,
  GITHUB_ACTIONS_APP,
  GITHUB_ACTIONS_BOT,
} from "./state-records.ts";

export { GITHUB_ACTIONS_APP, GITHUB_ACTIONS_BOT };

export interface AddRepositoryOptions {
  owner: string;
  name: string;
  ownerType?: "User" | "Organization";
  defaultBranch?: string;
  private?: boolean;
  description?: string | null;
}

export interface SimulatorStateOptions {
  /** The clock every timestamp comes from; pin it to make responses reproducible. */
  now?: () => Date;
  /** Identity behind the accepted token (default `github-actions[bot]`). */
  actor?: Account;
  /** App that owns check runs the token creates (default GitHub Actions, id 15368). */
  app?: App;
}

/**
 * Everything the simulator knows, shared by REST and GraphQL. Seed it through `addRepository`
 * and the returned repository's helpers, or mutate records directly between requests.
 */
export class SimulatorState {
  readonly actor: Account;
  readonly app: App;
  readonly dispatches: DispatchRecord[] = [];
  private readonly repositories = new Map<string, RepositoryState>();
  private readonly accounts = new Map<string, Account>();
  private readonly clock: () => Date;
  private lastId = 1000;

  constructor(options: SimulatorStateOptions = {}) {
    this.clock = options.now ?? (() => new Date());
    this.actor = options.actor ?? GITHUB_ACTIONS_BOT;
    this.app = options.app ?? GITHUB_ACTIONS_APP;
    this.accounts.set(this.actor.login.toLowerCase(), this.actor);
  }

  /** ISO 8601 without milliseconds, as GitHub formats timestamps. */
  now(): string {
    return this.clock()
      .toISOString()
      .replace(/\.\d{3}Z$/, "Z");
  }

  /** Ids are unique across every resource kind, which GitHub does not promise but never hurts. */
  nextId(): number {
    this.lastId += 1;
    return this.lastId;
  }

  /** The account for a login, created as a user on first mention. */
  account(login: string, type: Account["type"] = "User"): Account {
    const key = login.toLowerCase();
    let found = this.accounts.get(key);
    if (!found) {
      found = { login, id: this.nextId(), type };
      this.accounts.set(key, found);
    }
    return found;
  }

  /**
   * A repository with one commit on its default branch, as "Initialize with a README" leaves it,
   * so branches and compare work from the start.
   */
  addRepository(options: AddRepositoryOptions): RepositoryState {
    const key = `${options.owner}/${options.name}`.toLowerCase();
    if (this.repositories.has(key)) {
      throw new Error(`github-sim: repository ${options.owner}/${options.name} already exists`);
    }
    const owner = this.account(options.owner, options.ownerType ?? "Organization");
    if (options.ownerType && owner.type !== options.ownerType) {
      throw new Error(`github-sim: ${options.owner} is already a ${owner.type}`);
    }
    const repository = new RepositoryState(this, {
      id: this.nextId(),
      owner,
      name: options.name,
      defaultBranch: options.defaultBranch ?? "main",
      private: options.private ?? false,
      description: options.description ?? null,
      createdAt: this.now(),
    });
    this.repositories.set(key, repository);
    return repository;
  }

  /** Lookup is case-insensitive, as GitHub's is. */
  findRepository(owner: string, name: string): RepositoryState | undefined {
    return this.repositories.get(`${owner}/${name}`.toLowerCase());
  }

  /** The repository, or a thrown error naming it: for test code that expects it to exist. */
  repository(fullName: string): RepositoryState {
    const [owner = "", name = ""] = fullName.split("/");
    const found = this.findRepository(owner, name);
    if (!found)
      throw new Error(`github-sim: no repository ${fullName}; seed it with addRepository`);
    return found;
  }

  allRepositories(): RepositoryState[] {
    return [...this.repositories.values()];
  }
}
