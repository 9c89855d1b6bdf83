import { SqliteTrackingStore } from './sqlite/sqlite-store.js';
import type { TrackingStore } from './tracking-store.js';
import { resolveStoreLocation } from './uri.js';

/** The store behind a tracking URI. Only the embedded SQLite store exists so far; networked ones come later. */
export function openStore(trackingUri: string): TrackingStore {
  const location = resolveStoreLocation(trackingUri);
  return new SqliteTrackingStore(location.dbPath, location.artifactRoot);
}
