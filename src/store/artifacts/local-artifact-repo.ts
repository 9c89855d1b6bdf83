import { copyFile, cp, mkdir, readdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { EvalflowError } from '../../core/errors.js';

export interface ArtifactInfo {
  /** Path relative to the repository root, with forward slashes. */
  path: string;
  isDir: boolean;
  fileSize: number | null;
}

/** A run's (or experiment's) artifacts in a local folder, addressed by a `file://` URI. */
export class LocalArtifactRepository {
  readonly rootUri: string;
  readonly rootPath: string;

  constructor(rootUri: string) {
    this.rootUri = rootUri;
    this.rootPath = rootUri.startsWith('file://') ? fileURLToPath(rootUri) : resolve(rootUri);
  }

  static forPath(path: string): LocalArtifactRepository {
    return new LocalArtifactRepository(pathToFileURL(path).href);
  }

  /** The absolute local path of an artifact; refuses paths that leave the root. */
  resolve(artifactPath = ''): string {
    if (artifactPath.includes('\0')) {
      throw EvalflowError.invalid(`Invalid artifact path ${JSON.stringify(artifactPath)}: it contains a NUL byte.`);
    }
    const target = resolve(this.rootPath, artifactPath);
    const rel = relative(this.rootPath, target);
    if (rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
      throw EvalflowError.invalid(
        `Invalid artifact path ${JSON.stringify(artifactPath)}: artifact paths are relative to the run's artifact ` +
          'folder and may not leave it.',
      );
    }
    return target;
  }

  uriOf(artifactPath = ''): string {
    const path = this.resolve(artifactPath);
    return pathToFileURL(path).href;
  }

  async logFile(localFile: string, artifactPath?: string): Promise<string> {
    const info = await stat(localFile).catch(() => null);
    if (!info || !info.isFile()) {
      throw EvalflowError.notFound(`Cannot log artifact "${localFile}": no such file.`);
    }
    const destDir = this.resolve(artifactPath ?? '');
    await mkdir(destDir, { recursive: true });
    const dest = join(destDir, basename(localFile));
    await copyFile(localFile, dest);
    return toPosix(relative(this.rootPath, dest));
  }

  async logDirectory(localDir: string, artifactPath?: string): Promise<void> {
    const info = await stat(localDir).catch(() => null);
    if (!info || !info.isDirectory()) {
      throw EvalflowError.notFound(`Cannot log artifacts from "${localDir}": no such directory.`);
    }
    const dest = this.resolve(artifactPath ?? '');
    await mkdir(dest, { recursive: true });
    await cp(localDir, dest, { recursive: true });
  }

  async write(artifactFile: string, content: string | Uint8Array): Promise<string> {
    if (artifactFile === '' || artifactFile.endsWith('/')) {
      throw EvalflowError.invalid(`Invalid artifact file ${JSON.stringify(artifactFile)}: give a file name.`);
    }
    const dest = this.resolve(artifactFile);
    await mkdir(dirname(dest), { recursive: true });
    // Write to a temporary name and rename, so a reader never sees half a file.
    const temp = `${dest}.tmp-${process.pid}-${Date.now()}`;
    await writeFile(temp, content);
    await rename(temp, dest);
    return this.uriOf(artifactFile);
  }

  async read(artifactFile: string): Promise<Buffer> {
    const path = this.resolve(artifactFile);
    try {
      return await readFile(path);
    } catch {
      throw EvalflowError.notFound(`Artifact "${artifactFile}" does not exist under ${this.rootUri}.`);
    }
  }

  async exists(artifactFile: string): Promise<boolean> {
    return (await stat(this.resolve(artifactFile)).catch(() => null)) !== null;
  }

  async list(artifactPath = ''): Promise<ArtifactInfo[]> {
    const dir = this.resolve(artifactPath);
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    const infos: ArtifactInfo[] = [];
    for (const entry of entries) {
      const full = join(dir, entry.name);
      const path = toPosix(relative(this.rootPath, full));
      if (entry.isDirectory()) infos.push({ path, isDir: true, fileSize: null });
      else infos.push({ path, isDir: false, fileSize: (await stat(full)).size });
    }
    return infos.sort((a, b) => a.path.localeCompare(b.path));
  }
}

function toPosix(path: string): string {
  return path.split(sep).join('/');
}
