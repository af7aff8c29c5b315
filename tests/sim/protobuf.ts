/**
 * Decoding of the Kubernetes protobuf request bodies kubectl sends for its
 * imperative generators (`kubectl create namespace|configmap|secret|
 * serviceaccount|deployment|service|job`). Only the fields those generators
 * write are described; other fields are accepted only when empty (zero
 * values), anything else is refused (415) rather than silently dropped.
 * Wire format: "k8s\0" + runtime.Unknown{typeMeta=1, raw=2} where raw is the
 * object in go-to-protobuf encoding (field numbers from the upstream
 * generated.proto files, verified against kubectl's `--dry-run=client -o json`).
 */
import { failure, SimError } from "./errors.ts";

type Scalar =
  | "string"
  | "int"
  | "bool"
  | "bytes"
  | "intstr"
  | "quantity"
  | "time"
  | "skip";
type Kind = Scalar | Msg | { map: Scalar } | { list: Kind };
/** [json name, kind, pointer (zero values are kept)]. */
type Field = [string, Kind, boolean?];
type Msg = { [num: number]: Field };

const MAGIC = [0x6b, 0x38, 0x73, 0x00];
const str = (name: string): Field => [name, "string"];
const strList = (name: string): Field => [name, { list: "string" }];

const OWNER: Msg = {
  1: str("kind"),
  3: str("name"),
  4: str("uid"),
  5: str("apiVersion"),
  6: ["controller", "bool", true],
  7: ["blockOwnerDeletion", "bool", true],
};
const META: Msg = {
  1: str("name"),
  2: str("generateName"),
  3: str("namespace"),
  4: str("selfLink"),
  5: str("uid"),
  6: str("resourceVersion"),
  7: ["generation", "int"],
  8: ["creationTimestamp", "time"],
  9: ["deletionTimestamp", "time"],
  10: ["deletionGracePeriodSeconds", "int", true],
  11: ["labels", { map: "string" }],
  12: ["annotations", { map: "string" }],
  13: ["ownerReferences", { list: OWNER }],
  14: strList("finalizers"),
};
const SELECTOR: Msg = {
  1: ["matchLabels", { map: "string" }],
  2: ["matchExpressions", {
    list: { 1: str("key"), 2: str("operator"), 3: strList("values") },
  }],
};
const CONTAINER: Msg = {
  1: str("name"),
  2: str("image"),
  3: strList("command"),
  4: strList("args"),
  5: str("workingDir"),
  6: ["ports", {
    list: {
      1: str("name"),
      2: ["hostPort", "int"],
      3: ["containerPort", "int"],
      4: str("protocol"),
      5: str("hostIP"),
    },
  }],
  7: ["env", { list: { 1: str("name"), 2: str("value") } }],
  8: ["resources", {
    1: ["limits", { map: "quantity" }],
    2: ["requests", { map: "quantity" }],
  }],
  13: str("terminationMessagePath"),
  14: str("imagePullPolicy"),
  16: ["stdin", "bool"],
  17: ["stdinOnce", "bool"],
  18: ["tty", "bool"],
  20: str("terminationMessagePolicy"),
};
const POD_SPEC: Msg = {
  2: ["containers", { list: CONTAINER }],
  3: str("restartPolicy"),
  4: ["terminationGracePeriodSeconds", "int", true],
  6: str("dnsPolicy"),
  7: ["nodeSelector", { map: "string" }],
  8: str("serviceAccountName"),
  9: str("serviceAccount"),
  10: str("nodeName"),
  11: ["hostNetwork", "bool"],
  12: ["hostPID", "bool"],
  13: ["hostIPC", "bool"],
  16: str("hostname"),
  17: str("subdomain"),
  19: str("schedulerName"),
  20: ["initContainers", { list: CONTAINER }],
  24: str("priorityClassName"),
};
const TEMPLATE: Msg = { 1: ["metadata", META], 2: ["spec", POD_SPEC] };
const STATUS: Field = ["status", "skip"];

const RULE: Msg = {
  1: strList("verbs"),
  2: strList("apiGroups"),
  3: strList("resources"),
  4: strList("resourceNames"),
  5: strList("nonResourceURLs"),
};
const SUBJECT: Msg = {
  1: str("kind"),
  2: str("apiGroup"),
  3: str("name"),
  4: str("namespace"),
};
const ROLE_REF: Msg = { 1: str("apiGroup"), 2: str("kind"), 3: str("name") };

const TYPES: Record<string, Msg> = {
  "authorization.k8s.io/v1/SelfSubjectAccessReview": {
    1: ["metadata", META],
    2: ["spec", {
      1: ["resourceAttributes", {
        1: str("namespace"),
        2: str("verb"),
        3: str("group"),
        4: str("version"),
        5: str("resource"),
        6: str("subresource"),
        7: str("name"),
      }],
      2: ["nonResourceAttributes", { 1: str("path"), 2: str("verb") }],
    }],
    3: STATUS,
  },
  "rbac.authorization.k8s.io/v1/Role": {
    1: ["metadata", META],
    2: ["rules", { list: RULE }],
  },
  "rbac.authorization.k8s.io/v1/ClusterRole": {
    1: ["metadata", META],
    2: ["rules", { list: RULE }],
  },
  "rbac.authorization.k8s.io/v1/RoleBinding": {
    1: ["metadata", META],
    2: ["subjects", { list: SUBJECT }],
    3: ["roleRef", ROLE_REF],
  },
  "rbac.authorization.k8s.io/v1/ClusterRoleBinding": {
    1: ["metadata", META],
    2: ["subjects", { list: SUBJECT }],
    3: ["roleRef", ROLE_REF],
  },
  "v1/Namespace": {
    1: ["metadata", META],
    2: ["spec", { 1: strList("finalizers") }],
    3: STATUS,
  },
  "v1/ConfigMap": {
    1: ["metadata", META],
    2: ["data", { map: "string" }],
    3: ["binaryData", { map: "bytes" }],
    4: ["immutable", "bool", true],
  },
  "v1/Secret": {
    1: ["metadata", META],
    2: ["data", { map: "bytes" }],
    3: str("type"),
    4: ["stringData", { map: "string" }],
    5: ["immutable", "bool", true],
  },
  "v1/ServiceAccount": {
    1: ["metadata", META],
    3: ["imagePullSecrets", { list: { 1: str("name") } }],
    4: ["automountServiceAccountToken", "bool", true],
  },
  "v1/Service": {
    1: ["metadata", META],
    2: ["spec", {
      1: ["ports", {
        list: {
          1: str("name"),
          2: str("protocol"),
          3: ["port", "int"],
          4: ["targetPort", "intstr"],
          5: ["nodePort", "int"],
        },
      }],
      2: ["selector", { map: "string" }],
      3: str("clusterIP"),
      4: str("type"),
      5: strList("externalIPs"),
      7: str("sessionAffinity"),
      8: str("loadBalancerIP"),
      10: str("externalName"),
      11: str("externalTrafficPolicy"),
    }],
    3: STATUS,
  },
  "apps/v1/Deployment": {
    1: ["metadata", META],
    2: ["spec", {
      1: ["replicas", "int", true],
      2: ["selector", SELECTOR],
      3: ["template", TEMPLATE],
      4: ["strategy", {
        1: str("type"),
        2: ["rollingUpdate", {
          1: ["maxUnavailable", "intstr"],
          2: ["maxSurge", "intstr"],
        }],
      }],
      5: ["minReadySeconds", "int"],
      6: ["revisionHistoryLimit", "int", true],
      7: ["paused", "bool"],
      9: ["progressDeadlineSeconds", "int", true],
    }],
    3: STATUS,
  },
  "batch/v1/Job": {
    1: ["metadata", META],
    2: ["spec", {
      1: ["parallelism", "int", true],
      2: ["completions", "int", true],
      3: ["activeDeadlineSeconds", "int", true],
      4: ["selector", SELECTOR],
      5: ["manualSelector", "bool", true],
      6: ["template", TEMPLATE],
      7: ["backoffLimit", "int", true],
      8: ["ttlSecondsAfterFinished", "int", true],
    }],
    3: STATUS,
  },
};

class Reader {
  pos = 0;
  constructor(readonly buf: Uint8Array, readonly end = buf.length) {}
  varint(): bigint {
    let r = 0n;
    let shift = 0n;
    for (;;) {
      const b = this.buf[this.pos++];
      r |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) return r;
      shift += 7n;
    }
  }
  bytes(): Uint8Array {
    const len = Number(this.varint());
    const out = this.buf.subarray(this.pos, this.pos + len);
    this.pos += len;
    return out;
  }
}

/** 415 naming what the simulator cannot decode. */
function unsupported(what: string): SimError {
  return failure(
    415,
    "UnsupportedMediaType",
    `kube-sim cannot decode this protobuf body (${what}); send JSON`,
  );
}

const decoder = new TextDecoder();

function scalar(kind: Scalar, r: Reader, wire: number): unknown {
  if (wire === 0) {
    const v = BigInt.asIntN(64, r.varint());
    return kind === "bool" ? v !== 0n : Number(v);
  }
  const b = r.bytes();
  switch (kind) {
    case "string":
      return decoder.decode(b);
    case "bytes":
      return base64(b);
    case "quantity":
      return (message(b, { 1: str("string") }) as { string?: string }).string ??
        "0";
    case "intstr": {
      const v = message(b, {
        1: ["type", "int"],
        2: ["intVal", "int"],
        3: str("strVal"),
      }) as Record<string, unknown>;
      return v.type === 1 ? v.strVal ?? "" : v.intVal ?? 0;
    }
    case "time": {
      const t = message(b, { 1: ["seconds", "int"], 2: ["nanos", "int"] }) as {
        seconds?: number;
      };
      return t.seconds
        ? new Date(t.seconds * 1000).toISOString().replace(/\.\d{3}Z$/, "Z")
        : undefined;
    }
    default:
      return undefined;
  }
}

const CHUNK = 0x8000;

function base64(b: Uint8Array): string {
  let s = "";
  for (let i = 0; i < b.length; i += CHUNK) {
    s += String.fromCharCode(...b.subarray(i, i + CHUNK));
  }
  return btoa(s);
}

function isZero(v: unknown): boolean {
  return v === "" || v === 0 || v === false || v === undefined;
}

function mapEntry(b: Uint8Array, kind: Scalar): [string, unknown] {
  const e = message(b, { 1: str("k"), 2: ["v", kind, true] }) as {
    k?: string;
    v?: unknown;
  };
  return [
    e.k ?? "",
    e.v ?? (kind === "string" || kind === "bytes" ? "" : undefined),
  ];
}

/** Decodes one message by its descriptor into JSON (omitempty semantics). */
function message(buf: Uint8Array, desc: Msg): Record<string, unknown> {
  const r = new Reader(buf);
  const out: Record<string, unknown> = {};
  while (r.pos < r.end) {
    const key = Number(r.varint());
    const [num, wire] = [key >> 3, key & 7];
    const field = desc[num];
    if (!field) {
      skipEmpty(r, wire, num);
      continue;
    }
    const [name, kind, ptr] = field;
    if (typeof kind === "string") {
      const v = scalar(kind, r, wire);
      if (!isZero(v) || (ptr && v !== undefined)) out[name] = v;
    } else if ("map" in kind) {
      const [k, v] = mapEntry(r.bytes(), kind.map as Scalar);
      out[name] = { ...(out[name] as object ?? {}), [k]: v };
    } else if ("list" in kind) {
      const item = typeof kind.list === "string"
        ? scalar(kind.list as Scalar, r, wire)
        : message(r.bytes(), kind.list as Msg);
      out[name] = [...(out[name] as unknown[] ?? []), item];
    } else out[name] = message(r.bytes(), kind as Msg);
  }
  return out;
}

/** Unknown fields are fine only when empty (go-protobuf writes zero values). */
function skipEmpty(r: Reader, wire: number, num: number): void {
  const empty = wire === 0
    ? r.varint() === 0n
    : wire === 2
    ? r.bytes().length === 0
    : false;
  if (!empty) throw unsupported(`field ${num}`);
}

/** Whether a request body is k8s protobuf. */
export function isProtobuf(contentType: string | null): boolean {
  return !!contentType?.startsWith("application/vnd.kubernetes.protobuf");
}

/** Decodes a k8s protobuf request body into the JSON object it stands for. */
export function decodeProtobuf(buf: Uint8Array): Record<string, unknown> {
  if (!MAGIC.every((b, i) => buf[i] === b)) {
    throw unsupported("missing k8s envelope");
  }
  const env = message(buf.subarray(MAGIC.length), {
    1: ["typeMeta", { 1: str("apiVersion"), 2: str("kind") }],
    2: ["raw", "skip"],
    3: str("contentEncoding"),
    4: str("contentType"),
  });
  const tm = env.typeMeta as { apiVersion?: string; kind?: string } | undefined;
  const gvk = `${tm?.apiVersion}/${tm?.kind}`;
  const desc = TYPES[gvk];
  if (!desc) throw unsupported(`type ${gvk}`);
  const raw = rawOf(buf.subarray(MAGIC.length));
  const obj = message(raw, desc);
  delete obj.status;
  return { apiVersion: tm!.apiVersion, kind: tm!.kind, ...obj };
}

/** Field 2 (raw) of the runtime.Unknown envelope. */
function rawOf(buf: Uint8Array): Uint8Array {
  const r = new Reader(buf);
  while (r.pos < r.end) {
    const key = Number(r.varint());
    const b = (key & 7) === 2 ? r.bytes() : (r.varint(), undefined);
    if (key >> 3 === 2 && b) return b;
  }
  throw unsupported("no raw object");
}
