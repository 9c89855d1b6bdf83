// Prompt text is data: the judges fill the {{ placeholders }}. Written for evalflow from the behaviour in spec §7.

/** The closing block of every built-in yes/no judge prompt. */
export const YES_NO_REPLY_FORMAT = `Reply with one raw JSON object and nothing else: no Markdown, no code fence, no text before or after it.
{"rationale": "<your reasoning, beginning with \\"Let's think step by step\\" and naming any part that falls short>", "result": "<yes or no>"}`;

/** Said when a yes/no judge's reply could not be read and it is asked once more. */
export const YES_NO_REASK = 'Answer again with only the JSON object {"rationale": "...", "result": "yes" or "no"}.';
