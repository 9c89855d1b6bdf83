import { extname } from 'node:path';
import YAML from 'yaml';
import { EvalflowError } from '../core/errors.js';
import { LocalArtifactRepository, type ArtifactInfo } from '../store/artifacts/local-artifact-repo.js';
import { getStore } from './client.js';
import { targetRunId } from './logging.js';

export interface RunOption {
  runId?: string;
}

/** The artifact folder of a run (the active one unless `runId` is given). */
export async function artifactRepository(runId?: string): Promise<LocalArtifactRepository> {
  const run = await getStore().getRun(await targetRunId(runId));
  return new LocalArtifactRepository(run.info.artifactUri);
}

/** The URI of a run's artifact folder, or of one artifact in it. */
export async function getArtifactUri(artifactPath?: string, options: RunOption = {}): Promise<string> {
  return (await artifactRepository(options.runId)).uriOf(artifactPath ?? '');
}

/** Copies a local file into the run's artifacts, under `artifactPath` when given. Returns its artifact path. */
export async function logArtifact(localPath: string, artifactPath?: string, options: RunOption = {}): Promise<string> {
  return (await artifactRepository(options.runId)).logFile(localPath, artifactPath);
}

/** Copies the contents of a local folder into the run's artifacts. */
export async function logArtifacts(localDir: string, artifactPath?: string, options: RunOption = {}): Promise<void> {
  await (await artifactRepository(options.runId)).logDirectory(localDir, artifactPath);
}

/** Saves a plain object as JSON, or as YAML when the file ends in .yaml/.yml. Returns the artifact's URI. */
export async function logDict(dict: unknown, artifactFile: string, options: RunOption = {}): Promise<string> {
  const extension = extname(artifactFile).toLowerCase();
  let text: string;
  try {
    text = extension === '.yaml' || extension === '.yml' ? YAML.stringify(dict) : `${JSON.stringify(dict, null, 2)}\n`;
  } catch (error) {
    throw EvalflowError.invalid(`logDict cannot serialise the value for "${artifactFile}": ${(error as Error).message}`);
  }
  if (text === undefined) {
    throw EvalflowError.invalid(`logDict got ${typeof dict}; expected a JSON-serialisable value for "${artifactFile}".`);
  }
  return (await artifactRepository(options.runId)).write(artifactFile, text);
}

export async function logText(text: string, artifactFile: string, options: RunOption = {}): Promise<string> {
  if (typeof text !== 'string') {
    throw EvalflowError.invalid(`logText expects a string for "${artifactFile}" but got ${typeof text}.`);
  }
  return (await artifactRepository(options.runId)).write(artifactFile, text);
}

export async function listArtifacts(artifactPath?: string, options: RunOption = {}): Promise<ArtifactInfo[]> {
  return (await artifactRepository(options.runId)).list(artifactPath ?? '');
}

export async function loadText(artifactFile: string, options: RunOption = {}): Promise<string> {
  return (await (await artifactRepository(options.runId)).read(artifactFile)).toString('utf8');
}

/** Reads back what `logDict` wrote (JSON or YAML by extension). */
export async function loadDict(artifactFile: string, options: RunOption = {}): Promise<unknown> {
  const text = await loadText(artifactFile, options);
  const extension = extname(artifactFile).toLowerCase();
  return extension === '.yaml' || extension === '.yml' ? YAML.parse(text) : JSON.parse(text);
}
