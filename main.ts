/**
 * dr-syncer entry point: preload first, then parse the command line and run
 * one command. Exit codes (contract §5): 0 success, 1 failure, 2 usage.
 */
import "./lib/preload.ts";
import { type Invocation, parseArgs } from "./lib/cli/args.ts";
import { helpText } from "./lib/cli/help.ts";
import { crdYamlStream } from "./crds/mod.ts";
import { versionText } from "./lib/version.ts";
import { runControllerCommand } from "./controllers/run-command.ts";
import { processIo } from "./lib/workflows/io.ts";
import { sync } from "./lib/workflows/sync.ts";
import { promote } from "./lib/workflows/promote.ts";
import { demote } from "./lib/workflows/demote.ts";
import { cutover } from "./lib/workflows/cutover.ts";
import { failback } from "./lib/workflows/failback.ts";
import { status } from "./lib/workflows/status.ts";

const EXIT_OK = 0;
const EXIT_FAILURE = 1;
const EXIT_USAGE = 2;

/** Runs one invocation of dr-syncer and returns its exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const parsed = parseArgs(argv);
  if (!parsed.ok) {
    console.error(`dr-syncer: ${parsed.error}`);
    return EXIT_USAGE;
  }
  const { invocation } = parsed;
  try {
    return await dispatch(invocation);
  } catch (e) {
    // Failures end as one line; the stack is for the debug log, not users.
    const message = e instanceof Error ? e.message : String(e);
    console.error(`dr-syncer: ${invocation.command}: ${message}`);
    return EXIT_FAILURE;
  }
}

function dispatch(invocation: Invocation): Promise<number> | number {
  switch (invocation.command) {
    case "help":
      console.log(helpText(invocation.topic));
      return EXIT_OK;
    case "version":
      console.log(versionText());
      return EXIT_OK;
    case "crds":
      console.log(crdYamlStream().trimEnd());
      return EXIT_OK;
    case "run":
      return runControllerCommand(invocation);
    case "sync":
      return sync(invocation, processIo());
    case "promote":
      return promote(invocation, processIo());
    case "demote":
      return demote(invocation, processIo());
    case "cutover":
      return cutover(invocation, processIo());
    case "failback":
      return failback(invocation, processIo());
    case "status":
      return status(invocation, processIo());
    default: {
      const unknown: never = invocation;
      throw new Error(`BUG: unhandled command ${JSON.stringify(unknown)}`);
    }
  }
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}
