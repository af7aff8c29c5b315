/**
 * `failback --sync-back` (contract §5): the source object a DR object stands
 * for, with every value mapping of the replication undone (storage classes
 * and access modes of claims and claim templates, ingress classes and
 * hosts). Pure; the rest of the object is left as it is.
 *
 * A DR value is reversed to:
 * 1. the source's own value, when that value maps to it (comparing in
 *    reversed terms: an unchanged PVC is not "changed", so its immutable
 *    spec is never rewritten, and a many-to-one mapping such as
 *    RWOP → RWO keeps what the source had);
 * 2. else the one value a mapping sends to it (a DR-side name is read as
 *    the mapping's output, so a host under a rewrite's `to` goes back);
 * 3. else itself, when the forward mapping leaves it as it is.
 * Anything else cannot be reversed and is reported, field by field: two
 * mappings send different values to it, or no source value becomes it
 * (a DR edit to a value that is the `from` of a mapping). The caller
 * refuses the whole sync-back then: half a reversal would put DR values
 * into production.
 */
import type { ValueMapping } from "../api/v1alpha1.ts";
import type { KubeObject } from "./types.ts";
import {
  type CopyOptions,
  isRecord,
  type JsonRecord,
  mapValue,
  recordAt,
  recordPath,
} from "./transforms/common.ts";
import {
  ANNOTATION_INGRESS_CLASS,
  rewriteHost,
} from "./transforms/ingresses.ts";
import {
  ANNOTATION_LEGACY_STORAGE_CLASS,
  mapAccessModes,
} from "./transforms/pvcs.ts";

/** The mappings a reversal undoes. */
export type ReversibleRules = Pick<
  CopyOptions,
  | "storageClassMappings"
  | "accessModeMappings"
  | "ingressHostRewrites"
  | "ingressClassMappings"
>;

/** One DR value no single source value stands behind. */
export interface Irreversible {
  /** Path in the object, e.g. `spec.rules[0].host`. */
  field: string;
  value: string;
  why: string;
}

export interface ReverseResult {
  object: KubeObject;
  irreversible: Irreversible[];
}

/** How one kind of value travels source → DR. */
interface ValueRule {
  /** Where the mapping is configured, for messages. */
  setting: string;
  forward(value: string): string;
  /** Values a mapping may have turned into `value` (checked by forward). */
  preimages(value: string): string[];
}

function exactRule(setting: string, mappings: readonly ValueMapping[]) {
  return {
    setting,
    forward: (v: string) => mapValue(mappings, v),
    preimages: (v: string) =>
      mappings.filter((m) => m.to === v).map((m) => m.from),
  };
}

function hostRule(rewrites: readonly ValueMapping[]): ValueRule {
  return {
    setting: "spec.ingress.hostRewrites",
    forward: (h) => rewriteHost(h, rewrites),
    preimages: (h) => {
      const lower = h.toLowerCase();
      return rewrites.flatMap((r) => {
        const to = r.to.toLowerCase();
        if (r.from === "" || (lower !== to && !lower.endsWith(`.${to}`))) {
          return [];
        }
        return [h.slice(0, h.length - r.to.length) + r.from];
      });
    },
  };
}

type Reversal = { value: string } | { why: string };

const quote = (v: string) => JSON.stringify(v);

/** See the module comment; `twin` holds the source's values of the field. */
function reverseValue(
  value: string,
  rule: ValueRule,
  twin: readonly string[],
): Reversal {
  const own = twin.find((t) => rule.forward(t) === value);
  if (own !== undefined) return { value: own };
  const mapped = [
    ...new Set(
      rule.preimages(value).filter((p) =>
        p !== value && rule.forward(p) === value
      ),
    ),
  ];
  if (mapped.length === 1) return { value: mapped[0] };
  if (mapped.length > 1) {
    return {
      why: `${rule.setting} sends each of ${
        mapped.map(quote).join(", ")
      } to it; which one the source had is unknown`,
    };
  }
  if (rule.forward(value) === value) return { value };
  return {
    why: `no source value becomes it under ${rule.setting} (${quote(value)} ` +
      `becomes ${quote(rule.forward(value))})`,
  };
}

/** Collects the irreversible values of one object while fields are edited. */
class Reverser {
  readonly irreversible: Irreversible[] = [];

  /** The reversed value of a string field, or the value kept if refused. */
  value(field: string, value: unknown, rule: ValueRule, twin: unknown[]) {
    if (typeof value !== "string") return value;
    const strings = twin.filter((t): t is string => typeof t === "string");
    const r = reverseValue(value, rule, strings);
    if ("value" in r) return r.value;
    this.irreversible.push({ field, value, why: r.why });
    return value;
  }
}

const listOf = (v: unknown): unknown[] => Array.isArray(v) ? v : [];

function reverseModes(
  field: string,
  modes: unknown,
  twin: unknown,
  rules: ReversibleRules,
  r: Reverser,
): unknown {
  if (!Array.isArray(modes)) return modes;
  // Whole lists first: dedup makes RWOP+RWO → RWO, not element by element.
  if (
    Array.isArray(twin) &&
    JSON.stringify(mapAccessModes(twin, rules)) === JSON.stringify(modes)
  ) return [...twin];
  const rule = exactRule("spec.accessModeMappings", rules.accessModeMappings);
  const back = modes.map((m, i) =>
    r.value(`${field}[${i}]`, m, rule, listOf(twin))
  );
  return [...new Set(back)];
}

/** Storage class and modes of a claim spec (PVC or claim template). */
function reverseClaim(
  prefix: string,
  claim: JsonRecord,
  twin: JsonRecord | undefined,
  rules: ReversibleRules,
  r: Reverser,
): void {
  const classes = exactRule(
    "spec.storageClassMappings",
    rules.storageClassMappings,
  );
  const meta = recordPath(claim, "metadata", "annotations");
  const twinMeta = recordPath(twin, "metadata", "annotations");
  if (meta && typeof meta[ANNOTATION_LEGACY_STORAGE_CLASS] === "string") {
    meta[ANNOTATION_LEGACY_STORAGE_CLASS] = r.value(
      `${prefix}metadata.annotations[${ANNOTATION_LEGACY_STORAGE_CLASS}]`,
      meta[ANNOTATION_LEGACY_STORAGE_CLASS],
      classes,
      [twinMeta?.[ANNOTATION_LEGACY_STORAGE_CLASS]],
    );
  }
  const spec = recordAt(claim, "spec");
  if (!spec) return;
  const twinSpec = recordAt(twin, "spec");
  if (spec.storageClassName !== undefined) {
    spec.storageClassName = r.value(
      `${prefix}spec.storageClassName`,
      spec.storageClassName,
      classes,
      [twinSpec?.storageClassName],
    );
  }
  if (spec.accessModes !== undefined) {
    spec.accessModes = reverseModes(
      `${prefix}spec.accessModes`,
      spec.accessModes,
      twinSpec?.accessModes,
      rules,
      r,
    );
  }
}

function reverseClaimTemplates(
  copy: KubeObject,
  twin: KubeObject | undefined,
  rules: ReversibleRules,
  r: Reverser,
): void {
  const templates = listOf(recordAt(copy, "spec")?.volumeClaimTemplates);
  const twins = listOf(recordAt(twin, "spec")?.volumeClaimTemplates);
  const nameOf = (t: unknown) => recordAt(t, "metadata")?.name;
  templates.forEach((t, i) => {
    if (!isRecord(t)) return;
    const match = twins.find((x) => nameOf(x) === nameOf(t));
    reverseClaim(
      `spec.volumeClaimTemplates[${i}].`,
      t,
      isRecord(match) ? match : undefined,
      rules,
      r,
    );
  });
}

/** Every host of an Ingress: rules, then TLS entries. */
function hostsOf(o: KubeObject | undefined): unknown[] {
  const spec = recordAt(o, "spec");
  return [
    ...listOf(spec?.rules).map((rule) =>
      isRecord(rule) ? rule.host : undefined
    ),
    ...listOf(spec?.tls).flatMap((tls) =>
      isRecord(tls) ? listOf(tls.hosts) : []
    ),
  ];
}

function reverseIngress(
  copy: KubeObject,
  twin: KubeObject | undefined,
  rules: ReversibleRules,
  r: Reverser,
): void {
  const classes = exactRule(
    "spec.ingress.classMappings",
    rules.ingressClassMappings,
  );
  const annotations = copy.metadata.annotations;
  if (typeof annotations?.[ANNOTATION_INGRESS_CLASS] === "string") {
    annotations[ANNOTATION_INGRESS_CLASS] = r.value(
      `metadata.annotations[${ANNOTATION_INGRESS_CLASS}]`,
      annotations[ANNOTATION_INGRESS_CLASS],
      classes,
      [twin?.metadata?.annotations?.[ANNOTATION_INGRESS_CLASS]],
    ) as string;
  }
  const spec = recordAt(copy, "spec");
  if (!spec) return;
  const twinSpec = recordAt(twin, "spec");
  if (spec.ingressClassName !== undefined) {
    spec.ingressClassName = r.value(
      "spec.ingressClassName",
      spec.ingressClassName,
      classes,
      [twinSpec?.ingressClassName],
    );
  }
  const hosts = hostRule(rules.ingressHostRewrites);
  const twinHosts = hostsOf(twin);
  listOf(spec.rules).forEach((rule, i) => {
    if (isRecord(rule) && rule.host !== undefined) {
      rule.host = r.value(`spec.rules[${i}].host`, rule.host, hosts, twinHosts);
    }
  });
  listOf(spec.tls).forEach((tls, i) => {
    if (!isRecord(tls) || !Array.isArray(tls.hosts)) return;
    tls.hosts = tls.hosts.map((h, j) =>
      r.value(`spec.tls[${i}].hosts[${j}]`, h, hosts, twinHosts)
    );
  });
}

const RULES: Record<
  string,
  (
    copy: KubeObject,
    twin: KubeObject | undefined,
    rules: ReversibleRules,
    r: Reverser,
  ) => void
> = {
  "/PersistentVolumeClaim": (copy, twin, rules, r) =>
    reverseClaim("", copy as JsonRecord, twin as JsonRecord, rules, r),
  "apps/StatefulSet": reverseClaimTemplates,
  "networking.k8s.io/Ingress": reverseIngress,
  "extensions/Ingress": reverseIngress,
};

const groupOfApiVersion = (apiVersion: string) =>
  apiVersion.includes("/") ? apiVersion.split("/")[0] : "";

/**
 * `dr` with the replication's mappings undone; `twin` is the source object
 * of the same name, when there is one. `dr` is not modified.
 */
export function reverseCopy(
  dr: KubeObject,
  rules: ReversibleRules,
  twin?: KubeObject,
): ReverseResult {
  const object = structuredClone(dr);
  const r = new Reverser();
  const rule = RULES[`${groupOfApiVersion(dr.apiVersion ?? "")}/${dr.kind}`];
  rule?.(object, twin, rules, r);
  return { object, irreversible: r.irreversible };
}

/** One line per irreversible value: object, field, value and why. */
export function describeIrreversible(
  o: KubeObject,
  problems: readonly Irreversible[],
): string[] {
  const where = `${o.kind} ${o.metadata.namespace}/${o.metadata.name}`;
  return problems.map((p) =>
    `${where} ${p.field}: ${quote(p.value)} cannot be reversed: ${p.why}`
  );
}
