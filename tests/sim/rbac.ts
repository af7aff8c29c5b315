/**
 * RBAC authorization from the objects stored in the sim: RoleBindings grant
 * a Role or ClusterRole's rules in their namespace, ClusterRoleBindings grant
 * a ClusterRole's rules everywhere. Subjects: User, Group, ServiceAccount.
 * Rules: verbs, apiGroups, resources (`res`, `res/sub`, `*`, any-resource/sub),
 * resourceNames. Not supported: aggregationRule, nonResourceURLs.
 */
import type { Attributes, Authorizer, User } from "./auth.ts";
import type { KObj, Store } from "./store.ts";

interface Rule {
  verbs?: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
}

interface Subject {
  kind: string;
  name: string;
  namespace?: string;
}

interface Binding extends KObj {
  subjects?: Subject[];
  roleRef?: { kind: string; name: string };
}

const SA_PREFIX = "system:serviceaccount:";

function has(list: string[] | undefined, v: string): boolean {
  return !!list && (list.includes("*") || list.includes(v));
}

function resourceMatches(list: string[] | undefined, a: Attributes): boolean {
  if (!list) return false;
  if (!a.subresource) return has(list, a.resource);
  return list.includes(`${a.resource}/${a.subresource}`) ||
    list.includes(`*/${a.subresource}`) ||
    list.includes("*");
}

/** Whether one PolicyRule allows the request. */
export function ruleAllows(r: Rule, a: Attributes): boolean {
  if (
    !has(r.verbs, a.verb) || !has(r.apiGroups, a.group) ||
    !resourceMatches(r.resources, a)
  ) return false;
  if (!r.resourceNames?.length) return true;
  return a.name !== undefined && r.resourceNames.includes(a.name);
}

function subjectMatches(s: Subject, user: User, bindingNs?: string): boolean {
  if (s.kind === "User") return s.name === user.name;
  if (s.kind === "Group") return user.groups.includes(s.name);
  if (s.kind !== "ServiceAccount") return false;
  return user.name === `${SA_PREFIX}${s.namespace ?? bindingNs}:${s.name}`;
}

function rulesOf(store: Store, ref: Binding["roleRef"], ns: string): Rule[] {
  if (!ref) return [];
  const role = ref.kind === "ClusterRole"
    ? store.get("clusterroles.rbac.authorization.k8s.io", "", ref.name)
    : store.get("roles.rbac.authorization.k8s.io", ns, ref.name);
  return ((role?.obj as { rules?: Rule[] } | undefined)?.rules) ?? [];
}

function bindingAllows(
  store: Store,
  b: Binding,
  user: User,
  a: Attributes,
): boolean {
  const ns = b.metadata.namespace;
  if (!(b.subjects ?? []).some((s) => subjectMatches(s, user, ns))) {
    return false;
  }
  return rulesOf(store, b.roleRef, ns ?? "").some((r) => ruleAllows(r, a));
}

/** An Authorizer that evaluates the RBAC objects in `store`. */
export function rbacAuthorizer(store: Store): Authorizer {
  return (user, a) => {
    const cluster = store.list("clusterrolebindings.rbac.authorization.k8s.io");
    if (cluster.some((s) => bindingAllows(store, s.obj as Binding, user, a))) {
      return true;
    }
    if (a.namespace === undefined) return false;
    return store.list("rolebindings.rbac.authorization.k8s.io", a.namespace)
      .some((s) => bindingAllows(store, s.obj as Binding, user, a));
  };
}

/** The user a ServiceAccount token authenticates as. */
export function serviceAccountUser(namespace: string, name: string): User {
  return {
    name: `${SA_PREFIX}${namespace}:${name}`,
    groups: [
      "system:serviceaccounts",
      `system:serviceaccounts:${namespace}`,
      "system:authenticated",
    ],
  };
}
