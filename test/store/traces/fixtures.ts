import { join } from 'node:path';
import { SqliteTrackingStore } from '../../../src/store/sqlite/sqlite-store.js';
import type { SpanRecord, TraceRecord } from '../../../src/store/trace-entities.js';
import { makeTempDir } from '../../support/temp-dir.js';

export interface TempStore {
  store: SqliteTrackingStore;
  dir: string;
  cleanup: () => Promise<void>;
}

export async function tempStore(): Promise<TempStore> {
  const temp = await makeTempDir('evalflow-traces-');
  const store = new SqliteTrackingStore(join(temp.path, 'evalflow.db'), join(temp.path, 'artifacts'));
  return {
    store,
    dir: temp.path,
    cleanup: async () => {
      await store.close();
      await temp.remove();
    },
  };
}

/** `tr-` + 32 hex digits that look random (as OTel's are) but are fixed for `i`, so inserts land all over the indexes. */
export function randomLookingTraceId(i: number): string {
  const mixed = (BigInt(i + 1) * 0x9e3779b97f4a7c15f39cc0605cedc835n) % 2n ** 128n;
  return `tr-${mixed.toString(16).padStart(32, '0')}`;
}

const TYPES = ['CHAIN', 'LLM', 'RETRIEVER', 'TOOL', 'CHAT_MODEL', 'EMBEDDING', 'PARSER', 'RERANKER', 'AGENT', 'MEMORY'];
const T0_NS = 1_700_000_000_000_000_000n;

/**
 * A realistic generated trace: a root and `spanCount - 1` children with MLflow's JSON-string attributes (type,
 * inputs, outputs, token usage on the LLM spans), three tags and four metadata entries. `i` varies every field.
 */
export function generatedTrace(i: number, experimentId: string, spanCount = 10): TraceRecord {
  const traceId = randomLookingTraceId(i);
  const start = T0_NS + BigInt(i) * 1_000_000_000n;
  const spans: SpanRecord[] = [];
  for (let s = 0; s < spanCount; s += 1) {
    const type = s === 0 ? 'CHAIN' : (TYPES[(i + s) % TYPES.length] as string);
    const spanStart = start + BigInt(s) * 1_000_000n;
    spans.push({
      traceId,
      spanId: ((i * 16 + s + 1) % 2 ** 52).toString(16).padStart(16, '0'),
      parentSpanId: s === 0 ? null : ((i * 16 + 1) % 2 ** 52).toString(16).padStart(16, '0'),
      name: s === 0 ? `pipeline-${i % 20}` : `${type.toLowerCase()}-${s}`,
      startTimeUnixNano: spanStart,
      endTimeUnixNano: spanStart + BigInt(1_000_000 + ((i * 7919 + s) % 50_000_000)),
      status: { code: (i + s) % 37 === 0 ? 'STATUS_CODE_ERROR' : 'STATUS_CODE_OK', message: '' },
      attributes: {
        'mlflow.traceRequestId': JSON.stringify(traceId),
        'mlflow.spanType': JSON.stringify(type),
        'mlflow.spanInputs': JSON.stringify({ messages: [{ role: 'user', content: `question ${i} about topic ${s}` }], temperature: 0.2 }),
        'mlflow.spanOutputs': JSON.stringify({ choices: [{ message: { role: 'assistant', content: `answer ${i}.${s}` } }] }),
        ...(type === 'LLM' && {
          'mlflow.chat.tokenUsage': JSON.stringify({ input_tokens: 10 + s, output_tokens: 20 + s, total_tokens: 30 + 2 * s }),
          'llm.model': JSON.stringify(i % 2 ? 'gpt-4o' : 'gpt-4o-mini'),
        }),
      },
      events: s === 3 ? [{ name: 'mlflow.chunk.item.0', timeUnixNano: spanStart + 10n, attributes: { 'mlflow.chunk.value': '"x"' } }] : [],
      links: [],
    });
  }
  return {
    info: {
      traceId,
      clientRequestId: i % 3 === 0 ? `req-${i}` : null,
      experimentId,
      requestTime: 1_700_000_000_000 + i * 1000,
      executionDuration: 10 + (i % 500),
      state: i % 37 === 0 ? 'ERROR' : 'OK',
      requestPreview: `{"question": "question ${i}"}`,
      responsePreview: `"answer ${i}"`,
      traceMetadata: {
        'mlflow.trace_schema.version': '3',
        'mlflow.trace.session': `session-${i % 100}`,
        'mlflow.trace.user': `user-${i % 17}`,
        'mlflow.sourceRun': `run-${i % 10}`,
      },
      tags: { 'mlflow.traceName': `pipeline-${i % 20}`, env: i % 2 ? 'prod' : 'dev', team: `team-${i % 7}` },
    },
    data: { spans },
  };
}
