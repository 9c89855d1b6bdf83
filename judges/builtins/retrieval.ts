import { EvalflowError } from '../../src/core/errors.js';
import { jsonText } from '../text.js';
import { retrievalContexts, type RetrievalContext, type RetrievedChunk } from '../trace-fields.js';
import type { ScorerInput } from '../types.js';

/** The top-level retriever spans of the row's trace, or an error saying what the judge needs. */
export function requireRetrieval(input: ScorerInput, judgeName: string): RetrievalContext[] {
  if (!input.trace) {
    throw EvalflowError.invalid(`${judgeName} needs the row's trace, with the retrieved documents in RETRIEVER spans.`);
  }
  const contexts = retrievalContexts(input.trace);
  if (contexts.length === 0) {
    throw EvalflowError.invalid(`${judgeName}: the trace ${input.trace.info.traceId} has no RETRIEVER span, so there are no retrieved documents to judge.`);
  }
  return contexts;
}

/** Retrieved documents as prompt text. */
export function chunksText(chunks: readonly RetrievedChunk[]): string {
  return jsonText(chunks, 2);
}
