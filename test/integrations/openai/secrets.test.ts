import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { closeStores, flushTraces, getTrace, searchTraces, tracing, withSpan } from '../../../src/index.js';
import { tracedOpenAI } from '../../../src/integrations/openai/index.js';
import { apiError } from '../../support/openai-server.js';
import { useTrackingSandbox } from '../../support/tracking-sandbox.js';
import { API_KEY, useFakeOpenAI } from './helpers.js';

const sandbox = useTrackingSandbox();
const fake = useFakeOpenAI();
const HEADER_TOKEN = 'tok-evalflow-header-abcdef0123456789';

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

/** The files under the store's folder (database, WAL, artifacts) whose bytes contain the text. */
async function filesContaining(dir: string, text: string): Promise<string[]> {
  const found: string[] = [];
  for (const file of await filesUnder(dir)) if ((await readFile(file)).includes(Buffer.from(text, 'utf8'))) found.push(file);
  return found;
}

describe('secrets never reach the store', () => {
  it('keeps the API key and Authorization header out of the database and the artifacts, errors included', async () => {
    tracing.setDestination({});
    // A server that echoes the key in its error, as a badly behaved proxy might.
    fake.server().script('chat/completions', apiError(401, `Incorrect API key provided: ${API_KEY}.`, { code: 'invalid_api_key' }));
    fake.server().script('embeddings', apiError(403, `Token ${HEADER_TOKEN} is not allowed`));
    const client = tracedOpenAI(fake.client());
    const withHeader = tracedOpenAI(fake.client({ apiKey: 'unused-key-value-0000', defaultHeaders: { Authorization: `Bearer ${HEADER_TOKEN}` } }));

    await withSpan(
      async () => {
        const rejected = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'one' }] }).catch((e: unknown) => e);
        // The caller gets the error as the SDK made it.
        expect(String(rejected)).toContain(API_KEY);
        await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'two' }] });
        for await (const _ of await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'three' }], stream: true })) {
          // read to the end
        }
        await client.responses.create({ model: 'gpt-4.1-mini', input: 'four' });
        await withHeader.embeddings.create({ model: 'text-embedding-3-small', input: 'five' }).catch(() => undefined);
        await withHeader.embeddings.create({ model: 'text-embedding-3-small', input: 'six' });
      },
      { name: 'session' },
    );
    await flushTraces();

    // The secrets were in play: the server saw them on every request.
    expect(fake.server().requests.map((r) => r.headers.authorization)).toEqual([
      `Bearer ${API_KEY}`,
      `Bearer ${API_KEY}`,
      `Bearer ${API_KEY}`,
      `Bearer ${API_KEY}`,
      `Bearer ${HEADER_TOKEN}`,
      `Bearer ${HEADER_TOKEN}`,
    ]);
    const [stored] = await searchTraces({ maxResults: 10 });
    const trace = await getTrace(stored?.info.traceId ?? '');
    expect(trace?.data.spans.map((s) => s.name)).toEqual(['session', 'Completions', 'Completions', 'Completions', 'Responses', 'Embeddings', 'Embeddings']);
    const failed = trace?.data.spans[1];
    expect(failed?.status).toEqual({ code: 'STATUS_CODE_ERROR', message: '401 Incorrect API key provided: [REDACTED].' });
    expect(failed?.events[0]?.attributes['exception.type']).toBe('AuthenticationError');
    expect(String(failed?.events[0]?.attributes['exception.stacktrace'])).not.toContain(API_KEY);
    expect(trace?.data.spans[5]?.status.message).toBe('403 Token [REDACTED] is not allowed');

    const files = await filesUnder(sandbox.dir());
    expect(files.some((f) => f.endsWith('.db'))).toBe(true);
    expect(await filesContaining(sandbox.dir(), 'echo: two')).not.toEqual([]);
    for (const secret of [API_KEY, HEADER_TOKEN]) expect(await filesContaining(sandbox.dir(), secret)).toEqual([]);
    await closeStores();
    for (const secret of [API_KEY, HEADER_TOKEN]) expect(await filesContaining(sandbox.dir(), secret)).toEqual([]);
  });
});
