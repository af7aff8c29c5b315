/**
 * Logging for every component: JSON lines (or a pretty form for people) on
 * stderr, written synchronously so nothing is lost on exit, with
 * credentials and Secret data redacted before a line is formed.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import {
  configureSync,
  getConsoleSink,
  getLogger,
  type Logger,
  type LogLevel as LogtapeLevel,
  type LogRecord,
  resetSync,
  type TextFormatter,
} from "@logtape/logtape";
import type { LogFormat, LogLevel } from "./levels.ts";
import { redactingFormatter, redactingSink } from "./redact.ts";

export type { LogFormat, LogLevel };

/** Root category; components log under ["drsyncer", component]. */
export const ROOT_CATEGORY = "drsyncer";

/** How to log. */
export interface LoggingOptions {
  format: LogFormat;
  level: LogLevel;
  /** Where finished lines go (no trailing newline); default stderr. */
  write?: (line: string) => void;
}

const LEVEL_TAGS: Record<LogtapeLevel, string> = {
  trace: "TRC",
  debug: "DBG",
  info: "INF",
  warning: "WRN",
  error: "ERR",
  fatal: "FTL",
};

/**
 * Sets up logging; may be called again (each call replaces the last),
 * which tests rely on.
 */
export function configureLogging(options: LoggingOptions): void {
  const write = options.write ??
    ((line: string) => globalThis.console.error(line));
  const base = options.format === "json" ? jsonFormatter : prettyFormatter;
  // Every level goes to console.error, and that one method goes to `write`,
  // so all lines land on stderr (or in the test's buffer), synchronously.
  const toWrite = Object.assign(Object.create(globalThis.console), {
    error: write,
  });
  const levelMap = Object.fromEntries(
    Object.keys(LEVEL_TAGS).map((l) => [l, "error"]),
  ) as Record<LogtapeLevel, "error">;
  const sink = redactingSink(
    getConsoleSink({
      formatter: redactingFormatter(base),
      console: toWrite,
      levelMap,
    }),
  );
  configureSync({
    reset: true,
    sinks: { main: sink },
    loggers: [
      {
        category: [ROOT_CATEGORY],
        lowestLevel: options.level,
        sinks: ["main"],
      },
      {
        category: ["logtape", "meta"],
        lowestLevel: "warning",
        sinks: ["main"],
      },
    ],
    contextLocalStorage: new AsyncLocalStorage(),
  });
}

/** Drops the configuration; later log calls are discarded. */
export function resetLogging(): void {
  resetSync();
}

/** The logger of one component, e.g. logger("replication"). */
export function logger(component: string): Logger {
  return getLogger([ROOT_CATEGORY, component]);
}

const PLACEHOLDER = /\{([^{}]+)\}/g;

function messageText(record: LogRecord): string {
  return record.message
    .map((part, i) => (i % 2 === 1 ? render(part) : String(part)))
    .join("");
}

function component(record: LogRecord): string {
  return record.category.slice(1).join(".") || record.category[0];
}

/**
 * One JSON object per line: timestamp, level, component, message, then the
 * properties (replication, remoteCluster, key, ...) at the top level, where
 * log pipelines index them.
 */
const jsonFormatter: TextFormatter = (record: LogRecord): string => {
  const line: Record<string, unknown> = {
    timestamp: new Date(record.timestamp).toISOString(),
    level: record.level,
    component: component(record),
    message: messageText(record),
  };
  for (const [k, v] of Object.entries(record.properties)) {
    if (!(k in line)) line[k] = v instanceof Error ? render(v) : v;
  }
  return `${safeJson(line)}\n`;
};

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch {
    return JSON.stringify(String(value));
  }
}

/** `12:00:01.234 INF replication: synced shop key=value` */
const prettyFormatter: TextFormatter = (record: LogRecord): string => {
  const time = new Date(record.timestamp).toISOString().slice(11, 23);
  const message = messageText(record);
  const shown = typeof record.rawMessage === "string"
    ? new Set([...record.rawMessage.matchAll(PLACEHOLDER)].map((m) => m[1]))
    : new Set<string>();
  const extra = Object.entries(record.properties)
    .filter(([k]) => !shown.has(k))
    .map(([k, v]) => ` ${k}=${typeof v === "string" ? quote(v) : render(v)}`)
    .join("");
  return `${time} ${LEVEL_TAGS[record.level]} ${
    component(record)
  }: ${message}${extra}\n`;
};

function render(value: unknown): string {
  if (typeof value === "string") return value;
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  if (value === undefined) return "undefined";
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}

function quote(text: string): string {
  return /[\s"]/.test(text) || text === "" ? JSON.stringify(text) : text;
}
