/** The one place the release version lives. */
export const VERSION = "0.1.0";

/** What `dr-syncer version` prints: our version, then the runtime's. */
export function versionText(): string {
  return `dr-syncer ${VERSION}\ndeno ${Deno.version.deno}`;
}
