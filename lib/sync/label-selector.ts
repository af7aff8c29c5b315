/**
 * metav1.LabelSelector semantics: matching, validation and the
 * `labelSelector=` query form, so a watch can be scoped server side and the
 * client-side check agrees with the API server.
 *
 * Decisions:
 * - An undefined or empty selector matches everything (our API fields are
 *   optional; "no selector" means "no restriction").
 * - matchLabels and matchExpressions are ANDed; all requirements must hold.
 * - An invalid requirement (unknown operator, In/NotIn without values)
 *   matches nothing. Callers validate first and must not plan prunes from
 *   an invalid spec; failing closed only keeps a bug from copying too much.
 */
import type {
  LabelSelector,
  LabelSelectorRequirement,
} from "../api/v1alpha1.ts";
import { compareStrings, labelKeyProblem, labelValueProblem } from "./names.ts";

export { parseSelectorQuery } from "./selector-query.ts";
export type { SelectorParseResult } from "./selector-query.ts";

/** The operators of metav1.LabelSelectorRequirement. */
export const SELECTOR_OPERATORS = [
  "In",
  "NotIn",
  "Exists",
  "DoesNotExist",
] as const;

type Operator = LabelSelectorRequirement["operator"];

interface Requirement {
  key: string;
  operator: string;
  values: readonly string[];
}

function requirementsOf(sel: LabelSelector): Requirement[] {
  const fromLabels = Object.entries(sel.matchLabels ?? {}).map(
    ([key, value]) => ({ key, operator: "In", values: [value] }),
  );
  const fromExpressions = (sel.matchExpressions ?? []).map((e) => ({
    key: e.key,
    operator: e.operator,
    values: Array.isArray(e.values) ? e.values : [],
  }));
  return [...fromLabels, ...fromExpressions];
}

function requirementMatches(
  labels: Record<string, string>,
  r: Requirement,
): boolean {
  const has = Object.hasOwn(labels, r.key);
  switch (r.operator) {
    case "In":
      return has && r.values.includes(labels[r.key]);
    case "NotIn":
      // Kubernetes: NotIn also matches objects without the label.
      return r.values.length > 0 && (!has || !r.values.includes(labels[r.key]));
    case "Exists":
      return has;
    case "DoesNotExist":
      return !has;
    default:
      return false;
  }
}

/** Whether labels satisfy the selector (Kubernetes semantics). */
export function matchesSelector(
  labels: Record<string, string> | undefined,
  selector: LabelSelector | undefined,
): boolean {
  if (!selector) return true;
  const own = labels ?? {};
  return requirementsOf(selector).every((r) => requirementMatches(own, r));
}

/** True when the selector places no restriction at all. */
export function isEmptySelector(selector: LabelSelector | undefined): boolean {
  return !selector || requirementsOf(selector).length === 0;
}

function expressionProblems(
  e: LabelSelectorRequirement,
  path: string,
): string[] {
  if (typeof e !== "object" || e === null) {
    return [`${path}: must be an object`];
  }
  const out: string[] = [];
  const keyProblem = labelKeyProblem(e.key);
  if (keyProblem) out.push(`${path}.key: ${keyProblem}`);
  const op = e.operator as string;
  if (!(SELECTOR_OPERATORS as readonly string[]).includes(op)) {
    out.push(
      `${path}.operator: unsupported value ${JSON.stringify(op)}: ` +
        `must be one of ${SELECTOR_OPERATORS.join(", ")}`,
    );
    return out;
  }
  if (e.values !== undefined && !Array.isArray(e.values)) {
    return [...out, `${path}.values: must be a list of strings`];
  }
  const values = e.values ?? [];
  if ((op === "In" || op === "NotIn") && values.length === 0) {
    out.push(`${path}.values: required for operator ${op}`);
  }
  if ((op === "Exists" || op === "DoesNotExist") && values.length > 0) {
    out.push(`${path}.values: must be empty for operator ${op}`);
  }
  values.forEach((v, i) => {
    const p = labelValueProblem(v);
    if (p) out.push(`${path}.values[${i}]: ${p}`);
  });
  return out;
}

/** Problems of a selector, each prefixed with its field path; [] if valid. */
export function validateSelector(
  sel: LabelSelector | undefined,
  path = "selector",
): string[] {
  if (sel === undefined || sel === null) return [];
  if (typeof sel !== "object") return [`${path}: must be an object`];
  const out: string[] = [];
  const labels = sel.matchLabels ?? {};
  if (typeof labels !== "object" || Array.isArray(labels)) {
    out.push(`${path}.matchLabels: must be a map of strings`);
  } else {
    for (const [k, v] of Object.entries(labels)) {
      const at = `${path}.matchLabels[${JSON.stringify(k)}]`;
      const keyProblem = labelKeyProblem(k);
      if (keyProblem) out.push(`${at}: ${keyProblem}`);
      const valueProblem = labelValueProblem(v);
      if (valueProblem) out.push(`${at}: ${valueProblem}`);
    }
  }
  const exprs = sel.matchExpressions ?? [];
  if (!Array.isArray(exprs)) {
    out.push(`${path}.matchExpressions: must be a list`);
  } else {
    exprs.forEach((e, i) =>
      out.push(...expressionProblems(e, `${path}.matchExpressions[${i}]`))
    );
  }
  return out;
}

function requirementToQuery(r: Requirement): string {
  const values = [...new Set(r.values)].sort(compareStrings);
  switch (r.operator as Operator) {
    case "In":
      return values.length === 1
        ? `${r.key}=${values[0]}`
        : `${r.key} in (${values.join(",")})`;
    case "NotIn":
      return values.length === 1
        ? `${r.key}!=${values[0]}`
        : `${r.key} notin (${values.join(",")})`;
    case "Exists":
      return r.key;
    case "DoesNotExist":
      return `!${r.key}`;
  }
}

/**
 * The `labelSelector` query value, e.g. `a=b,c in (x,y),!d,e`; "" for an
 * empty selector (send no parameter then). Terms are sorted by key so equal
 * selectors give equal strings (stable watch identity). The value is not
 * URL-encoded. Precondition: validateSelector(sel) returned no problems;
 * anything else is a programming error and throws.
 */
export function selectorToQuery(sel: LabelSelector | undefined): string {
  if (!sel) return "";
  const problems = validateSelector(sel);
  if (problems.length > 0) {
    throw new Error(
      `BUG: selectorToQuery on an invalid selector: ${problems[0]}`,
    );
  }
  const rendered = requirementsOf(sel).map((r) => ({
    key: r.key,
    term: requirementToQuery(r),
  }));
  rendered.sort((a, b) =>
    compareStrings(a.key, b.key) || compareStrings(a.term, b.term)
  );
  return [...new Set(rendered.map((r) => r.term))].join(",");
}
