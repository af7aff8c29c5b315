/**
 * Builders for `Status` error bodies shaped like the ones kube-apiserver
 * sends, and the error class the simulator throws internally to carry them.
 */

/** One entry of Status.details.causes. */
export interface StatusCause {
  reason: string;
  message: string;
  field?: string;
}

/** A meta/v1 Status describing a failed request. */
export interface Status {
  kind: "Status";
  apiVersion: "v1";
  metadata: Record<string, never>;
  status: "Failure";
  message: string;
  reason: string;
  details?: {
    name?: string;
    group?: string;
    kind?: string;
    causes?: StatusCause[];
    retryAfterSeconds?: number;
  };
  code: number;
}

/** Thrown inside the simulator; the server turns it into its Status response. */
export class SimError extends Error {
  constructor(readonly status: Status, readonly headers: HeadersInit = {}) {
    super(status.message);
  }
}

/** Identity of the object an error is about (details.name/group/kind). */
export interface ErrorTarget {
  group: string;
  /** The resource (plural) for most errors, the Kind for Invalid. */
  kind: string;
  name?: string;
}

function status(
  code: number,
  reason: string,
  message: string,
  details?: Status["details"],
): SimError {
  const body: Status = {
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Failure",
    message,
    reason,
    code,
  };
  if (details) body.details = details;
  return new SimError(body);
}

/** "configmaps" or "deployments.apps": how the apiserver names a resource. */
export function qualified(group: string, resource: string): string {
  return group ? `${resource}.${group}` : resource;
}

function details(t: ErrorTarget): Status["details"] {
  const d: Status["details"] = {};
  if (t.name !== undefined) d.name = t.name;
  if (t.group) d.group = t.group;
  d.kind = t.kind;
  return d;
}

/** 404 NotFound: `configmaps "x" not found`. */
export function notFound(t: ErrorTarget): SimError {
  const what = t.name !== undefined
    ? `${qualified(t.group, t.kind)} "${t.name}"`
    : qualified(t.group, t.kind);
  return status(404, "NotFound", `${what} not found`, details(t));
}

/** 409 AlreadyExists on create. */
export function alreadyExists(t: ErrorTarget): SimError {
  return status(
    409,
    "AlreadyExists",
    `${qualified(t.group, t.kind)} "${t.name}" already exists`,
    details(t),
  );
}

/** 409 Conflict on a stale resourceVersion (same text as the real server). */
export function conflict(t: ErrorTarget, why?: string): SimError {
  const reason = why ??
    "the object has been modified; please apply your changes to the latest version and try again";
  return status(
    409,
    "Conflict",
    `Operation cannot be fulfilled on ${
      qualified(t.group, t.kind)
    } "${t.name}": ${reason}`,
    details(t),
  );
}

/** 422 Invalid; `kind` is the Kind and the group is its API group. */
export function invalid(t: ErrorTarget, causes: StatusCause[]): SimError {
  const list = causes.map((c) =>
    c.field ? `${c.field}: ${c.message}` : c.message
  );
  const joined = list.length === 1 ? list[0] : `[${list.join(", ")}]`;
  const gk = t.group ? `${t.kind}.${t.group}` : t.kind;
  const d = details(t) ?? {};
  d.causes = causes;
  return status(
    422,
    "Invalid",
    `${gk} "${t.name ?? ""}" is invalid: ${joined}`,
    d,
  );
}

/** 403 Forbidden because the namespace is being deleted. */
export function namespaceTerminating(t: ErrorTarget, ns: string): SimError {
  const e = status(
    403,
    "Forbidden",
    `${
      qualified(t.group, t.kind)
    } "${t.name}" is forbidden: unable to create new content in namespace ${ns} because it is being terminated`,
    details(t),
  );
  e.status.details!.causes = [{
    reason: "NamespaceTerminating",
    message: `namespace ${ns} is being terminated`,
    field: "metadata.namespace",
  }];
  return e;
}

/** Generic builder for the remaining reasons (BadRequest, Forbidden, …). */
export function failure(
  code: number,
  reason: string,
  message: string,
  d?: Status["details"],
): SimError {
  return status(code, reason, message, d);
}

/** 400 BadRequest with a plain message. */
export function badRequest(message: string): SimError {
  return status(400, "BadRequest", message);
}
