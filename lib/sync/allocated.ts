/**
 * Fields the DR cluster allocated or owns on its copy, carried into the body
 * of an update (a PUT replaces the whole object) and into the desired object
 * before comparing, so a copy is not "changed" just because the DR side
 * holds its own cluster IP, node ports, bound volume or resourceVersion.
 */
import { isControllerKey } from "./compare.ts";
import { JOB_GENERATED_LABELS } from "./immutable.ts";
import type { KubeObject } from "./types.ts";

type Spec = Record<string, unknown>;
type Strings = Record<string, string>;

interface ServicePort {
  name?: string;
  port?: number;
  protocol?: string;
  nodePort?: number;
}

const HEADLESS = "None";
const NODE_PORT_TYPES = new Set(["NodePort", "LoadBalancer"]);

function specOf(o: KubeObject): Spec {
  const s = o.spec;
  return typeof s === "object" && s !== null ? s as Spec : {};
}

/** Desired map plus the controller-owned keys only the DR side has. */
function keepControllerKeys(
  desired: Strings | undefined,
  current: Strings | undefined,
): Strings | undefined {
  const kept = Object.entries(current ?? {}).filter(([k]) =>
    isControllerKey(k) && !(k in (desired ?? {}))
  );
  return kept.length ? { ...desired, ...Object.fromEntries(kept) } : desired;
}

function findPort(
  p: ServicePort,
  ports: ServicePort[],
): ServicePort | undefined {
  const proto = (x: ServicePort) => x.protocol ?? "TCP";
  if (p.name) {
    const byName = ports.find((c) => c.name === p.name);
    if (byName) return byName;
  }
  return ports.find((c) => c.port === p.port && proto(c) === proto(p));
}

/**
 * Service: keep the allocated cluster IP (unless the DR copy is headless or
 * either side is ExternalName, which has none) and node ports, but only for
 * types where the API accepts them, or the update would be refused.
 */
function serviceSpec(d: Spec, c: Spec): Spec {
  const out = { ...d };
  const noIP = d.type === "ExternalName" || c.type === "ExternalName";
  if (!noIP && c.clusterIP && c.clusterIP !== HEADLESS && !d.clusterIP) {
    out.clusterIP = c.clusterIP;
    if (!d.clusterIPs && c.clusterIPs) out.clusterIPs = c.clusterIPs;
  }
  if (!NODE_PORT_TYPES.has(d.type as string)) return out;
  const current = (c.ports ?? []) as ServicePort[];
  out.ports = ((d.ports ?? []) as ServicePort[]).map((p) => {
    const nodePort = p.nodePort ?? findPort(p, current)?.nodePort;
    return nodePort === undefined ? p : { ...p, nodePort };
  });
  const local = d.type === "LoadBalancer" &&
    d.externalTrafficPolicy === "Local";
  if (local && !d.healthCheckNodePort && c.healthCheckNodePort) {
    out.healthCheckNodePort = c.healthCheckNodePort;
  }
  return out;
}

/** A DR claim restored by promote from a replicated VolumeSnapshot. */
function restoredFromSnapshot(c: Spec): boolean {
  const ref = c.dataSourceRef as { kind?: string } | undefined;
  return ref?.kind === "VolumeSnapshot";
}

/**
 * PVC: the bound volume and a class defaulted at creation are fixed; so is
 * the image promote restored it from (after demote its data must stay).
 */
function pvcSpec(d: Spec, c: Spec): Spec {
  const out = { ...d };
  if (!d.dataSourceRef && !d.dataSource && restoredFromSnapshot(c)) {
    out.dataSourceRef = c.dataSourceRef;
    if (c.dataSource) out.dataSource = c.dataSource;
  }
  if (!d.volumeName && c.volumeName) out.volumeName = c.volumeName;
  if (d.storageClassName === undefined && c.storageClassName !== undefined) {
    out.storageClassName = c.storageClassName;
  }
  return out;
}

/** Job: a generated selector and its template labels hold the DR uid. */
function jobSpec(d: Spec, c: Spec): Spec {
  if (d.manualSelector === true || !c.selector) return d;
  const dt = (d.template ?? {}) as { metadata?: { labels?: Strings } };
  const ct = (c.template ?? {}) as { metadata?: { labels?: Strings } };
  const labels: Strings = {};
  for (const [k, v] of Object.entries(dt.metadata?.labels ?? {})) {
    if (!JOB_GENERATED_LABELS.includes(k)) labels[k] = v;
  }
  for (const k of JOB_GENERATED_LABELS) {
    const v = ct.metadata?.labels?.[k];
    if (v !== undefined) labels[k] = v;
  }
  const metadata = { ...dt.metadata, labels };
  return { ...d, selector: c.selector, template: { ...dt, metadata } };
}

const SPEC_MERGERS: Record<string, (d: Spec, c: Spec) => Spec> = {
  "v1/Service": serviceSpec,
  "v1/PersistentVolumeClaim": pvcSpec,
  "batch/v1/Job": jobSpec,
};

/**
 * The desired object with the DR side's allocated fields, resourceVersion
 * (optimistic concurrency on PUT), finalizers and controller-owned
 * labels/annotations copied from `current`. Neither input is modified.
 */
export function mergeAllocated(
  desired: KubeObject,
  current: KubeObject,
): KubeObject {
  const dm = desired.metadata;
  const cm = current.metadata;
  const metadata = { ...dm };
  if (cm.resourceVersion) metadata.resourceVersion = cm.resourceVersion;
  if (cm.finalizers?.length) metadata.finalizers = cm.finalizers;
  const labels = keepControllerKeys(dm.labels, cm.labels);
  const annotations = keepControllerKeys(dm.annotations, cm.annotations);
  if (labels) metadata.labels = labels;
  if (annotations) metadata.annotations = annotations;
  const merged: KubeObject = { ...desired, metadata };
  const merge = SPEC_MERGERS[`${desired.apiVersion}/${desired.kind}`];
  if (merge && desired.spec !== undefined) {
    merged.spec = merge(specOf(desired), specOf(current));
  }
  return merged;
}
