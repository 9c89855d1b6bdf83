// The pieces every page is built from: escaping, chat messages, override chains, self-contained plot specs.
import { describe, expect, it } from 'vitest';
import { checkSelfContained } from '../../src/ui/charts.js';
import { escapeHtml, href, html } from '../../src/ui/html.js';
import { assessmentChains } from '../../src/ui/pages/assessments.js';
import { conversationOf } from '../../src/ui/pages/conversation.js';
import type { AssessmentRecord } from '../../src/index.js';

describe('html', () => {
  it('escapes every interpolated value, keeps nested html and drops null, undefined and false', () => {
    const name = '<img src=x onerror="alert(1)">';
    expect(html`<td title="${name}">${name}</td>`.value).toBe(
      '<td title="&lt;img src=x onerror=&quot;alert(1)&quot;&gt;">&lt;img src=x onerror=&quot;alert(1)&quot;&gt;</td>',
    );
    expect(html`<ul>${['a&b', "it's"].map((item) => html`<li>${item}</li>`)}</ul>`.value).toBe('<ul><li>a&amp;b</li><li>it&#39;s</li></ul>');
    expect(html`${null}${undefined}${false}${0}`.value).toBe('0');
    expect(escapeHtml('"\'<>&')).toBe('&quot;&#39;&lt;&gt;&amp;');
  });

  it('builds links with encoded query values', () => {
    expect(href('/traces', { filter: "trace.name = 'a&b'", runId: undefined, runs: ['1', '2'] })).toBe(
      '/traces?filter=trace.name+%3D+%27a%26b%27&runs=1&runs=2',
    );
  });
});

describe('conversationOf', () => {
  it('reads Chat Completions messages and choices', () => {
    const inputs = { model: 'm', messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: [{ type: 'text', text: 'Hi' }] }] };
    const outputs = { choices: [{ message: { role: 'assistant', content: null, tool_calls: [{ id: 't1', function: { name: 'f' } }] } }] };
    expect(conversationOf(inputs, outputs)).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Hi' },
      { role: 'assistant', content: '', extra: [{ id: 't1', function: { name: 'f' } }] },
    ]);
  });

  it('reads the Responses API: instructions, input text and output_text', () => {
    expect(conversationOf({ instructions: 'Be brief.', input: 'Hi' }, { output_text: 'Hello' }, true)).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Hi' },
      { role: 'assistant', content: 'Hello' },
    ]);
  });

  it('is null for spans that hold no chat', () => {
    expect(conversationOf({ question: 'Hi' }, 'Hello')).toBeNull();
    // A function with a parameter named `input` is not a Responses API call.
    expect(conversationOf({ input: 'Hi' }, 'echo: Hi')).toBeNull();
    expect(conversationOf({ messages: [{ text: 'no role' }] }, null)).toBeNull();
  });
});

describe('assessmentChains', () => {
  const record = (id: string, createTimeMs: number, overrides: string | null, valid: boolean): AssessmentRecord => ({
    assessmentId: id,
    traceId: 'tr-1',
    spanId: null,
    name: 'correctness',
    source: { sourceType: 'HUMAN', sourceId: 'a' },
    createTimeMs,
    lastUpdateTimeMs: createTimeMs,
    kind: 'feedback',
    value: id,
    error: null,
    rationale: null,
    metadata: {},
    overrides,
    valid,
  });

  it('puts each override after the feedback it replaced, in order, whatever order they come in', () => {
    const chains = assessmentChains([record('c', 3, 'b', true), record('a', 1, null, false), record('x', 2, null, true), record('b', 2, 'a', false)]);
    expect(chains.map((chain) => chain.map((a) => a.assessmentId))).toEqual([['a', 'b', 'c'], ['x']]);
  });

  it('shows an override whose original is gone on its own', () => {
    expect(assessmentChains([record('b', 2, 'deleted', true)]).map((chain) => chain.map((a) => a.assessmentId))).toEqual([['b']]);
  });
});

describe('checkSelfContained', () => {
  it('accepts inline data and refuses urls anywhere in the spec', () => {
    expect(() => checkSelfContained({ data: { values: [{ a: 1 }] }, mark: 'point' })).not.toThrow();
    expect(() => checkSelfContained({ layer: [{ data: { url: 'http://example.com/x.csv' } }] })).toThrow(/spec\.layer\[0\]\.data\.url/);
    expect(() => checkSelfContained({ mark: 'image', encoding: { url: { value: '/etc/passwd' } } })).toThrow(/outside data/);
    expect(() => checkSelfContained(null)).toThrow(/Vega-Lite JSON object/);
  });
});
