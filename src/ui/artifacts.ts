/**
 * A run's artifacts as the UI may read them: only files inside the run's artifact folder. A path is refused when it
 * is absolute, holds a `..` segment, a backslash or a NUL byte, or when it (or a symlink on the way) resolves to a
 * place outside the folder.
 */
import { lstat, open, readdir, readFile, realpath, stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { extname, join, relative, sep } from 'node:path';
import { ErrorCode, EvalflowError } from '../core/errors.js';
import { LocalArtifactRepository, type ArtifactInfo } from '../store/artifacts/local-artifact-repo.js';
import type { Run } from '../store/entities.js';
import { HttpError } from './http.js';

const MAX_PATH_LENGTH = 1024;
const MAX_LISTED = 2000;
const MAX_DEPTH = 6;

export class RunArtifacts {
  private readonly repo: LocalArtifactRepository;

  constructor(readonly run: Run) {
    this.repo = new LocalArtifactRepository(run.info.artifactUri);
  }

  /** The real path of an artifact file, after every check above. */
  async resolveFile(artifactPath: string): Promise<string> {
    checkPathText(artifactPath);
    const lexical = this.repo.resolve(artifactPath);
    const root = await realpath(this.repo.rootPath).catch(() => null);
    const target = await realpath(lexical).catch(() => null);
    if (root === null || target === null) throw notFound(artifactPath, this.run);
    if (target !== root && !target.startsWith(root + sep)) {
      throw new HttpError(403, ErrorCode.INVALID_PARAMETER_VALUE, `Artifact path ${JSON.stringify(artifactPath)} leads outside the run's artifact folder.`);
    }
    const info = await stat(target);
    if (!info.isFile()) throw new HttpError(400, ErrorCode.INVALID_PARAMETER_VALUE, `Artifact path ${JSON.stringify(artifactPath)} is a folder, not a file.`);
    return target;
  }

  async read(artifactPath: string): Promise<Buffer> {
    return readFile(await this.resolveFile(artifactPath));
  }

  /**
   * An artifact file to stream: its size when opened and a stream of exactly that many bytes (null for an empty
   * file). The stream closes the file when it ends or is destroyed.
   */
  async openStream(artifactPath: string): Promise<{ readable: Readable | null; size: number }> {
    const handle = await open(await this.resolveFile(artifactPath), 'r');
    try {
      const info = await handle.stat();
      if (!info.isFile()) throw new HttpError(400, ErrorCode.INVALID_PARAMETER_VALUE, `Artifact path ${JSON.stringify(artifactPath)} is not a file.`);
      if (info.size === 0) {
        await handle.close();
        return { readable: null, size: 0 };
      }
      return { readable: handle.createReadStream({ start: 0, end: info.size - 1 }), size: info.size };
    } catch (error) {
      await handle.close().catch(() => undefined);
      throw error;
    }
  }

  /** Every file and folder under `under` (the root by default), depth-first, at most 2000 entries. */
  async list(under = ''): Promise<ArtifactInfo[]> {
    if (under !== '') checkPathText(under);
    const root = this.repo.rootPath;
    const found: ArtifactInfo[] = [];
    const walk = async (dir: string, depth: number): Promise<void> => {
      const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
      entries.sort((a, b) => a.name.localeCompare(b.name));
      for (const entry of entries) {
        if (found.length >= MAX_LISTED) return;
        const full = join(dir, entry.name);
        const path = relative(root, full).split(sep).join('/');
        if (entry.isDirectory()) {
          found.push({ path, isDir: true, fileSize: null });
          if (depth < MAX_DEPTH) await walk(full, depth + 1);
        } else if (entry.isFile() || entry.isSymbolicLink()) {
          found.push({ path, isDir: false, fileSize: (await lstat(full)).size });
        }
      }
    };
    await walk(this.repo.resolve(under), 0);
    return found;
  }
}

function checkPathText(artifactPath: string): void {
  const reason =
    artifactPath === ''
      ? 'it is empty'
      : artifactPath.length > MAX_PATH_LENGTH
        ? `it is longer than ${MAX_PATH_LENGTH} characters`
        : artifactPath.includes('\0')
          ? 'it holds a NUL byte'
          : artifactPath.includes('\\')
            ? 'it holds a backslash'
            : artifactPath.startsWith('/') || /^[a-z]:/i.test(artifactPath)
              ? 'it is absolute'
              : artifactPath.split('/').includes('..')
                ? "it holds a '..' segment"
                : null;
  if (reason !== null) {
    throw EvalflowError.invalid(`Invalid artifact path ${JSON.stringify(artifactPath.slice(0, 200))}: ${reason}. Give a path relative to the run's artifact folder.`);
  }
}

function notFound(artifactPath: string, run: Run): EvalflowError {
  return EvalflowError.notFound(`Run ${run.info.runId} has no artifact ${JSON.stringify(artifactPath)}.`);
}

const CONTENT_TYPES: Record<string, string> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.svg': 'image/svg+xml',
  '.json': 'application/json; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/plain; charset=utf-8',
  '.yaml': 'text/plain; charset=utf-8',
  '.yml': 'text/plain; charset=utf-8',
  '.log': 'text/plain; charset=utf-8',
};

/** The content type an artifact is served with; HTML and anything unknown is only ever downloaded. */
export function artifactContentType(artifactPath: string): { contentType: string; download: boolean } {
  const known = CONTENT_TYPES[extname(artifactPath).toLowerCase()];
  return known ? { contentType: known, download: false } : { contentType: 'application/octet-stream', download: true };
}

/** A table artifact in pandas' "split" shape (what `logTable` and `evaluate` write). */
export interface SplitTable {
  columns: string[];
  data: unknown[][];
}

const TABLE_CACHE_SIZE = 8;
/** The cache keeps at most this many bytes of table files (a table larger than that is parsed on each request). */
const TABLE_CACHE_BYTES = 256 * 1024 * 1024;
/** Parsed tables by file, modification time and size: paging through a table parses it once. */
const tableCache = new Map<string, { table: Promise<SplitTable>; bytes: number }>();

/** A table artifact, parsed once per version of its file (a small cache of the last few tables read). */
export async function readTable(artifacts: RunArtifacts, artifactPath: string): Promise<SplitTable> {
  const file = await artifacts.resolveFile(artifactPath);
  const info = await stat(file);
  const key = `${file}\0${info.mtimeMs}\0${info.size}`;
  const hit = tableCache.get(key);
  if (hit) {
    tableCache.delete(key);
    tableCache.set(key, hit);
    return hit.table;
  }
  const table = readFile(file).then((bytes) => parseTable(bytes, artifactPath));
  if (info.size > TABLE_CACHE_BYTES) return table;
  table.catch(() => tableCache.delete(key));
  tableCache.set(key, { table, bytes: info.size });
  let total = 0;
  for (const entry of tableCache.values()) total += entry.bytes;
  for (const [oldest, entry] of tableCache) {
    if (tableCache.size <= TABLE_CACHE_SIZE && total <= TABLE_CACHE_BYTES) break;
    tableCache.delete(oldest);
    total -= entry.bytes;
  }
  return table;
}

/** Forgets the parsed tables (tests). */
export function clearTableCache(): void {
  tableCache.clear();
}

function parseTable(bytes: Buffer, artifactPath: string): SplitTable {
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw EvalflowError.invalid(`Artifact ${JSON.stringify(artifactPath)} is not JSON.`);
  }
  const table = parsed as Partial<SplitTable> | null;
  if (table === null || !Array.isArray(table.columns) || !Array.isArray(table.data)) {
    throw EvalflowError.invalid(`Artifact ${JSON.stringify(artifactPath)} is not a table ({"columns": [...], "data": [[...]]}).`);
  }
  return { columns: table.columns.map(String), data: table.data.map((row) => (Array.isArray(row) ? row : [row])) };
}

/** The table artifacts of a run: evaluation results tables, and the tables `logTable` recorded. */
export function tablePaths(run: Run, files: readonly ArtifactInfo[]): string[] {
  const paths = files.filter((f) => !f.isDir && f.path.endsWith('eval_results_table.json')).map((f) => f.path);
  try {
    const logged = JSON.parse(run.data.tags['mlflow.loggedArtifacts'] ?? '[]') as { path?: unknown; type?: unknown }[];
    for (const entry of logged) {
      if (entry.type === 'table' && typeof entry.path === 'string' && !paths.includes(entry.path)) paths.push(entry.path);
    }
  } catch {
    // a malformed tag lists no tables
  }
  return paths;
}

/** The Vega-Lite plot specs of a run (`*.vl.json`, as evaluate and logFigure write them). */
export function plotPaths(files: readonly ArtifactInfo[]): string[] {
  return files.filter((f) => !f.isDir && f.path.endsWith('.vl.json')).map((f) => f.path);
}
