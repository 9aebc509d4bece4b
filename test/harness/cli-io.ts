import { Writable } from "node:stream";
import { runCli } from "../../src/cli/run.ts";

/** A stream that keeps what is written; `tty` makes it say it is a terminal, as stdout does on one. */
export function textSink({ tty = false }: { tty?: boolean } = {}) {
  const chunks: string[] = [];
  const stream = Object.assign(
    new Writable({
      write(chunk, _encoding, done) {
        chunks.push(String(chunk));
        done();
      },
    }),
    tty ? { isTTY: true } : {},
  );
  return { stream, text: () => chunks.join("") };
}

/** Runs the CLI in this process on `args`, writing to a pipe (or, with `tty`, a terminal). */
export async function runCliHere(
  args: string[],
  {
    env = {},
    color = false,
    tty = false,
  }: { env?: NodeJS.ProcessEnv; color?: boolean; tty?: boolean },
) {
  const stdout = textSink({ tty });
  const stderr = textSink({ tty });
  const code = await runCli(args, {
    stdout: stdout.stream,
    stderr: stderr.stream,
    color,
    cwd: process.cwd(),
    env,
  });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}
