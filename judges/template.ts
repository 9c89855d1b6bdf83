const VARIABLE = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

/** The variables of a `{{ name }}` template, in order of first appearance. */
export function templateVariables(template: string): string[] {
  return [...new Set(Array.from(template.matchAll(VARIABLE), (match) => match[1] as string))];
}

/** Fills `{{ name }}` placeholders (whitespace allowed inside the braces); unknown names stay as written. */
export function renderTemplate(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(VARIABLE, (whole, name: string) => (Object.hasOwn(values, name) ? (values[name] as string) : whole));
}
