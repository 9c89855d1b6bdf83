import { afterAll, beforeAll } from 'vitest';
import { FakeOpenAI } from './openai-server.js';

/**
 * Starts a fake OpenAI server for the test file (beforeAll) and stops it (afterAll). The returned object stands for
 * the running server, so a file writes `const fake = useFakeOpenAI();` and uses `fake.baseURL`, `fake.reset()` …
 */
export function useFakeOpenAI(): FakeOpenAI {
  let server: FakeOpenAI | undefined;
  beforeAll(async () => {
    server = await FakeOpenAI.start();
  });
  afterAll(async () => {
    await server?.close();
  });
  return new Proxy({} as FakeOpenAI, {
    get(_target, prop) {
      if (server === undefined) throw new Error('The fake OpenAI server is used before beforeAll started it.');
      const value: unknown = Reflect.get(server, prop, server);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(server) : value;
    },
  });
}
