/**
 * A tiny evaluator for the subset of CEL our CRD rules use: `has(self.a.b)`,
 * field access on `self`, string/number/bool literals, `!`, `==`, `!=`,
 * `<`, `<=`, `>`, `>=`, `&&`, `||` and parentheses. Anything else is a parse
 * error, so a rule outside the subset fails the tests instead of passing
 * unchecked.
 */

type Token = { kind: "op" | "ident" | "lit"; text: string; value?: unknown };

const TOKEN =
  /\s*(?:(\|\||&&|==|!=|<=|>=|[!<>().])|([A-Za-z_][A-Za-z0-9_]*)|'([^']*)'|"([^"]*)"|(\d+(?:\.\d+)?))/y;

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < src.trimEnd().length) {
    const m = TOKEN.exec(src);
    if (!m) throw new Error(`cel: cannot read "${src.slice(TOKEN.lastIndex)}"`);
    if (m[1]) out.push({ kind: "op", text: m[1] });
    else if (m[2] === "true" || m[2] === "false") {
      out.push({ kind: "lit", text: m[2], value: m[2] === "true" });
    } else if (m[2]) out.push({ kind: "ident", text: m[2] });
    else if (m[5]) out.push({ kind: "lit", text: m[5], value: Number(m[5]) });
    else out.push({ kind: "lit", text: m[0], value: m[3] ?? m[4] });
  }
  return out;
}

/** A parsed rule: call it with `self` to get the result. */
export type CelProgram = (self: unknown) => unknown;

/** Parses one rule; throws on anything outside the subset. */
export function compileCel(src: string): CelProgram {
  const toks = tokenize(src);
  let i = 0;
  const peek = (): string | undefined => toks[i]?.text;
  const take = (text?: string): Token => {
    const t = toks[i++];
    if (!t || (text !== undefined && t.text !== text)) {
      throw new Error(`cel: expected ${text ?? "a token"} in ${src}`);
    }
    return t;
  };
  const binary = (
    next: () => CelProgram,
    ops: string[],
  ): () => CelProgram =>
  () => {
    let left = next();
    while (ops.includes(peek() ?? "")) {
      const op = take().text, l = left, r = next();
      left = (s) => apply(op, l, r, s);
    }
    return left;
  };
  const path = (): string[] => {
    if (take().text !== "self") throw new Error(`cel: only self.* in ${src}`);
    const names: string[] = [];
    while (peek() === ".") {
      take(".");
      names.push(take().text);
    }
    return names;
  };
  const primary = (): CelProgram => {
    const t = toks[i];
    if (t?.text === "!") return take(), negate(primary());
    if (t?.text === "(") {
      take("(");
      const inner = orExpr();
      take(")");
      return inner;
    }
    if (t?.kind === "lit") return take(), () => t.value;
    if (t?.text === "has") {
      take("has"), take("(");
      const names = path();
      take(")");
      return (s) => hasPath(s, names);
    }
    const names = path();
    return (s) => getPath(s, names);
  };
  const compare = binary(primary, ["==", "!=", "<", "<=", ">", ">="]);
  const andExpr = binary(compare, ["&&"]);
  const orExpr = binary(andExpr, ["||"]);
  const program = orExpr();
  if (i !== toks.length) throw new Error(`cel: trailing input in ${src}`);
  return program;
}

function negate(p: CelProgram): CelProgram {
  return (s) => !p(s);
}

function apply(op: string, l: CelProgram, r: CelProgram, s: unknown): unknown {
  if (op === "||") return l(s) === true || r(s) === true;
  if (op === "&&") return l(s) === true && r(s) === true;
  const a = l(s), b = r(s);
  switch (op) {
    case "==":
      return a === b;
    case "!=":
      return a !== b;
    case "<":
      return (a as number) < (b as number);
    case "<=":
      return (a as number) <= (b as number);
    case ">":
      return (a as number) > (b as number);
    default:
      return (a as number) >= (b as number);
  }
}

function getPath(self: unknown, names: string[]): unknown {
  let cur = self;
  for (const n of names) {
    if (cur === null || typeof cur !== "object" || !(n in cur)) {
      throw new Error(`cel: no such key: ${n}`);
    }
    cur = (cur as Record<string, unknown>)[n];
  }
  return cur;
}

function hasPath(self: unknown, names: string[]): boolean {
  const parent = getPath(self, names.slice(0, -1));
  return parent !== null && typeof parent === "object" &&
    names[names.length - 1] in parent;
}
