/**
 * PersistentVolumeClaims (contract §4): the claim is copied, its binding is
 * not. The DR cluster provisions (or binds) its own volume; data replication
 * is a storage concern outside this operator.
 */
import type { KubeObject } from "../types.ts";
import {
  annotationsOf,
  type CopyOptions,
  isRecord,
  type JsonRecord,
  mapValue,
  recordAt,
  recordPath,
  type TransformContext,
} from "./common.ts";

/** Legacy way to name the storage class; still honoured by the API server. */
export const ANNOTATION_LEGACY_STORAGE_CLASS =
  "volume.beta.kubernetes.io/storage-class";

/** Written by the PV controller and scheduler while binding in the source. */
export const PVC_BINDING_ANNOTATIONS: readonly string[] = [
  "pv.kubernetes.io/bind-completed",
  "pv.kubernetes.io/bound-by-controller",
  "pv.kubernetes.io/migrated-to",
  "volume.beta.kubernetes.io/storage-provisioner",
  "volume.kubernetes.io/storage-provisioner",
  // A node of the source cluster: would pin provisioning to a missing node.
  "volume.kubernetes.io/selected-node",
];

const PVC_KIND = "PersistentVolumeClaim";

/**
 * A dataSource/dataSourceRef is kept only when it clones a PVC of the same
 * namespace, which is copied to DR too. A VolumeSnapshot or a populator
 * object points at storage of the source cluster; kept, the DR claim would
 * stay Pending forever and block the workload after failover. Dropped, the
 * DR claim provisions like any other (its data comes from storage
 * replication, as for every other claim).
 */
function isClonableSource(ref: unknown): boolean {
  if (!isRecord(ref)) return false;
  const group = ref.apiGroup ?? "";
  return ref.kind === PVC_KIND && group === "" && ref.namespace === undefined;
}

/** Access modes as copied: mapped, duplicates merged. */
export function mapAccessModes(
  modes: unknown,
  opts: Pick<CopyOptions, "accessModeMappings">,
): unknown {
  if (!Array.isArray(modes)) return modes;
  const mapped = modes.map((m) =>
    typeof m === "string" ? mapValue(opts.accessModeMappings, m) : m
  );
  // Two modes may map to one (RWOP and RWO -> RWO); the API rejects dups.
  return [...new Set(mapped)];
}

/** Claim rules shared by PVCs and StatefulSet volumeClaimTemplates. */
function mapClaimSpec(spec: JsonRecord, opts: CopyOptions): void {
  if (typeof spec.storageClassName === "string") {
    spec.storageClassName = mapValue(
      opts.storageClassMappings,
      spec.storageClassName,
    );
  }
  if (spec.accessModes !== undefined) {
    spec.accessModes = mapAccessModes(spec.accessModes, opts);
  }
  if (spec.dataSource !== undefined && !isClonableSource(spec.dataSource)) {
    delete spec.dataSource;
  }
  if (
    spec.dataSourceRef !== undefined && !isClonableSource(spec.dataSourceRef)
  ) delete spec.dataSourceRef;
}

function mapLegacyClass(annotations: JsonRecord, opts: CopyOptions): void {
  const legacyClass = annotations[ANNOTATION_LEGACY_STORAGE_CLASS];
  if (typeof legacyClass !== "string") return;
  annotations[ANNOTATION_LEGACY_STORAGE_CLASS] = mapValue(
    opts.storageClassMappings,
    legacyClass,
  );
}

/** Maps class and modes, drops the binding of a PVC copy. */
export function transformPvc(copy: KubeObject, ctx: TransformContext): void {
  const annotations = annotationsOf(copy);
  for (const key of PVC_BINDING_ANNOTATIONS) delete annotations[key];
  mapLegacyClass(annotations, ctx.opts);
  const spec = recordAt(copy, "spec");
  if (!spec) return;
  delete spec.volumeName;
  mapClaimSpec(spec, ctx.opts);
}

/**
 * StatefulSet volumeClaimTemplates get the same class and mode mappings:
 * otherwise replicas added on DR would ask for a storage class that only
 * exists in the source cluster, and stay Pending after failover.
 */
export function mapClaimTemplates(
  copy: KubeObject,
  ctx: TransformContext,
): void {
  const templates = recordAt(copy, "spec")?.volumeClaimTemplates;
  if (!Array.isArray(templates)) return;
  for (const template of templates) {
    const annotations = recordPath(template, "metadata", "annotations");
    if (annotations) mapLegacyClass(annotations, ctx.opts);
    const spec = recordAt(template, "spec");
    if (spec) mapClaimSpec(spec, ctx.opts);
  }
}
