import { Command, CommanderError } from 'commander';
import { EvalflowError } from '../index.js';
import { registerDoctor } from './commands/doctor.js';
import { registerEvaluate } from './commands/evaluate.js';
import { registerExperiments, registerRuns } from './commands/runs.js';
import { registerFeedback } from './commands/feedback.js';
import { registerTraces } from './commands/traces.js';
import { registerUi } from './commands/ui.js';
import { registerValidate } from './commands/validate.js';
import { CliError, ExitCode } from './errors.js';

export function buildProgram(): Command {
  const program = new Command('evalflow')
    .description('evaluate models, gate CI on baselines, and browse runs, traces and feedback')
    .option('--tracking-uri <uri>', 'the store (default: EVALFLOW_TRACKING_URI or ./evalflow)')
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) });
  program.hook('preAction', (command) => {
    const uri = command.optsWithGlobals<{ trackingUri?: string }>().trackingUri;
    if (uri !== undefined) process.env.EVALFLOW_TRACKING_URI = uri;
  });
  registerEvaluate(program);
  registerValidate(program);
  registerRuns(program);
  registerExperiments(program);
  registerTraces(program);
  registerFeedback(program);
  registerDoctor(program);
  registerUi(program);
  return program;
}

/** Runs the CLI and returns the exit code: 0 success, 1 validation failed, 2 usage or input error. */
export async function runCli(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : ExitCode.OK;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end through here with code 0.
      return error.exitCode === 0 ? ExitCode.OK : ExitCode.USAGE;
    }
    if (error instanceof CliError) {
      process.stderr.write(`evalflow: ${error.message}\n`);
      return error.exitCode;
    }
    if (error instanceof EvalflowError) {
      process.stderr.write(`evalflow: ${error.message}\n`);
      return ExitCode.USAGE;
    }
    process.stderr.write(`evalflow: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return ExitCode.USAGE;
  }
}
