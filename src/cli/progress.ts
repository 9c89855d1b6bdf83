import cliProgress from 'cli-progress';
import type { EvaluationProgress } from '../index.js';

export interface ProgressReporter {
  update: (progress: EvaluationProgress) => void;
  stop: () => void;
}

export interface ProgressOptions {
  /** Also count judge calls and cache hits (an evaluation with scorers). */
  judges?: boolean;
  /** Default: only when stdout and stderr are terminals and the output is not JSON (see `progressWanted`). */
  enabled?: boolean;
  /** Where the bar is drawn; stderr by default, so that stdout keeps only the result. */
  stream?: NodeJS.WritableStream;
}

/** A bar only at a terminal: never when stdout goes to a file, a pipe or a CI log, nor with --json. */
export function progressWanted(json: boolean | undefined): boolean {
  return !json && Boolean(process.stdout.isTTY) && Boolean(process.stderr.isTTY);
}

/** A progress bar of rows done / total (and, with judges, judge calls and cache hits); a no-op when not enabled. */
export function progressReporter(label: string, options: ProgressOptions = {}): ProgressReporter {
  if (!(options.enabled ?? progressWanted(false))) return { update: () => undefined, stop: () => undefined };
  const format = options.judges
    ? `${label} [{bar}] {value}/{total} rows | {judgeCalls} judge calls | {cacheHits} cache hits`
    : `${label} [{bar}] {value}/{total} rows`;
  let bar: cliProgress.SingleBar | undefined;
  return {
    update: ({ done, total, judgeCalls, cacheHits }) => {
      const payload = { judgeCalls: judgeCalls ?? 0, cacheHits: cacheHits ?? 0 };
      if (!bar) {
        bar = new cliProgress.SingleBar(
          { format, stream: options.stream ?? process.stderr, hideCursor: true },
          cliProgress.Presets.shades_classic,
        );
        bar.start(total, 0, payload);
      }
      bar.update(done, payload);
    },
    stop: () => bar?.stop(),
  };
}
