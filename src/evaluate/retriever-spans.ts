import type { LiveSpan } from '../tracing/live-span.js';
import { pipeline } from '../tracing/pipeline.js';
import { SpanType } from '../tracing/span-type.js';

/** Collects, per row, the documents of the RETRIEVER spans in the traces a row's model call produces. */
export interface RetrieverSpanCapture {
  /** Runs one row's call so that the traces it finishes pass through the capture (after the user's span processors). */
  wrapCall(index: number, call: () => unknown): unknown;
  /** Per row: the documents of its RETRIEVER spans in start order, or null when it had none. */
  documents(): (unknown[] | null)[];
}

/**
 * For a traced retriever model (a `trace()`d function, or one that calls traced retrievers): a span processor scoped
 * to each row's call sees the spans of every trace that call finishes and keeps the outputs of the RETRIEVER spans
 * that are lists. Nothing is read from the store, so it works with any trace destination. A call made inside an
 * outer span the user opened finishes no trace of its own, and so gives no documents.
 */
export function captureRetrieverSpans(rowCount: number): RetrieverSpanCapture {
  const found: ({ start: bigint; docs: unknown[] }[] | undefined)[] = new Array(rowCount);
  return {
    wrapCall(index, call) {
      const capture = (span: LiveSpan): void => {
        if (span.spanType !== SpanType.RETRIEVER) return;
        const outputs = span.outputs;
        if (Array.isArray(outputs)) (found[index] ??= []).push({ start: span.startTimeNs, docs: outputs });
      };
      return pipeline.withProcessors([...pipeline.processors, capture], call);
    },
    documents() {
      return Array.from(found, (spans) =>
        spans ? spans.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0)).flatMap((s) => s.docs) : null,
      );
    },
  };
}
