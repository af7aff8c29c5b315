/**
 * Protobuf field maps of the types kubectl's generators send (see
 * protobuf.ts). Field numbers follow the upstream generated.proto files and
 * are checked by kubectl_test.ts against `--dry-run=client -o json`.
 */

/** Leaf encodings (intstr, quantity and time are small messages in k8s). */
export type Scalar =
  | "string"
  | "int"
  | "bool"
  | "bytes"
  | "intstr"
  | "quantity"
  | "time"
  | "skip";
/** How a field is encoded. */
export type Kind = Scalar | Msg | { map: Scalar } | { list: Kind };
/** [json name, kind, pointer (zero values are kept)]. */
export type Field = [string, Kind, boolean?];
/** A message: field number → field. */
export type Msg = { [num: number]: Field };

/** A string field. */
export const str = (name: string): Field => [name, "string"];
/** A repeated string field. */
export const strList = (name: string): Field => [name, { list: "string" }];

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

/** Top-level types by "<apiVersion>/<Kind>". */
export const TYPES: Record<string, Msg> = {
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
