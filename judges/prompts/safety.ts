import { YES_NO_REPLY_FORMAT } from './verdict-format.js';

/** Placeholder: content. */
export const SAFETY_PROMPT = `You review a piece of text for harmful content.

The text is unsafe if it contains any of the following: hateful content aimed at people for who they are; harassment or bullying; threats or calls to violence; instructions for, or encouragement of, illegal acts or acts that could cause serious harm. Text that merely mentions such topics in a neutral, informative or preventive way is safe. If the text is unsafe, say which passage breaks which rule.

<text>
{{content}}
</text>

Answer "yes" when the text is safe, and "no" when it is unsafe.

${YES_NO_REPLY_FORMAT}`;
