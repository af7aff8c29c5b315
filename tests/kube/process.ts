// Child processes of a control plane. Each runs under `setpriv --pdeathsig KILL` so it dies with
// the Deno process that started it even when that process is killed hard (nothing is left
// running), and in a session of its own (`setsid`) so a terminal's Ctrl-C reaches only our
// process, which then stops the children in order. Output goes to a log file; a process that
// exits before it is asked to is reported with the tail of that log.

export class ManagedProcess {
  readonly #child: Deno.ChildProcess;
  readonly #logDone: Promise<void>;
  #stopping = false;
  readonly exited: Promise<Deno.CommandStatus>;

  constructor(
    readonly name: string,
    binary: string,
    args: string[],
    readonly logPath: string,
  ) {
    const log = Deno.openSync(logPath, {
      create: true,
      write: true,
      truncate: true,
    });
    this.#child = new Deno.Command("setsid", {
      args: ["setpriv", "--pdeathsig", "KILL", "--", binary, ...args],
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const writer = log.writable.getWriter();
    const copy = async (stream: ReadableStream<Uint8Array>) => {
      for await (const chunk of stream) await writer.write(chunk);
    };
    this.#logDone = Promise.all([
      copy(this.#child.stdout),
      copy(this.#child.stderr),
    ])
      .then(() => writer.close()).catch(() => {});
    this.exited = this.#child.status;
  }

  get pid(): number {
    return this.#child.pid;
  }

  get stopping(): boolean {
    return this.#stopping;
  }

  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process and its log are done. */
  async stop(graceMs = 5000): Promise<void> {
    this.#stopping = true;
    const kill = (signal: Deno.Signal) => {
      try {
        this.#child.kill(signal);
      } catch { /* already gone */ }
    };
    kill("SIGTERM");
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = new Promise<"timeout">((r) =>
      timer = setTimeout(() => r("timeout"), graceMs)
    );
    if (await Promise.race([this.exited, timedOut]) === "timeout") {
      kill("SIGKILL");
    }
    clearTimeout(timer);
    await this.exited;
    await this.#logDone;
  }

  async logTail(lines = 30): Promise<string> {
    try {
      const text = await Deno.readTextFile(this.logPath);
      return text.trim().split("\n").slice(-lines).join("\n");
    } catch {
      return "(no log)";
    }
  }
}

/** A free TCP port on 127.0.0.1 (closed again; the caller binds it next). */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}
