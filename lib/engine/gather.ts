/**
 * Reads one namespace pair and turns the source objects into the desired DR
 * copies. A type that cannot be read on the source protects its DR copies
 * from pruning: "could not see it" must never mean "it was deleted".
 */
import { classifyError } from "../kube/errors.ts";
import { desiredCopy } from "../sync/desired-copy.ts";
import {
  type ApiResource,
  apiVersionOf,
  groupResource,
  type KubeObject,
  objectKey,
} from "../sync/types.ts";
import type { NamespaceSyncInput } from "./sync-input.ts";
import { runPool } from "./pool.ts";

/** Concurrent list calls per namespace pass. */
const LIST_CONCURRENCY = 4;

export interface DesiredSet {
  desired: KubeObject[];
  /** DR objects of the selected types in the destination namespace. */
  current: KubeObject[];
  /** DR keys that must not be pruned (desired, kept, or unreadable). */
  keepKeys: Set<string>;
  warnings: string[];
  /**
   * Why the DR side could not be read whole. A failed list is not an
   * empty namespace: planning from it would create over existing objects
   * and misjudge the prune guard, so the namespace's pass stops.
   */
  drUnreadable?: string;
}

interface TypeRead {
  type: ApiResource;
  source?: KubeObject[];
  current: KubeObject[];
  drError?: string;
}

async function readType(
  type: ApiResource,
  drNamespaceExists: boolean,
  input: NamespaceSyncInput,
  warnings: string[],
): Promise<TypeRead> {
  const { pair } = input;
  let drError: string | undefined;
  const [source, current] = await Promise.all([
    input.source.list(type, pair.source).catch((e) => {
      warnings.push(
        `cannot list ${
          groupResource(type)
        } in source namespace ${pair.source}: ${classifyError(e).message}`,
      );
      return undefined;
    }),
    drNamespaceExists && (input.drServes?.(type) ?? true)
      ? input.dr.list(type, pair.destination).catch((e) => {
        drError = `cannot list ${
          groupResource(type)
        } in DR namespace ${pair.destination}: ${classifyError(e).message}`;
        return [] as KubeObject[];
      })
      : Promise.resolve([] as KubeObject[]),
  ]);
  return { type, source, current, drError };
}

/** See the module comment. */
export async function gatherNamespace(
  sourceNs: KubeObject,
  drNamespaceExists: boolean,
  input: NamespaceSyncInput,
): Promise<DesiredSet> {
  const warnings: string[] = [];
  const reads: TypeRead[] = [];
  await runPool(input.settings.types, LIST_CONCURRENCY, async (type) => {
    reads.push(await readType(type, drNamespaceExists, input, warnings));
  });
  const out: DesiredSet = {
    desired: [],
    current: [],
    keepKeys: new Set(),
    warnings,
  };
  for (const read of reads) addTypeRead(out, read, sourceNs, input);
  const unreadable = reads.flatMap((r) => r.drError ? [r.drError] : []);
  if (unreadable.length > 0) out.drUnreadable = unreadable.sort().join("; ");
  return out;
}

function addTypeRead(
  out: DesiredSet,
  read: TypeRead,
  sourceNs: KubeObject,
  input: NamespaceSyncInput,
): void {
  const { settings, pair } = input;
  out.current.push(...read.current);
  if (read.source === undefined) {
    for (const o of read.current) out.keepKeys.add(objectKey(o));
    return;
  }
  const target = { sourceNamespace: sourceNs, destination: pair.destination };
  for (const obj of read.source) {
    // List items may come without apiVersion/kind.
    const withKind = {
      ...obj,
      apiVersion: obj.apiVersion ?? apiVersionOf(read.type),
      kind: obj.kind ?? read.type.kind,
    };
    const want = desiredCopy(withKind, settings, target);
    if (want.kind === "drop") continue;
    out.keepKeys.add(want.key);
    if (want.kind === "copy") {
      out.desired.push(want.object);
      out.warnings.push(...want.warnings);
    }
  }
}
