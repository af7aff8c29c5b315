/**
 * Ingresses (contract §2 `ingress`, §4): DR hostnames and ingress classes.
 */
import type { ValueMapping } from "../../api/v1alpha1.ts";
import type { KubeObject } from "../types.ts";
import {
  annotationsOf,
  isRecord,
  mapValue,
  recordAt,
  type TransformContext,
} from "./common.ts";

/** Pre-`ingressClassName` way to pick a controller; still widely read. */
export const ANNOTATION_INGRESS_CLASS = "kubernetes.io/ingress.class";

/**
 * Rewrites the DNS suffix `from` of `host` to `to`. Matches only whole
 * labels: `api.shop.example.com` and `*.shop.example.com` match
 * `shop.example.com`, `myshop.example.com` does not. The longest matching
 * `from` wins, so a specific rewrite beats a broader one in any list order.
 * Hostnames are case-insensitive; the unmatched prefix is kept as written.
 * A host already under the winning `to` is left alone: with a rewrite like
 * `example.com` -> `dr.example.com`, a copy fed back in (failback, re-copy)
 * must not become `dr.dr.example.com`.
 */
export function rewriteHost(
  host: string,
  rewrites: readonly ValueMapping[],
): string {
  const lower = host.toLowerCase();
  let best: ValueMapping | undefined;
  for (const r of rewrites) {
    const from = r.from.toLowerCase();
    if (from === "" || (best && best.from.length >= from.length)) continue;
    if (lower === from || lower.endsWith(`.${from}`)) best = r;
  }
  if (!best) return host;
  const to = best.to.toLowerCase();
  if (lower === to || lower.endsWith(`.${to}`)) return host;
  return host.slice(0, host.length - best.from.length) + best.to;
}

function rewriteRules(spec: Record<string, unknown>, ctx: TransformContext) {
  if (!Array.isArray(spec.rules)) return;
  for (const rule of spec.rules) {
    if (isRecord(rule) && typeof rule.host === "string") {
      rule.host = rewriteHost(rule.host, ctx.opts.ingressHostRewrites);
    }
  }
}

function rewriteTls(spec: Record<string, unknown>, ctx: TransformContext) {
  if (!Array.isArray(spec.tls)) return;
  for (const tls of spec.tls) {
    if (!isRecord(tls) || !Array.isArray(tls.hosts)) continue;
    tls.hosts = tls.hosts.map((h) =>
      typeof h === "string" ? rewriteHost(h, ctx.opts.ingressHostRewrites) : h
    );
  }
}

/** Applies host rewrites and class mappings to an Ingress copy. */
export function transformIngress(
  copy: KubeObject,
  ctx: TransformContext,
): void {
  const annotations = annotationsOf(copy);
  const legacyClass = annotations[ANNOTATION_INGRESS_CLASS];
  if (legacyClass !== undefined) {
    annotations[ANNOTATION_INGRESS_CLASS] = mapValue(
      ctx.opts.ingressClassMappings,
      legacyClass,
    );
  }
  const spec = recordAt(copy, "spec");
  if (!spec) return;
  if (typeof spec.ingressClassName === "string") {
    spec.ingressClassName = mapValue(
      ctx.opts.ingressClassMappings,
      spec.ingressClassName,
    );
  }
  if (ctx.opts.ingressHostRewrites.length === 0) return;
  rewriteRules(spec, ctx);
  rewriteTls(spec, ctx);
}
