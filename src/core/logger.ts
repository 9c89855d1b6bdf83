/** evalflow's logger: warnings go to stderr with an "evalflow" prefix; EVALFLOW_LOG_LEVEL=error|warn|info|debug. */
export type LogLevel = 'error' | 'warn' | 'info' | 'debug';

const ORDER: Record<LogLevel, number> = { error: 0, warn: 1, info: 2, debug: 3 };

export interface Logger {
  error(message: string, error?: unknown): void;
  warn(message: string): void;
  info(message: string): void;
  debug(message: string): void;
}

let sink: (level: LogLevel, message: string) => void = (level, message) => {
  process.stderr.write(`evalflow ${level}: ${message}\n`);
};

function enabled(level: LogLevel): boolean {
  const configured = (process.env.EVALFLOW_LOG_LEVEL ?? 'warn').toLowerCase() as LogLevel;
  return ORDER[level] <= (ORDER[configured] ?? ORDER.warn);
}

export const logger: Logger = {
  error(message, error) {
    if (enabled('error')) sink('error', error instanceof Error ? `${message}: ${error.message}` : message);
  },
  warn(message) {
    if (enabled('warn')) sink('warn', message);
  },
  info(message) {
    if (enabled('info')) sink('info', message);
  },
  debug(message) {
    if (enabled('debug')) sink('debug', message);
  },
};

/** Sends log lines elsewhere (tests capture them); returns a function that restores the previous sink. */
export function setLogSink(next: (level: LogLevel, message: string) => void): () => void {
  const previous = sink;
  sink = next;
  return () => {
    sink = previous;
  };
}
