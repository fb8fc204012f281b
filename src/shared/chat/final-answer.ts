import * as z from 'zod';

export interface FinalAnswer {
  readonly intent: string;
  readonly answerMd: string;
}

const structured = z.object({ intent: z.string().min(1).max(64), answer_md: z.string() });
const FENCED = /^```(?:json)?\s*([\s\S]*?)\s*```$/;

/**
 * Reads the model's final content. JSON with `intent` and `answer_md` (optionally in a ```json fence) is
 * used as such; anything else, including no content at all, is a Markdown answer.
 */
export function parseFinalAnswer(content: string | null): FinalAnswer {
  const text = (content ?? '').trim();
  const candidate = FENCED.exec(text)?.[1] ?? text;
  if (candidate.startsWith('{')) {
    try {
      const parsed = structured.safeParse(JSON.parse(candidate));
      if (parsed.success) return { intent: parsed.data.intent, answerMd: parsed.data.answer_md };
    } catch {
      // not JSON after all: a Markdown answer that starts with a brace
    }
  }
  return { intent: 'answer', answerMd: content ?? '' };
}
