import { join } from 'node:path';
import { SqliteTrackingStore } from '../../src/store/sqlite/sqlite-store.js';
import { makeTempDir } from '../support/temp-dir.js';
import { traceStoreContract } from './trace-contract.js';

traceStoreContract('SQLite', async () => {
  const temp = await makeTempDir();
  const store = new SqliteTrackingStore(join(temp.path, 'evalflow.db'), join(temp.path, 'artifacts'));
  return {
    store,
    cleanup: async () => {
      await store.close();
      await temp.remove();
    },
  };
});
