import { createHash, randomBytes } from "node:crypto";
import { createReadStream } from "node:fs";
import {
  glob,
  lstat,
  mkdir,
  readFile,
  readlink,
  realpath,
  rename,
  rm,
  stat,
  writeFile,
} from "node:fs/promises";
import { basename, dirname, isAbsolute, relative, resolve } from "node:path";
import { ConfigurationError } from "../core/errors.ts";

/**
 * A file attested as `actions/attest-build-provenance` attests one: named by its base name in
 * the statement, identified by its sha256. `path` is where it lives when it was found on disk
 * (its bundle is written beside it as `<file>.sigstore.json`); a subject read from a checksums
 * file has none.
 */
export interface FileSubject {
  name: string;
  digest: string;
  path: string | undefined;
}

/** The sha256 of a file, streamed (release archives can be large), as `sha256:<hex>`. */
export async function fileDigest(path: string, algorithm = "sha256"): Promise<string> {
  const hash = createHash(algorithm);
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return `${algorithm}:${hash.digest("hex")}`;
}

/**
 * Every regular file the patterns match, in sorted order; `!pattern` excludes. Bundles this
 * action wrote beside earlier subjects (`*.sigstore.json`) are never subjects themselves: a
 * re-run over `dist/*` must sign the same statement as the first run. A pattern inside the
 * workspace yields only files inside it: a symbolic link there that leads elsewhere (a pull
 * request can add one) is refused, so the names and digests of files outside are never signed
 * into a public log. Names with control characters are refused: `bundle-paths` and `digests`
 * list one path per line.
 */
async function matchFiles(
  patterns: readonly string[],
  cwd: string,
  label: string,
): Promise<string[]> {
  const include = patterns.filter((p) => !p.startsWith("!"));
  const exclude = patterns.filter((p) => p.startsWith("!")).map((p) => p.slice(1));
  const insideOnly = include.every((p) => !isAbsolute(p) && !p.startsWith(".."));
  const workspace = await realpath(cwd).catch(() => resolve(cwd));
  const found = new Set<string>();
  for await (const match of glob(include, { cwd, exclude })) {
    const path = resolve(cwd, match);
    if (path.endsWith(".sigstore.json")) continue;
    const shown = isAbsolute(match) ? match : relative(cwd, path);
    if (/\p{Cc}/u.test(path)) {
      throw new ConfigurationError(
        `${label}: ${JSON.stringify(shown)} has a line break or another control character in its name; rename it (bundle-paths and digests list one path per line)`,
      );
    }
    const info = await stat(path).catch(() => undefined);
    if (!info) {
      throw new ConfigurationError(
        `${label}: '${shown}' cannot be read (a symbolic link to a missing file?)`,
      );
    }
    if (!info.isFile()) continue;
    if (insideOnly) {
      const real = await realpath(path);
      const within = relative(workspace, real);
      if (within.startsWith("..") || isAbsolute(within)) {
        throw new ConfigurationError(
          `${label}: '${shown}' is a symbolic link to '${real}', outside the workspace; attest the file where it is with an absolute path if that is meant`,
        );
      }
    }
    found.add(path);
  }
  return [...found].sort();
}

/**
 * Writes a file by renaming a fresh one over the path, so that a symbolic link already at that
 * path (`<file>.sigstore.json` in a pull request's tree) is replaced, never written through.
 */
export async function writeReplacing(path: string, bytes: Uint8Array): Promise<void> {
  const fresh = `${dirname(path)}/.${basename(path)}.${randomBytes(6).toString("hex")}`;
  await writeFile(fresh, bytes, { flag: "wx" });
  await rename(fresh, path).catch(async (thrown: unknown) => {
    await rm(fresh, { force: true });
    throw thrown;
  });
}

/**
 * Makes the folder that image and checksum bundles are written to. `attest push` writes into
 * `attestations` of the working directory, a checkout a pull request shapes: a link or a file
 * already at that name is refused, so bundles never land in a folder the link leads to.
 */
export async function bundleFolder(dir: string): Promise<void> {
  const info = await lstat(dir).catch(() => undefined);
  if (info?.isSymbolicLink()) {
    const target = await readlink(dir).catch(() => "?");
    throw new ConfigurationError(
      `'${dir}' is a symbolic link to '${target}'; bundles are written only into a real folder there (remove the link)`,
    );
  }
  if (info && !info.isDirectory()) {
    throw new ConfigurationError(
      `'${dir}' is a file; bundles are written only into a real folder there (remove the file)`,
    );
  }
  await mkdir(dir, { recursive: true });
}

const CHECKSUM_LINE = /^([a-fA-F0-9]{64})\s+\*?(.+)$/;

/** `sha256sum` output: `<hex>  <name>` per line (a `*` before the name for binary mode). */
export function parseChecksums(text: string, file: string, label: string): FileSubject[] {
  return text
    .split(/\r?\n/)
    .map((line, index) => ({ line: line.trim(), number: index + 1 }))
    .filter(({ line }) => line.length > 0 && !line.startsWith("#"))
    .map(({ line, number }) => {
      const match = CHECKSUM_LINE.exec(line);
      if (!match) {
        throw new ConfigurationError(
          `${label}: ${file}:${number} is not '<sha256 hex>  <name>' as sha256sum writes it`,
          { file, line: number },
        );
      }
      const name = (match[2] as string).trim();
      // As for files on disk: a name is signed into the statement and printed, and sha256sum
      // lists a pull request's file names as they are.
      if (/\p{Cc}/u.test(name)) {
        throw new ConfigurationError(
          `${label}: ${file}:${number} names ${JSON.stringify(name)}, with a control character; rename the file`,
          { file, line: number },
        );
      }
      return {
        name,
        digest: `sha256:${(match[1] as string).toLowerCase()}`,
        path: undefined,
      };
    });
}

/**
 * The file subjects of `subject-path` (globs, resolved in `cwd`) and `subject-checksums` (a
 * sha256sum file, or the lines themselves). A pattern that matches nothing is an error naming it:
 * silence would sign fewer files than asked.
 */
export async function resolveFileSubjects(
  options: { patterns: readonly string[]; checksums: string | undefined; cwd: string },
  label: (name: string) => string,
): Promise<FileSubject[]> {
  const subjects: FileSubject[] = [];
  for (const pattern of options.patterns.filter((p) => !p.startsWith("!"))) {
    const files = await matchFiles(
      [pattern, ...options.patterns.filter((p) => p.startsWith("!"))],
      options.cwd,
      label("subject-path"),
    );
    if (files.length === 0) {
      throw new ConfigurationError(
        `${label("subject-path")}: '${pattern}' matches no file in ${options.cwd}`,
      );
    }
    for (const path of files) {
      if (subjects.some((s) => s.path === path)) continue;
      subjects.push({ name: basename(path), digest: await fileDigest(path), path });
    }
  }
  if (options.checksums) {
    const inline = CHECKSUM_LINE.test(options.checksums.trim().split(/\r?\n/)[0] ?? "");
    const text = inline
      ? options.checksums
      : await readFile(resolve(options.cwd, options.checksums), "utf8").catch(() => {
          throw new ConfigurationError(
            `${label("subject-checksums")}: cannot read '${options.checksums}'`,
          );
        });
    const source = inline ? label("subject-checksums") : options.checksums;
    subjects.push(...parseChecksums(text, source, label("subject-checksums")));
  }
  return subjects;
}
