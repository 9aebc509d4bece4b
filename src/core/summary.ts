import { appendFileSync, statSync } from "node:fs";
import { annotate } from "./log.ts";
import { showInvisible } from "./text.ts";

/** GitHub refuses a step's job summary above 1 MiB; past that the step's summary is dropped. */
export const SUMMARY_LIMIT_BYTES = 1024 * 1024;

const HTML_ENTITIES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** Text for an HTML element or attribute. */
export function escapeHtml(text: string): string {
  return showInvisible(text).replace(/[&<>"']/g, (char) => HTML_ENTITIES[char] as string);
}

/**
 * Untrusted text made inert inside GitHub-flavoured markdown: HTML is escaped, every markdown
 * punctuation character is backslash-escaped (so no links, autolinks, images, emphasis, headings,
 * math or mentions), and line breaks become `<br>` so the text stays in its table cell or list item.
 */
export function escapeMarkdown(text: string): string {
  // Leading blanks would start an indented code block; as character references they do not.
  const shown = showInvisible(text);
  const indent = /^[ \t]*/.exec(shown)?.[0] ?? "";
  const rest = shown
    .slice(indent.length)
    .replace(/\r\n|[\r\n&<>"'\\`*_{}[\]()#+\-.!|~:@$]/g, (char) => {
      if (char === "\r\n" || char === "\r" || char === "\n") return "<br>";
      return HTML_ENTITIES[char] ?? `\\${char}`;
    });
  return indent.replace(/[ \t]/g, (blank) => `&#${blank.charCodeAt(0)};`) + rest;
}

/**
 * Untrusted text shown as code. Markdown still applies between HTML tags, so the text is escaped
 * like any other; line breaks become spaces so the span stays on its line.
 */
export function inlineCode(text: string): string {
  return `<code>${escapeMarkdown(text.replace(/\r\n|\r|\n/g, " "))}</code>`;
}

/** A link whose text and target are both untrusted; only a single http(s) URL becomes a link. */
export function link(text: string, url: string | undefined): string {
  // No whitespace, control or invisible format characters: browsers rewrite some (NUL becomes
  // U+FFFD), so the target would differ from the URL given, and the rest hide what it is.
  if (!url || !/^https?:\/\/[^\s\p{Cc}\p{Cf}]+$/iu.test(url)) return escapeMarkdown(text);
  return `<a href="${escapeHtml(url)}">${escapeMarkdown(text)}</a>`;
}

/**
 * A fenced code block for untrusted text: the fence is longer than any run of backticks in it,
 * and the info string keeps only characters that cannot end the fence line or add attributes.
 */
export function codeBlock(text: string, language = ""): string {
  const longestRun = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(Math.max(3, longestRun + 1));
  const info = language.replace(/[^\w+-]/g, "");
  const body = showInvisible(text).replace(/\r\n|\r/g, "\n");
  return `${fence}${info}\n${body}${body.endsWith("\n") || body === "" ? "" : "\n"}${fence}`;
}

/**
 * Builds a job summary in markdown. Callers pass trusted markdown to `raw` and everything else
 * through the typed helpers, which escape it. `write` keeps the step under GitHub's 1 MiB limit:
 * it truncates at a block boundary with a note instead of failing the step.
 */
export class Summary {
  private readonly blocks: string[] = [];

  heading(text: string, level: 1 | 2 | 3 | 4 = 2): this {
    return this.raw(`${"#".repeat(level)} ${escapeMarkdown(text)}`);
  }

  paragraph(text: string): this {
    return this.raw(escapeMarkdown(text));
  }

  raw(markdown: string): this {
    this.blocks.push(markdown);
    return this;
  }

  /** `cells` are markdown already (build them with escapeMarkdown, link or inlineCode). */
  table(headers: readonly string[], rows: readonly (readonly string[])[]): this {
    const line = (cells: readonly string[]) =>
      `| ${cells.map((cell) => cell.replace(/\r\n|\r|\n/g, "<br>")).join(" | ")} |`;
    return this.raw(
      [line(headers.map(escapeMarkdown)), line(headers.map(() => "---")), ...rows.map(line)].join(
        "\n",
      ),
    );
  }

  list(items: readonly string[]): this {
    return this.raw(items.map((item) => `- ${item}`).join("\n"));
  }

  /** Untrusted text shown verbatim in a fenced code block that nothing in it can close. */
  code(text: string, language = ""): this {
    return this.raw(codeBlock(text, language));
  }

  details(summaryText: string, bodyMarkdown: string): this {
    return this.raw(
      `<details><summary>${escapeHtml(summaryText.replace(/\r\n|\r|\n/g, " "))}</summary>\n\n${bodyMarkdown}\n\n</details>`,
    );
  }

  /**
   * The markdown, within `limitBytes` (UTF-8). Past the limit it keeps whole blocks and ends with
   * a note; a first block too big on its own is cut at a line. When not even the note fits, it is
   * empty: an oversized summary would be dropped whole.
   */
  toString(limitBytes = Number.POSITIVE_INFINITY): string {
    const whole = `${this.blocks.join("\n\n")}\n`;
    if (Buffer.byteLength(whole) <= limitBytes) return whole;
    const budget = limitBytes - Buffer.byteLength(TRUNCATION_NOTE);
    if (budget < 0) return "";
    // Count each block once: re-measuring the growing prefix made large summaries quadratic.
    const kept: string[] = [];
    let used = 0;
    for (const block of this.blocks) {
      const size = Buffer.byteLength(block) + 2;
      if (used + size > budget) break;
      kept.push(block);
      used += size;
    }
    const text =
      kept.length > 0 ? `${kept.join("\n\n")}\n\n` : cutAtLine(this.blocks[0] ?? "", budget);
    return `${text}${TRUNCATION_NOTE}`;
  }

  /** Appends to `$GITHUB_STEP_SUMMARY` (or `path`); without one, returns the text unwritten. */
  write(path: string | undefined = process.env.GITHUB_STEP_SUMMARY): string {
    if (!path) return this.toString();
    let used = 0;
    try {
      used = statSync(path).size;
    } catch {
      used = 0;
    }
    const text = this.toString(Math.max(0, SUMMARY_LIMIT_BYTES - used));
    try {
      appendFileSync(path, text);
    } catch (error) {
      // A summary is a courtesy; losing it must not fail the check it reports on.
      annotate({
        level: "warning",
        title: "job summary",
        message: `could not write the job summary to ${path}: ${(error as Error).message}`,
      });
    }
    return text;
  }
}

const TRUNCATION_NOTE =
  "\n\n> [!NOTE]\n> This summary was cut short to fit GitHub's 1 MiB limit for a step's job summary.\n";

/**
 * The longest prefix within `bytes` that ends at a line break, so no table row, tag or entity is
 * split; without a line break in reach, the longest prefix that splits no character or entity.
 */
function cutAtLine(text: string, bytes: number): string {
  const prefix = Buffer.from(text)
    .subarray(0, Math.max(0, bytes))
    .toString("utf8")
    .replace(/\uFFFD$/, "");
  const lineEnd = prefix.lastIndexOf("\n");
  if (lineEnd >= 0) return prefix.slice(0, lineEnd + 1);
  return prefix.replace(/&[#a-z0-9]*$/i, "").replace(/<[^>]*$/, "");
}
