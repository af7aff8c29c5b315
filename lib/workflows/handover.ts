/**
 * Cutover and failback are one procedure run in opposite directions: the
 * workloads of a namespace are handed from the side running them (giving)
 * to the other (taking). Each command says what its mirrored steps do; the
 * order, the dry-run rehearsal and the command frame live here once.
 *
 *   step             cutover (source → DR)       failback (DR → source)
 *   copy across      final sync                  sync back (--sync-back)
 *   stop giving      park the source             demote DR
 *   final volumes    final volume sync           —
 *   start taking     promote DR                  start the source
 *   verify           both sides re-read, nothing left to change
 *
 * The giving side always stops before the taking side starts, so the two
 * never run at once. A failed step stops the handover; every step is
 * idempotent, so re-running an interrupted one finishes it.
 */
import type { ConfigOf } from "../cli/commands.ts";
import { type OpenCluster, withSourceAndDr } from "./clusters.ts";
import { runWorkflow, type Step, type WorkflowIo } from "./io.ts";
import {
  Journal,
  printPlan,
  rehearsalClusters,
  rehearsalIo,
} from "./rehearsal.ts";

/** One step: its name in a dry run's plan, and what it does. */
export interface HandoverStep {
  name: string;
  run(): Promise<Step<void>>;
}

/** The mirrored steps of one direction (see the module comment). */
export interface HandoverSteps {
  copyAcross?: HandoverStep;
  stopGiving: HandoverStep;
  finalVolumes?: HandoverStep;
  startTaking: HandoverStep;
  verify(): Promise<Step<number>>;
}

type HandoverCommand = "cutover" | "failback";

/** One direction of the handover. */
export interface Handover<C extends HandoverCommand> {
  command: C;
  /** Step names, in order, as a dry run's plan lists them. */
  stepNames(cfg: ConfigOf<C>): readonly string[];
  /** The steps, against real clusters or a rehearsal of them. */
  steps(
    cfg: ConfigOf<C>,
    clusters: OpenCluster[],
    io: WorkflowIo,
  ): Promise<Step<HandoverSteps>>;
}

async function runSteps<C extends HandoverCommand>(
  handover: Handover<C>,
  cfg: ConfigOf<C>,
  clusters: OpenCluster[],
  io: WorkflowIo,
  enter: (step: string) => void = () => {},
): Promise<Step<number>> {
  const prepared = await handover.steps(cfg, clusters, io);
  if (!prepared.ok) return prepared;
  const s = prepared.value;
  for (
    const step of [s.copyAcross, s.stopGiving, s.finalVolumes, s.startTaking]
  ) {
    if (!step) continue;
    enter(step.name);
    const result = await step.run();
    if (!result.ok) return result;
  }
  return await s.verify();
}

/**
 * The handover rehearsed (rehearsal.ts): the very steps run against
 * clusters whose writes land in memory; the journal is printed as the plan.
 */
async function rehearse<C extends HandoverCommand>(
  handover: Handover<C>,
  cfg: ConfigOf<C>,
  clusters: OpenCluster[],
  io: WorkflowIo,
): Promise<Step<number>> {
  const journal = new Journal();
  const result = await runSteps(
    handover,
    cfg,
    rehearsalClusters(clusters, journal),
    rehearsalIo(io),
    (step) => journal.step = step,
  );
  printPlan(io, handover.command, handover.stepNames(cfg), journal);
  return result;
}

/** The command of one direction: real run, or `--dry-run` rehearsal. */
export function handoverCommand<C extends HandoverCommand>(
  handover: Handover<C>,
): (cfg: ConfigOf<C>, io: WorkflowIo) => Promise<number> {
  return (cfg, io) =>
    runWorkflow(
      handover.command,
      io,
      () =>
        withSourceAndDr(
          cfg,
          (clusters) =>
            cfg.dryRun
              ? rehearse(handover, cfg, clusters, io)
              : runSteps(handover, cfg, clusters, io),
        ),
    );
}
