#!/usr/bin/env node
import { closeStores, flushTraces } from '../index.js';
import { runCli } from './program.js';

const code = await runCli(process.argv.slice(2));
await flushTraces();
await closeStores();
process.exitCode = code;
