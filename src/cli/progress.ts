/** CLI reporters: a progress bar for people, JSON lines for scripts. */
import cliProgress from "cli-progress";
import type { Reporter } from "../node/index.js";

const fmt = (s: number) =>
  s >= 3600 ? `${(s / 3600).toFixed(1)}h` : s >= 60 ? `${Math.floor(s / 60)}m${Math.round(s % 60)}s` : `${Math.round(s)}s`;

export function progressBar(label: string): Reporter {
  const bar = new cliProgress.SingleBar(
    {
      format: `${label} {bar} {percentage}% | epoch {epoch} | {terms} | {ips} img/s | ETA {etaText}`,
      hideCursor: true,
      stream: process.stderr,
    },
    cliProgress.Presets.shades_classic,
  );
  let stepsPerEpoch = 1;
  return {
    onRunStart(info) {
      stepsPerEpoch = info.stepsPerEpoch;
      bar.start(info.totalSteps, info.startEpoch * info.stepsPerEpoch, { epoch: info.startEpoch + 1, terms: "", ips: 0, etaText: "…" });
    },
    onStepEnd(s) {
      const terms = Object.entries(s.terms)
        .filter(([k]) => k.startsWith("loss/"))
        .map(([k, v]) => `${k.slice(5)} ${v.toPrecision(4)}`)
        .join(" ");
      bar.update(s.step, {
        epoch: Math.floor((s.step - 1) / stepsPerEpoch) + 1,
        terms,
        ips: Math.round(s.imagesPerSecond),
        etaText: fmt(s.eta),
      });
    },
    onWarning(message) {
      process.stderr.write(`\nwarning: ${message}\n`);
    },
    onRunEnd() {
      bar.stop();
    },
  };
}

/** One JSON object per epoch on stdout (`--json`). */
export function jsonLines(): Reporter {
  return {
    onEpochEnd(record) {
      process.stdout.write(JSON.stringify({ event: "epoch", ...record }) + "\n");
    },
    onWarning(message) {
      process.stdout.write(JSON.stringify({ event: "warning", message }) + "\n");
    },
  };
}
