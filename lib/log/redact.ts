/**
 * What must never reach a log line: credentials in properties (by field
 * name), the data of Secrets (by object shape), and tokens inside strings
 * (by pattern, applied to the formatted line, so error messages and
 * interpolated values are covered too).
 */
import type { LogRecord, Sink, TextFormatter } from "@logtape/logtape";
import {
  type FieldPatterns,
  JWT_PATTERN,
  redactByField,
  redactByPattern,
  type RedactionPatterns,
} from "@logtape/redaction";

/** Replacement for a redacted value. */
export const REDACTED = "[REDACTED]";

/** Property names whose values are credentials wherever they appear. */
export const SECRET_FIELDS: FieldPatterns = [
  /token/i,
  /password|passphrase|passwd/i,
  /^kubeconfig(data|text|yaml|body|content)?$/i,
  /^(proxy-)?authorization$/i,
  /^client-?key(-?data)?$/i,
  /secret$/i,
  /^(cookie|set-cookie)$/i,
];

const CREDENTIAL_KEYS = "token|password|client-key-data|client-secret";

/** Patterns rewritten inside formatted lines. */
export const SECRET_PATTERNS: RedactionPatterns = [
  JWT_PATTERN,
  {
    pattern: /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi,
    replacement: `$1 ${REDACTED}`,
  },
  {
    // `token: abc` in a kubeconfig body, `"token":"abc"` in JSON, also when
    // the JSON sits escaped inside another JSON string.
    pattern: new RegExp(
      `\\b(${CREDENTIAL_KEYS})((?:\\\\?["'])?\\s*[:=]\\s*(?:\\\\?["'])?)[^\\s"',}\\\\]+`,
      "gi",
    ),
    replacement: `$1$2${REDACTED}`,
  },
  {
    // user:password@ in a URL (a kubeconfig server may carry one)
    pattern: /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@]+@/gi,
    replacement: `$1${REDACTED}@`,
  },
];

const MAX_DEPTH = 12;
const SECRET_TYPES = /^(Opaque|kubernetes\.io\/|bootstrap\.kubernetes\.io\/)/;

/** A Kubernetes Secret, or something shaped like one's body. */
function isSecretLike(o: Record<string, unknown>): boolean {
  if (o.kind === "Secret") return true;
  return o.kind === undefined && typeof o.type === "string" &&
    SECRET_TYPES.test(o.type) && ("data" in o || "stringData" in o);
}

function maskValues(map: unknown): unknown {
  if (map === null || typeof map !== "object") return REDACTED;
  return Object.fromEntries(Object.keys(map).map((k) => [k, REDACTED]));
}

/** Copy of `value` with the data of every Secret inside masked. */
export function maskSecrets(value: unknown, depth = 0): unknown {
  if (value === null || typeof value !== "object" || depth > MAX_DEPTH) {
    return value;
  }
  if (value instanceof Error || value instanceof Date) return value;
  if (Array.isArray(value)) return value.map((v) => maskSecrets(v, depth + 1));
  const obj = value as Record<string, unknown>;
  const secret = isSecretLike(obj);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    out[k] = secret && (k === "data" || k === "stringData")
      ? maskValues(v)
      : maskSecrets(v, depth + 1);
  }
  return out;
}

function maskSecretsSink(sink: Sink): Sink {
  return (record: LogRecord) =>
    sink({
      ...record,
      message: record.message.map((part, i) =>
        i % 2 === 1 ? maskSecrets(part) : part
      ),
      properties: maskSecrets(record.properties) as Record<string, unknown>,
    });
}

/** Wraps a formatter so credentials in the formatted line are rewritten. */
export function redactingFormatter(formatter: TextFormatter): TextFormatter {
  return redactByPattern(formatter, SECRET_PATTERNS);
}

/** Wraps a sink so credential fields and Secret data never reach it. */
export function redactingSink(sink: Sink): Sink {
  return maskSecretsSink(
    redactByField(sink, {
      fieldPatterns: SECRET_FIELDS,
      action: () => REDACTED,
    }),
  );
}
