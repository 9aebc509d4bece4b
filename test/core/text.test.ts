import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  escapeCommandLines,
  hasInvisible,
  inertJson,
  inertLog,
  mayHoldCommand,
  showInvisible,
  showTerminalControls,
} from "../../src/core/text.ts";
import { parseInterleavedCommands } from "../harness/workflow-commands.ts";
import { hostileText } from "./hostile-text.ts";

// Characters that change what a reader sees without showing themselves: each must be written out.
const INVISIBLE: [string, string][] = [
  ["right-to-left override", "\u202E"],
  ["left-to-right embedding", "\u202A"],
  ["first strong isolate", "\u2068"],
  ["right-to-left mark", "\u200F"],
  ["Arabic letter mark", "\u061C"],
  ["zero-width space", "\u200B"],
  ["zero-width joiner", "\u200D"],
  ["word joiner", "\u2060"],
  ["byte-order mark", "\uFEFF"],
  ["soft hyphen", "\u00AD"],
  ["Hangul filler", "\u3164"],
  ["interlinear annotation anchor", "\uFFF9"],
  // Tag characters spell invisible ASCII ("ASCII smuggling"): E0041 is an invisible "A".
  ["tag latin capital letter A", "\u{E0041}"],
  ["cancel tag", "\u{E007F}"],
  ["language tag", "\u{E0001}"],
  ["musical symbol begin beam", "\u{1D173}"],
  ["Mongolian free variation selector", "\u180B"],
  ["Khmer inherent vowel", "\u17B4"],
];

describe("showInvisible", () => {
  it.each(INVISIBLE)("writes out a %s", (_, char) => {
    const code = (char.codePointAt(0) as number).toString(16).toUpperCase().padStart(4, "0");
    expect(showInvisible(`a${char}b`)).toBe(`a<U+${code}>b`);
    expect(hasInvisible(`a${char}b`)).toBe(true);
  });

  it("leaves visible text alone, emoji and their presentation selectors included", () => {
    for (const text of ["pass", "é ü ß", "😀", "⚠\uFE0F warning", "日本語", "שלום", "👩‍💻"]) {
      // A zero-width joiner inside an emoji sequence is still shown: it can hide text too.
      const expected = text.replace("\u200D", "<U+200D>");
      expect(showInvisible(text)).toBe(expected);
    }
  });

  it("leaves nothing invisible behind, whatever the text", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme" }), (text) => {
        expect(hasInvisible(showInvisible(text))).toBe(false);
      }),
    );
  });
});

describe("inertJson", () => {
  const anyText = fc.oneof(
    hostileText,
    fc.string({ unit: "binary" }),
    fc.constantFrom(...INVISIBLE.map(([, char]) => `x${char}y`)),
  );

  it("decodes to the same data, holds no invisible character and no line a runner would read", () => {
    fc.assert(
      fc.property(fc.dictionary(anyText, fc.oneof(anyText, fc.array(anyText))), (value) => {
        const json = inertJson(value);
        expect(JSON.parse(json)).toEqual(value);
        expect(hasInvisible(json)).toBe(false);
        expect(mayHoldCommand(json)).toBe(false);
      }),
    );
  });

  it("writes a character beyond the first plane as its surrogate pair", () => {
    expect(inertJson("a\u{E0041}b", 0)).toBe('"a\\udb40\\udc41b"\n');
  });
});

describe("escapeCommandLines", () => {
  it("runs no command, even read between the lines of a fenced stream by the same runner", () => {
    fc.assert(
      fc.property(hostileText, hostileText, (other, text) => {
        const escaped = escapeCommandLines(text);
        expect(hasInvisible(escaped)).toBe(false);
        expect(mayHoldCommand(escaped)).toBe(false);
        expect(parseInterleavedCommands(inertLog(other), escaped)).toEqual([]);
      }),
    );
  });

  it.each([
    ["space", " "],
    ["tab", "\t"],
    ["vertical tab", "\v"],
    ["form feed", "\f"],
    ["next line", "\u0085"],
    ["no-break space", "\u00A0"],
    ["ogham space", "\u1680"],
    ["line separator", "\u2028"],
    ["ideographic space", "\u3000"],
  ])("escapes a command the runner finds after leading %s", (_, space) => {
    const line = `${space}${space}::error::x`;
    expect(parseInterleavedCommands(line, "")).toHaveLength(1);
    expect(parseInterleavedCommands(escapeCommandLines(`a\n${line}`), "")).toEqual([]);
  });

  it("changes only what could be read as a command", () => {
    expect(escapeCommandLines("a\n  ::error::x\r\n::warning::y\nb ##[group]z\n")).toBe(
      "a\n  \\::error::x\r\n\\::warning::y\nb ##\\[group]z\n",
    );
    fc.assert(
      fc.property(hostileText, (text) => {
        const shown = showTerminalControls(showInvisible(text));
        if (!mayHoldCommand(shown)) expect(escapeCommandLines(text)).toBe(shown);
      }),
    );
  });
});

describe("showTerminalControls", () => {
  // What a terminal or the log viewer acts on: ESC but the CLI's own colours, a lone CR, the rest.
  const ACTED_ON =
    // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the test
    /\u001b(?!\[(?:0|1|2|31|32|33)m)|\r(?!\n)|[\u0000-\u0008\u000B\u000C\u000E-\u001A\u001C-\u001F\u007F-\u009F]/;

  it("leaves no control character a terminal acts on, and in the step's log neither", () => {
    fc.assert(
      fc.property(fc.oneof(hostileText, fc.string({ unit: "binary" })), (text) => {
        expect(showTerminalControls(text)).not.toMatch(ACTED_ON);
        expect(inertLog(text)).not.toMatch(ACTED_ON);
        expect(escapeCommandLines(text)).not.toMatch(ACTED_ON);
      }),
    );
  });

  it("keeps tabs, line ends and the CLI's colours", () => {
    expect(showTerminalControls("a\tb\r\nc\n\u001b[31mred\u001b[0m\u001b[2K\rd\u009b")).toBe(
      "a\tb\r\nc\n\u001b[31mred\u001b[0m<U+001B>[2K<U+000D>d<U+009B>",
    );
  });

  it("has inertJson write DEL and C1 controls as escapes", () => {
    expect(inertJson("a\u009b2K\u007f", 0)).toBe('"a\\u009b2K\\u007f"\n');
  });
});
