import { YES_NO_REPLY_FORMAT } from './verdict-format.js';

/** Placeholders: question, claim, document, facts_note. */
export const CORRECTNESS_PROMPT = `You check whether a claim is backed by a document.

You are given a question, a claim and a document. Decide whether every statement in the claim is supported by the document. Judge support only: do not grade whether the document is true, complete or well written. Use only what the document says, never your own knowledge. If a statement in the claim is missing from the document or contradicted by it, say which one in your rationale.{{facts_note}}

<question>
{{question}}
</question>

<claim>
{{claim}}
</claim>

<document>
{{document}}
</document>

Answer "yes" when the document supports every statement of the claim, and "no" otherwise.

${YES_NO_REPLY_FORMAT}`;

/** Added to the instructions when the claim is a list of expected facts. */
export const CORRECTNESS_FACTS_NOTE =
  ' The claim is a list of facts; end your rationale with "The response is correct" when all of them are supported, or "The response is not correct" when any is not.';
