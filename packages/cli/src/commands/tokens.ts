import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { invalidInput } from '@costwise/core';
import type { CliIo } from '../io.js';

export interface TokensFlags {
  readonly model?: string;
  readonly tokenizer?: string;
  readonly json?: boolean;
}

export interface TokenCount {
  readonly tokens: number;
  readonly characters: number;
  readonly exact: boolean;
  readonly method: string;
}

const ENCODINGS = [
  'gpt2',
  'p50k_base',
  'r50k_base',
  'p50k_edit',
  'cl100k_base',
  'o200k_base',
  'o200k_harmony',
] as const;
type Encoding = (typeof ENCODINGS)[number];

/**
 * The OpenAI encoding of a model: gpt-tokenizer's own model map, and for OpenAI models it does not
 * list its documented default for new models (o200k_base); undefined when the model is not OpenAI's.
 */
async function openAiEncoding(model: string): Promise<Encoding | undefined> {
  const id = model.replace(/^openai:/, '');
  if ((ENCODINGS as readonly string[]).includes(id)) return id as Encoding;
  const mapping = (await import('gpt-tokenizer/mapping')) as {
    modelToEncodingMap: Record<string, Encoding | undefined>;
    DEFAULT_ENCODING: Encoding;
  };
  const mapped = mapping.modelToEncodingMap[id];
  if (mapped) return mapped;
  const isOpenAi = model.startsWith('openai:') || /^(gpt-|chatgpt-|o\d)/.test(id);
  return isOpenAi ? mapping.DEFAULT_ENCODING : undefined;
}

/** The part of @huggingface/tokenizers Costwise uses (its bundled type declarations do not resolve under NodeNext). */
interface HfTokenizer {
  encode(text: string, options?: { add_special_tokens?: boolean }): { ids: readonly number[] };
}
type HfTokenizerClass = new (tokenizer: object, config: object) => HfTokenizer;

async function readInput(path: string, io: CliIo, stdin: () => Promise<string>): Promise<string> {
  if (path === '-') return stdin();
  return readFile(resolve(io.cwd, path), 'utf8').catch(() => {
    throw invalidInput('<file>', `${path}: file not found or not readable`);
  });
}

/**
 * Counts tokens exactly where the tokenizer is at hand: gpt-tokenizer for OpenAI encodings (a model id
 * it maps, or an encoding name), @huggingface/tokenizers for a local tokenizer.json (with
 * tokenizer_config.json beside it when present). Any other model gets an estimate that says so.
 */
export async function countTokens(text: string, f: TokensFlags, io: CliIo): Promise<TokenCount> {
  const characters = Array.from(text).length;
  if (f.tokenizer !== undefined) {
    const path = resolve(io.cwd, f.tokenizer);
    const json = await readFile(path, 'utf8').catch(() => {
      throw invalidInput('--tokenizer', `${f.tokenizer ?? ''}: file not found or not readable`);
    });
    const config = await readFile(join(dirname(path), 'tokenizer_config.json'), 'utf8').catch(() => '{}');
    let tokenizerJson: unknown;
    try {
      tokenizerJson = JSON.parse(json);
    } catch (error) {
      throw invalidInput('--tokenizer', `is not valid JSON (${(error as Error).message})`);
    }
    const { Tokenizer } = (await import('@huggingface/tokenizers')) as unknown as {
      Tokenizer: HfTokenizerClass;
    };
    let ids: readonly number[];
    try {
      ids = new Tokenizer(tokenizerJson as object, JSON.parse(config) as object).encode(text, {
        add_special_tokens: false,
      }).ids;
    } catch (error) {
      throw invalidInput(
        '--tokenizer',
        `could not be loaded by @huggingface/tokenizers (${(error as Error).message})`,
      );
    }
    return { tokens: ids.length, characters, exact: true, method: `@huggingface/tokenizers ${f.tokenizer}` };
  }
  const model = f.model ?? 'gpt-4o';
  const encoding = await openAiEncoding(model);
  if (encoding) {
    const mod = (await import(`gpt-tokenizer/encoding/${encoding}`)) as {
      countTokens: (t: string) => number;
    };
    return { tokens: mod.countTokens(text), characters, exact: true, method: `gpt-tokenizer ${encoding}` };
  }
  const proxy = (await import('gpt-tokenizer/encoding/o200k_base')) as { countTokens: (t: string) => number };
  return {
    tokens: proxy.countTokens(text),
    characters,
    exact: false,
    method: `estimate: ${model} has no tokenizer here, counted with OpenAI's o200k_base (give --tokenizer tokenizer.json for an exact count)`,
  };
}

/** `costwise tokens <file|-> [--model M | --tokenizer tokenizer.json]`. */
export async function tokensCommand(
  path: string,
  f: TokensFlags,
  io: CliIo,
  stdin: () => Promise<string>,
): Promise<number> {
  const text = await readInput(path, io, stdin);
  const r = await countTokens(text, f, io);
  io.stdout(
    f.json
      ? `${JSON.stringify(r, null, 2)}\n`
      : `${r.tokens.toLocaleString('en-US')} tokens${r.exact ? '' : ' (estimate)'} — ${r.method}\n`,
  );
  if (!r.exact) io.stderr(`warning: ${r.method}\n`);
  return 0;
}
