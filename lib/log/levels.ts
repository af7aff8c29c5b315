/** Log levels and formats, shared by the command line and the logger. */

/** Log levels, lowest first, as @logtape/logtape names them. */
export const LOG_LEVELS = [
  "trace",
  "debug",
  "info",
  "warning",
  "error",
  "fatal",
] as const;
export type LogLevel = typeof LOG_LEVELS[number];

/** json for machines (the default of `run`), pretty for people. */
export const LOG_FORMATS = ["json", "pretty"] as const;
export type LogFormat = typeof LOG_FORMATS[number];
