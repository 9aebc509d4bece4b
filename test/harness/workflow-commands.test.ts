import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as core from "@actions/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { hostileText } from "../core/hostile-text.ts";
import {
  annotationsOf,
  parseFileCommands,
  parseInterleavedCommands,
  parseWorkflowCommands,
} from "./workflow-commands.ts";

describe("parseWorkflowCommands", () => {
  it("reads name, properties and message, unescaping them as the runner does", () => {
    const [command] = parseWorkflowCommands(
      "::error file=a%2Cb.ts,line=3,title=T%3A x%25y::line one%0Aline two%25",
    );
    expect(command).toEqual({
      command: "error",
      properties: { file: "a,b.ts", line: "3", title: "T: x%y" },
      message: "line one\nline two%",
      line: 0,
    });
  });

  it("decodes %0A once: an escaped percent before 0A stays literal", () => {
    const [command] = parseWorkflowCommands("::notice::100%250A");
    expect(command?.message).toBe("100%0A");
  });

  it("matches command names case-insensitively and trims only leading white space", () => {
    const commands = parseWorkflowCommands("  ::WARNING::kept trailing  \n\u0085::notice::n");
    expect(commands.map((c) => [c.command, c.message])).toEqual([
      ["warning", "kept trailing  "],
      ["notice", "n"],
    ]);
  });

  it("ignores lines naming no runner command and lines without a closing ::", () => {
    expect(parseWorkflowCommands("::made-up::x\n::error no close\nplain :: text")).toEqual([]);
  });

  it("reads the legacy ##[name k=v;] form anywhere in a line", () => {
    const [command] = parseWorkflowCommands("prefix ##[warning file=a%3Bb;line=2]msg%5D");
    expect(command).toMatchObject({
      command: "warning",
      properties: { file: "a;b", line: "2" },
      message: "msg]",
    });
  });

  it("drops property pairs with an empty key or value, like the runner", () => {
    const [command] = parseWorkflowCommands("::error title=,=x,file=f, line=2::m");
    expect(command?.properties).toEqual({ file: "f", " line": "2" });
    expect(annotationsOf([command!])[0]?.line).toBeUndefined();
  });

  it("splits lines at LF, CR and CRLF", () => {
    const commands = parseWorkflowCommands("::error::a\r::error::b\r\n::error::c");
    expect(commands.map((c) => c.message)).toEqual(["a", "b", "c"]);
  });

  it("suspends processing between stop-commands and its token, in any case", () => {
    const commands = parseWorkflowCommands(
      [
        "::stop-commands::Tok3n",
        "::error::inside",
        "##[error]inside legacy",
        "::TOK3N::",
        "::error::after",
      ].join("\n"),
    );
    expect(commands.map((c) => c.message)).toEqual(["after"]);
  });

  it("resumes on a legacy ##[token] too", () => {
    const commands = parseWorkflowCommands(
      "::stop-commands::t1\n::error::no\n##[t1]\n::error::yes",
    );
    expect(commands.map((c) => c.message)).toEqual(["yes"]);
  });

  it("never resumes after an empty stop token", () => {
    expect(parseWorkflowCommands("::stop-commands::\n::error::x\n::::")).toEqual([]);
  });

  it("turns annotation properties into numbers, reading keys in any case", () => {
    const [annotation] = annotationsOf(
      parseWorkflowCommands("::error FILE=x.ts,Line=4,col=2,endline=4,endColumn=9::m"),
    );
    expect(annotation).toEqual({
      level: "error",
      message: "m",
      title: undefined,
      file: "x.ts",
      line: 4,
      column: 2,
      endLine: 4,
      endColumn: 9,
    });
  });
});

describe("parseFileCommands", () => {
  it("reads name=value lines, splitting at the first =", () => {
    expect(parseFileCommands("a=1\nb=x=y\n\nc=\n")).toEqual({ a: "1", b: "x=y", c: "" });
  });

  it("reads heredocs, keeping inner line endings and blank lines", () => {
    const text = "notes<<EOF_1\nline 1\r\n\nline 3\nEOF_1\nafter=yes\n";
    expect(parseFileCommands(text)).toEqual({ notes: "line 1\r\n\nline 3", after: "yes" });
  });

  it("takes whichever of = and << comes first", () => {
    expect(parseFileCommands("a=b<<c\nd<<E\nx=y\nE\n")).toEqual({ a: "b<<c", d: "x=y" });
  });

  it("reads an empty heredoc as an empty value", () => {
    expect(parseFileCommands("empty<<EOF\nEOF\n")).toEqual({ empty: "" });
  });

  it("lets a later value of the same name win", () => {
    expect(parseFileCommands("a=1\na=2\n")).toEqual({ a: "2" });
  });

  it("accepts CRLF files", () => {
    expect(parseFileCommands("a=1\r\nb<<E\r\nx\r\nE\r\n")).toEqual({ a: "1", b: "x" });
  });

  it("reads back any value @actions/core writes, as the runner would", () => {
    const directory = mkdtempSync(join(tmpdir(), "sg-output-"));
    const file = join(directory, "set_output");
    const saved = process.env.GITHUB_OUTPUT;
    process.env.GITHUB_OUTPUT = file;
    try {
      fc.assert(
        fc.property(hostileText, (value) => {
          writeFileSync(file, "");
          core.setOutput("result", value);
          // The runner reads a CR before the closing line break as part of that break.
          expect(parseFileCommands(readFileSync(file, "utf8"))).toEqual({
            result: value.replace(/\r$/, ""),
          });
        }),
        { numRuns: 200 },
      );
    } finally {
      if (saved === undefined) delete process.env.GITHUB_OUTPUT;
      else process.env.GITHUB_OUTPUT = saved;
      rmSync(directory, { recursive: true, force: true });
    }
  });

  it.each([
    ["a heredoc without its delimiter", "a<<EOF\nvalue\n", /no closing delimiter/],
    ["a line with neither = nor <<", "just text\n", /malformed/],
    ["an empty name", "=x\n", /empty name/],
    ["an empty delimiter", "a<<\nx\n", /empty name or delimiter/],
  ])("refuses %s, as the runner fails the step", (_, text, error) => {
    expect(() => parseFileCommands(text)).toThrow(error);
  });
});

describe("parseInterleavedCommands", () => {
  const fenced = (token: string, body: string) =>
    `::stop-commands::${token}\n${body}\n::${token}::\n`;

  it("finds what one stream's fence lets through when the other stream's fence ends first", () => {
    // The runner may process: out's stop, err's stop (ignored: stopped), out's body, out's end
    // (resumes), err's body: which then runs.
    const commands = parseInterleavedCommands(
      fenced("aaaa1111", "::warning::from stdout"),
      fenced("bbbb2222", "::error::from stderr"),
    );
    expect(commands.map((c) => c.message).sort()).toEqual(["from stderr", "from stdout"]);
  });

  it("finds nothing where only one stream fences and the other holds no command", () => {
    expect(
      parseInterleavedCommands(
        fenced("aaaa1111", "::error::x"),
        "plain\n\\::error::y\n##\\[warning]z\n",
      ),
    ).toEqual([]);
  });

  it("finds each stream's own commands as the runner runs them", () => {
    expect(
      parseInterleavedCommands("::notice::a\n", "::warning::b\n").map((c) => c.command),
    ).toEqual(["notice", "warning"]);
  });
});
