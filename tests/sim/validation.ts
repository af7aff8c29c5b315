/**
 * Metadata validation shared by every type (names, labels, annotations),
 * with causes worded as kube-apiserver words them. Per-type rules live in
 * immutable.ts.
 */
import type { StatusCause } from "./errors.ts";
import type { KObj } from "./store.ts";

const DNS_SUBDOMAIN =
  /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const MAX_LABEL_VALUE = 63;
const MAX_SUBDOMAIN = 253;
const MAX_ANNOTATIONS_BYTES = 262144;

const SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, " +
  "'-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used " +
  "for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL_MSG =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or " +
  "'-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex " +
  "used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const VALUE_MSG =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', " +
  "'_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or " +
  "'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
const KEY_MSG =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start " +
  "and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used " +
  "for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

/** One 422 cause. */
export function cause(
  field: string,
  message: string,
  reason = "FieldValueInvalid",
): StatusCause {
  return { reason, message, field };
}

function labelKeyOk(key: string): boolean {
  const slash = key.lastIndexOf("/");
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  const prefix = slash >= 0 ? key.slice(0, slash) : "";
  if (
    prefix && (!DNS_SUBDOMAIN.test(prefix) || prefix.length > MAX_SUBDOMAIN)
  ) return false;
  return name.length <= MAX_LABEL_VALUE && QUALIFIED_NAME.test(name);
}

/** How a type's names are validated: DNS subdomain, DNS label, or path segment (RBAC). */
export type NameRule = "subdomain" | "label" | "path";

/** RBAC names only need to be usable as one URL path segment ("system:x" is fine). */
function pathSegmentCauses(name: string): StatusCause[] {
  if (name === "." || name === "..") {
    return [
      cause("metadata.name", `Invalid value: "${name}": may not be '${name}'`),
    ];
  }
  for (const bad of ["/", "%"]) {
    if (name.includes(bad)) {
      return [
        cause(
          "metadata.name",
          `Invalid value: "${name}": may not contain '${bad}'`,
        ),
      ];
    }
  }
  return [];
}

function nameCauses(name: string, namespaceName: boolean): StatusCause[] {
  const re = namespaceName ? DNS_LABEL : DNS_SUBDOMAIN;
  const max = namespaceName ? MAX_LABEL_VALUE : MAX_SUBDOMAIN;
  if (!re.test(name)) {
    return [
      cause(
        "metadata.name",
        `Invalid value: "${name}": ${
          namespaceName ? LABEL_MSG : SUBDOMAIN_MSG
        }`,
      ),
    ];
  }
  if (name.length > max) {
    return [
      cause(
        "metadata.name",
        `Invalid value: "${name}": must be no more than ${max} characters`,
      ),
    ];
  }
  return [];
}

function labelCauses(labels: Record<string, string>): StatusCause[] {
  const out: StatusCause[] = [];
  for (const [k, v] of Object.entries(labels)) {
    if (!labelKeyOk(k)) {
      out.push(cause("metadata.labels", `Invalid value: "${k}": ${KEY_MSG}`));
    }
    if (
      typeof v !== "string" || v.length > MAX_LABEL_VALUE ||
      !LABEL_VALUE.test(v)
    ) {
      out.push(cause("metadata.labels", `Invalid value: "${v}": ${VALUE_MSG}`));
    }
  }
  return out;
}

function annotationCauses(ann: Record<string, string>): StatusCause[] {
  const out: StatusCause[] = [];
  let size = 0;
  for (const [k, v] of Object.entries(ann)) {
    if (!labelKeyOk(k)) {
      out.push(
        cause("metadata.annotations", `Invalid value: "${k}": ${KEY_MSG}`),
      );
    }
    size += k.length + String(v).length;
  }
  if (size > MAX_ANNOTATIONS_BYTES) {
    const m = `Too long: must have at most ${MAX_ANNOTATIONS_BYTES} bytes`;
    out.push(cause("metadata.annotations", m, "FieldValueTooLong"));
  }
  return out;
}

/** Name, label and annotation checks shared by all types. */
export function validateMeta(o: KObj, rule: NameRule): StatusCause[] {
  return [
    ...(rule === "path"
      ? pathSegmentCauses(o.metadata.name)
      : nameCauses(o.metadata.name, rule === "label")),
    ...labelCauses(o.metadata.labels ?? {}),
    ...annotationCauses(o.metadata.annotations ?? {}),
  ];
}
