import { useProxyFromEnvironment } from "../core/network.ts";
import { runCli } from "./run.ts";

// A reader that stops early (`status-gate bench parse . | head -1`) closes the pipe; that is the
// reader's choice, not a failure, so the command ends quietly with status 0.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") process.exit(0);
    throw error;
  });
}

useProxyFromEnvironment();
process.exitCode = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  color: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR,
  cwd: process.cwd(),
  env: process.env,
});
