/**
 * A kubeconfig server URL may carry a user and password
 * (`https://user:pass@host`). Whatever shows a server or an error text
 * (status, Events, logs) goes through here first.
 */

const USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@]+@/gi;

/** Placeholder for the user-info part of a URL. */
export const HIDDEN_USERINFO = "***@";

/** `text` with the user-info part of every URL in it replaced. */
export function withoutUrlCredentials(text: string): string {
  return text.replace(USERINFO, `$1${HIDDEN_USERINFO}`);
}
