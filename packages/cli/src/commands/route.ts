import { createHash } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { basename, relative, resolve } from 'node:path';
import {
  chooseThreshold,
  CostwiseError,
  crossValidateRouter,
  defaultRouterModel,
  evaluateRouter,
  fitRouter,
  invalidInput,
  loadRouterModel,
  parseLabelledJsonl,
  parsePromptJsonl,
  requestCost,
  resolvePrice,
  ROUTER_TRAINING_DEFAULTS,
  scorePrompt,
  type RouterEvaluation,
  type RouterModel,
  type ThresholdTarget,
} from '@costwise/core';
import type { CliIo } from '../io.js';
import { parseNonNegative, parsePositiveInt } from '../options.js';
import { parseModelRef } from './cost.js';

/** The models behind data/routing/train.jsonl (RouteLLM): Mixtral-8x7B-Instruct and GPT-4 Turbo (1106). */
const DEFAULT_WEAK = 'mistral:open-mixtral-8x7b';
const DEFAULT_STRONG = 'openai:gpt-4-1106-preview';
const DEFAULT_OUTPUT_TOKENS = 200;

export interface RouteScoreFlags {
  readonly model?: string;
}
export interface RouteEvalFlags {
  readonly model?: string;
  readonly cv?: string;
  readonly seed?: string;
  readonly weak?: string;
  readonly strong?: string;
  readonly outputTokens?: string;
  readonly json?: boolean;
}
export interface RouteTrainFlags {
  readonly out?: string;
  readonly folds?: string;
  readonly seed?: string;
  readonly c?: string;
  readonly json?: boolean;
}
export interface RouteThresholdFlags {
  readonly model?: string;
  readonly strongShare?: string;
  readonly quality?: string;
  readonly budgetUsd?: string;
  readonly weak?: string;
  readonly strong?: string;
  readonly inputTokens?: string;
  readonly outputTokens?: string;
  readonly json?: boolean;
}

async function readText(path: string, flag: string, io: CliIo): Promise<string> {
  if (path === '-') return io.stdin();
  return readFile(resolve(io.cwd, path), 'utf8').catch(() => {
    throw invalidInput(flag, `${path}: file not found or not readable`);
  });
}

async function loadModel(path: string | undefined, io: CliIo): Promise<RouterModel> {
  if (path === undefined) return defaultRouterModel();
  const text = await readText(path, '--model', io);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw invalidInput('--model', `${path} is not JSON; give a file written by \`costwise route train\``);
  }
  return loadRouterModel(json);
}

function fail(error: unknown, json: boolean | undefined, io: CliIo): number {
  if (!(error instanceof CostwiseError) || !json) throw error;
  io.stdout(`${JSON.stringify({ error: { code: error.code, message: error.message } }, null, 2)}\n`);
  return error.code === 'INVALID_INPUT' || error.code === 'UNKNOWN_MODEL' ? 2 : 1;
}

const percent = (x: number): string => `${(x * 100).toFixed(1)}%`;

/** `costwise route score <prompts.jsonl>`: one `{id, score}` line per input line, in order. */
export async function routeScoreCommand(file: string, f: RouteScoreFlags, io: CliIo): Promise<number> {
  const prompts = parsePromptJsonl(await readText(file, '<prompts.jsonl>', io));
  const model = await loadModel(f.model, io);
  const lines = prompts.map((p) => JSON.stringify({ id: p.id, score: scorePrompt(model, p.prompt).score }));
  io.stdout(`${lines.join('\n')}\n`);
  return 0;
}

interface Pricing {
  readonly weak: string;
  readonly strong: string;
  readonly outputTokens: number;
  readonly tokenizer: string;
  usd(model: 'weak' | 'strong', inputTokens: number, outputTokens: number): number;
}

function pricing(weakRef: string | undefined, strongRef: string | undefined, outputTokens: number): Pricing {
  const price = (ref: string) => {
    const { providerId, modelId } = parseModelRef(ref);
    return resolvePrice(providerId, modelId);
  };
  const weak = weakRef ?? DEFAULT_WEAK;
  const strong = strongRef ?? DEFAULT_STRONG;
  const prices = { weak: price(weak), strong: price(strong) };
  return {
    weak,
    strong,
    outputTokens,
    tokenizer: 'gpt-tokenizer cl100k_base (GPT-4 Turbo’s encoding; an estimate for the weak model)',
    usd: (model, inputTokens, out) =>
      requestCost(
        {
          inputTokens,
          cacheReadTokens: 0,
          cacheWrite5mTokens: 0,
          cacheWrite1hTokens: 0,
          outputTokens: out,
          reasoningTokens: 0,
        },
        prices[model],
      ).totalUsd,
  };
}

async function tokenCounter(): Promise<(text: string) => number> {
  const mod = (await import('gpt-tokenizer/encoding/cl100k_base')) as { countTokens: (t: string) => number };
  return (text) => mod.countTokens(text);
}

function renderEvaluation(e: RouterEvaluation, title: string, p: Pricing | null): string {
  const rows = e.curve.map(
    (c) =>
      `  ${percent(c.strongShare).padStart(6)}  ${percent(c.accuracy).padStart(6)}  ${
        c.costUsd === null ? '' : `$${c.costUsd.toFixed(2)}`.padStart(10)
      }  ${Number.isFinite(c.threshold) ? c.threshold.toFixed(4) : '—'}`,
  );
  return [
    title,
    `prompts ${e.n}: weak ${percent(e.weakAccuracy)}, strong ${percent(e.strongAccuracy)}, oracle ${percent(
      e.oracleAccuracy,
    )} at ${percent(e.oracleStrongShare)} strong`,
    `APGR ${e.apgr.toFixed(4)} (RouteLLM's 10 quantile thresholds; exact curve ${e.apgrExact.toFixed(4)}; random 0.5)`,
    `CPT(50%) ${percent(e.cpt50)}  CPT(80%) ${percent(e.cpt80)} strong calls`,
    ...(p
      ? [
          `cost: ${p.weak} vs ${p.strong}, input tokens by ${p.tokenizer}, ${p.outputTokens} output tokens per prompt unless the row says`,
        ]
      : []),
    '  strong  accuracy        cost  threshold',
    ...rows,
    '',
  ].join('\n');
}

/**
 * `costwise route eval <labelled.jsonl>`: the quality-vs-strong-share curve, AUC, APGR and CPT of the router on
 * labelled prompts, priced with the two models' token prices. `--cv K` scores every prompt with a router
 * trained on the other folds (held-out figures) instead of with a given model.
 */
export async function routeEvalCommand(file: string, f: RouteEvalFlags, io: CliIo): Promise<number> {
  try {
    const text = await readText(file, '<labelled.jsonl>', io);
    const rows = parseLabelledJsonl(text);
    const folds = parsePositiveInt('--cv', f.cv);
    const seed = parseNonNegative('--seed', f.seed) ?? 0;
    const outputTokens = parseNonNegative('--output-tokens', f.outputTokens) ?? DEFAULT_OUTPUT_TOKENS;
    if (folds !== undefined && f.model !== undefined) {
      throw invalidInput('--cv', 'cross-validation trains its own routers; drop --model or --cv');
    }
    const p = pricing(f.weak, f.strong, outputTokens);
    const count = await tokenCounter();
    let scores: Float64Array;
    let source: string;
    if (folds !== undefined) {
      scores = crossValidateRouter(rows, ROUTER_TRAINING_DEFAULTS, folds, seed);
      source = `${folds}-fold cross-validation (seed ${seed}): every prompt scored by a router that never saw it`;
    } else {
      const model = await loadModel(f.model, io);
      scores = Float64Array.from(rows, (r) => scorePrompt(model, r.prompt).score);
      const sha = createHash('sha256').update(text).digest('hex');
      source =
        sha === model.file.training.data.sha256
          ? `in-sample: this is the model's own training data; its held-out APGR is ${
              model.file.training.crossValidation?.apgr.toFixed(4) ?? 'unknown'
            } (use --cv K for held-out figures)`
          : `model ${f.model ?? 'built-in'} trained on ${model.file.training.data.file}`;
    }
    const outcomes = rows.map((r, i) => {
      const input = r.input_tokens ?? count(r.prompt);
      const output = r.output_tokens ?? outputTokens;
      return {
        score: scores[i] ?? 0,
        weakCorrect: r.weak_correct,
        strongCorrect: r.strong_correct,
        weakUsd: p.usd('weak', input, output),
        strongUsd: p.usd('strong', input, output),
      };
    });
    const e = evaluateRouter(outcomes);
    if (f.json) {
      const { curve, fineCurve, ...rest } = e;
      io.stdout(
        `${JSON.stringify(
          {
            ...rest,
            curve,
            fineCurve,
            scoredBy: source,
            pricing: {
              weak: p.weak,
              strong: p.strong,
              tokenizer: p.tokenizer,
              outputTokensPerPrompt: outputTokens,
            },
          },
          null,
          2,
        )}\n`,
      );
    } else {
      io.stdout(renderEvaluation(e, `router evaluation — ${source}`, p));
    }
    return 0;
  } catch (error) {
    return fail(error, f.json, io);
  }
}

/**
 * `costwise route train <labelled.jsonl> [--out FILE]`: fits the router to labelled traffic (same format as
 * data/routing/train.jsonl), cross-validates it and writes the model file the CLI and gateway load.
 */
export async function routeTrainCommand(file: string, f: RouteTrainFlags, io: CliIo): Promise<number> {
  try {
    const text = await readText(file, '<labelled.jsonl>', io);
    const rows = parseLabelledJsonl(text);
    const folds = parsePositiveInt('--folds', f.folds) ?? 5;
    if (folds < 2) throw invalidInput('--folds', 'must be at least 2');
    const seed = parseNonNegative('--seed', f.seed) ?? 0;
    const c = parseNonNegative('--c', f.c) ?? ROUTER_TRAINING_DEFAULTS.c;
    if (c <= 0) throw invalidInput('--c', 'must be positive (inverse regularisation strength)');
    const out = resolve(io.cwd, f.out ?? 'router-model.json');
    const dataFile = relative(io.cwd, resolve(io.cwd, file)) || basename(file);
    const started = performance.now();
    const result = fitRouter(rows, {
      training: { ...ROUTER_TRAINING_DEFAULTS, c },
      folds,
      seed,
      command: `costwise route train ${dataFile} --folds ${folds} --seed ${seed} --c ${c}`,
      dataFile,
      dataSha256: createHash('sha256').update(text).digest('hex'),
    });
    const seconds = (performance.now() - started) / 1000;
    // Write then rename: a failure leaves no half-written model behind.
    const temporary = `${out}.${process.pid}.tmp`;
    await writeFile(temporary, `${JSON.stringify(result.model, null, 1)}\n`);
    await rename(temporary, out);
    const cv = result.crossValidation;
    const summary = {
      out,
      rows: rows.length,
      vocabularySize: result.model.vocabulary.size,
      trainingSeconds: Number(seconds.toFixed(1)),
      crossValidation: {
        folds,
        seed,
        apgr: cv.apgr,
        apgrExact: cv.apgrExact,
        auc: cv.auc,
        cpt50: cv.cpt50,
        cpt80: cv.cpt80,
        weakAccuracy: cv.weakAccuracy,
        strongAccuracy: cv.strongAccuracy,
        oracleAccuracy: cv.oracleAccuracy,
        byBenchmark: result.byBenchmark,
      },
    };
    if (f.json) io.stdout(`${JSON.stringify(summary, null, 2)}\n`);
    else {
      const by = Object.entries(result.byBenchmark)
        .map(([b, v]) => `${b} ${v.apgr.toFixed(4)} (n ${v.n})`)
        .join(', ');
      io.stdout(
        [
          `wrote ${relative(io.cwd, out) || out}: ${rows.length} prompts, ${result.model.vocabulary.size} features, ${summary.trainingSeconds} s`,
          `${folds}-fold cross-validated APGR ${cv.apgr.toFixed(4)} (exact ${cv.apgrExact.toFixed(4)}; random 0.5)${
            by ? `; by benchmark: ${by}` : ''
          }`,
          `CPT(50%) ${percent(cv.cpt50)}, CPT(80%) ${percent(cv.cpt80)} strong calls`,
          '',
        ].join('\n'),
      );
    }
    return 0;
  } catch (error) {
    return fail(error, f.json, io);
  }
}

/** `costwise route threshold`: the threshold that meets a strong share, a quality or a budget. */
export async function routeThresholdCommand(f: RouteThresholdFlags, io: CliIo): Promise<number> {
  try {
    const given = [f.strongShare, f.quality, f.budgetUsd].filter((v) => v !== undefined).length;
    if (given !== 1) {
      throw invalidInput(
        '--strong-share',
        'give exactly one of --strong-share S, --quality Q or --budget-usd B',
      );
    }
    const model = await loadModel(f.model, io);
    const calibration = model.file.calibration;
    if (calibration === null) {
      throw invalidInput('--model', 'has no calibration curve; train it with `costwise route train`');
    }
    const fraction = (flag: string, v: string): number => {
      const n = parseNonNegative(flag, v) ?? 0;
      if (n > 1) throw invalidInput(flag, `${v} must be between 0 and 1`);
      return n;
    };
    let target: ThresholdTarget;
    if (f.strongShare !== undefined) target = { strongShare: fraction('--strong-share', f.strongShare) };
    else if (f.quality !== undefined) target = { quality: fraction('--quality', f.quality) };
    else {
      const input = parsePositiveInt('--input-tokens', f.inputTokens) ?? 500;
      const output = parseNonNegative('--output-tokens', f.outputTokens) ?? DEFAULT_OUTPUT_TOKENS;
      const p = pricing(f.weak, f.strong, output);
      target = {
        budgetUsdPerRequest: parseNonNegative('--budget-usd', f.budgetUsd) ?? 0,
        weakUsdPerRequest: p.usd('weak', input, output),
        strongUsdPerRequest: p.usd('strong', input, output),
      };
    }
    const choice = chooseThreshold(calibration, target);
    if (f.json) io.stdout(`${JSON.stringify({ ...choice, target }, null, 2)}\n`);
    else {
      io.stdout(
        `threshold ${choice.threshold.toFixed(6)}: ${choice.reason}\nexpected on held-out prompts: ${percent(
          choice.strongShare,
        )} to the strong model, accuracy ${percent(choice.accuracy)}\n`,
      );
    }
    return 0;
  } catch (error) {
    return fail(error, f.json, io);
  }
}
