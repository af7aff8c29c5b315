/**
 * Defaulting of built-in types as kube-apiserver does on create (and on
 * update for fields a user may drop): the values a controller will see
 * back after writing a minimal object.
 */
import type { KObj } from "./store.ts";
import { deepEqual } from "./util.ts";

type Obj = Record<string, unknown>;

function obj(parent: Obj, key: string): Obj {
  if (typeof parent[key] !== "object" || parent[key] === null) parent[key] = {};
  return parent[key] as Obj;
}

function setIfAbsent(o: Obj, key: string, v: unknown): void {
  if (o[key] === undefined) o[key] = v;
}

function defaultContainer(c: Obj): void {
  setIfAbsent(c, "terminationMessagePath", "/dev/termination-log");
  setIfAbsent(c, "terminationMessagePolicy", "File");
  const image = String(c.image ?? "");
  const tagged = /:[^/]+$/.test(image) && !image.endsWith(":latest");
  setIfAbsent(
    c,
    "imagePullPolicy",
    tagged || image.includes("@") ? "IfNotPresent" : "Always",
  );
  setIfAbsent(c, "resources", {});
  for (const p of (c.ports ?? []) as Obj[]) setIfAbsent(p, "protocol", "TCP");
}

/** Pod spec defaults (also applied inside workload templates). */
export function defaultPodSpec(spec: Obj): void {
  setIfAbsent(spec, "restartPolicy", "Always");
  setIfAbsent(spec, "terminationGracePeriodSeconds", 30);
  setIfAbsent(spec, "dnsPolicy", "ClusterFirst");
  setIfAbsent(spec, "securityContext", {});
  setIfAbsent(spec, "schedulerName", "default-scheduler");
  for (const c of (spec.containers ?? []) as Obj[]) defaultContainer(c);
  for (const c of (spec.initContainers ?? []) as Obj[]) defaultContainer(c);
}

function defaultTemplate(spec: Obj): void {
  const tpl = obj(spec, "template");
  defaultPodSpec(obj(tpl, "spec"));
}

function deployment(o: KObj): void {
  const spec = obj(o, "spec");
  setIfAbsent(spec, "replicas", 1);
  setIfAbsent(spec, "revisionHistoryLimit", 10);
  setIfAbsent(spec, "progressDeadlineSeconds", 600);
  setIfAbsent(spec, "strategy", {
    type: "RollingUpdate",
    rollingUpdate: { maxUnavailable: "25%", maxSurge: "25%" },
  });
  defaultTemplate(spec);
}

function statefulSet(o: KObj): void {
  const spec = obj(o, "spec");
  setIfAbsent(spec, "replicas", 1);
  setIfAbsent(spec, "revisionHistoryLimit", 10);
  setIfAbsent(spec, "podManagementPolicy", "OrderedReady");
  setIfAbsent(spec, "updateStrategy", {
    type: "RollingUpdate",
    rollingUpdate: { partition: 0 },
  });
  setIfAbsent(spec, "persistentVolumeClaimRetentionPolicy", {
    whenDeleted: "Retain",
    whenScaled: "Retain",
  });
  defaultTemplate(spec);
}

function daemonSet(o: KObj): void {
  const spec = obj(o, "spec");
  setIfAbsent(spec, "revisionHistoryLimit", 10);
  setIfAbsent(spec, "updateStrategy", {
    type: "RollingUpdate",
    rollingUpdate: { maxUnavailable: 1, maxSurge: 0 },
  });
  defaultTemplate(spec);
}

/** The annotation kube-apiserver keeps a DaemonSet's template generation in (apps/v1). */
export const DAEMONSET_TEMPLATE_GENERATION =
  "deprecated.daemonset.template.generation";

/**
 * Like the apiserver's DaemonSet strategy: on create the annotation's number (at least 1), on
 * update the stored one, plus one when the pod template changed; whatever the writer sent.
 */
export function daemonSetTemplateGeneration(o: KObj, old?: KObj): void {
  const stored = (x: KObj) =>
    Number(x.metadata.annotations?.[DAEMONSET_TEMPLATE_GENERATION]) || 0;
  const template = (x: KObj) => (x.spec as Obj | undefined)?.template;
  const generation = !old
    ? Math.max(stored(o), 1)
    : stored(old) + (deepEqual(template(old), template(o)) ? 0 : 1);
  o.metadata.annotations = {
    ...o.metadata.annotations,
    [DAEMONSET_TEMPLATE_GENERATION]: String(generation),
  };
}

function replicaSet(o: KObj): void {
  setIfAbsent(obj(o, "spec"), "replicas", 1);
  defaultTemplate(obj(o, "spec"));
}

/** The label every non-manual Job selector carries, bound to the Job's uid. */
export const JOB_UID_LABEL = "batch.kubernetes.io/controller-uid";

/**
 * Like the apiserver: missing selector/template keys are generated from the
 * uid, present ones are kept (so a selector copied from another Job is
 * caught by validation instead of being silently replaced).
 */
function generateJobSelector(o: KObj, spec: Obj, labels: Obj): void {
  const uid = o.metadata.uid;
  const matchLabels = obj(obj(spec, "selector"), "matchLabels");
  setIfAbsent(matchLabels, JOB_UID_LABEL, uid);
  setIfAbsent(labels, JOB_UID_LABEL, uid);
  setIfAbsent(labels, "controller-uid", uid);
  setIfAbsent(labels, "batch.kubernetes.io/job-name", o.metadata.name);
  setIfAbsent(labels, "job-name", o.metadata.name);
}

/** Jobs get a generated selector and matching template labels (uid based). */
function job(o: KObj): void {
  const spec = obj(o, "spec");
  setIfAbsent(spec, "parallelism", 1);
  setIfAbsent(spec, "backoffLimit", 6);
  setIfAbsent(spec, "completionMode", "NonIndexed");
  setIfAbsent(spec, "suspend", false);
  setIfAbsent(spec, "podReplacementPolicy", "TerminatingOrFailed");
  if (spec.completions === undefined && spec.parallelism !== undefined) {
    spec.completions = 1;
  }
  const tpl = obj(spec, "template");
  if (!spec.manualSelector) {
    generateJobSelector(o, spec, obj(obj(tpl, "metadata"), "labels"));
  }
  defaultPodSpec(obj(tpl, "spec"));
}

function cronJob(o: KObj): void {
  const spec = obj(o, "spec");
  setIfAbsent(spec, "concurrencyPolicy", "Allow");
  setIfAbsent(spec, "suspend", false);
  setIfAbsent(spec, "successfulJobsHistoryLimit", 3);
  setIfAbsent(spec, "failedJobsHistoryLimit", 1);
  const jt = obj(obj(spec, "jobTemplate"), "spec");
  defaultTemplate(jt);
}

function pod(o: KObj): void {
  defaultPodSpec(obj(o, "spec"));
  setIfAbsent(obj(o, "status"), "phase", "Pending");
}

function pvc(o: KObj): void {
  setIfAbsent(obj(o, "spec"), "volumeMode", "Filesystem");
  setIfAbsent(obj(o, "status"), "phase", "Pending");
}

function secret(o: KObj): void {
  setIfAbsent(o, "type", "Opaque");
  const sd = o.stringData as Record<string, string> | undefined;
  if (sd) {
    const data = obj(o, "data");
    for (const [k, v] of Object.entries(sd)) {
      data[k] = btoa(String.fromCharCode(...new TextEncoder().encode(v)));
    }
    delete o.stringData;
  }
}

function namespace(o: KObj): void {
  o.metadata.labels = {
    ...o.metadata.labels,
    "kubernetes.io/metadata.name": o.metadata.name,
  };
  const spec = obj(o, "spec");
  setIfAbsent(spec, "finalizers", ["kubernetes"]);
}

/** Defaulters by storage key, run on create and on every update. */
export const DEFAULTERS: Record<string, (o: KObj) => void> = {
  "deployments.apps": deployment,
  "statefulsets.apps": statefulSet,
  "daemonsets.apps": daemonSet,
  "replicasets.apps": replicaSet,
  "jobs.batch": job,
  "cronjobs.batch": cronJob,
  pods: pod,
  persistentvolumeclaims: pvc,
  secrets: secret,
  namespaces: namespace,
};
