/**
 * Flag kinds for the command line. A flag knows its help, how to read its
 * value, and whether a value is always present (required or defaulted); the
 * last is carried in the type so parsed configs need no `!`.
 */
import {
  dns1123LabelProblem,
  dns1123SubdomainProblem,
  labelValueProblem,
} from "../sync/names.ts";

/** Outcome of reading one flag value: the value, or a problem to show. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; problem: string };

/** One flag of one command. */
export interface FlagSpec<T, Always extends boolean = boolean> {
  readonly help: string;
  /** Placeholder in help, e.g. FILE; absent for switches. */
  readonly valueName?: string;
  readonly short?: string;
  readonly required: boolean;
  readonly fallback?: T;
  /** Set when a value is always present; only used by the types. */
  readonly always?: Always;
  readonly read: (raw: string) => Parsed<T>;
}

/** The parsed value type of a flag. */
export type ValueOf<F> = F extends FlagSpec<infer T, infer A>
  ? A extends true ? T : T | undefined
  : never;

/** Listen address of an HTTP endpoint. */
export interface Address {
  hostname: string;
  port: number;
}

/** A source namespace and the DR namespace it goes to. */
export interface NamespacePair {
  source: string;
  destination: string;
}

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const bad = <T>(problem: string): Parsed<T> => ({ ok: false, problem });

const ADDRESS = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]*):(\d{1,5})$/;
const MAX_PORT = 65535;
const ANY_HOST = "0.0.0.0";

// NoInfer: the reader fixes T; a literal fallback must not widen it.
type Opts<T> = { required?: boolean; fallback?: NoInfer<T>; short?: string };
type AlwaysOpts<T> = { required: true; short?: string } | {
  fallback: NoInfer<T>;
  short?: string;
};

/** A flag taking a value, read by `read`. */
export function valueFlag<T>(
  help: string,
  valueName: string,
  read: (raw: string) => Parsed<T>,
  opts: AlwaysOpts<T>,
): FlagSpec<T, true>;
export function valueFlag<T>(
  help: string,
  valueName: string,
  read: (raw: string) => Parsed<T>,
  opts?: Opts<T>,
): FlagSpec<T, false>;
export function valueFlag<T>(
  help: string,
  valueName: string,
  read: (raw: string) => Parsed<T>,
  opts: Opts<T> = {},
): FlagSpec<T> {
  return { help, valueName, read, required: opts.required ?? false, ...opts };
}

/** A boolean switch: present means true; `--x=false` is accepted too. */
export function switchFlag(help: string): FlagSpec<boolean, true> {
  return { help, required: false, fallback: false, read: readBoolean };
}

function readBoolean(raw: string): Parsed<boolean> {
  if (raw === "true" || raw === "false") return ok(raw === "true");
  return bad(`"${raw}" is not true or false`);
}

/** Any non-empty string, such as a file path. */
export function readText(raw: string): Parsed<string> {
  return raw === "" ? bad("must not be empty") : ok(raw);
}

/** A reader accepting one of `values`, with optional aliases. */
export function readChoice<const T extends string>(
  values: readonly T[],
  aliases: Record<string, T> = {},
): (raw: string) => Parsed<T> {
  return (raw) => {
    const v = aliases[raw] ?? raw;
    return (values as readonly string[]).includes(v)
      ? ok(v as T)
      : bad(`"${raw}" is not one of ${values.join(", ")}`);
  };
}

/** A Kubernetes namespace name. */
export function readNamespace(raw: string): Parsed<string> {
  return dns1123LabelProblem(raw) === undefined
    ? ok(raw)
    : bad(`"${raw}" is not a valid namespace name`);
}

/** SRC or SRC:DST; DST defaults to SRC. */
export function readNamespacePair(raw: string): Parsed<NamespacePair> {
  const [source, destination = source, ...rest] = raw.split(":");
  if (rest.length > 0) return bad(`"${raw}" is not SRC or SRC:DST`);
  for (const name of [source, destination]) {
    const r = readNamespace(name);
    if (!r.ok) return bad(r.problem);
  }
  return ok({ source, destination });
}

/** A non-empty Kubernetes label value. */
export function readLabelValue(raw: string): Parsed<string> {
  return raw !== "" && labelValueProblem(raw) === undefined
    ? ok(raw)
    : bad(`"${raw}" is not a valid label value`);
}

/** HOST:PORT or :PORT (all interfaces); [::1]:PORT for IPv6. */
export function readAddress(raw: string): Parsed<Address> {
  const m = raw.match(ADDRESS);
  const port = Number(m?.[2]);
  if (!m || port > MAX_PORT) return bad(`"${raw}" is not HOST:PORT or :PORT`);
  const host = m[1].replace(/^\[(.*)\]$/, "$1");
  return ok({ hostname: host || ANY_HOST, port });
}

/** Comma-separated resource types: plural or plural.group. */
export function readResourceTypes(raw: string): Parsed<string[]> {
  const items = raw.split(",").map((s) => s.trim());
  // "plural" or "plural.group", as in resourceTypes of the CRD.
  const wrong = items.find((s) => dns1123SubdomainProblem(s) !== undefined);
  return wrong === undefined ? ok(items) : bad(
    `"${wrong}" is not a resource type like deployments or widgets.example.com`,
  );
}

/** `dryRun` → `dry-run`. */
export function flagName(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}
