/**
 * Per-type validation of workloads and the immutability rules a DR copier
 * runs into on update (selectors, Job template, PVC spec, immutable
 * ConfigMaps/Secrets, Secret type), worded as kube-apiserver words them.
 */
import type { StatusCause } from "./errors.ts";
import type { KObj } from "./store.ts";
import { deepEqual } from "./util.ts";
import { cause } from "./validation.ts";
import { JOB_UID_LABEL } from "./defaults.ts";

type Obj = Record<string, unknown>;

/**
 * A LabelSelector as kube-apiserver v1.37 prints it in immutability errors: Go's JSON encoding
 * (fields in struct order, map keys sorted, empty ones omitted).
 */
export function selectorValue(sel: unknown): string {
  const s = (sel ?? {}) as {
    matchLabels?: Record<string, string>;
    matchExpressions?: unknown[];
  };
  const out: Record<string, unknown> = {};
  if (s.matchLabels && Object.keys(s.matchLabels).length > 0) {
    out.matchLabels = Object.fromEntries(
      Object.keys(s.matchLabels).sort().map((k) => [k, s.matchLabels![k]]),
    );
  }
  if (s.matchExpressions?.length) out.matchExpressions = s.matchExpressions;
  return JSON.stringify(out);
}

function same(a: unknown, b: unknown): boolean {
  return deepEqual(a, b);
}

function spec(o: KObj): Obj {
  return (o.spec ?? {}) as Obj;
}

function selectorImmutable(old: KObj, o: KObj): StatusCause[] {
  const sel = spec(o).selector;
  if (same(spec(old).selector, sel)) return [];
  return [
    cause(
      "spec.selector",
      `Invalid value: ${selectorValue(sel)}: field is immutable`,
    ),
  ];
}

function selectorMatchesTemplate(o: KObj): StatusCause[] {
  const s = spec(o);
  const sel = s.selector as
    | { matchLabels?: Record<string, string> }
    | undefined;
  if (!sel) {
    return [cause("spec.selector", "Required value", "FieldValueRequired")];
  }
  const labels =
    ((s.template as Obj | undefined)?.metadata as Obj | undefined)?.labels as
      | Record<string, string>
      | undefined ?? {};
  const ok = Object.entries(sel.matchLabels ?? {}).every(([k, v]) =>
    labels[k] === v
  );
  if (ok) return [];
  const shown = Object.keys(labels).sort().map((k) => `"${k}":"${labels[k]}"`)
    .join(", ");
  return [cause(
    "spec.template.metadata.labels",
    `Invalid value: map[string]string{${shown}}: \`selector\` does not match template \`labels\``,
  )];
}

const STS_MUTABLE = [
  "replicas",
  "ordinals",
  "template",
  "updateStrategy",
  "persistentVolumeClaimRetentionPolicy",
  "minReadySeconds",
];

function statefulSetUpdate(old: KObj, o: KObj): StatusCause[] {
  const strip = (s: Obj) =>
    Object.fromEntries(
      Object.entries(s).filter(([k]) => !STS_MUTABLE.includes(k)),
    );
  if (same(strip(spec(old)), strip(spec(o)))) return [];
  return [cause(
    "spec",
    "Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', " +
      "'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
    "FieldValueForbidden",
  )];
}

function jobUpdate(old: KObj, o: KObj): StatusCause[] {
  const out = selectorImmutable(old, o);
  if (!same(spec(old).template, spec(o).template)) {
    out.push(
      cause(
        "spec.template",
        "Invalid value: core.PodTemplateSpec{...}: field is immutable",
      ),
    );
  }
  return out;
}

function storage(o: KObj): string | undefined {
  return ((spec(o).resources as Obj | undefined)?.requests as Obj | undefined)
    ?.storage as string | undefined;
}

function pvcUpdate(old: KObj, o: KObj): StatusCause[] {
  const rest = (x: KObj) => ({
    ...spec(x),
    resources: undefined,
    volumeAttributesClassName: undefined,
  });
  if (!same(rest(old), rest(o))) {
    return [cause(
      "spec",
      "Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims",
      "FieldValueForbidden",
    )];
  }
  const before = quantity(storage(old));
  const after = quantity(storage(o));
  if (before !== undefined && after !== undefined && after < before) {
    return [
      cause(
        "spec.resources.requests.storage",
        "Forbidden: field can not be less than previous value",
        "FieldValueForbidden",
      ),
    ];
  }
  return [];
}

const UNITS: Record<string, number> = {
  "": 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  Ki: 1024,
  Mi: 1024 ** 2,
  Gi: 1024 ** 3,
  Ti: 1024 ** 4,
};

/** Parses a Kubernetes quantity ("10Gi", "500M"); undefined if unknown. */
export function quantity(q: string | undefined): number | undefined {
  const m = q ? /^([0-9.]+)([A-Za-z]*)$/.exec(q) : null;
  return m && UNITS[m[2]] !== undefined
    ? Number(m[1]) * UNITS[m[2]]
    : undefined;
}

function immutableData(old: KObj, o: KObj): StatusCause[] {
  const out: StatusCause[] = [];
  if (old.immutable === true) {
    if (o.immutable !== true) {
      out.push(
        cause(
          "immutable",
          "Forbidden: field is immutable when `immutable` is set",
          "FieldValueForbidden",
        ),
      );
    }
    if (
      !same(old.data ?? {}, o.data ?? {}) ||
      !same(old.binaryData ?? {}, o.binaryData ?? {})
    ) {
      out.push(
        cause(
          "data",
          "Forbidden: field is immutable when `immutable` is set",
          "FieldValueForbidden",
        ),
      );
    }
  }
  return out;
}

function secretUpdate(old: KObj, o: KObj): StatusCause[] {
  const out = immutableData(old, o);
  if (old.type !== o.type) {
    out.push(cause("type", `Invalid value: "${o.type}": field is immutable`));
  }
  return out;
}

/** A ServiceAccount token Secret must name its ServiceAccount. */
function secretCreate(o: KObj): StatusCause[] {
  if (o.type !== "kubernetes.io/service-account-token") return [];
  if (o.metadata.annotations?.["kubernetes.io/service-account.name"]) return [];
  return [cause(
    "metadata.annotations[kubernetes.io/service-account.name]",
    "Required value",
    "FieldValueRequired",
  )];
}

/** A non-manual Job selector must be the one generated from this Job's uid. */
function jobSelectorGenerated(o: KObj): StatusCause[] {
  const s = spec(o);
  if (s.manualSelector === true) return [];
  const uid = o.metadata.uid;
  const sel = s.selector as
    | { matchLabels?: Record<string, string> }
    | undefined;
  const labels =
    (((s.template as Obj | undefined)?.metadata as Obj | undefined)?.labels ??
      {}) as Record<string, string>;
  const out: StatusCause[] = [];
  if (sel?.matchLabels?.[JOB_UID_LABEL] !== uid) {
    out.push(
      cause(
        "spec.selector",
        `Invalid value: ${selectorValue(sel)}: \`selector\` not auto-generated`,
      ),
    );
  }
  if (labels[JOB_UID_LABEL] !== uid) {
    const shown = Object.keys(labels).sort().map((k) => `"${k}":"${labels[k]}"`)
      .join(", ");
    out.push(cause(
      "spec.template.metadata.labels",
      `Invalid value: map[string]string{${shown}}: \`selector\` does not match template \`labels\``,
    ));
  }
  return out;
}

/** A CRD's name must be `<plural>.<group>`, and it must name a kind and a version. */
function crdNames(o: KObj): StatusCause[] {
  const s = spec(o) as {
    group?: string;
    names?: { plural?: string; kind?: string };
    versions?: unknown[];
  };
  const out: StatusCause[] = [];
  const want = `${s.names?.plural}.${s.group}`;
  if (o.metadata.name !== want) {
    out.push(
      cause(
        "metadata.name",
        `Invalid value: "${o.metadata.name}": must be spec.names.plural+"."+spec.group`,
      ),
    );
  }
  if (!s.names?.kind) {
    out.push(cause("spec.names.kind", "Required value", "FieldValueRequired"));
  }
  if (!s.versions?.length) {
    out.push(
      cause(
        "spec.versions",
        "Invalid value: null: must have exactly one version marked as storage version",
      ),
    );
  }
  return out;
}

/** Rules checked on create and update, by storage key. */
export const CREATE_RULES: Record<string, (o: KObj) => StatusCause[]> = {
  "deployments.apps": selectorMatchesTemplate,
  "statefulsets.apps": selectorMatchesTemplate,
  "daemonsets.apps": selectorMatchesTemplate,
  "replicasets.apps": selectorMatchesTemplate,
  "jobs.batch": jobSelectorGenerated,
  "customresourcedefinitions.apiextensions.k8s.io": crdNames,
  secrets: secretCreate,
};

/** Immutability rules on update, by storage key. */
export const UPDATE_RULES: Record<
  string,
  (old: KObj, o: KObj) => StatusCause[]
> = {
  "deployments.apps": selectorImmutable,
  "daemonsets.apps": selectorImmutable,
  "replicasets.apps": selectorImmutable,
  "statefulsets.apps": statefulSetUpdate,
  "jobs.batch": jobUpdate,
  persistentvolumeclaims: pvcUpdate,
  configmaps: immutableData,
  secrets: secretUpdate,
};
