import { runCli } from "./run.ts";

// A reader that stops early (`status-gate bench parse . | head -1`) closes the pipe; that is the
// reader's choice, not a failure, so nothing is said of it and what is written after goes nowhere.
// The command still finishes its work and exits with its own code: 0 when it succeeded, but a
// closed pipe never turns a failed check green or cuts an upload or a release short.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE" || error.code === "ERR_STREAM_DESTROYED") return;
    throw error;
  });
}

process.exitCode = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  color: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR,
  cwd: process.cwd(),
  env: process.env,
});
