/**
 * Filter LIKE patterns: `%` matches any run of characters, `_` exactly one, and a backslash makes the next
 * character literal (as in PostgreSQL, where MLflow's server usually runs; MLflow on SQLite has no escape).
 * SQLite's LIKE ignores ASCII case, so a case-sensitive LIKE becomes a GLOB and ILIKE stays a LIKE.
 */

type Piece = { wildcard: '%' | '_' } | { literal: string };

function pieces(pattern: string): Piece[] {
  const result: Piece[] = [];
  const chars = Array.from(pattern);
  for (let i = 0; i < chars.length; i += 1) {
    const c = chars[i] as string;
    if (c === '\\' && i + 1 < chars.length) {
      i += 1;
      result.push({ literal: chars[i] as string });
    } else if (c === '%' || c === '_') {
      result.push({ wildcard: c });
    } else {
      result.push({ literal: c });
    }
  }
  return result;
}

/** A case-sensitive GLOB pattern; GLOB's own specials (`*`, `?`, `[`) in the text are bracketed to stay literal. */
export function likeToGlob(pattern: string): string {
  return pieces(pattern)
    .map((piece) => {
      if ('wildcard' in piece) return piece.wildcard === '%' ? '*' : '?';
      return piece.literal === '*' || piece.literal === '?' || piece.literal === '[' ? `[${piece.literal}]` : piece.literal;
    })
    .join('');
}

/** A pattern for SQLite `LIKE ? ESCAPE '\'` (case-insensitive for ASCII letters only, as SQLite's LIKE is). */
export function likeToSqliteLike(pattern: string): string {
  return pieces(pattern)
    .map((piece) => {
      if ('wildcard' in piece) return piece.wildcard;
      return piece.literal === '%' || piece.literal === '_' || piece.literal === '\\' ? `\\${piece.literal}` : piece.literal;
    })
    .join('');
}
