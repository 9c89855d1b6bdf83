import { createRequire } from 'node:module';
import { Completions } from 'openai/resources/chat/completions/completions';
import { Embeddings } from 'openai/resources/embeddings';
import { Responses } from 'openai/resources/responses/responses';
import { TRACED_METHODS, type Endpoint } from './endpoints.js';
import { traceOpenAICall, type ClientMethod } from './trace-call.js';

export interface AutologOpenAIOptions {
  /** Undo `autolog.openai()`: the methods are restored. */
  disable?: boolean;
}

/**
 * The traced resource classes, by their path on the client. These imports are the ES module build, the one
 * `import OpenAI from "openai"` loads: a `require()` of it (even of the .mjs files) can give another copy under
 * loaders such as tsx.
 */
const CLASSES: { path: string; esm: unknown; commonJsModule: string; className: string }[] = [
  { path: 'chat.completions', esm: Completions, commonJsModule: 'openai/resources/chat/completions/completions', className: 'Completions' },
  { path: 'responses', esm: Responses, commonJsModule: 'openai/resources/responses/responses', className: 'Responses' },
  { path: 'embeddings', esm: Embeddings, commonJsModule: 'openai/resources/embeddings', className: 'Embeddings' },
];

interface Patch {
  prototype: Record<string, unknown>;
  method: string;
  original: unknown;
  patched: unknown;
  active: boolean;
}

const patches: Patch[] = [];
const require = createRequire(import.meta.url);

/**
 * Traces every client of the installed `openai` package by patching the prototypes of its resource classes
 * (`chat.completions`, `responses`, `embeddings`), from the moment it returns; `{ disable: true }` restores them.
 * The ES module build is patched, and the CommonJS build too when something has loaded it.
 */
export function autologOpenAI(options: AutologOpenAIOptions = {}): void {
  if (options.disable) {
    unpatchAll();
    return;
  }
  for (const { path, esm, commonJsModule, className } of CLASSES) {
    const methods = TRACED_METHODS[path] ?? {};
    patchClass(esm, methods);
    // CommonJS: only when someone loaded it; loading it here would only cost time.
    try {
      const loaded = require.cache[require.resolve(commonJsModule)];
      if (loaded) patchClass((loaded.exports as Record<string, unknown>)[className], methods);
    } catch {
      // No CommonJS build to patch.
    }
  }
}

/** True while `autolog.openai()` patches are in place. */
export function isOpenAIAutologged(): boolean {
  return patches.length > 0;
}

function patchClass(cls: unknown, methods: Readonly<Record<string, Endpoint>>): void {
  if (typeof cls !== 'function') return;
  const prototype = (cls as { prototype: Record<string, unknown> }).prototype;
  for (const [method, endpoint] of Object.entries(methods)) {
    const original = prototype[method];
    if (typeof original !== 'function' || patches.some((p) => p.prototype === prototype && p.method === method)) continue;
    const patch: Patch = { prototype, method, original, patched: undefined, active: true };
    const patched = function (this: unknown, ...args: unknown[]): unknown {
      if (!patch.active) return (original as ClientMethod).apply(this, args);
      return traceOpenAICall(endpoint, original as ClientMethod, this, args);
    };
    Object.defineProperty(patched, 'name', { value: original.name, configurable: true });
    patch.patched = patched;
    prototype[method] = patched;
    patches.push(patch);
  }
}

function unpatchAll(): void {
  for (const patch of patches.splice(0).reverse()) {
    patch.active = false;
    // Someone patched over ours: their function still calls ours, which now only passes the call through.
    if (patch.prototype[patch.method] === patch.patched) patch.prototype[patch.method] = patch.original;
  }
}
