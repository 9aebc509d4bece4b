/** A pinned use of this suite's actions: groups `action`, `pin`, `gap` and `version`. */
export const PINNED: RegExp;
/** README.md, docs/*.md and each action README, relative to `root`. */
export function documentationFiles(root: string): string[];
export function pinExamples(
  text: string,
  sha: string,
  tag: string,
): { text: string; count: number };
