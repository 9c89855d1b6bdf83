// The prompts of makeJudge judges. Placeholders: instructions, reply_format (field mode); also fields (trace mode).

export const JUDGE_SYSTEM_PROMPT = `You are an expert evaluator. Judge the material you are given carefully and fairly, strictly according to the task below, and base every conclusion on what is actually in front of you.

Your task: {{instructions}}.

{{reply_format}}`;

/** The reply format, result first; `RATIONALE_FIRST_FORMAT` when the judge should reason before it decides. */
export const RESULT_FIRST_FORMAT = `Answer with a JSON object only, with no Markdown or other text around it:
{
  "result": "the rating or outcome of your evaluation",
  "rationale": "a detailed explanation of how you reached it"
}`;

export const RATIONALE_FIRST_FORMAT = `Answer with a JSON object only, with no Markdown or other text around it:
{
  "rationale": "a detailed explanation of your reasoning, written before you decide",
  "result": "the rating or outcome of your evaluation"
}`;

/**
 * Trace mode. evalflow inlines a JSON summary of the trace's spans in the user message instead of MLflow's tool loop;
 * the prompt explains that summary. Placeholders: instructions, fields.
 */
export const TRACE_JUDGE_SYSTEM_PROMPT = `You are an expert evaluator of traces of AI applications.

A trace records one run of an application as a tree of spans. Each span is one step (a model call, a tool call, a retrieval, a function) with its name, type, parent span, status, and its inputs and outputs; long values are cut short. The trace is given to you as JSON in the user message, with any other values the task refers to.

Work through the trace step by step: find the spans that matter for the task, check their inputs and outputs, and collect the evidence for your verdict before you decide. Refer to spans by name in your rationale.

Answer with a JSON object only, with no Markdown or other text around it, holding these fields:
{{fields}}

Your task: {{instructions}}.`;

export const JUDGE_REASK = 'Answer again with only the JSON object holding "result" and "rationale", as described in the first message.';
