import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { EvaluationResult, getRun, isEvalflowError, ErrorCode } from '../index.js';
import { CliError } from './errors.js';

/** Metrics of a run id, or of a folder written by `EvaluationResult.save` (`evalflow evaluate --out`). */
export async function loadMetrics(reference: string, role: string): Promise<{ metrics: Record<string, number>; label: string }> {
  if (existsSync(reference) && statSync(reference).isDirectory()) {
    if (!existsSync(join(reference, 'metrics.json'))) {
      throw new CliError(`The ${role} folder "${reference}" has no metrics.json; give a run id or a folder written by evalflow evaluate --out.`);
    }
    return { metrics: (await EvaluationResult.load(reference)).metrics, label: reference };
  }
  try {
    const run = await getRun(reference);
    return { metrics: run.data.metrics, label: `run ${run.info.runName} (${run.info.runId})` };
  } catch (error) {
    if (isEvalflowError(error, ErrorCode.RESOURCE_DOES_NOT_EXIST)) {
      throw new CliError(`The ${role} "${reference}" is neither a run id in the tracking store nor a result folder.`);
    }
    throw error;
  }
}
