import { z } from 'zod';
import { invalidInput } from '../errors.js';

/**
 * One labelled prompt, the format of ../shared/data/routing/train.jsonl (RouteLLM's MMLU/GSM8K responses):
 * whether the weak and the strong model answered it correctly. Extra fields are kept out of the way.
 */
export const LabelledPromptSchema = z.object({
  id: z.union([z.string().min(1), z.number()]).transform(String),
  prompt: z.string(),
  weak_correct: z.boolean(),
  strong_correct: z.boolean(),
  benchmark: z.string().optional(),
  /** Prompts of one kind (MMLU's subject, say); trains the router's subject head (see RouterTrainingOptions). */
  subject: z.string().optional(),
  /** Token counts, when known, price each routing decision; otherwise the caller estimates them. */
  input_tokens: z.number().int().nonnegative().optional(),
  output_tokens: z.number().int().nonnegative().optional(),
});
export type LabelledPrompt = z.output<typeof LabelledPromptSchema>;

export const PromptLineSchema = z.object({
  id: z.union([z.string().min(1), z.number()]).transform(String),
  prompt: z.string(),
});
export type PromptLine = z.output<typeof PromptLineSchema>;

function parseLines<T>(text: string, schema: z.ZodType<T>, what: string, fix: string): T[] {
  const out: T[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] ?? '').trim();
    if (line === '') continue;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      throw invalidInput(`line ${i + 1}`, `is not JSON; each line must be one ${what} object (${fix})`);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = issue?.path.join('.') || 'line';
      throw invalidInput(`line ${i + 1}.${field}`, `${issue?.message ?? 'invalid'} (${fix})`);
    }
    out.push(parsed.data);
  }
  if (out.length === 0) throw invalidInput('input', `holds no ${what} lines (${fix})`);
  return out;
}

/** Parses labelled JSONL; errors name the line and field. */
export function parseLabelledJsonl(text: string): LabelledPrompt[] {
  return parseLines(
    text,
    LabelledPromptSchema,
    'labelled prompt',
    'expected {"id", "prompt", "weak_correct": bool, "strong_correct": bool}',
  );
}

/** Parses prompt JSONL (`{id, prompt}` per line); errors name the line and field. */
export function parsePromptJsonl(text: string): PromptLine[] {
  return parseLines(text, PromptLineSchema, 'prompt', 'expected {"id": "…", "prompt": "…"}');
}
