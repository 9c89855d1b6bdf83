/**
 * What must never reach a span: the client's API key and the bearer token of an `Authorization` default header.
 * They are only looked up when an error is recorded (error messages are the one place a server may echo them).
 */
export function secretsOf(resource: unknown): string[] {
  const secrets: string[] = [];
  try {
    const client = ((resource as { _client?: unknown } | null)?._client ?? resource) as {
      apiKey?: unknown;
      _options?: { defaultHeaders?: Record<string, unknown> };
    } | null;
    if (typeof client?.apiKey === 'string') secrets.push(client.apiKey);
    const headers = client?._options?.defaultHeaders ?? {};
    for (const [name, value] of Object.entries(headers)) {
      if (name.toLowerCase() === 'authorization' && typeof value === 'string') secrets.push(value.replace(/^Bearer\s+/i, ''));
    }
  } catch {
    // An unusual client: nothing to look up.
  }
  // Very short keys ("test") would turn ordinary words into "[REDACTED]"; real keys are long.
  return secrets.filter((s) => s.length >= 8);
}

export function redact(text: string, secrets: string[]): string {
  let result = text;
  for (const secret of secrets) result = result.split(secret).join('[REDACTED]');
  return result;
}

/**
 * The error as it is recorded: the class name as its type (OpenAI's errors keep `name` "Error"), the message and the
 * stack with any secret replaced. The error the user gets is the original, unchanged.
 */
export function recordableError(error: unknown, secrets: string[]): Error {
  const original = error instanceof Error ? error : new Error(String(error));
  const className = original.constructor?.name;
  const name = original.name && original.name !== 'Error' ? original.name : className || 'Error';
  const message = redact(original.message, secrets);
  const stack = original.stack === undefined ? undefined : redact(original.stack, secrets);
  if (name === original.name && message === original.message && stack === original.stack) return original;
  const copy = new Error(message);
  copy.name = name;
  copy.stack = stack ?? '';
  return copy;
}
