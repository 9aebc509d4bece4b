import { appendFileSync, statSync } from "node:fs";

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
  return text.replace(/[&<>"']/g, (char) => HTML_ENTITIES[char] as string);
}

/**
 * Untrusted text made inert inside GitHub-flavoured markdown: HTML is escaped, every markdown
 * punctuation character is backslash-escaped (so no links, images, emphasis, headings or
 * mentions), and line breaks become `<br>` so the text stays in its table cell or list item.
 */
export function escapeMarkdown(text: string): string {
  return text.replace(/\r\n|[\r\n&<>"'\\`*_{}[\]()#+\-.!|~:@]/g, (char) => {
    if (char === "\r\n" || char === "\r" || char === "\n") return "<br>";
    return HTML_ENTITIES[char] ?? `\\${char}`;
  });
}

/** Untrusted text inside an inline code span: backticks cannot close it, pipes cannot end a cell. */
export function inlineCode(text: string): string {
  const body = escapeHtml(text).replace(/\|/g, "&#124;").replace(/\r\n|\r|\n/g, " ");
  return `<code>${body}</code>`;
}

/** A link whose text and target are both untrusted; only http(s) targets become links. */
export function link(text: string, url: string | undefined): string {
  if (!url || !/^https?:\/\//i.test(url)) return escapeMarkdown(text);
  return `<a href="${escapeHtml(url)}">${escapeHtml(text)}</a>`;
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

  details(summaryText: string, bodyMarkdown: string): this {
    return this.raw(
      `<details><summary>${escapeHtml(summaryText)}</summary>\n\n${bodyMarkdown}\n\n</details>`,
    );
  }

  toString(limitBytes = Number.POSITIVE_INFINITY): string {
    const note = "\n\n> [!NOTE]\n> This summary was cut to fit GitHub's 1 MiB limit; see the step log for the rest.\n";
    const whole = `${this.blocks.join("\n\n")}\n`;
    if (Buffer.byteLength(whole) <= limitBytes) return whole;
    const budget = limitBytes - Buffer.byteLength(note);
    let kept = "";
    for (const block of this.blocks) {
      const next = `${kept}${block}\n\n`;
      if (Buffer.byteLength(next) > budget) break;
      kept = next;
    }
    if (kept === "") kept = truncateBytes(this.blocks[0] ?? "", budget);
    return `${kept}${note}`;
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
    appendFileSync(path, text);
    return text;
  }
}

/** The longest prefix within `bytes` that does not split a character or an HTML entity. */
function truncateBytes(text: string, bytes: number): string {
  let result = Buffer.from(text).subarray(0, Math.max(0, bytes)).toString("utf8");
  result = result.replace(/\uFFFD$/, "").replace(/&[#a-z0-9]*$/i, "");
  return result;
}
