import type { Annotation } from "./log.ts";
import type { Summary } from "./summary.ts";

/**
 * A file for later steps (SARIF, a patch, a report), and what it holds. With `contents`, the
 * publisher writes it, so a pure function can produce it; without, the run wrote it itself.
 */
export interface WrittenFile {
  path: string;
  description: string;
  contents?: string;
  /** Outputs that say "false" when the publisher cannot write the file (`passed`). */
  falseWhenUnwritten?: string[];
}

/** A check run to post on a commit, with every annotation (the checks API has no per-step cap). */
export interface CheckRunReport {
  name: string;
  headSha: string;
  passed: boolean;
  title: string;
  summary: string;
  annotations: readonly Annotation[];
  /** The output that receives the posted check run's id. */
  idOutput?: string;
}

/**
 * What one run of an action decided, as plain data. `run` returns it and touches nothing of the
 * runner's; `runAction` alone publishes it (outputs, annotations, job summary, check runs, and
 * `<action>: <failure>` as the step's failure), and the CLI renders the same object as text or
 * JSON. So every action reports back, and fails, the same way.
 */
export interface ActionOutcome {
  outputs: Record<string, string>;
  /** Findings at their file positions, and notices; most important first. */
  annotations: Annotation[];
  summary: Summary | undefined;
  files: WrittenFile[];
  checkRuns: CheckRunReport[];
  /** Why the step fails; undefined when it passes. Never prefixed with the action's name. */
  failure: string | undefined;
}

/** An {@link ActionOutcome} built up step by step. */
export class Outcome implements ActionOutcome {
  outputs: Record<string, string> = {};
  annotations: Annotation[] = [];
  summary: Summary | undefined;
  files: WrittenFile[] = [];
  checkRuns: CheckRunReport[] = [];
  failure: string | undefined;

  /** Numbers and booleans as the runner would print them; objects and lists as JSON. */
  output(name: string, value: string | number | boolean | object | null | undefined): this {
    this.outputs[name] =
      value === undefined || value === null
        ? ""
        : typeof value === "object"
          ? JSON.stringify(value)
          : String(value);
    return this;
  }

  annotate(annotation: Annotation): this {
    this.annotations.push(annotation);
    return this;
  }

  notice(message: string, title?: string): this {
    return this.annotate({ level: "notice", message, title });
  }

  warning(message: string, title?: string): this {
    return this.annotate({ level: "warning", message, title });
  }

  /**
   * A file the run wrote, or, with `contents`, one for the publisher to write; the outputs named
   * in `falseWhenUnwritten` turn "false" when it cannot be written.
   */
  file(path: string, description: string, contents?: string, falseWhenUnwritten?: string[]): this {
    this.files.push({
      path,
      description,
      ...(contents === undefined ? {} : { contents }),
      ...(falseWhenUnwritten ? { falseWhenUnwritten } : {}),
    });
    return this;
  }

  checkRun(report: CheckRunReport): this {
    this.checkRuns.push(report);
    return this;
  }

  /** Fails the step; several reasons are kept, in order. */
  fail(reason: string): this {
    this.failure = this.failure === undefined ? reason : `${this.failure}; ${reason}`;
    return this;
  }

  /** Everything of another outcome added to this one (harden combines two actions' outcomes). */
  merge(other: ActionOutcome, outputPrefix = ""): this {
    for (const [name, value] of Object.entries(other.outputs)) {
      this.outputs[`${outputPrefix}${name}`] = value;
    }
    this.annotations.push(...other.annotations);
    this.files.push(...other.files);
    this.checkRuns.push(...other.checkRuns);
    if (other.failure !== undefined) this.fail(other.failure);
    return this;
  }
}

/** Removes a leading `<action>: ` so a message never says the action's name twice. */
export function withoutPrefix(action: string, message: string): string {
  let text = message;
  while (text.startsWith(`${action}: `)) text = text.slice(action.length + 2);
  return text;
}
