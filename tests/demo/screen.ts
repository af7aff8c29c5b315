/**
 * Where the demo prints. On a terminal the view redraws in place while a
 * step waits; elsewhere (CI, a pipe) only the settled view of each step is
 * printed, as plain sequential snapshots.
 */
import { render, type Snapshot } from "./view.ts";

const encoder = new TextEncoder();

/** See the module comment. */
export class Screen {
  readonly live: boolean;
  readonly #write: (text: string) => void;
  #liveLines = 0;

  constructor(live: boolean, write?: (text: string) => void) {
    this.live = live;
    this.#write = write ??
      ((t) => void Deno.stdout.writeSync(encoder.encode(t)));
  }

  /** A frame in progress: drawn over the previous one on a terminal only. */
  frame(s: Snapshot): void {
    if (!this.live) return;
    this.#erase();
    const lines = render(s);
    this.#write(`${lines.join("\n")}\n`);
    this.#liveLines = lines.length;
  }

  /** The final frame of a step: stays on screen. */
  settle(s: Snapshot): void {
    this.#erase();
    this.#write(`${render(s).join("\n")}\n\n`);
  }

  /** A line of narration. */
  say(text: string): void {
    this.#erase();
    this.#write(`${text}\n`);
  }

  #erase(): void {
    if (this.#liveLines === 0) return;
    // Cursor up over the live frame, then clear to the end of the screen.
    this.#write(`\x1b[${this.#liveLines}A\x1b[J`);
    this.#liveLines = 0;
  }
}
