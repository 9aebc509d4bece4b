import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { annotate, debug, group, info, mask, mayHoldCommand } from "../../src/core/log.ts";
import { showForReader } from "../../src/core/text.ts";
import { annotationsOf, parseWorkflowCommands } from "../harness/workflow-commands.ts";
import { captureStdout, hostileText } from "./hostile-text.ts";

const trailingSpace = /[\s\u0085]+$/;

describe("annotate", () => {
  it("writes file, line, column, end line/column and title that the runner reads back", () => {
    const output = captureStdout(() =>
      annotate({
        level: "warning",
        message: "unpinned action",
        title: "pin: actions/checkout",
        file: "ci.yml",
        line: 3,
        column: 5,
        endLine: 3,
        endColumn: 9,
      }),
    );
    expect(annotationsOf(parseWorkflowCommands(output))).toEqual([
      {
        level: "warning",
        message: "unpinned action",
        title: "pin: actions/checkout",
        file: "ci.yml",
        line: 3,
        column: 5,
        endLine: 3,
        endColumn: 9,
      },
    ]);
  });

  it("points a span of several lines at where it starts, keeping the column the runner would drop", () => {
    const output = captureStdout(() =>
      annotate({
        level: "error",
        message: "m",
        file: "a",
        line: 1,
        column: 2,
        endLine: 4,
        endColumn: 3,
      }),
    );
    const [annotation] = annotationsOf(parseWorkflowCommands(output));
    expect(annotation).toMatchObject({
      line: 1,
      column: 2,
      endLine: undefined,
      endColumn: undefined,
    });
  });

  it("shows an escape sequence in message and title instead of colouring or erasing them", () => {
    const output = captureStdout(() =>
      annotate({ level: "error", message: "bad\u001b[8m hidden\r", title: "t\u001b[2K" }),
    );
    const [annotation] = annotationsOf(parseWorkflowCommands(output));
    expect(annotation?.message).toBe("bad<U+001B>[8m hidden<U+000D>");
    expect(annotation?.title).toBe("t<U+001B>[2K");
  });

  it("never lets message, title or file start a second command or break the properties", () => {
    fc.assert(
      fc.property(
        fc.constantFrom("error", "warning", "notice" as const),
        hostileText,
        hostileText,
        hostileText,
        fc.integer({ min: 1, max: 10_000 }),
        (level, message, title, file, line) => {
          const output = captureStdout(() => annotate({ level, message, title, file, line }));
          const commands = parseWorkflowCommands(output);
          expect(commands).toHaveLength(1);
          const [annotation] = annotationsOf(commands);
          expect(annotation?.level).toBe(level);
          // Invisible and control characters are shown, never passed on to reorder, hide or
          // colour what people read.
          expect(annotation?.message).toBe(showForReader(message));
          // The runner trims the end of the property list; nothing else is lost.
          expect(annotation?.title ?? "").toBe(showForReader(title).replace(trailingSpace, ""));
          expect(annotation?.file ?? "").toBe(file.replace(trailingSpace, ""));
          expect(annotation?.line).toBe(line);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("info", () => {
  it("logs plain text unchanged and unfenced", () => {
    const output = captureStdout(() => info("checked 3 workflows"));
    expect(output).toBe("checked 3 workflows\n");
  });

  it.each([
    ["a command line", "::error::injected"],
    ["a command after leading spaces", "   ::add-mask::x"],
    ["a command on a later line", "first\n::set-output name=a::b"],
    ["a legacy command mid-line", "see ##[error]injected"],
    ["a stop-commands of its own", "::stop-commands::abc"],
  ])("fences %s so it yields no command", (_, text) => {
    const output = captureStdout(() => info(text));
    expect(mayHoldCommand(text)).toBe(true);
    expect(parseWorkflowCommands(output)).toEqual([]);
    expect(output).toContain(text);
  });

  it.each([
    ["a command after U+0085 (.NET white space)", "\u0085::warning::x", "<U+0085>::warning::x"],
    ["a command after a lone CR", "first\r::error::x", "first<U+000D>::error::x"],
  ])("shows the control character before %s, so it yields no command", (_, text, shown) => {
    const output = captureStdout(() => info(text));
    expect(mayHoldCommand(text)).toBe(true);
    expect(parseWorkflowCommands(output)).toEqual([]);
    expect(output).toContain(shown);
  });

  it("never yields a command from untrusted text, and commands after it still work", () => {
    fc.assert(
      fc.property(hostileText, (text) => {
        const output = captureStdout(() => {
          info(text);
          annotate({ level: "notice", message: "after" });
        });
        expect(parseWorkflowCommands(output)).toEqual([
          { command: "notice", properties: {}, message: "after", line: expect.any(Number) },
        ]);
      }),
      { numRuns: 300 },
    );
  });
});

describe("mask", () => {
  it("masks each line of a multi-line secret too, since the runner masks line by line", () => {
    const key = "-----BEGIN KEY-----\nabc123\n-----END KEY-----";
    const output = captureStdout(() => mask(key));
    expect(parseWorkflowCommands(output).map((c) => c.message)).toEqual([
      key,
      "-----BEGIN KEY-----",
      "abc123",
      "-----END KEY-----",
    ]);
  });

  it("skips a blank value, which the runner would warn about", () => {
    expect(captureStdout(() => mask("  "))).toBe("");
  });

  it("masks a value with a command the runner reads", () => {
    const output = captureStdout(() => mask("s3cr3t-value"));
    expect(parseWorkflowCommands(output)).toMatchObject([
      { command: "add-mask", message: "s3cr3t-value" },
    ]);
  });
});

describe("debug and group", () => {
  it("logs debug text only when the runner's debug logging is on, fenced like info", () => {
    const saved = process.env.RUNNER_DEBUG;
    try {
      delete process.env.RUNNER_DEBUG;
      expect(captureStdout(() => debug("::error::quiet"))).toBe("");
      process.env.RUNNER_DEBUG = "1";
      const output = captureStdout(() => debug("::error::loud"));
      expect(output).toContain("::error::loud");
      expect(parseWorkflowCommands(output)).toEqual([]);
    } finally {
      if (saved === undefined) delete process.env.RUNNER_DEBUG;
      else process.env.RUNNER_DEBUG = saved;
    }
  });

  it("keeps a group title on one line, whatever it holds", async () => {
    const chunks: string[] = [];
    const write = process.stdout.write;
    process.stdout.write = ((chunk: string) => {
      chunks.push(chunk);
      return true;
    }) as typeof process.stdout.write;
    try {
      await group("title\n::error::injected", async () => undefined);
    } finally {
      process.stdout.write = write;
    }
    expect(parseWorkflowCommands(chunks.join("")).map((c) => [c.command, c.message])).toEqual([
      ["group", "title ::error::injected"],
      ["endgroup", ""],
    ]);
  });
});
