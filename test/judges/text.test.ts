import { describe, expect, it } from 'vitest';
import { inputsToText, outputsToText } from '../../judges/text.js';
import { parseReplyObject, stripFence } from '../../judges/reply.js';
import { normaliseYesNo } from '../../judges/yes-no.js';
import { parseScore } from '../../judges/legacy/parse-score.js';

describe('values in prompts', () => {
  it('writes inputs as the spec says', () => {
    expect(inputsToText(null)).toBe(' ');
    expect(inputsToText('plain')).toBe('plain');
    expect(inputsToText({ messages: [{ role: 'user', content: 'only one' }] })).toBe('only one');
    const chat = { messages: [{ role: 'system', content: 'be nice' }, { role: 'user', content: 'hi' }] };
    expect(inputsToText(chat)).toBe(JSON.stringify(chat.messages));
    expect(inputsToText({ question: 'q', n: 1 })).toBe('{"question":"q","n":1}');
  });

  it('writes outputs as the spec says', () => {
    expect(outputsToText(undefined)).toBe(' ');
    expect(outputsToText('text')).toBe('text');
    expect(outputsToText(['first', 'second'])).toBe('first');
    expect(outputsToText({ choices: [{ message: { content: 'from a completion' } }] })).toBe('from a completion');
    expect(outputsToText({ messages: [{ content: 'a' }, { content: 'last' }] })).toBe('last');
    expect(outputsToText({ answer: 42 })).toBe('{"answer":42}');
  });
});

describe('reading replies', () => {
  it('drops a code fence and what follows it', () => {
    expect(stripFence('```json\n{"a":1}\n```\ntrailing')).toBe('{"a":1}');
    expect(stripFence('  {"a":1}  ')).toBe('{"a":1}');
  });

  it('throws the spec messages for unreadable replies and error keys', () => {
    expect(() => parseReplyObject('nope')).toThrow('Failed to parse response from judge model. Response: nope');
    expect(() => parseReplyObject('{"error": {"code": 1}}')).toThrow('Judge evaluation failed with error: {"code":1}');
  });

  it('normalises yes/no synonyms', () => {
    expect(['yes', 'True', 'PASS', 'correct', '1', 'ok', true, 1].map(normaliseYesNo)).toEqual(Array(8).fill('yes'));
    expect(['No.', 'false', 'fail', '0', 'none', false, 0].map(normaliseYesNo)).toEqual(Array(7).fill('no'));
    expect(['maybe', '', 2, null].map(normaliseYesNo)).toEqual(Array(4).fill('unknown'));
  });

  it('reads legacy scores from two lines or JSON, in any case', () => {
    expect(parseScore('score: 4\njustification: Good\nand long.')).toEqual({ score: 4, justification: 'Good\nand long.' });
    expect(parseScore('**Score:** 2\n**Justification:** Weak.')).toEqual({ score: 2, justification: 'Weak.' });
    expect(parseScore('{"SCORE": 5, "Justification": "Great"}')).toEqual({ score: 5, justification: 'Great' });
    expect(() => parseScore('{"score": 4.5, "justification": "x"}')).toThrow(/Failed to extract score and justification/);
  });
});
