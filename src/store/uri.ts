import { isAbsolute, resolve, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EvalflowError } from '../core/errors.js';

/** Where a tracking URI puts the database and the artifacts. */
export interface StoreLocation {
  dbPath: string;
  artifactRoot: string;
}

export const DEFAULT_TRACKING_URI = './evalflow';
export const DB_FILE_NAME = 'evalflow.db';

/**
 * Accepted forms: a folder path (`./evalflow`, `/data/evalflow`, `file:///data/evalflow`) holding `evalflow.db` and
 * `artifacts/`; or `sqlite:///path.db` (SQLAlchemy's convention: `sqlite:///rel.db` is relative,
 * `sqlite:////abs/x.db` absolute) with `artifacts/` beside the database file.
 */
export function resolveStoreLocation(uri: string, cwd: string = process.cwd()): StoreLocation {
  if (typeof uri !== 'string' || uri.trim() === '') {
    throw EvalflowError.invalid(
      `Invalid tracking URI ${JSON.stringify(uri)}: give a folder path such as "./evalflow" or "sqlite:///path/to.db".`,
    );
  }
  if (uri.startsWith('sqlite://')) {
    const rest = uri.slice('sqlite://'.length);
    if (!rest.startsWith('/') || rest.length < 2) {
      throw EvalflowError.invalid(
        `Invalid tracking URI "${uri}": a SQLite URI has three slashes and a file path, e.g. "sqlite:///evalflow.db" ` +
          'or "sqlite:////absolute/path/evalflow.db".',
      );
    }
    const path = rest.slice(1);
    const dbPath = isAbsolute(path) ? path : resolve(cwd, path);
    return { dbPath, artifactRoot: join(dirname(dbPath), 'artifacts') };
  }
  let folder: string;
  if (uri.startsWith('file://')) {
    folder = fileURLToPath(uri);
  } else if (/^[a-z][a-z0-9+.-]*:\/\//i.test(uri)) {
    throw EvalflowError.invalid(
      `Unsupported tracking URI "${uri}": this version stores runs locally. Use a folder path such as "./evalflow" ` +
        'or "sqlite:///path/to.db".',
    );
  } else {
    folder = resolve(cwd, uri);
  }
  return { dbPath: join(folder, DB_FILE_NAME), artifactRoot: join(folder, 'artifacts') };
}
