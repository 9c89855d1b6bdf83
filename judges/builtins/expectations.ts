import { EvalflowError } from '../../src/core/errors.js';
import { valueText } from '../text.js';
import { bulletList } from './common.js';

/** `expected_response` and `expected_facts` of a row, checked. */
export interface ExpectedAnswer {
  response?: string;
  facts?: string[];
}

export function expectedAnswer(expectations: Record<string, unknown> | undefined, judgeName: string): ExpectedAnswer {
  const response = expectations?.expected_response;
  const facts = expectations?.expected_facts;
  const answer: ExpectedAnswer = {};
  if (response !== undefined && response !== null) answer.response = valueText(response);
  if (facts !== undefined && facts !== null) {
    const list = typeof facts === 'string' ? [facts] : facts;
    if (!Array.isArray(list) || list.length === 0) {
      throw EvalflowError.invalid(`${judgeName}: expectations.expected_facts must be a non-empty list of strings.`);
    }
    answer.facts = list.map((fact) => valueText(fact));
  }
  if (answer.response === undefined && answer.facts === undefined) {
    throw EvalflowError.invalid(
      `${judgeName} needs the expected answer: give each row expectations.expected_response or expectations.expected_facts ` +
        '(or log them as expectations on the trace).',
    );
  }
  return answer;
}

/** The expected answer as prompt text: the response, the facts as a bullet list, or both. */
export function expectedText(answer: ExpectedAnswer): string {
  return [answer.response, answer.facts && bulletList(answer.facts)].filter((part): part is string => part !== undefined).join('\n');
}
