/**
 * Decoding of the Kubernetes protobuf request bodies kubectl sends for its
 * imperative generators (`kubectl create namespace|configmap|secret|
 * serviceaccount|deployment|service|job`). Only the fields those generators
 * write are described; other fields are accepted only when empty (zero
 * values), anything else is refused (415) rather than silently dropped.
 * Wire format: "k8s\0" + runtime.Unknown{typeMeta=1, raw=2} where raw is the
 * object in go-to-protobuf encoding (field numbers from the upstream
 * generated.proto files, verified against kubectl's `--dry-run=client -o json`).
 */
import { failure, SimError } from "./errors.ts";
import { type Msg, type Scalar, str, TYPES } from "./protobuf_types.ts";

const MAGIC = [0x6b, 0x38, 0x73, 0x00];

class Reader {
  pos = 0;
  constructor(readonly buf: Uint8Array, readonly end = buf.length) {}
  varint(): bigint {
    let r = 0n;
    let shift = 0n;
    for (;;) {
      const b = this.buf[this.pos++];
      r |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) return r;
      shift += 7n;
    }
  }
  bytes(): Uint8Array {
    const len = Number(this.varint());
    const out = this.buf.subarray(this.pos, this.pos + len);
    this.pos += len;
    return out;
  }
}

/** 415 naming what the simulator cannot decode. */
function unsupported(what: string): SimError {
  return failure(
    415,
    "UnsupportedMediaType",
    `kube-sim cannot decode this protobuf body (${what}); send JSON`,
  );
}

const decoder = new TextDecoder();

function scalar(kind: Scalar, r: Reader, wire: number): unknown {
  if (wire === 0) {
    const v = BigInt.asIntN(64, r.varint());
    return kind === "bool" ? v !== 0n : Number(v);
  }
  const b = r.bytes();
  switch (kind) {
    case "string":
      return decoder.decode(b);
    case "bytes":
      return base64(b);
    case "quantity":
      return (message(b, { 1: str("string") }) as { string?: string }).string ??
        "0";
    case "intstr": {
      const v = message(b, {
        1: ["type", "int"],
        2: ["intVal", "int"],
        3: str("strVal"),
      }) as Record<string, unknown>;
      return v.type === 1 ? v.strVal ?? "" : v.intVal ?? 0;
    }
    case "time": {
      const t = message(b, { 1: ["seconds", "int"], 2: ["nanos", "int"] }) as {
        seconds?: number;
      };
      return t.seconds
        ? new Date(t.seconds * 1000).toISOString().replace(/\.\d{3}Z$/, "Z")
        : undefined;
    }
    default:
      return undefined;
  }
}

const CHUNK = 0x8000;

function base64(b: Uint8Array): string {
  let s = "";
  for (let i = 0; i < b.length; i += CHUNK) {
    s += String.fromCharCode(...b.subarray(i, i + CHUNK));
  }
  return btoa(s);
}

function isZero(v: unknown): boolean {
  return v === "" || v === 0 || v === false || v === undefined;
}

function mapEntry(b: Uint8Array, kind: Scalar): [string, unknown] {
  const e = message(b, { 1: str("k"), 2: ["v", kind, true] }) as {
    k?: string;
    v?: unknown;
  };
  return [
    e.k ?? "",
    e.v ?? (kind === "string" || kind === "bytes" ? "" : undefined),
  ];
}

/** Decodes one message by its descriptor into JSON (omitempty semantics). */
function message(buf: Uint8Array, desc: Msg): Record<string, unknown> {
  const r = new Reader(buf);
  const out: Record<string, unknown> = {};
  while (r.pos < r.end) {
    const key = Number(r.varint());
    const [num, wire] = [key >> 3, key & 7];
    const field = desc[num];
    if (!field) {
      skipEmpty(r, wire, num);
      continue;
    }
    const [name, kind, ptr] = field;
    if (typeof kind === "string") {
      const v = scalar(kind, r, wire);
      if (!isZero(v) || (ptr && v !== undefined)) out[name] = v;
    } else if ("map" in kind) {
      const [k, v] = mapEntry(r.bytes(), kind.map as Scalar);
      out[name] = { ...(out[name] as object ?? {}), [k]: v };
    } else if ("list" in kind) {
      const item = typeof kind.list === "string"
        ? scalar(kind.list as Scalar, r, wire)
        : message(r.bytes(), kind.list as Msg);
      out[name] = [...(out[name] as unknown[] ?? []), item];
    } else out[name] = message(r.bytes(), kind as Msg);
  }
  return out;
}

/** Unknown fields are fine only when empty (go-protobuf writes zero values). */
function skipEmpty(r: Reader, wire: number, num: number): void {
  const empty = wire === 0
    ? r.varint() === 0n
    : wire === 2
    ? r.bytes().length === 0
    : false;
  if (!empty) throw unsupported(`field ${num}`);
}

/** Whether a request body is k8s protobuf. */
export function isProtobuf(contentType: string | null): boolean {
  return !!contentType?.startsWith("application/vnd.kubernetes.protobuf");
}

/** Decodes a k8s protobuf request body into the JSON object it stands for. */
export function decodeProtobuf(buf: Uint8Array): Record<string, unknown> {
  if (!MAGIC.every((b, i) => buf[i] === b)) {
    throw unsupported("missing k8s envelope");
  }
  const env = message(buf.subarray(MAGIC.length), {
    1: ["typeMeta", { 1: str("apiVersion"), 2: str("kind") }],
    2: ["raw", "skip"],
    3: str("contentEncoding"),
    4: str("contentType"),
  });
  const tm = env.typeMeta as { apiVersion?: string; kind?: string } | undefined;
  const gvk = `${tm?.apiVersion}/${tm?.kind}`;
  const desc = TYPES[gvk];
  if (!desc) throw unsupported(`type ${gvk}`);
  const raw = rawOf(buf.subarray(MAGIC.length));
  const obj = message(raw, desc);
  delete obj.status;
  return { apiVersion: tm!.apiVersion, kind: tm!.kind, ...obj };
}

/** Field 2 (raw) of the runtime.Unknown envelope. */
function rawOf(buf: Uint8Array): Uint8Array {
  const r = new Reader(buf);
  while (r.pos < r.end) {
    const key = Number(r.varint());
    const b = (key & 7) === 2 ? r.bytes() : (r.varint(), undefined);
    if (key >> 3 === 2 && b) return b;
  }
  throw unsupported("no raw object");
}
