/**
 * Prunes of one DR namespace under the guard and the hourly budget. The
 * budget's memory is an annotation on the DR namespace (see
 * lib/sync/prune-budget.ts for why there): read fresh right before the
 * deletes, and the deletes recorded in it before any is sent, whether or
 * not we created the namespace. If the record cannot be written, nothing
 * is pruned this pass.
 */
import {
  ANNOTATION_PRUNE_HISTORY,
  parsePruneHistory,
  prunedInWindow,
  recordPrunes,
} from "../sync/prune-budget.ts";
import { planPrunes, type PruneInput, type PrunePlan } from "../sync/prune.ts";
import type { KubeObject } from "../sync/types.ts";
import { failureOf } from "./apply.ts";
import type { NamespaceSyncInput } from "./sync-input.ts";
import type { ActionOutcome } from "./outcome.ts";
import { NAMESPACES } from "./ports.ts";

function historyOf(ns: KubeObject | undefined) {
  return parsePruneHistory(
    ns?.metadata.annotations?.[ANNOTATION_PRUNE_HISTORY],
  );
}

/** The prune plan, with the budget spent on the DR namespace first. */
export async function guardedPrunes(
  base: Omit<PruneInput, "prunedLastHour">,
  drNs: KubeObject | undefined,
  input: NamespaceSyncInput,
): Promise<{ prune: PrunePlan; failure?: ActionOutcome }> {
  const now = input.now.getTime();
  let prune = planPrunes({
    ...base,
    prunedLastHour: prunedInWindow(historyOf(drNs), now),
  });
  if (prune.deletes.length === 0 || input.dryRun) return { prune };
  const name = input.pair.destination;
  try {
    // Fresh: the cached namespace may not show the latest record yet.
    const fresh = await input.writer.get(NAMESPACES, undefined, name);
    const history = historyOf(fresh);
    prune = planPrunes({
      ...base,
      prunedLastHour: prunedInWindow(history, now),
    });
    if (prune.deletes.length === 0 || !fresh) return { prune };
    // Recorded on a namespace we did not create too (pre-made, under
    // Abort): only this annotation of ours changes, nothing of its owner's
    // (the DR admission policy allows exactly that); without it a restart
    // would spend the budget again.
    const annotations = {
      ...fresh.metadata.annotations,
      [ANNOTATION_PRUNE_HISTORY]: recordPrunes(
        history,
        now,
        prune.deletes.length,
      ),
    };
    await input.writer.replace(NAMESPACES, {
      ...fresh,
      metadata: { ...fresh.metadata, annotations },
    });
    return { prune };
  } catch (e) {
    const err = failureOf(e);
    return {
      prune: { ...prune, deletes: [] },
      failure: {
        action: "delete",
        key: `/Namespace//${name}`,
        kind: "Namespace",
        namespace: "",
        name,
        status: "failed",
        reason: err.reason,
        message:
          `prunes held back: cannot record them on the DR namespace: ${err.message}`,
        transient: true,
      },
    };
  }
}
