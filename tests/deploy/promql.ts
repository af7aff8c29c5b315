/**
 * Just enough PromQL reading for the dashboard test: the metric selectors of
 * an expression (name and label matchers) and the labels it groups or
 * matches by. Not a parser: it tokenizes and walks the tokens, which is
 * all it takes to see every metric name and label an expression reads.
 */

/** One vector selector: `name{label="v", ...}`. */
export interface Selector {
  metric: string;
  labels: string[];
}

/** What an expression reads. */
export interface PromqlReads {
  selectors: Selector[];
  /** Labels named in by/without/on/ignoring/group_left/group_right lists. */
  grouping: string[];
}

type Token =
  | { kind: "ident"; text: string }
  | { kind: "string"; text: string }
  | { kind: "number"; text: string }
  | { kind: "punct"; text: string }
  | { kind: "range"; text: string };

const GROUPING = new Set([
  "by",
  "without",
  "on",
  "ignoring",
  "group_left",
  "group_right",
]);
/** Aggregations may put by/without between their name and "(". */
const AGGREGATIONS = [
  "sum",
  "min",
  "max",
  "avg",
  "group",
  "stddev",
  "stdvar",
  "count",
  "count_values",
  "bottomk",
  "topk",
  "quantile",
  "limitk",
  "limit_ratio",
];
const KEYWORDS = new Set([
  ...GROUPING,
  ...AGGREGATIONS,
  "and",
  "or",
  "unless",
  "bool",
  "offset",
  "atan2",
  "inf",
  "nan",
]);

/** Splits an expression into tokens; throws on a character it cannot read. */
export function tokenize(expr: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < expr.length) {
    const rest = expr.slice(i);
    const space = /^\s+/.exec(rest);
    if (space) {
      i += space[0].length;
      continue;
    }
    const m = /^"(?:[^"\\]|\\.)*"|^'(?:[^'\\]|\\.)*'|^`[^`]*`/.exec(rest);
    if (m) {
      out.push({ kind: "string", text: m[0].slice(1, -1) });
      i += m[0].length;
      continue;
    }
    // Range and subquery brackets, Grafana variables included ([$__rate_interval]).
    const range = /^\[[^\]]*\]/.exec(rest);
    if (range) {
      out.push({ kind: "range", text: range[0] });
      i += range[0].length;
      continue;
    }
    const ident = /^\$?[A-Za-z_:][\w:]*/.exec(rest);
    if (ident) {
      out.push({ kind: "ident", text: ident[0] });
      i += ident[0].length;
      continue;
    }
    const num = /^\d+(\.\d+)?([eE][-+]?\d+)?/.exec(rest);
    if (num) {
      out.push({ kind: "number", text: num[0] });
      i += num[0].length;
      continue;
    }
    const punct = /^(=~|!~|!=|==|>=|<=|[-+*/%^(){},=<>])/.exec(rest);
    if (punct) {
      out.push({ kind: "punct", text: punct[0] });
      i += punct[0].length;
      continue;
    }
    throw new Error(`cannot read ${JSON.stringify(rest.slice(0, 20))}`);
  }
  return out;
}

const isPunct = (t: Token | undefined, text: string) =>
  t?.kind === "punct" && t.text === text;

/** Label names of a `{...}` matcher list starting at tokens[start]. */
function matchers(tokens: Token[], start: number): [string[], number] {
  const labels: string[] = [];
  let i = start + 1;
  while (i < tokens.length && !isPunct(tokens[i], "}")) {
    const t = tokens[i];
    if (t.kind === "ident") {
      const op = tokens[i + 1];
      if (op?.kind !== "punct" || !["=", "!=", "=~", "!~"].includes(op.text)) {
        throw new Error(`matcher ${t.text} has no operator`);
      }
      labels.push(t.text);
      i += 3;
    } else i++;
  }
  return [labels, i + 1];
}

/** Label names of a `(a, b)` list starting at tokens[start]. */
function labelList(tokens: Token[], start: number): [string[], number] {
  const labels: string[] = [];
  let i = start + 1;
  while (i < tokens.length && !isPunct(tokens[i], ")")) {
    const t = tokens[i];
    if (t.kind === "ident") labels.push(t.text);
    i++;
  }
  return [labels, i + 1];
}

/** The selectors and grouping labels of one expression. */
export function readPromql(expr: string): PromqlReads {
  const tokens = tokenize(expr);
  const reads: PromqlReads = { selectors: [], grouping: [] };
  let i = 0;
  while (i < tokens.length) {
    const t = tokens[i];
    const next = tokens[i + 1];
    if (t.kind === "ident" && GROUPING.has(t.text)) {
      if (isPunct(next, "(")) {
        const [labels, after] = labelList(tokens, i + 1);
        reads.grouping.push(...labels);
        i = after;
      } else i++;
      continue;
    }
    if (isPunct(t, "{")) {
      // A selector without a name: {__name__="x"}.
      const [labels, after] = matchers(tokens, i);
      reads.selectors.push({ metric: "", labels });
      i = after;
      continue;
    }
    if (
      t.kind !== "ident" || KEYWORDS.has(t.text) || t.text.startsWith("$") ||
      isPunct(next, "(")
    ) {
      i++;
      continue;
    }
    if (isPunct(next, "{")) {
      const [labels, after] = matchers(tokens, i + 1);
      reads.selectors.push({ metric: t.text, labels });
      i = after;
    } else {
      reads.selectors.push({ metric: t.text, labels: [] });
      i++;
    }
  }
  return reads;
}

/** `label_values(metric, label)` of a Grafana variable, as a PromQL read. */
export function readLabelValues(query: string): PromqlReads | undefined {
  const m = /^\s*label_values\((.*),\s*(\w+)\s*\)\s*$/.exec(query);
  if (!m) return undefined;
  const inner = readPromql(m[1]);
  return { selectors: inner.selectors, grouping: [...inner.grouping, m[2]] };
}
