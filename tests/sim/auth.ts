/**
 * Bearer-token authentication and rule-based authorization. A token maps to
 * a user; an Authorizer decides per request attributes. `ruleAuthorizer`
 * reads the PolicyRules given to `createToken`; rbac.ts evaluates the
 * Role/ClusterRole objects stored in the sim; a cluster allows what either
 * allows unless a custom authorizer is configured.
 */
import { failure, qualified, SimError } from "./errors.ts";

/** A PolicyRule given directly to a token (resourceNames not supported). */
export interface PolicyRule {
  verbs: string[];
  apiGroups?: string[];
  resources?: string[];
  /** Namespaces the rule applies in; absent = all (cluster-wide). */
  namespaces?: string[];
}

/** Who is calling. */
export interface User {
  name: string;
  groups: string[];
  /** Static rules from createToken; undefined for the admin. */
  rules?: PolicyRule[];
}

/** What a request wants to do (the apiserver's authorizer attributes). */
export interface Attributes {
  verb: string;
  group: string;
  resource: string;
  subresource?: string;
  namespace?: string;
  name?: string;
}

/** Decides whether a user may do something. */
export type Authorizer = (user: User, a: Attributes) => boolean;

const ADMIN_GROUP = "system:masters";

function matches(list: string[] | undefined, v: string): boolean {
  return !list || list.includes("*") || list.includes(v);
}

/** Admins may do anything; others need a static rule that covers the request. */
export const ruleAuthorizer: Authorizer = (
  user: User,
  a: Attributes,
): boolean => {
  if (user.groups.includes(ADMIN_GROUP)) return true;
  const resource = a.subresource
    ? `${a.resource}/${a.subresource}`
    : a.resource;
  return (user.rules ?? []).some((r) =>
    matches(r.verbs, a.verb) &&
    matches(r.apiGroups, a.group) &&
    matches(r.resources, resource) &&
    (!r.namespaces ||
      (a.namespace !== undefined && r.namespaces.includes(a.namespace)))
  );
};

/** Token table of one cluster. */
export class Tokens {
  #byToken = new Map<string, User>();
  /** Tokens that hold only while their check passes (e.g. a token Secret still exists). */
  #checks = new Map<string, () => boolean>();
  readonly adminToken: string;

  constructor() {
    this.adminToken = `admin-${crypto.randomUUID()}`;
    this.#byToken.set(this.adminToken, {
      name: "kube-sim-admin",
      groups: [ADMIN_GROUP],
    });
  }

  /** Issues a token for a limited user; returns the token. */
  create(name: string, rules: PolicyRule[]): string {
    const token = `${name}-${crypto.randomUUID()}`;
    this.#byToken.set(token, { name, groups: ["system:authenticated"], rules });
    return token;
  }

  /** Issues a token for an arbitrary user (e.g. a ServiceAccount). */
  createFor(user: User): string {
    const token = `${user.name.replaceAll(":", "-")}-${crypto.randomUUID()}`;
    this.#byToken.set(token, user);
    return token;
  }

  /**
   * Adds `token` for `user` while `check()` holds; the first failed check revokes it for good
   * (legacy ServiceAccount token Secrets, satokens.ts).
   */
  addChecked(token: string, user: User, check: () => boolean): void {
    this.#byToken.set(token, user);
    this.#checks.set(token, check);
  }

  /** The user behind an Authorization header, or a 401. */
  authenticate(header: string | null): User {
    const token = header?.startsWith("Bearer ")
      ? header.slice(7).trim()
      : undefined;
    let user = token ? this.#byToken.get(token) : undefined;
    const check = token ? this.#checks.get(token) : undefined;
    if (user && check && !check()) {
      this.#byToken.delete(token!);
      this.#checks.delete(token!);
      user = undefined;
    }
    if (!user) throw failure(401, "Unauthorized", "Unauthorized");
    return user;
  }
}

/** The 403 the apiserver sends when authorization fails. */
export function forbidden(user: User, a: Attributes): SimError {
  const res = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  const subject = a.name !== undefined
    ? `${qualified(a.group, a.resource)} "${a.name}"`
    : qualified(a.group, a.resource);
  const scope = a.namespace !== undefined
    ? `in the namespace "${a.namespace}"`
    : "at the cluster scope";
  const message =
    `${subject} is forbidden: User "${user.name}" cannot ${a.verb} ` +
    `resource "${res}" in API group "${a.group}" ${scope}`;
  const details: { name?: string; group?: string; kind: string } = {
    kind: a.resource,
  };
  if (a.name !== undefined) details.name = a.name;
  if (a.group) details.group = a.group;
  return failure(403, "Forbidden", message, details);
}

/** Answers a SelfSubjectAccessReview body for `user` (as `kubectl auth can-i` sends). */
export function selfSubjectAccessReview(
  authorize: Authorizer,
  user: User,
  body: unknown,
): Record<string, unknown> {
  const spec =
    (body as { spec?: { resourceAttributes?: Record<string, string> } })
      ?.spec ?? {};
  const ra = spec.resourceAttributes;
  const allowed = ra
    ? authorize(user, {
      verb: ra.verb ?? "",
      group: ra.group ?? "",
      resource: ra.resource ?? "",
      subresource: ra.subresource || undefined,
      namespace: ra.namespace || undefined,
      name: ra.name || undefined,
    })
    : user.groups.includes(ADMIN_GROUP);
  return {
    kind: "SelfSubjectAccessReview",
    apiVersion: "authorization.k8s.io/v1",
    metadata: {},
    spec,
    status: { allowed },
  };
}
