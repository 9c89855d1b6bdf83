import { getTrackingUri, normalizeTrackingUri } from '../core/config.js';
import { openStore } from '../store/open-store.js';
import type { TrackingStore } from '../store/tracking-store.js';

const stores = new Map<string, TrackingStore>();

/** The store for the current tracking URI, opened once per process and URI. */
export function getStore(): TrackingStore {
  return getStoreFor(getTrackingUri());
}

/**
 * The store behind a given tracking URI, without changing the process's tracking URI (the UI reads its own store
 * this way). Shared with `getStore()` for the same URI; `closeStores()` closes it too, and the next call opens it again.
 */
export function getStoreFor(trackingUri: string): TrackingStore {
  const uri = normalizeTrackingUri(trackingUri);
  let store = stores.get(uri);
  if (!store) {
    store = openStore(uri);
    stores.set(uri, store);
  }
  return store;
}

/** Closes every open store (tests, and processes that want to release the database file). */
export async function closeStores(): Promise<void> {
  const open = [...stores.values()];
  stores.clear();
  await Promise.all(open.map((store) => store.close()));
}
