import { wireJsonString } from '../../tracing/json-safe.js';
import { pipeline } from '../../tracing/pipeline.js';
import type { LiveSpan, SpanEventInput } from '../../tracing/live-span.js';
import { SpanAttributeKey } from '../../store/trace-entities.js';
import { recordableError, redact } from './secrets.js';
import type { TokenUsage } from './usage.js';

export interface CallResult {
  outputs?: unknown;
  usage?: TokenUsage | undefined;
  /** An error thrown or rejected by the client: status ERROR and an `exception` event. */
  error?: unknown;
  /** An error the stream reported without throwing (a failed response): status ERROR with this message. */
  errorMessage?: string | undefined;
  event?: SpanEventInput | undefined;
  /** When the call ended, if not now (ns since the epoch). */
  endTimeNs?: bigint | undefined;
}

/** The span of one OpenAI call: ended exactly once, whichever of response, error, stream end or trace end comes first. */
export class OpenAICall {
  private done = false;

  constructor(
    readonly span: LiveSpan,
    private readonly secrets: () => string[],
    /** The outputs are JSON data as the API sent them (see Endpoint.wireJsonResponse). */
    private readonly wireJsonOutputs = false,
  ) {
    // A call still pending when its trace ends (a promise nobody awaited) must not stay open.
    span.closeWithTrace = () => this.end({ event: { name: 'interrupted', attributes: { reason: 'trace_ended' } } });
  }

  get isDone(): boolean {
    return this.done;
  }

  end(result: CallResult): void {
    if (this.done) return;
    this.done = true;
    const span = this.span;
    try {
      span.closeWithTrace = undefined;
      if (result.outputs !== undefined) {
        if (this.wireJsonOutputs) span.setJsonAttribute(SpanAttributeKey.OUTPUTS, wireJsonString(result.outputs));
        else span.setOutputs(result.outputs);
      }
      // Counts only (normaliseUsage made it): plain JSON.
      if (result.usage) span.setJsonAttribute(SpanAttributeKey.CHAT_TOKEN_USAGE, JSON.stringify(result.usage));
      if (result.event) span.addEvent(result.event);
      if (result.error !== undefined) span.recordException(recordableError(result.error, this.secrets()));
      else if (result.errorMessage !== undefined) span.setStatus('STATUS_CODE_ERROR', redact(result.errorMessage, this.secrets()));
    } catch (failure) {
      pipeline.warnOnce('openai:record', 'Tracing failed to record an OpenAI call', failure);
    }
    try {
      span.end(result.endTimeNs === undefined ? {} : { endTimeNs: result.endTimeNs });
    } catch (failure) {
      pipeline.warnOnce('openai:end', 'Tracing failed to end an OpenAI span', failure);
    }
  }
}
