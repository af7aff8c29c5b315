/**
 * Fields the API server refuses to change on update, per kind. A change to
 * one of them can only be applied by delete + create (immutableFieldPolicy).
 * A field the desired copy leaves out is never reported: the server fills
 * it (generated Job selector, allocated PVC volumeName, defaulted class).
 */
import { isSubset, semanticEqual } from "./compare.ts";
import { quantityValue } from "./quantity.ts";
import type { KubeObject } from "./types.ts";

type Spec = Record<string, unknown>;
type Check = (desired: KubeObject, current: KubeObject) => string[];

function specOf(o: KubeObject): Spec {
  const s = o.spec;
  return typeof s === "object" && s !== null ? s as Spec : {};
}

/**
 * Fields compared exactly (selectors: the server adds nothing) or as a
 * subset (templates: the server adds defaults), reported as spec.<field>.
 */
function specFields(exact: string[], subset: string[] = []): Check {
  return (desired, current) => {
    const d = specOf(desired);
    const c = specOf(current);
    const changed = (f: string, same: (a: unknown, b: unknown) => boolean) =>
      d[f] !== undefined && !same(d[f], c[f]);
    return [
      ...exact.filter((f) => changed(f, semanticEqual)),
      ...subset.filter((f) => changed(f, isSubset)),
    ].map((f) => `spec.${f}`);
  };
}

const HEADLESS = "None";

/**
 * Service: the cluster IP (and so headless vs not) and the primary IP
 * family are fixed at creation. Type changes are allowed by the API, and
 * an ExternalName service has no cluster IP to compare.
 */
function serviceChanges(desired: KubeObject, current: KubeObject): string[] {
  const d = specOf(desired);
  const c = specOf(current);
  if (d.type === "ExternalName" || c.type === "ExternalName") return [];
  const out: string[] = [];
  const dIP = d.clusterIP as string | undefined;
  const cIP = c.clusterIP as string | undefined;
  // No clusterIP in desired means "allocate one"; only a headless current
  // contradicts that, every allocated IP satisfies it.
  const ipChanged = dIP ? !!cIP && dIP !== cIP : cIP === HEADLESS;
  if (ipChanged) out.push("spec.clusterIP");
  const dIPs = d.clusterIPs as string[] | undefined;
  const cIPs = c.clusterIPs as string[] | undefined;
  if (dIPs?.length && cIPs?.length && dIPs[0] !== cIPs[0]) {
    out.push("spec.clusterIPs");
  }
  const dFam = d.ipFamilies as string[] | undefined;
  const cFam = c.ipFamilies as string[] | undefined;
  // Adding a secondary family is allowed; the primary one is not.
  if (dFam?.length && cFam?.length && dFam[0] !== cFam[0]) {
    out.push("spec.ipFamilies");
  }
  return out;
}

const PVC_MUTABLE = new Set(["resources", "volumeAttributesClassName"]);

/** PVC: the spec is fixed except growing the storage request. */
function pvcChanges(desired: KubeObject, current: KubeObject): string[] {
  const d = specOf(desired);
  const c = specOf(current);
  const fixed = Object.keys(d).filter((f) => !PVC_MUTABLE.has(f));
  const out = specFields(fixed)(desired, current);
  const dRes = (d.resources ?? {}) as Spec;
  const cRes = (c.resources ?? {}) as Spec;
  if (dRes.limits !== undefined && !semanticEqual(dRes.limits, cRes.limits)) {
    out.push("spec.resources.limits");
  }
  const want = quantityValue((dRes.requests as Spec | undefined)?.storage);
  const have = quantityValue((cRes.requests as Spec | undefined)?.storage);
  // Shrinking is refused by the API; growing is an ordinary update.
  if (want < have) out.push("spec.resources.requests.storage");
  return out;
}

/** ConfigMap/Secret with `immutable: true`: content and the flag are fixed. */
function dataChanges(desired: KubeObject, current: KubeObject): string[] {
  const out: string[] = [];
  if (desired.kind === "Secret") {
    const type = (o: KubeObject) => (o.type as string | undefined) ?? "Opaque";
    if (desired.type !== undefined && type(desired) !== type(current)) {
      out.push("type");
    }
  }
  if (current.immutable !== true) return out;
  if (desired.immutable !== true) out.push("immutable");
  for (const f of ["data", "binaryData"]) {
    if (!semanticEqual(desired[f] ?? {}, current[f] ?? {})) out.push(f);
  }
  if (desired.stringData !== undefined) out.push("stringData");
  return out;
}

/** Labels the Job controller writes into a generated selector/template. */
export const JOB_GENERATED_LABELS: readonly string[] = [
  "batch.kubernetes.io/controller-uid",
  "batch.kubernetes.io/job-name",
  "controller-uid",
  "job-name",
];

/** Template minus the generated labels, which carry the source's uid. */
function withoutGeneratedLabels(template: unknown): unknown {
  const t = template as { metadata?: { labels?: Record<string, string> } };
  const labels = t?.metadata?.labels;
  if (!labels) return template;
  const kept = Object.fromEntries(
    Object.entries(labels).filter(([k]) => !JOB_GENERATED_LABELS.includes(k)),
  );
  return { ...t, metadata: { ...t.metadata, labels: kept } };
}

/**
 * Job: the pod template is fixed apart from a few scheduling fields nobody
 * copies on purpose, so all of it counts. A generated selector (no
 * manualSelector) is the server's, never compared.
 */
function jobChanges(desired: KubeObject, current: KubeObject): string[] {
  const d = specOf(desired);
  const c = specOf(current);
  const out: string[] = [];
  if (d.manualSelector === true && !semanticEqual(d.selector, c.selector)) {
    out.push("spec.selector");
  }
  if (
    d.template !== undefined &&
    !isSubset(withoutGeneratedLabels(d.template), c.template)
  ) out.push("spec.template");
  return out;
}

const CHECKS: Record<string, Check> = {
  "/Service": serviceChanges,
  "/PersistentVolumeClaim": pvcChanges,
  "/ConfigMap": dataChanges,
  "/Secret": dataChanges,
  "apps/Deployment": specFields(["selector"]),
  "apps/ReplicaSet": specFields(["selector"]),
  "apps/DaemonSet": specFields(["selector"]),
  "apps/StatefulSet": specFields(
    ["selector", "serviceName", "podManagementPolicy"],
    ["volumeClaimTemplates"],
  ),
  "batch/Job": jobChanges,
};

function groupOf(o: KubeObject): string {
  return o.apiVersion.includes("/") ? o.apiVersion.split("/")[0] : "";
}

/**
 * Paths of fields whose change the API server would refuse on update;
 * empty when an ordinary update can bring `current` to `desired`.
 */
export function immutableChanges(
  desired: KubeObject,
  current: KubeObject,
): string[] {
  const check = CHECKS[`${groupOf(desired)}/${desired.kind}`];
  return check ? check(desired, current) : [];
}
