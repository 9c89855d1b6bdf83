// A child process for the durability tests: logs into a store and prints one line per acknowledged write.
// Usage: writer-process.ts <trackingUri> <runName> <writes> [batchSize]
import { endRun, logBatch, logParam, setTrackingUri, startRun } from '../../src/index.js';

const [uri, runName, writesArg, batchArg] = process.argv.slice(2);
if (!uri || !runName || !writesArg) throw new Error('usage: writer-process.ts <uri> <runName> <writes> [batchSize]');
setTrackingUri(uri);
const writes = Number(writesArg);
const batchSize = Number(batchArg ?? '1');

const run = await startRun({ runName });
await logParam('writer', runName);
process.stdout.write(`run ${run.info.runId}\n`);
for (let i = 0; i < writes; i += 1) {
  const metrics = Array.from({ length: batchSize }, (_, j) => ({ key: 'm', value: i, step: i * batchSize + j }));
  await logBatch({ metrics, tags: { last: String(i) } });
  process.stdout.write(`ack ${i}\n`);
}
await endRun();
process.stdout.write('done\n');
