// A judge server for the judges benchmark: the fake OpenAI server (test/support/openai-server.ts) answering every
// chat completion with a yes/no verdict after a fixed latency. Run in its own process:
// `node --import tsx bench/judge-server.ts --latency-ms 100`; prints `{"baseURL"}` and stops on SIGTERM or when
// stdin closes.
import { chatCompletion, FakeOpenAI } from '../test/support/openai-server.js';

const arg = process.argv.indexOf('--latency-ms');
const latencyMs = arg > 0 ? Number(process.argv[arg + 1]) : 100;
const fake = await FakeOpenAI.start({ logRequests: false });
const reply = { delayMs: latencyMs, json: chatCompletion({ model: 'judge', content: JSON.stringify({ result: 'yes', rationale: 'The answer is supported.' }) }) };
fake.setDefault('chat/completions', reply);
process.stdout.write(`${JSON.stringify({ baseURL: fake.baseURL })}\n`);
const stop = (): void => {
  void fake.close().then(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.stdin.on('end', stop);
process.stdin.resume();
