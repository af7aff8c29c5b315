/**
 * Parser for the string form of a label selector (`labelSelector=` query
 * parameter, `kubectl -l`): `a=b`, `a==b`, `a!=b`, `a in (x,y)`,
 * `a notin (x,y)`, `a` (exists), `!a` (does not exist), joined by commas,
 * whitespace allowed between tokens. The result is a LabelSelector made of
 * matchExpressions only (`a=b` becomes `a In [b]`, `a!=b` becomes
 * `a NotIn [b]`, which have the same meaning), so matchesSelector serves both
 * forms. Like the API server: `a=` means the empty value, `a in ()` means
 * `a in ("")`; `<` and `>` (Gt/Lt) are reported as unsupported, since
 * metav1.LabelSelector cannot express them.
 */
import type {
  LabelSelector,
  LabelSelectorRequirement,
} from "../api/v1alpha1.ts";
import { labelKeyProblem, labelValueProblem } from "./names.ts";

/** Either a selector or the problems that made the string unusable. */
export type SelectorParseResult =
  | { ok: true; selector: LabelSelector }
  | { ok: false; problems: string[] };

const SPECIAL_CHARS = "!=(),<>";
const KEYWORD_IN = "in";
const KEYWORD_NOT_IN = "notin";

class Scanner {
  pos = 0;
  constructor(readonly src: string) {}
  skipWs(): void {
    while (this.pos < this.src.length && /\s/.test(this.src[this.pos])) {
      this.pos++;
    }
  }
  peek(): string {
    this.skipWs();
    return this.src[this.pos] ?? "";
  }
  eat(c: string): boolean {
    if (this.peek() !== c) return false;
    this.pos++;
    return true;
  }
  word(): string {
    this.skipWs();
    const start = this.pos;
    while (this.pos < this.src.length) {
      const c = this.src[this.pos];
      if (/\s/.test(c) || SPECIAL_CHARS.includes(c)) break;
      this.pos++;
    }
    return this.src.slice(start, this.pos);
  }
  fail(what: string): string {
    return `labelSelector: at position ${this.pos}: ${what}`;
  }
}

type Parsed = LabelSelectorRequirement | string;

function valueRequirement(
  sc: Scanner,
  key: string,
  operator: "In" | "NotIn",
): Parsed {
  const value = sc.word();
  const problem = labelValueProblem(value);
  return problem ? sc.fail(problem) : { key, operator, values: [value] };
}

function parseValueList(
  sc: Scanner,
  key: string,
  operator: "In" | "NotIn",
): Parsed {
  if (!sc.eat("(")) return sc.fail(`expected '(' after ${operator}`);
  const values: string[] = [];
  for (;;) {
    const v = sc.word();
    const problem = labelValueProblem(v);
    if (problem) return sc.fail(problem);
    if (!values.includes(v)) values.push(v);
    if (sc.eat(")")) return { key, operator, values };
    if (!sc.eat(",")) return sc.fail("expected ',' or ')' in value list");
  }
}

function parseOperator(sc: Scanner, key: string): Parsed {
  const c = sc.peek();
  if (c === "" || c === ",") return { key, operator: "Exists" };
  if (sc.eat("=")) {
    sc.eat("=");
    return valueRequirement(sc, key, "In");
  }
  if (sc.eat("!")) {
    if (!sc.eat("=")) return sc.fail("expected '=' after '!'");
    return valueRequirement(sc, key, "NotIn");
  }
  if (c === "<" || c === ">") {
    return sc.fail(`operator '${c}' is not supported in label selectors`);
  }
  const keyword = sc.word();
  if (keyword === KEYWORD_IN) return parseValueList(sc, key, "In");
  if (keyword === KEYWORD_NOT_IN) return parseValueList(sc, key, "NotIn");
  return sc.fail(
    `unexpected ${JSON.stringify(keyword || c)}: expected an operator`,
  );
}

function parseRequirement(sc: Scanner): Parsed {
  const negated = sc.eat("!");
  const key = sc.word();
  if (key === "") return sc.fail("expected a label key");
  const keyProblem = labelKeyProblem(key);
  if (keyProblem) return sc.fail(keyProblem);
  return negated ? { key, operator: "DoesNotExist" } : parseOperator(sc, key);
}

/** Parses the string form of a label selector; "" selects everything. */
export function parseSelectorQuery(q: string): SelectorParseResult {
  if (typeof q !== "string") {
    return { ok: false, problems: ["labelSelector: must be a string"] };
  }
  const sc = new Scanner(q);
  if (sc.peek() === "") return { ok: true, selector: {} };
  const matchExpressions: LabelSelectorRequirement[] = [];
  for (;;) {
    const r = parseRequirement(sc);
    if (typeof r === "string") return { ok: false, problems: [r] };
    matchExpressions.push(r);
    if (sc.peek() === "") return { ok: true, selector: { matchExpressions } };
    if (!sc.eat(",")) {
      return { ok: false, problems: [sc.fail("expected ',' or end of input")] };
    }
  }
}
