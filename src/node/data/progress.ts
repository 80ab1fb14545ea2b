/**
 * Download progress for `sculpt data fetch`: on a terminal a cli-progress bar (bytes, speed, ETA);
 * otherwise (logs, CI, pipes) a plain line at the start, about every 10% or 10 s, and at the end.
 */
import { SingleBar } from "cli-progress";
import type { FetchProgress } from "./fetch.js";

const mb = (b: number) => (b < 1e6 ? `${(b / 1e3).toFixed(1)} kB` : `${(b / 1e6).toFixed(1)} MB`);
const seconds = (s: number) => (s < 90 ? `${Math.round(s)} s` : `${Math.round(s / 60)} min`);

/** Progress written to `stream` (stderr by default): a bar when it is a TTY, else plain lines. */
export function consoleProgress(stream: NodeJS.WriteStream = process.stderr): FetchProgress {
  let file = "";
  let total: number | undefined;
  let from = 0;
  let value = 0;
  let started = 0;
  let lastLine = 0;
  let lastShare = 0;
  let bar: SingleBar | undefined;
  const speed = () => (value - from) / Math.max((Date.now() - started) / 1000, 1e-3);
  const line = () => {
    const rate = speed();
    const eta = total !== undefined && rate > 0 ? `, ETA ${seconds((total - value) / rate)}` : "";
    const of = total !== undefined ? ` of ${mb(total)} (${Math.floor((100 * value) / total)}%)` : "";
    return `${file}: ${mb(value)}${of}, ${mb(rate)}/s${eta}`;
  };
  return {
    start(name, url, at, size) {
      [file, total, from, value, started, lastLine, lastShare] = [name, size, at, at, Date.now(), Date.now(), 0];
      if (stream.isTTY && total !== undefined) {
        bar = new SingleBar({
          stream,
          format: `${name} [{bar}] {percentage}% | {got} of {size} | {speed} | ETA {eta_formatted}`,
          hideCursor: true,
          clearOnComplete: false,
        });
        bar.start(total, at, { got: mb(at), size: mb(total), speed: "" });
      } else {
        stream.write(`${name}: downloading ${url}${at ? ` (resuming at ${mb(at)})` : ""}${total !== undefined ? `, ${mb(total)}` : ""}\n`);
      }
    },
    advance(bytes) {
      value += bytes;
      if (bar) return bar.update(value, { got: mb(value), speed: `${mb(speed())}/s` });
      const share = total ? Math.floor((10 * value) / total) : 0;
      if (share > lastShare || Date.now() - lastLine > 10_000) {
        [lastShare, lastLine] = [share, Date.now()];
        if (value !== total) stream.write(`${line()}\n`);
      }
    },
    end() {
      if (bar) bar.stop();
      else stream.write(`${line()}\n`);
      bar = undefined;
    },
    note(text) {
      stream.write(`${text}\n`);
    },
  };
}
