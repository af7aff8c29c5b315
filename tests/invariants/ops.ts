/**
 * Random operation sequences, from a seed. An operation is plain data (it
 * prints as one line and replays exactly), chosen without looking at the
 * clusters, so a sequence with steps dropped still runs (an operation that
 * no longer makes sense is a no-op or a refused request).
 */

/** mulberry32: small, fast, and the same on every machine. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6D2B79F5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type Kind = "cm" | "secret" | "deploy" | "sa";
export const SOURCE_NAMESPACES = ["shop", "web"] as const;
export type SourceNs = typeof SOURCE_NAMESPACES[number];
export const NAMES = ["a", "b", "c", "d"] as const;

/** How the `web` mapping is set (some are refused by design). */
export type WebMapping =
  | "web-dr"
  | "kube-system" // protected destination
  | "controller-ns" // the controller's namespace as a source
  | "select-all"; // namespaceSelector {} with "{name}-all"

export type Op =
  | {
    op: "put";
    ns: SourceNs;
    kind: Kind;
    name: string;
    v: number;
    tier: string;
  }
  | { op: "del"; ns: SourceNs; kind: Kind; name: string }
  | { op: "putMany"; ns: SourceNs; n: number; v: number }
  | { op: "delMany"; ns: SourceNs; n: number }
  | { op: "drift"; ns: SourceNs; name: string }
  | { op: "foreign"; ns: SourceNs; kind: Kind; name: string }
  | { op: "promote"; ns: SourceNs }
  | { op: "demote"; ns: SourceNs }
  | { op: "policy"; adopt: boolean }
  | { op: "selector"; tier?: string }
  | { op: "shopDest"; dest: "shop-dr" | "shop-dr2" }
  | { op: "webMapping"; to: WebMapping }
  | { op: "restart" }
  | { op: "drOutage"; ms: number }
  | { op: "watchCut"; cluster: "source" | "dr"; abrupt: boolean }
  | { op: "gone"; cluster: "source" | "dr" }
  | { op: "slowDr"; ms: number }
  | { op: "allowPrune" }
  | {
    op: "promoteMidPass";
    ns: SourceNs;
    n: number;
    v: number;
    latency: number;
    afterMs: number;
  }
  | { op: "wait"; ms: number };

type Pick = <T>(xs: readonly T[]) => T;

/** Relative weights: mostly source churn, some of everything else. */
const MAKERS: [number, (pick: Pick, r: () => number) => Op][] = [
  [6, (p, r) => ({
    op: "put",
    ns: p(SOURCE_NAMESPACES),
    kind: p(["cm", "cm", "secret", "deploy", "sa"] as const),
    name: p(NAMES),
    v: Math.floor(r() * 100),
    tier: p(["a", "b"]),
  })],
  [3, (p) => ({
    op: "del",
    ns: p(SOURCE_NAMESPACES),
    kind: p(["cm", "secret", "deploy"] as const),
    name: p(NAMES),
  })],
  [2, (p, r) => ({
    op: "putMany",
    ns: p(SOURCE_NAMESPACES),
    n: 2 + Math.floor(r() * 5),
    v: Math.floor(r() * 100),
  })],
  // Mostly small batches: under the guard, so only the hourly budget
  // stands between many of them and an emptied namespace.
  [3, (p) => ({
    op: "delMany",
    ns: p(SOURCE_NAMESPACES),
    n: p([1, 1, 2, 2, 5]),
  })],
  [2, (p) => ({ op: "drift", ns: p(SOURCE_NAMESPACES), name: p(NAMES) })],
  // Names with no copy yet in the initial namespaces, so a later put of the
  // source meets a foreign DR object (a conflict; Adopt takes it over).
  [3, (p) => ({
    op: "foreign",
    ns: p(SOURCE_NAMESPACES),
    kind: p(["cm", "secret", "deploy"] as const),
    name: p(["c", "d"]),
  })],
  [2, (p) => ({ op: "promote", ns: p(SOURCE_NAMESPACES) })],
  [2, (p) => ({ op: "demote", ns: p(SOURCE_NAMESPACES) })],
  [2, (_p, r) => ({ op: "policy", adopt: r() < 0.7 })],
  [1, (p) => ({ op: "selector", tier: p([undefined, "a"]) })],
  [1, (p) => ({ op: "shopDest", dest: p(["shop-dr", "shop-dr2"] as const) })],
  [1, (p) => ({
    op: "webMapping",
    to: p(["web-dr", "kube-system", "controller-ns", "select-all"] as const),
  })],
  [1, () => ({ op: "restart" })],
  [1, (p) => ({ op: "drOutage", ms: p([300, 1000]) })],
  [1, (p, r) => ({
    op: "watchCut",
    cluster: p(["source", "dr"] as const),
    abrupt: r() < 0.5,
  })],
  [1, (p) => ({ op: "gone", cluster: p(["source", "dr"] as const) })],
  [1, (p) => ({ op: "slowDr", ms: p([0, 0, 150, 400]) })],
  [1, () => ({ op: "allowPrune" })],
  // A full pass with writes in several ranks (source changes made while the
  // controller was down) on a slow DR, and a promote landing inside it: a
  // pass that checks the mark once writes its later ranks anyway.
  [1, (p, r) => ({
    op: "promoteMidPass",
    // shop: its Deployment gives the pass a second rank (web has none).
    ns: "shop",
    n: 2 + Math.floor(r() * 7),
    v: Math.floor(r() * 100),
    latency: 2000,
    // Measured: the pass's first rank lands around the mark from ~4 s.
    afterMs: p([3000, 4000, 4500, 5000]),
  })],
  [1, (p) => ({ op: "wait", ms: p([200, 1000]) })],
];

/** `steps` operations from `seed`. */
export function generate(seed: number, steps: number): Op[] {
  const r = prng(seed);
  const pick: Pick = (xs) => xs[Math.floor(r() * xs.length)];
  const total = MAKERS.reduce((n, [w]) => n + w, 0);
  const out: Op[] = [];
  for (let i = 0; i < steps; i++) {
    let x = r() * total;
    const maker = MAKERS.find(([w]) => (x -= w) < 0) ?? MAKERS[0];
    out.push(maker[1](pick, r));
  }
  return out;
}

/** One line per operation. */
export function describeOp(op: Op): string {
  const { op: name, ...rest } = op;
  const args = Object.entries(rest).map(([k, v]) => `${k}=${v}`).join(" ");
  return args ? `${name} ${args}` : name;
}
