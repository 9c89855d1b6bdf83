// A small OpenAI-compatible server for tests and benchmarks: scripted JSON and SSE replies for /v1/chat/completions,
// /v1/responses, /v1/embeddings and /v1/moderations, scripted errors (status, retry-after), and a log of requests.
// Listens on 127.0.0.1, port 0 by default. Run it in its own process with
// `node --import tsx test/support/openai-server.ts --serve [--port N] [--watch-stdin]`: it prints one JSON line
// `{"url","baseURL"}` and stops on SIGTERM, SIGINT or (with --watch-stdin) when stdin closes.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { pathToFileURL } from 'node:url';

export type Endpoint = 'chat/completions' | 'responses' | 'embeddings' | 'moderations';

export interface LoggedRequest {
  method: string;
  /** The path without the query, e.g. `/v1/chat/completions`. */
  path: string;
  endpoint: Endpoint | undefined;
  headers: Record<string, string | string[] | undefined>;
  /** The parsed JSON body (the raw text when it is not JSON; undefined when empty). */
  body: unknown;
}

export interface ScriptedReply {
  /** 200 by default. */
  status?: number;
  headers?: Record<string, string>;
  /** A JSON body. */
  json?: unknown;
  /**
   * A `text/event-stream` body: a string is sent as `data: <string>` (e.g. `[DONE]`), anything else as
   * `data: <json>`, preceded by `event: <type>` when it has a string `type` (the Responses API's events).
   */
  sse?: unknown[];
  /** Wait this long before the reply (ms). */
  delayMs?: number;
  /** Wait this long between SSE events (ms). */
  eventDelayMs?: number;
  /** Stop after this many SSE events: `hang` keeps the connection open, `destroy` drops it. */
  cut?: { after: number; mode: 'hang' | 'destroy' };
}

export type Reply = ScriptedReply | ((request: LoggedRequest) => ScriptedReply | Promise<ScriptedReply>);

export interface FakeOpenAIOptions {
  port?: number;
  /** Keep a log of requests (default true; the benchmark turns it off). */
  logRequests?: boolean;
}

export class FakeOpenAI {
  readonly requests: LoggedRequest[] = [];
  /** Requests whose client closed the connection before the reply was sent (an aborted request). */
  readonly closedEarly: LoggedRequest[] = [];
  private readonly scripts = new Map<Endpoint, Reply[]>();
  private readonly defaults = new Map<Endpoint, Reply>();
  private readonly sockets = new Set<Socket>();
  private readonly hanging = new Set<ServerResponse>();

  private constructor(
    private readonly server: Server,
    private readonly logRequests: boolean,
  ) {}

  static async start(options: FakeOpenAIOptions = {}): Promise<FakeOpenAI> {
    let fake: FakeOpenAI | undefined;
    const server = createServer((req, res) => {
      void fake?.handle(req, res);
    });
    fake = new FakeOpenAI(server, options.logRequests ?? true);
    server.on('connection', (socket) => {
      fake?.sockets.add(socket);
      socket.on('close', () => fake?.sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
    });
    return fake;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The `baseURL` for `new OpenAI({ baseURL })`. */
  get baseURL(): string {
    return `${this.url}/v1`;
  }

  /** Replies, in order, to the next requests to this endpoint; then the default reply again. */
  script(endpoint: Endpoint, ...replies: Reply[]): this {
    this.scripts.set(endpoint, [...(this.scripts.get(endpoint) ?? []), ...replies]);
    return this;
  }

  /** Replaces the default reply of an endpoint. */
  setDefault(endpoint: Endpoint, reply: Reply): this {
    this.defaults.set(endpoint, reply);
    return this;
  }

  /** Forgets the scripts, the custom defaults and the request log. */
  reset(): void {
    this.scripts.clear();
    this.defaults.clear();
    this.requests.length = 0;
    this.closedEarly.length = 0;
  }

  /** The logged requests to one endpoint. */
  requestsTo(endpoint: Endpoint): LoggedRequest[] {
    return this.requests.filter((r) => r.endpoint === endpoint);
  }

  async close(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const text = Buffer.concat(chunks).toString('utf8');
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      const endpoint = endpointOf(path);
      const request: LoggedRequest = { method: req.method ?? 'GET', path, endpoint, headers: req.headers, body: parseBody(text) };
      if (this.logRequests) {
        this.requests.push(request);
        res.on('close', () => {
          if (!res.writableFinished) this.closedEarly.push(request);
        });
      }
      const reply = endpoint === undefined ? apiError(404, `Unknown path ${path}`, { type: 'invalid_request_error' }) : await this.replyFor(endpoint, request);
      await send(res, reply, this.hanging);
    } catch (error) {
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: String(error), type: 'server_error' } }));
      } else res.destroy();
    }
  }

  private async replyFor(endpoint: Endpoint, request: LoggedRequest): Promise<ScriptedReply> {
    const reply = this.scripts.get(endpoint)?.shift() ?? this.defaults.get(endpoint) ?? DEFAULT_REPLIES[endpoint];
    return typeof reply === 'function' ? reply(request) : reply;
  }
}

function endpointOf(path: string): Endpoint | undefined {
  const trimmed = path.replace(/^\/v1\//, '').replace(/^\//, '').replace(/\/$/, '');
  return (['chat/completions', 'responses', 'embeddings', 'moderations'] as const).find((e) => e === trimmed);
}

function parseBody(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function send(res: ServerResponse, reply: ScriptedReply, hanging: Set<ServerResponse>): Promise<void> {
  if (reply.delayMs) await sleep(reply.delayMs);
  const status = reply.status ?? 200;
  if (reply.sse === undefined) {
    const body = JSON.stringify(reply.json ?? {});
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...reply.headers });
    res.end(body);
    return;
  }
  res.writeHead(status, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', ...reply.headers });
  for (const [i, event] of reply.sse.entries()) {
    if (reply.cut && i >= reply.cut.after) {
      if (reply.cut.mode === 'destroy') {
        // Let the events sent so far reach the client first.
        await new Promise<void>((resolve) => res.write('', () => resolve()));
        await sleep(10);
        res.destroy();
      } else {
        hanging.add(res);
        res.on('close', () => hanging.delete(res));
      }
      return;
    }
    if (reply.eventDelayMs && i > 0) await sleep(reply.eventDelayMs);
    if (res.destroyed) return;
    res.write(formatEvent(event));
  }
  res.end();
}

function formatEvent(event: unknown): string {
  if (typeof event === 'string') return `data: ${event}\n\n`;
  const type = (event as { type?: unknown } | null)?.type;
  return `${typeof type === 'string' ? `event: ${type}\n` : ''}data: ${JSON.stringify(event)}\n\n`;
}

// ---------------------------------------------------------------------------------------------------------------
// Builders for replies in OpenAI's shapes.

export interface Usage {
  prompt: number;
  completion: number;
  /** Cached prompt tokens, reported in the details. */
  cached?: number;
}

export interface ToolCallSpec {
  id?: string;
  name: string;
  arguments: string;
}

export interface ChatReplySpec {
  content?: string | null;
  toolCalls?: ToolCallSpec[];
  model?: string;
  usage?: Usage;
  finishReason?: string;
  id?: string;
}

let counter = 0;
const nextId = (prefix: string): string => `${prefix}-${(counter += 1).toString(36)}`;
const CREATED = 1_700_000_000;

function chatUsage(usage: Usage): Record<string, unknown> {
  return {
    prompt_tokens: usage.prompt,
    completion_tokens: usage.completion,
    total_tokens: usage.prompt + usage.completion,
    ...(usage.cached !== undefined && { prompt_tokens_details: { cached_tokens: usage.cached } }),
  };
}

/** A `chat.completion` object. */
export function chatCompletion(spec: ChatReplySpec = {}): Record<string, unknown> {
  const toolCalls = spec.toolCalls?.map((call, i) => ({
    id: call.id ?? `call_${i}`,
    type: 'function',
    function: { name: call.name, arguments: call.arguments },
  }));
  return {
    id: spec.id ?? nextId('chatcmpl'),
    object: 'chat.completion',
    created: CREATED,
    model: spec.model ?? 'gpt-4o-mini',
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: spec.content === undefined ? (toolCalls ? null : 'Hello!') : spec.content, refusal: null, ...(toolCalls && { tool_calls: toolCalls }) },
        logprobs: null,
        finish_reason: spec.finishReason ?? (toolCalls ? 'tool_calls' : 'stop'),
      },
    ],
    usage: chatUsage(spec.usage ?? { prompt: 10, completion: 5 }),
  };
}

/** Splits text into `pieces` parts of about equal length (at least one). */
export function splitText(text: string, pieces: number): string[] {
  const size = Math.max(1, Math.ceil(text.length / Math.max(1, pieces)));
  const parts: string[] = [];
  for (let i = 0; i < text.length; i += size) parts.push(text.slice(i, i + size));
  return parts.length > 0 ? parts : [''];
}

/**
 * The `chat.completion.chunk` events of a streamed chat completion, then `[DONE]`: role, text deltas, tool-call deltas
 * (id and name first, then the arguments in pieces), the finish reason, and a last chunk with usage and no choices
 * when `usage` is given (what `stream_options.include_usage` produces).
 */
export function chatChunks(spec: ChatReplySpec & { pieces?: number } = {}): unknown[] {
  const id = spec.id ?? nextId('chatcmpl');
  const model = spec.model ?? 'gpt-4o-mini';
  const chunk = (delta: Record<string, unknown>, finishReason: string | null = null): Record<string, unknown> => ({
    id,
    object: 'chat.completion.chunk',
    created: CREATED,
    model,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
  });
  const pieces = spec.pieces ?? 3;
  const events: unknown[] = [chunk({ role: 'assistant', content: '' })];
  if (spec.content) for (const part of splitText(spec.content, pieces)) events.push(chunk({ content: part }));
  for (const [index, call] of (spec.toolCalls ?? []).entries()) {
    events.push(chunk({ tool_calls: [{ index, id: call.id ?? `call_${index}`, type: 'function', function: { name: call.name, arguments: '' } }] }));
    for (const part of splitText(call.arguments, pieces)) events.push(chunk({ tool_calls: [{ index, function: { arguments: part } }] }));
  }
  events.push(chunk({}, spec.finishReason ?? (spec.toolCalls?.length ? 'tool_calls' : 'stop')));
  if (spec.usage) events.push({ id, object: 'chat.completion.chunk', created: CREATED, model, choices: [], usage: chatUsage(spec.usage) });
  events.push('[DONE]');
  return events;
}

export interface ResponseReplySpec {
  text?: string;
  functionCalls?: ToolCallSpec[];
  model?: string;
  usage?: Usage;
  id?: string;
}

function responsesUsage(usage: Usage): Record<string, unknown> {
  return {
    input_tokens: usage.prompt,
    input_tokens_details: { cached_tokens: usage.cached ?? 0 },
    output_tokens: usage.completion,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: usage.prompt + usage.completion,
  };
}

function responseItems(spec: ResponseReplySpec): Record<string, unknown>[] {
  const items: Record<string, unknown>[] = [];
  if (spec.text !== undefined || !spec.functionCalls) {
    items.push({
      id: 'msg_0',
      type: 'message',
      status: 'completed',
      role: 'assistant',
      content: [{ type: 'output_text', text: spec.text ?? 'Hello!', annotations: [] }],
    });
  }
  for (const [i, call] of (spec.functionCalls ?? []).entries()) {
    items.push({ id: `fc_${i}`, type: 'function_call', status: 'completed', call_id: call.id ?? `call_${i}`, name: call.name, arguments: call.arguments });
  }
  return items;
}

/** A Responses API `response` object. */
export function responseObject(spec: ResponseReplySpec = {}, status = 'completed'): Record<string, unknown> {
  return {
    id: spec.id ?? nextId('resp'),
    object: 'response',
    created_at: CREATED,
    status,
    model: spec.model ?? 'gpt-4o-mini',
    output: status === 'completed' ? responseItems(spec) : [],
    parallel_tool_calls: true,
    tool_choice: 'auto',
    tools: [],
    usage: status === 'completed' ? responsesUsage(spec.usage ?? { prompt: 10, completion: 5 }) : null,
  };
}

/** The events of a streamed Responses API call, from `response.created` to `response.completed`. */
export function responseEvents(spec: ResponseReplySpec & { pieces?: number } = {}): unknown[] {
  const final = responseObject(spec);
  const pieces = spec.pieces ?? 3;
  let sequence = 0;
  const event = (type: string, fields: Record<string, unknown>): Record<string, unknown> => ({ type, sequence_number: sequence++, ...fields });
  const events: unknown[] = [
    event('response.created', { response: { ...final, status: 'in_progress', output: [], usage: null } }),
    event('response.in_progress', { response: { ...final, status: 'in_progress', output: [], usage: null } }),
  ];
  for (const [outputIndex, item] of (final.output as Record<string, unknown>[]).entries()) {
    if (item.type === 'message') {
      const text = ((item.content as { text: string }[])[0]?.text ?? '') as string;
      events.push(event('response.output_item.added', { output_index: outputIndex, item: { ...item, status: 'in_progress', content: [] } }));
      events.push(event('response.content_part.added', { item_id: item.id, output_index: outputIndex, content_index: 0, part: { type: 'output_text', text: '', annotations: [] } }));
      for (const delta of splitText(text, pieces)) {
        events.push(event('response.output_text.delta', { item_id: item.id, output_index: outputIndex, content_index: 0, delta }));
      }
      events.push(event('response.output_text.done', { item_id: item.id, output_index: outputIndex, content_index: 0, text }));
      events.push(event('response.content_part.done', { item_id: item.id, output_index: outputIndex, content_index: 0, part: { type: 'output_text', text, annotations: [] } }));
    } else {
      const args = String(item.arguments);
      events.push(event('response.output_item.added', { output_index: outputIndex, item: { ...item, status: 'in_progress', arguments: '' } }));
      for (const delta of splitText(args, pieces)) {
        events.push(event('response.function_call_arguments.delta', { item_id: item.id, output_index: outputIndex, delta }));
      }
      events.push(event('response.function_call_arguments.done', { item_id: item.id, output_index: outputIndex, arguments: args }));
    }
    events.push(event('response.output_item.done', { output_index: outputIndex, item }));
  }
  events.push(event('response.completed', { response: final }));
  return events;
}

/** Deterministic unit-ish vectors for texts (a hash seeds each one). */
export function embeddingFor(text: string, dimensions = 8): number[] {
  let seed = 2166136261;
  for (let i = 0; i < text.length; i += 1) seed = Math.imul(seed ^ text.charCodeAt(i), 16777619) >>> 0;
  return Array.from({ length: dimensions }, (_, i) => {
    seed = Math.imul(seed ^ (i + 1), 2654435761) >>> 0;
    return Math.round(((seed / 0xffffffff) * 2 - 1) * 1e4) / 1e4;
  });
}

function embeddingsReply(request: LoggedRequest): ScriptedReply {
  const body = (request.body ?? {}) as { input?: unknown; model?: string; dimensions?: number; encoding_format?: string };
  const inputs = Array.isArray(body.input) ? body.input : [body.input ?? ''];
  const data = inputs.map((input, index) => {
    const vector = embeddingFor(typeof input === 'string' ? input : JSON.stringify(input), body.dimensions ?? 8);
    const embedding = body.encoding_format === 'base64' ? Buffer.from(new Float32Array(vector).buffer).toString('base64') : vector;
    return { object: 'embedding', index, embedding };
  });
  const tokens = inputs.reduce<number>((sum, input) => sum + String(input).split(/\s+/).filter(Boolean).length, 0);
  return { json: { object: 'list', data, model: body.model ?? 'text-embedding-3-small', usage: { prompt_tokens: tokens, total_tokens: tokens } } };
}

/** Moderation results; an input containing "FLAG" is flagged (category `harassment`). */
function moderationsReply(request: LoggedRequest): ScriptedReply {
  const body = (request.body ?? {}) as { input?: unknown; model?: string };
  const inputs = Array.isArray(body.input) ? body.input : [body.input ?? ''];
  const results = inputs.map((input) => {
    const flagged = JSON.stringify(input).includes('FLAG');
    return { flagged, categories: { harassment: flagged, violence: false }, category_scores: { harassment: flagged ? 0.97 : 0.01, violence: 0.01 } };
  });
  return { json: { id: nextId('modr'), model: body.model ?? 'omni-moderation-latest', results } };
}

/** The text of the last user message (chat) or the input (responses). */
export function lastUserText(body: unknown): string {
  const b = (body ?? {}) as { messages?: { role?: string; content?: unknown }[]; input?: unknown };
  const textOf = (content: unknown): string =>
    typeof content === 'string' ? content : Array.isArray(content) ? content.map((p) => (p as { text?: string }).text ?? '').join('') : '';
  if (Array.isArray(b.messages)) return textOf([...b.messages].reverse().find((m) => m.role === 'user')?.content);
  if (typeof b.input === 'string') return b.input;
  if (Array.isArray(b.input)) return textOf((b.input as { content?: unknown }[]).at(-1)?.content);
  return '';
}

const DEFAULT_REPLIES: Record<Endpoint, Reply> = {
  'chat/completions': (request) => {
    const body = (request.body ?? {}) as { model?: string; stream?: boolean; stream_options?: { include_usage?: boolean } };
    const spec = { model: body.model ?? 'gpt-4o-mini', content: `echo: ${lastUserText(body)}` };
    if (!body.stream) return { json: chatCompletion(spec) };
    return { sse: chatChunks({ ...spec, ...(body.stream_options?.include_usage && { usage: { prompt: 10, completion: 5 } }) }) };
  },
  responses: (request) => {
    const body = (request.body ?? {}) as { model?: string; stream?: boolean };
    const spec = { model: body.model ?? 'gpt-4o-mini', text: `echo: ${lastUserText(body)}` };
    return body.stream ? { sse: responseEvents(spec) } : { json: responseObject(spec) };
  },
  embeddings: embeddingsReply,
  moderations: moderationsReply,
};

/** An error reply in OpenAI's shape, e.g. `apiError(429, 'Slow down', { headers: { 'retry-after-ms': '10' } })`. */
export function apiError(
  status: number,
  message: string,
  options: { type?: string; code?: string | null; param?: string | null; headers?: Record<string, string> } = {},
): ScriptedReply {
  return {
    status,
    headers: { ...options.headers },
    json: { error: { message, type: options.type ?? (status === 429 ? 'rate_limit_exceeded' : 'invalid_request_error'), param: options.param ?? null, code: options.code ?? null } },
  };
}

// `--serve`: run as its own process (the benchmark does).
if (process.argv.includes('--serve') && process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const portArg = process.argv.indexOf('--port');
  const fake = await FakeOpenAI.start({ logRequests: false, port: portArg > 0 ? Number(process.argv[portArg + 1]) : 0 });
  process.stdout.write(`${JSON.stringify({ url: fake.url, baseURL: fake.baseURL })}\n`);
  const stop = (): void => {
    void fake.close().then(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  // With --watch-stdin the server also stops when its parent closes stdin (or dies), so it never outlives a benchmark.
  if (process.argv.includes('--watch-stdin')) {
    process.stdin.on('end', stop);
    process.stdin.resume();
  }
}
