import { autologOpenAI } from './autolog.js';

export { tracedOpenAI } from './traced-client.js';
export { autologOpenAI, isOpenAIAutologged, type AutologOpenAIOptions } from './autolog.js';
export type { TokenUsage } from './usage.js';

/** Automatic tracing of LLM client libraries: `autolog.openai()`, `autolog.openai({ disable: true })`. */
export const autolog = { openai: autologOpenAI };
