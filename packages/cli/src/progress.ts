import type { Phase, TargetResult } from "@ferry/core";
import { redact } from "@ferry/core";

export interface Progress {
  log(scope: string, message: string): void;
  phase(registry: string, phase: Phase): void;
  result(result: TargetResult): void;
  stop(): void;
}

const time = () => new Date().toISOString().slice(11, 19);

/** CI logs: plain timestamped lines, one per event. */
export function plainProgress(write: (text: string) => void): Progress {
  return {
    log: (scope, message) => write(`${time()} [${scope}] ${redact(message)}\n`),
    phase: (registry, phase) => write(`${time()} [${registry}] ${phase}\n`),
    result: (r) => write(`${time()} [${r.registry}] ${r.status}: ${redact(r.detail)}\n`),
    stop: () => {},
  };
}

/** A terminal: one live line per registry, redrawn in place. */
export function liveProgress(stream: NodeJS.WriteStream, registries: string[]): Progress {
  const state = new Map(registries.map((r) => [r, "queued"]));
  let drawn = 0;
  const draw = () => {
    const width = Math.max(...registries.map((r) => r.length), 0);
    let out = drawn ? `\x1b[${drawn}A` : "";
    for (const [registry, status] of state) out += `\x1b[2K  ${registry.padEnd(width)}  ${status}\n`;
    drawn = state.size;
    stream.write(out);
  };
  return {
    log: (scope, message) => {
      if (!state.has(scope)) {
        // Hub messages scroll above the live block.
        stream.write(`${drawn ? `\x1b[${drawn}A\x1b[J` : ""}${redact(message)}\n`);
        drawn = 0;
        draw();
      }
    },
    phase: (registry, phase) => {
      state.set(registry, `${phase}…`);
      draw();
    },
    result: (r) => {
      state.set(r.registry, r.status);
      draw();
    },
    stop: () => {},
  };
}
