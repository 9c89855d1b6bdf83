import { afterEach, beforeEach } from 'vitest';
import { closeStores, setTrackingUri } from '../../src/index.js';
import { currentStack, processStack } from '../../src/tracking/context.js';
import { resetActiveExperiment } from '../../src/tracking/experiments.js';
import { makeTempDir } from './temp-dir.js';

/** Gives every test of the file a fresh store in a temporary folder and no active run or experiment. */
export function useTrackingSandbox(): { dir: () => string } {
  let dir = '';
  let remove: () => Promise<void> = async () => undefined;
  beforeEach(async () => {
    const temp = await makeTempDir();
    dir = temp.path;
    remove = temp.remove;
    setTrackingUri(dir);
  });
  afterEach(async () => {
    processStack().splice(0);
    currentStack().splice(0);
    resetActiveExperiment();
    await closeStores();
    setTrackingUri(undefined);
    await remove();
  });
  return { dir: () => dir };
}
