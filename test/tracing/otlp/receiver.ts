import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One OTLP/HTTP JSON request as the receiver got it. */
export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  json: OtlpJsonRequest;
}

// The OTLP JSON shape (ExportTraceServiceRequest), as far as the tests read it.
export interface OtlpAnyValue {
  stringValue?: string;
  intValue?: number | string;
  doubleValue?: number;
  boolValue?: boolean;
  arrayValue?: { values: OtlpAnyValue[] };
}
export interface OtlpKeyValue {
  key: string;
  value: OtlpAnyValue;
}
export interface OtlpJsonSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: OtlpKeyValue[];
  events: { name: string; timeUnixNano: string; attributes: OtlpKeyValue[] }[];
  links: unknown[];
  status: { code: number; message?: string };
}
export interface OtlpJsonRequest {
  resourceSpans: {
    resource: { attributes: OtlpKeyValue[] };
    scopeSpans: { scope: { name: string; version?: string }; spans: OtlpJsonSpan[] }[];
  }[];
}

/** A local OTLP/HTTP receiver on 127.0.0.1 that records requests and answers with `status` (200 by default). */
export class OtlpReceiver {
  readonly requests: ReceivedRequest[] = [];
  status = 200;
  private server: Server | undefined;
  private port = 0;

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        let json: OtlpJsonRequest = { resourceSpans: [] };
        try {
          json = JSON.parse(body) as OtlpJsonRequest;
        } catch {
          // Recorded with the raw body; the test fails on its content.
        }
        this.requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body, json });
        res.statusCode = this.status;
        res.setHeader('Content-Type', 'application/json');
        res.end(this.status === 200 ? '{}' : '{"code":13,"message":"receiver failure"}');
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get tracesUrl(): string {
    return `${this.url}/v1/traces`;
  }

  reset(): void {
    this.requests.length = 0;
    this.status = 200;
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Every span of every request, in arrival order. */
  spans(): OtlpJsonSpan[] {
    return this.requests.flatMap((r) => r.json.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans)));
  }
}

/** The value of one attribute in an OTLP key-value list, unpacked (undefined when absent). */
export function attr(attributes: readonly OtlpKeyValue[] | undefined, key: string): unknown {
  const found = attributes?.find((a) => a.key === key);
  if (!found) return undefined;
  const v = found.value;
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.intValue !== undefined) return Number(v.intValue);
  if (v.doubleValue !== undefined) return v.doubleValue;
  if (v.boolValue !== undefined) return v.boolValue;
  if (v.arrayValue !== undefined) return v.arrayValue.values.map((x) => x.stringValue ?? x.intValue ?? x.doubleValue ?? x.boolValue);
  return v;
}

export function spanByName(spans: readonly OtlpJsonSpan[], name: string): OtlpJsonSpan {
  const span = spans.find((s) => s.name === name);
  if (!span) throw new Error(`no span named ${name} among ${spans.map((s) => s.name).join(', ')}`);
  return span;
}
