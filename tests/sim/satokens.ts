/**
 * kube-controller-manager's serviceaccount-token controller, plus the API server's side of
 * legacy ServiceAccount tokens. A Secret of type kubernetes.io/service-account-token that
 * names a ServiceAccount (annotation kubernetes.io/service-account.name) gets data.token, a
 * JWT-shaped token this cluster accepts as that ServiceAccount, data["ca.crt"] (the CA of the
 * serving certificate), data.namespace and the annotation kubernetes.io/service-account.uid.
 * A token Secret naming a missing ServiceAccount (or one of another uid) is deleted, and so
 * are an account's token Secrets when the account goes. A token authenticates while its
 * Secret and ServiceAccount live and the Secret still holds it; each day it is used, the
 * Secret gets the kubernetes.io/legacy-token-last-used label (as kube-apiserver does). The
 * controller runs asynchronously, like upstream.
 */
import type { Tokens } from "./auth.ts";
import type { Deleter } from "./deletion.ts";
import type { Engine } from "./engine.ts";
import { serviceAccountUser } from "./rbac.ts";
import { storeKey } from "./registry.ts";
import { type KObj, thaw } from "./store.ts";

export const SA_TOKEN_TYPE = "kubernetes.io/service-account-token";
const NAME = "kubernetes.io/service-account.name";
const UID = "kubernetes.io/service-account.uid";
const LAST_USED = "kubernetes.io/legacy-token-last-used";

function b64url(s: string | Uint8Array): string {
  const bytes = typeof s === "string" ? new TextEncoder().encode(s) : s;
  return btoa(String.fromCharCode(...bytes)).replaceAll("+", "-")
    .replaceAll("/", "_").replaceAll("=", "");
}

/** A token shaped like upstream's legacy ones (claims readable, signature random). */
function legacyToken(secret: KObj, sa: KObj): string {
  const ns = secret.metadata.namespace!;
  const claims = {
    iss: "kubernetes/serviceaccount",
    "kubernetes.io/serviceaccount/namespace": ns,
    "kubernetes.io/serviceaccount/secret.name": secret.metadata.name,
    "kubernetes.io/serviceaccount/service-account.name": sa.metadata.name,
    "kubernetes.io/serviceaccount/service-account.uid": sa.metadata.uid,
    sub: `system:serviceaccount:${ns}:${sa.metadata.name}`,
  };
  return [
    b64url(JSON.stringify({ alg: "ES256", kid: "kube-sim" })),
    b64url(JSON.stringify(claims)),
    b64url(crypto.getRandomValues(new Uint8Array(64))),
  ].join(".");
}

/** Whether `secret` is a token Secret of `sa` (name, and uid when the Secret has one). */
function belongsTo(secret: KObj, sa: KObj): boolean {
  const a = secret.metadata.annotations ?? {};
  return secret.type === SA_TOKEN_TYPE && a[NAME] === sa.metadata.name &&
    (!a[UID] || a[UID] === sa.metadata.uid);
}

/** Wires the token controller into a cluster. */
export function installTokenController(
  engine: Engine,
  deleter: Deleter,
  tokens: Tokens,
  caPem: string,
): void {
  const secrets = engine.registry.find("", "v1", "secrets")!;
  const getSa = (ns: string, name: string) =>
    engine.store.get("serviceaccounts", ns, name)?.obj;

  /** Accepts `token` while its Secret and ServiceAccount hold it; marks the day it was used. */
  const accept = (secret: KObj, sa: KObj, token: string) => {
    const ns = secret.metadata.namespace!;
    const data = btoa(token);
    tokens.addChecked(token, serviceAccountUser(ns, sa.metadata.name), () => {
      const cur = engine.store.get("secrets", ns, secret.metadata.name);
      const live = getSa(ns, sa.metadata.name);
      if (
        !cur || cur.obj.metadata.deletionTimestamp ||
        (cur.obj.data as Record<string, string> | undefined)?.token !== data ||
        !live || live.metadata.uid !== sa.metadata.uid ||
        live.metadata.deletionTimestamp
      ) return false;
      const today = new Date().toISOString().slice(0, 10);
      if (cur.obj.metadata.labels?.[LAST_USED] !== today) {
        const next = thaw(cur);
        next.metadata.labels = { ...next.metadata.labels, [LAST_USED]: today };
        engine.update(secrets, ns, next.metadata.name, next);
      }
      return true;
    });
  };

  const syncSecret = (ns: string, name: string) => {
    const cur = engine.store.get("secrets", ns, name);
    const o = cur?.obj;
    if (
      !cur || !o || o.type !== SA_TOKEN_TYPE || o.metadata.deletionTimestamp
    ) {
      return;
    }
    const annotations = o.metadata.annotations ?? {};
    const sa = getSa(ns, annotations[NAME] ?? "");
    if (!sa || (annotations[UID] && annotations[UID] !== sa.metadata.uid)) {
      deleter.delete(secrets, ns, name, {
        preconditions: { uid: o.metadata.uid },
      });
      return;
    }
    const data = (o.data ?? {}) as Record<string, string>;
    const ca = btoa(caPem);
    const want: Record<string, string> = {};
    if (data["ca.crt"] !== ca) want["ca.crt"] = ca;
    if (!data.namespace) want.namespace = btoa(ns);
    if (!data.token) {
      const token = legacyToken(o, sa);
      want.token = btoa(token);
      accept(o, sa, token);
    }
    if (
      Object.keys(want).length === 0 && annotations[UID] === sa.metadata.uid
    ) return;
    const next = thaw(cur);
    next.data = { ...data, ...want };
    next.metadata.annotations = {
      ...annotations,
      [NAME]: sa.metadata.name,
      [UID]: sa.metadata.uid,
    };
    engine.update(secrets, ns, name, next);
  };

  engine.hooks.afterPut.push((t, obj) => {
    if (storeKey(t) !== "secrets" || obj.type !== SA_TOKEN_TYPE) return;
    const { namespace = "", name } = obj.metadata;
    deleter.later(() => syncSecret(namespace, name));
  });
  engine.hooks.afterRemove.push((t, sa) => {
    if (storeKey(t) !== "serviceaccounts") return;
    const ns = sa.metadata.namespace ?? "";
    deleter.later(() => {
      for (const s of engine.store.list("secrets", ns)) {
        if (!belongsTo(s.obj, sa) || s.obj.metadata.deletionTimestamp) continue;
        deleter.delete(secrets, ns, s.obj.metadata.name, {
          preconditions: { uid: s.obj.metadata.uid },
        });
      }
    });
  });
}
