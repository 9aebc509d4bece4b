import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { micromark } from "micromark";
import { gfm, gfmHtml } from "micromark-extension-gfm";
import { afterEach, describe, expect, it } from "vitest";
import {
  codeBlock,
  escapeHtml,
  escapeMarkdown,
  inlineCode,
  link,
  SUMMARY_LIMIT_BYTES,
  Summary,
} from "../../src/core/summary.ts";
import { showInvisible } from "../../src/core/text.ts";
import { annotationsOf, parseWorkflowCommands } from "../harness/workflow-commands.ts";
import { captureStdout, hostileText } from "./hostile-text.ts";

/** GitHub-flavoured markdown to HTML, raw HTML passed through as GitHub's renderer does. */
const render = (markdown: string) =>
  micromark(markdown, {
    extensions: [gfm()],
    htmlExtensions: [gfmHtml()],
    allowDangerousHtml: true,
  });

const tagsOf = (html: string) =>
  [...html.matchAll(/<\/?([a-z][a-z0-9]*)/gi)].map((m) => m[1]?.toLowerCase());

const decode = (html: string) =>
  html
    .replace(/<br\s*\/?>/g, "\n")
    .replace(/<[^>]*>/g, "")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&");

/** What a reader sees: whitespace runs collapse; markdown replaces NUL with U+FFFD. */
const visible = (text: string) =>
  text
    .replace(/\0/g, "\uFFFD")
    .replace(/\r\n|\r/g, "\n")
    .replace(/[ \t\n]+/g, " ")
    .trim();

describe("escapeMarkdown", () => {
  it("escapes a link, an image, a tag, a heading and a mention", () => {
    const html = render(
      escapeMarkdown("# [x](https://e.com) ![i](x.png) <b>hi</b> @team www.e.com"),
    );
    expect(tagsOf(html)).toEqual(["p", "p"]);
  });

  it("never lets untrusted text create a link, image, tag, heading or line break of its own", () => {
    fc.assert(
      fc.property(hostileText, (text) => {
        const html = render(escapeMarkdown(text));
        expect(tagsOf(html).every((tag) => tag === "p" || tag === "br")).toBe(true);
        // Invisible format characters are shown as <U+XXXX>; everything else reads as written.
        expect(visible(decode(html))).toBe(visible(showInvisible(text)));
      }),
      { numRuns: 250 },
    );
  });

  it("never breaks a table: an escaped cell stays one cell of one row", () => {
    fc.assert(
      fc.property(hostileText, (text) => {
        const summary = new Summary().table(["name", "value"], [[escapeMarkdown(text), "end"]]);
        const html = render(summary.toString());
        expect(html.match(/<tr>/g)).toHaveLength(2);
        expect(html.match(/<td>/g)).toHaveLength(2);
        expect(html).toContain("<td>end</td>");
        expect(
          tagsOf(html).filter(
            (tag) => !["table", "thead", "tbody", "tr", "th", "td", "br"].includes(tag!),
          ),
        ).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });
});

describe("inlineCode", () => {
  it("shows untrusted text as one code element, inside a table cell too", () => {
    fc.assert(
      fc.property(hostileText, (text) => {
        const html = render(`| a |\n| --- |\n| ${inlineCode(text)} |`);
        expect(tagsOf(html).filter((tag) => tag === "code")).toEqual(["code", "code"]);
        expect(html.match(/<td>/g)).toHaveLength(1);
        expect(tagsOf(html).some((tag) => tag === "a" || tag === "img" || tag === "br")).toBe(
          false,
        );
      }),
      { numRuns: 200 },
    );
  });
});

describe("link", () => {
  it("links an http(s) URL with escaped text", () => {
    expect(render(link("run #7", "https://github.com/o/r/actions/runs/7?a=1&b=2"))).toBe(
      '<p><a href="https://github.com/o/r/actions/runs/7?a=1&amp;b=2">run #7</a></p>',
    );
  });

  it.each(["javascript:alert(1)", "data:text/html,x", "//evil.example", "https://a b", undefined])(
    "does not link %s",
    (url) => {
      expect(tagsOf(render(link("text", url)))).toEqual(["p", "p"]);
    },
  );

  it("links exactly an http(s) URL, with the URL itself as its only attribute", () => {
    const urlLike = fc
      .tuple(fc.constantFrom("https://", "http://", "HTTPS://", "javascript:", ""), hostileText)
      .map(([scheme, rest]) => `${scheme}${rest.replace(/\s/g, "")}`);
    fc.assert(
      fc.property(hostileText, fc.oneof(urlLike, fc.webUrl()), (text, url) => {
        const html = render(link(text, url));
        const anchors = [...html.matchAll(/<a\b([^>]*)>/gi)].map((match) => match[1]);
        if (!/^https?:\/\/[^\s\p{Cc}\p{Cf}]+$/iu.test(url)) {
          expect(anchors).toEqual([]);
          return;
        }
        expect(anchors).toHaveLength(1);
        const href = /^ href="([^"]*)"$/.exec(anchors[0] ?? "")?.[1];
        expect(href === undefined ? undefined : decode(href)).toBe(url);
      }),
      { numRuns: 300 },
    );
    expect(link("text", "https://x\u0000y")).toBe("text");
  });

  it("never makes more than the one link, whatever the text and URL", () => {
    fc.assert(
      fc.property(hostileText, fc.oneof(hostileText, fc.webUrl()), (text, url) => {
        const tags = tagsOf(render(link(text, url)));
        expect(tags.filter((tag) => tag === "a").length).toBeLessThanOrEqual(2);
        expect(tags.every((tag) => ["p", "a", "br"].includes(tag!))).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});

describe("codeBlock", () => {
  const decodeCode = (html: string) =>
    decode(
      /^<pre><code(?: class="[^"]*")?>([\s\S]*)<\/code><\/pre>$/.exec(html.trim())?.[1] ??
        "NO BLOCK",
    );

  it("shows any text verbatim in exactly one code block", () => {
    fc.assert(
      fc.property(hostileText, fc.constantFrom("", "yaml", "js`x"), (text, language) => {
        const html = render(codeBlock(text, language));
        expect(tagsOf(html)).toEqual(["pre", "code", "code", "pre"]);
        // Verbatim but the invisible format characters, shown as <U+XXXX> (tag characters too).
        const shown = showInvisible(text)
          .replace(/\r\n|\r/g, "\n")
          .replace(/\0/g, "\uFFFD");
        expect(decodeCode(html)).toBe(shown === "" || shown.endsWith("\n") ? shown : `${shown}\n`);
      }),
      { numRuns: 200 },
    );
  });

  it("uses a fence longer than any backtick run in the text", () => {
    expect(codeBlock("a ```` b", "sh")).toBe("`````sh\na ```` b\n`````");
  });
});

describe("Summary", () => {
  it("builds headings, paragraphs, tables, lists and details", () => {
    const markdown = new Summary()
      .heading("Gate <ok>")
      .paragraph("3 checks passed")
      .table(["check", "result"], [["build", "✅"]])
      .list(["one", "two"])
      .details("Raw\nlog", "```\nx\n```")
      .toString();
    const blocks = [
      "## Gate &lt;ok&gt;",
      "3 checks passed",
      "| check | result |\n| --- | --- |\n| build | ✅ |",
      "- one\n- two",
      "<details><summary>Raw log</summary>\n\n```\nx\n```\n\n</details>",
    ];
    expect(markdown).toBe(`${blocks.join("\n\n")}\n`);
  });

  it("keeps a heading of untrusted text one heading", () => {
    fc.assert(
      fc.property(hostileText, (text) => {
        const tags = tagsOf(render(new Summary().heading(text, 3).toString()));
        expect(tags.every((tag) => tag === "h3" || tag === "br")).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it("escapes HTML in the details summary and keeps it on one line", () => {
    const markdown = new Summary().details("a\n\n# <b>x</b>", "body").toString();
    expect(render(markdown)).not.toMatch(/<h1|<b>/);
    expect(escapeHtml(`<"'&>`)).toBe("&lt;&quot;&#39;&amp;&gt;");
  });
});

describe("the 1 MiB limit", () => {
  let directory: string | undefined;
  afterEach(() => {
    if (directory) rmSync(directory, { recursive: true, force: true });
  });
  const summaryFile = (existing = "") => {
    directory = mkdtempSync(join(tmpdir(), "sg-summary-"));
    const path = join(directory, "step_summary");
    writeFileSync(path, existing);
    return path;
  };
  const block = (label: string, bytes: number) => `${label}${"x".repeat(bytes - label.length)}`;

  it("writes a summary under the limit whole", () => {
    const path = summaryFile();
    new Summary().heading("Gate").paragraph("ok").write(path);
    expect(readFileSync(path, "utf8")).toBe("## Gate\n\nok\n");
  });

  it("cuts at a block boundary and ends with a note", () => {
    const summary = new Summary();
    for (let index = 0; index < 5; index++) summary.raw(block(`block ${index} `, 300_000));
    const path = summaryFile();
    const text = summary.write(path);
    expect(statSync(path).size).toBeLessThanOrEqual(SUMMARY_LIMIT_BYTES);
    expect(text.startsWith(`${block("block 0 ", 300_000)}\n\n${block("block 1 ", 300_000)}`)).toBe(
      true,
    );
    expect(text).not.toContain("block 3");
    expect(text).toContain("cut short to fit GitHub's 1 MiB limit");
  });

  it("counts what the summary file already holds", () => {
    const path = summaryFile(block("earlier step ", SUMMARY_LIMIT_BYTES - 2000));
    new Summary().raw(block("a ", 1000)).raw(block("b ", 1000)).write(path);
    const written = readFileSync(path, "utf8").slice(SUMMARY_LIMIT_BYTES - 2000);
    expect(statSync(path).size).toBeLessThanOrEqual(SUMMARY_LIMIT_BYTES);
    expect(written.startsWith(block("a ", 1000))).toBe(true);
    expect(written).not.toContain("b x");
    expect(written).toContain("cut short to fit");
  });

  it("writes nothing, and does not fail, when not even the note fits", () => {
    const path = summaryFile(block("full ", SUMMARY_LIMIT_BYTES - 10));
    expect(new Summary().paragraph("more than ten bytes").write(path)).toBe("");
    expect(statSync(path).size).toBe(SUMMARY_LIMIT_BYTES - 10);
  });

  it("warns instead of failing when the summary file cannot be written", () => {
    const missing = join(mkdtempSync(join(tmpdir(), "sg-summary-")), "no/such/dir/summary");
    const output = captureStdout(() => {
      expect(new Summary().paragraph("ok").write(missing)).toBe("ok\n");
    });
    expect(annotationsOf(parseWorkflowCommands(output))).toEqual([
      expect.objectContaining({ level: "warning", title: "job summary" }),
    ]);
  });

  it("cuts one oversized table between rows", () => {
    const rows = Array.from({ length: 40_000 }, (_, index) => [`row ${index}`, "é".repeat(20)]);
    const text = new Summary().table(["name", "value"], rows).toString(SUMMARY_LIMIT_BYTES);
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(SUMMARY_LIMIT_BYTES);
    const [table = ""] = text.split("\n\n> [!NOTE]");
    expect(
      table
        .split("\n")
        .filter(Boolean)
        .every((line) => /^\| .* \|$/.test(line)),
    ).toBe(true);
  });

  it("never exceeds the limit and always keeps a prefix of whole blocks", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 400 }), { minLength: 1, maxLength: 12 }),
        fc.integer({ min: 0, max: 3000 }),
        (sizes, limit) => {
          const blocks = sizes.map((size, index) => block(`b${index}é `, size + 5));
          const summary = new Summary();
          for (const text of blocks) summary.raw(text);
          const text = summary.toString(limit);
          expect(Buffer.byteLength(text)).toBeLessThanOrEqual(limit);
          const body = text.split("\n\n> [!NOTE]")[0] ?? "";
          expect(`${blocks.join("\n\n")}\n`.startsWith(body.trimEnd())).toBe(true);
        },
      ),
    );
  });
});
