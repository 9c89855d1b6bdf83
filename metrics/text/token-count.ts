import type { Tiktoken } from 'js-tiktoken/lite';

let encoder: Promise<Tiktoken> | undefined;

/**
 * The cl100k_base encoder, made on first use and kept (its ranks are a 1 MB module, so it is only loaded by the
 * evaluations that count tokens).
 */
function cl100k(): Promise<Tiktoken> {
  encoder ??= Promise.all([import('js-tiktoken/lite'), import('js-tiktoken/ranks/cl100k_base')]).then(
    ([{ Tiktoken: Encoder }, ranks]) => new Encoder(ranks.default),
  );
  return encoder;
}

/**
 * MLflow's `token_count`: the number of tiktoken `cl100k_base` tokens of each value, or null for a value that is not
 * a string. Special-token text such as "<|endoftext|>" is counted as ordinary text.
 */
export async function tokenCounts(values: readonly unknown[]): Promise<(number | null)[]> {
  const enc = await cl100k();
  return values.map((value) => (typeof value === 'string' ? enc.encode(value, [], []).length : null));
}

/** The cl100k_base token count of one text. */
export async function tokenCount(text: string): Promise<number> {
  return (await cl100k()).encode(text, [], []).length;
}
