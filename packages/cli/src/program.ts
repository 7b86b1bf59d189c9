import { CostwiseError } from '@costwise/core';
import { Command, CommanderError } from 'commander';
import { breakevenCommand, type BreakEvenFlags } from './commands/breakeven.js';
import { costCommand, type CostFlags } from './commands/cost.js';
import { fitCommand, type FitFlags } from './commands/fit.js';
import { forecastCommand, type ForecastFlags } from './commands/forecast.js';
import { inspectCommand } from './commands/inspect.js';
import { lectureCommand } from './commands/lecture.js';
import { tokensCommand, type TokensFlags } from './commands/tokens.js';
import { memoryCommand, type MemoryFlags } from './commands/memory.js';
import { modelsCommand } from './commands/models.js';
import { perfCommand, type PerfFlags } from './commands/perf.js';
import {
  routeEvalCommand,
  routeScoreCommand,
  routeThresholdCommand,
  routeTrainCommand,
  type RouteEvalFlags,
  type RouteScoreFlags,
  type RouteThresholdFlags,
  type RouteTrainFlags,
} from './commands/route.js';
import { serveCommand, type ServeFlags } from './commands/serve.js';
import { usageCommand, type UsageFlags } from './commands/usage.js';
import { quantCommand, type QuantFlags } from './commands/quant.js';
import { quantAdviseCommand, type QuantAdviseFlags } from './commands/quant-advise.js';
import type { CliIo } from './io.js';

export const VERSION = '0.1.0';

/** Exit codes (PRODUCT.md): 0 success, 1 runtime failure, 2 bad usage or bad input. */
export function exitCodeFor(error: unknown): number {
  if (error instanceof CostwiseError)
    return error.code === 'INVALID_INPUT' || error.code === 'UNKNOWN_MODEL' ? 2 : 1;
  return 1;
}

function buildProgram(io: CliIo, setExit: (code: number) => void): Command {
  const program = new Command('costwise')
    .description('LLM cost engineering: exact architecture maths, memory, performance, pricing and routing')
    .version(VERSION)
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showHelpAfterError('(costwise --help lists the commands)');
  program
    .command('models')
    .description('the landscape catalog: open-weight models with exact counts, and closed API models')
    .option('--family <family>', 'dense, moe, slm, ssm, hybrid or closed')
    .option('--json', 'one JSON document on stdout')
    .action((opts: { family?: string; json?: boolean }) => {
      setExit(modelsCommand(opts, io));
    });
  program
    .command('inspect')
    .description('exact parameters, KV cache, state, FLOPs and MoE figures of a model')
    .argument('<model>', 'catalog id, config.json or folder, hf:org/name[@rev], or a .gguf file')
    .option('--json', 'one JSON document on stdout')
    .action(async (model: string, opts: { json?: boolean }) => {
      setExit(await inspectCommand(model, opts, io));
    });
  program
    .command('cost')
    .description('the exact price of one request, from canonical usage or a recorded provider response')
    .argument(
      '<provider:model>',
      'e.g. anthropic:claude-sonnet-4-5, openai:gpt-4o, google:gemini-2.5-pro, self:my-llama',
    )
    .option(
      '--usage <json>',
      'canonical usage: {"inputTokens":…, "cacheReadTokens":…, "cacheWrite5mTokens":…, "cacheWrite1hTokens":…, "outputTokens":…, "reasoningTokens":…}',
    )
    .option(
      '--raw <file>',
      "a recorded response body or stream (JSON lines or SSE) in the provider's own shape",
    )
    .option('--batch', "apply the provider's batch discount")
    .option(
      '--prices <json>',
      'price overrides in USD per million tokens (inputMtok, outputMtok, cacheReadMtok, …, longContext)',
    )
    .option('--at <date>', 'prices as of this date')
    .option(
      '--cache-storage <tokens:hours>',
      'an explicit (Gemini) cache of TOKENS kept for HOURS: storage billed per token-hour',
    )
    .option('--refresh-prices', 'fetch the newest genai-prices data first (cached for --prices-data)')
    .option('--prices-data <file>', 'a genai-prices data.json to price with instead of the bundled one')
    .option('--json', 'one JSON document on stdout')
    .action(async (ref: string, opts: CostFlags) => {
      setExit(await costCommand(ref, opts, io));
    });
  program
    .command('tokens')
    .description(
      'token count of a text: exact for OpenAI encodings and local tokenizer.json files, else an estimate',
    )
    .argument('<file>', 'a text file, or - for standard input')
    .option('--model <m>', 'model or encoding (gpt-4o, openai:o3, cl100k_base, …)', 'gpt-4o')
    .option(
      '--tokenizer <path>',
      'a Hugging Face tokenizer.json (tokenizer_config.json beside it is read too)',
    )
    .option('--json', 'one JSON document on stdout')
    .action(async (path: string, opts: TokensFlags) => {
      setExit(await tokensCommand(path, opts, io, io.stdin));
    });
  program
    .command('forecast')
    .description('the monthly bill of each option, then each cost lever as a waterfall')
    .argument('[workload.yaml]', 'a workload file (see docs/workload.md)')
    .option('--schema', "print the workload file's JSON Schema")
    .option('--refresh-prices', 'fetch the newest genai-prices data first (cached for --prices-data)')
    .option('--prices-data <file>', 'a genai-prices data.json to price with instead of the bundled one')
    .option('--json', 'one JSON document on stdout')
    .action(async (path: string | undefined, opts: ForecastFlags) => {
      setExit(await forecastCommand(path, opts, io));
    });
  program
    .command('breakeven')
    .description('the monthly token volume where self-hosting becomes cheaper than the API')
    .option('--api <provider:model>', 'API model whose list prices to blend')
    .option('--api-usd-per-mtok <x>', 'API price per million tokens, given directly')
    .option(
      '--output-share <s>',
      'share of output tokens when blending a model price (default 0.25, or --output ÷ (--input + --output) with --model)',
    )
    .option('--self-host-usd-per-mtok <x>', 'self-hosted variable cost per million tokens')
    .option('--model <m>', 'or derive it: the self-hosted model (with --gpu; throughput from costwise perf)')
    .option('--gpu <g>', 'GPU for --model')
    .option('--gpus <n>', 'tensor-parallel GPUs for --model', '1')
    .option('--precision <p>', 'weights precision for --model', 'bf16')
    .option('--kv-dtype <d>', 'KV cache dtype for --model')
    .option('--engine <e>', 'engine profile for --model', 'vllm')
    .option('--input <n>', 'prompt tokens per request for --model', '768')
    .option('--output <n>', 'output tokens per request for --model', '256')
    .option('--gpu-hourly-usd <x>', 'price of one GPU-hour (default: cheapest listed for the GPU)')
    .option('--utilization <u>', 'share of paid GPU time that serves traffic, (0, 1]', '0.5')
    .option(
      '--min-replicas <n>',
      'replicas of --gpus GPUs that run all month even when idle: the GPU bill is never below their cost (default 1 with --model; 0 = GPUs scale to zero, the lecture model)',
    )
    .option('--ops-usd-per-month <x>', 'operations cost per month')
    .option('--upfront-usd <x>', 'hardware bought upfront')
    .option('--amortize-months <n>', 'months to amortize the upfront cost over', '36')
    .option('--refresh-prices', 'fetch the newest genai-prices data first (cached for --prices-data)')
    .option('--prices-data <file>', 'a genai-prices data.json to price with instead of the bundled one')
    .option('--json', 'one JSON document on stdout')
    .action(async (opts: BreakEvenFlags) => {
      setExit(await breakevenCommand(opts, io));
    });
  program
    .command('lecture')
    .description("the lecture's worked examples: the slide's figure, its own assumptions, and what holds")
    .option('--json', 'one JSON document on stdout')
    .action((opts: { json?: boolean }) => {
      setExit(lectureCommand(opts, io));
    });
  const hypothetical = (c: Command): Command =>
    c
      .option('--params <n>', 'parameter count of a hypothetical model (e.g. 7e9)')
      .option('--layers <n>', 'hypothetical model: layers')
      .option('--hidden <n>', 'hypothetical model: hidden size')
      .option('--heads <n>', 'hypothetical model: attention heads')
      .option('--kv-heads <n>', 'hypothetical model: KV heads (default: heads)')
      .option('--head-dim <n>', 'hypothetical model: head dimension (default: hidden / heads)')
      .option('--vocab <n>', 'hypothetical model: vocabulary (default 32000)')
      .option('--intermediate <n>', 'hypothetical model: MLP width (default 4 × hidden)');
  hypothetical(
    program
      .command('memory')
      .description('inference or training memory by component, per GPU, and whether it fits')
      .argument('[model]', 'catalog id, config.json or folder, hf:org/name[@rev], or a .gguf file')
      .option(
        '--precision <p>',
        'weights: fp32, fp16, bf16, fp8, int8, int4, nf4, fp4, ternary, gguf:<TYPE>',
        'bf16',
      )
      .option('--kv-dtype <d>', 'KV cache: bf16, fp16, fp8, int8, q8, q4, fp32')
      .option('--context <n>', 'tokens per sequence (default min(4096, model context))')
      .option('--avg-context <n>', 'average actual sequence length, for paged vs contiguous allocation')
      .option('--batch <n>', 'sequences (training: micro-batch)', '1')
      .option('--tp <n>', 'tensor-parallel GPUs', '1')
      .option('--pp <n>', 'pipeline stages', '1')
      .option('--engine <e>', 'vllm, sglang, trtllm, hf, llamacpp', 'vllm')
      .option('--max-batched-tokens <n>', 'tokens per forward pass (prefill chunk); engine default')
      .option('--flash-attention', 'FlashAttention (default)')
      .option('--no-flash-attention', 'eager attention: the s² score matrix')
      .option('--gpu <g>', 'check the fit on this GPU')
      .option('--mode <m>', 'inference, train-full, lora, qlora', 'inference')
      .option('--optimizer <o>', 'adamw, adamw-8bit, sgd', 'adamw')
      .option('--lora-rank <r>', 'LoRA rank', '16')
      .option('--lora-targets <t>', 'attention or all-linear', 'all-linear')
      .option('--grad-checkpointing', 'full activation checkpointing per layer')
      .option('--zero <stage>', 'ZeRO stage 0–3 over --data-parallel GPUs')
      .option('--data-parallel <n>', 'data-parallel GPUs for ZeRO', '1')
      .option('--cpu-offload-gb <gb>', 'weights moved to CPU memory (GB)')
      .option('--kv-offload-gb <gb>', 'KV cache moved to CPU memory (GB)')
      .option('--json', 'one JSON document on stdout'),
  ).action(async (model: string | undefined, opts: MemoryFlags) => {
    setExit(await memoryCommand(model, opts, io));
  });
  hypothetical(
    program
      .command('fit')
      .description('which GPUs, how many, the largest batch and context, cheapest first')
      .argument('[model]', 'catalog id, config.json or folder, hf:org/name[@rev], or a .gguf file')
      .option('--gpu <g>', 'one GPU instead of the whole catalog')
      .option('--precision <list>', 'comma-separated precisions', 'bf16,fp8,int8,int4')
      .option('--context <n>', 'tokens per sequence (default min(4096, model context))')
      .option('--batch <n>', 'concurrent sequences', '1')
      .option('--engine <e>', 'vllm, sglang, trtllm, hf, llamacpp', 'vllm')
      .option('--kv-dtype <d>', 'KV cache dtype')
      .option('--max-batched-tokens <n>', 'tokens per forward pass')
      .option('--no-flash-attention', 'eager attention')
      .option('--json', 'one JSON document on stdout'),
  ).action(async (model: string | undefined, opts: FitFlags) => {
    setExit(await fitCommand(model, opts, io));
  });
  program
    .command('perf')
    .description('TTFT, TPOT, throughput and $ per 1M tokens on a GPU layout (calibrated roofline)')
    .argument('<model>', 'catalog id, config.json or folder, hf:org/name[@rev], or a .gguf file')
    .option('--gpu <g>', 'the GPU (required), e.g. h100-sxm, a100-80gb, l40s')
    .option('--gpus <n>', 'tensor-parallel GPUs within a node', '1')
    .option('--pp <n>', 'pipeline stages (of --gpus GPUs each, across nodes)', '1')
    .option(
      '--precision <p>',
      'weights: bf16, fp16, fp8 (W8A8), int8 (W8A8), int4/nf4/awq (weight-only)',
      'bf16',
    )
    .option('--kv-dtype <d>', 'KV cache: bf16, fp16, fp8, int8, q8_0, q4_0')
    .option('--engine <e>', 'vllm, sglang, trtllm, llamacpp, hf', 'vllm')
    .option('--batch <n>', 'static batch of sequences, or max (the largest memory allows)')
    .option('--concurrency <n>', 'closed-loop clients under continuous batching')
    .option('--rate <rps>', 'open-loop Poisson arrivals (requests/s), queueing included')
    .option('--input <n>', 'prompt tokens per request', '512')
    .option('--output <n>', 'generated tokens per request', '256')
    .option('--max-batched-tokens <n>', 'prefill chunk (tokens per forward pass); engine default')
    .option('--gpu-hourly-usd <x>', 'price of one GPU-hour (default: cheapest listed for the GPU)')
    .option('--utilization <u>', 'share of paid GPU time that serves traffic, (0, 1]', '1')
    .option('--spec-draft <model>', 'speculative decoding draft model, or ngram (default)')
    .option('--spec-acceptance <a>', 'draft-token acceptance rate α, 0–1')
    .option('--spec-tokens <k>', 'draft tokens per step γ (default 4)')
    .option('--sweep <key=list>', 'batch|concurrency|rate|input|output = comma-separated values')
    .option('--json', 'one JSON document on stdout')
    .action(async (model: string, opts: PerfFlags) => {
      setExit(await perfCommand(model, opts, io));
    });
  const route = program
    .command('route')
    .description(
      'the router: score prompts, evaluate it on labelled data, train it on yours, pick a threshold',
    );
  route
    .command('score')
    .description(
      'one {id, score} JSON line per {id, prompt} input line; higher = more likely to need the strong model',
    )
    .argument('<prompts.jsonl>', 'JSON lines {"id", "prompt"}, or - for standard input')
    .option('--model <file>', 'a router model written by `costwise route train` (default: the built-in one)')
    .action(async (file: string, opts: RouteScoreFlags) => {
      setExit(await routeScoreCommand(file, opts, io));
    });
  route
    .command('eval')
    .description('quality vs strong-call share, AUC, APGR, CPT(50%), CPT(80%) and cost on labelled prompts')
    .argument('<labelled.jsonl>', 'JSON lines {"id", "prompt", "weak_correct", "strong_correct"}')
    .option('--model <file>', 'a router model written by `costwise route train` (default: the built-in one)')
    .option(
      '--cv <k>',
      'cross-validate instead: score each prompt with a router trained on the other k−1 folds',
    )
    .option('--seed <n>', 'fold assignment seed for --cv', '0')
    .option('--weak <provider:model>', "the weak model's prices (default mistral:open-mixtral-8x7b)")
    .option('--strong <provider:model>', "the strong model's prices (default openai:gpt-4-1106-preview)")
    .option('--output-tokens <n>', 'output tokens per prompt where a row has no output_tokens', '200')
    .option('--json', 'one JSON document on stdout')
    .action(async (file: string, opts: RouteEvalFlags) => {
      setExit(await routeEvalCommand(file, opts, io));
    });
  route
    .command('train')
    .description('fit the router to your own labelled traffic; writes a model file the CLI and gateway load')
    .argument('<labelled.jsonl>', 'JSON lines {"id", "prompt", "weak_correct", "strong_correct"}')
    .option('--out <file>', 'where to write the model', 'router-model.json')
    .option('--folds <k>', 'cross-validation folds for the reported metrics and calibration curve', '5')
    .option('--seed <n>', 'fold assignment seed', '0')
    .option('--c <x>', 'inverse L2 regularisation strength of the logistic heads', '1')
    .option('--json', 'one JSON document on stdout')
    .action(async (file: string, opts: RouteTrainFlags) => {
      setExit(await routeTrainCommand(file, opts, io));
    });
  route
    .command('threshold')
    .description(
      "the score threshold that meets a strong share, a quality or a budget, on the model's held-out curve",
    )
    .option('--model <file>', 'a router model written by `costwise route train` (default: the built-in one)')
    .option('--strong-share <s>', 'share of requests for the strong model, 0–1')
    .option('--quality <q>', 'share of the weak→strong accuracy gap to recover, 0–1')
    .option('--budget-usd <b>', 'average $ per request to stay within')
    .option('--weak <provider:model>', 'weak model for --budget-usd prices')
    .option('--strong <provider:model>', 'strong model for --budget-usd prices')
    .option('--input-tokens <n>', 'input tokens per request for --budget-usd', '500')
    .option('--output-tokens <n>', 'output tokens per request for --budget-usd', '200')
    .option('--json', 'one JSON document on stdout')
    .action(async (opts: RouteThresholdFlags) => {
      setExit(await routeThresholdCommand(opts, io));
    });
  const quant = program
    .command('quant')
    .description('quantization error and size per tensor of a safetensors checkpoint (or: quant advise)')
    .argument('<file>', 'a .safetensors file, a model.safetensors.index.json, or a folder of shards')
    .option(
      '--scheme <s>',
      'fp16, bf16, fp8-e4m3, fp8-e5m2, int8, int8-channel, int8-asym, int4-g128, nf4, nf4-dq, fp4, mxfp4, nvfp4, ternary, q8_0, q4_0, q4_k, gptq-4bit, awq-4bit',
    )
    .option('--tensors <regex>', 'only the tensors whose names match')
    .option(
      '--out <file>',
      'write the quantized tensors: .safetensors (data + scales), or .gguf for ggml types',
    )
    .option('--no-scale', 'fp8: cast directly instead of scaling each tensor’s absmax to the format’s max')
    .option('--no-saturate', 'fp8: overflow becomes inf/NaN instead of ±max')
    .option(
      '--calibration <file>',
      'gptq-4bit/awq-4bit: safetensors of layer inputs, "<weight name>" [samples, in]',
    )
    .option('--act-order', 'gptq-4bit: quantize columns by descending Hessian diagonal')
    .option('--no-progress', 'no progress bar on a terminal')
    .option('--json', 'one JSON document on stdout')
    .action(async (file: string, opts: QuantFlags) => {
      setExit(await quantCommand(file, opts, io));
    });
  quant
    .command('advise')
    .description('recommended precision for a scenario on a model and GPU, backed by memory and performance')
    .option('--scenario <s>', 'training, fine-tuning, cloud-serving, edge, real-time')
    .option('--model <m>', 'catalog id, config.json or folder, hf:org/name[@rev], or a .gguf file')
    .option('--gpu <g>', 'the GPU, e.g. h100, rtx-4090, l4')
    .option('--gpus <n>', 'GPUs (tensor parallel)', '1')
    .option('--context <n>', 'tokens per sequence (default min(4096, model context))')
    .option('--batch <n>', 'concurrent sequences (serving) or micro-batch (training)')
    .option('--json', 'one JSON document on stdout')
    .action(async (opts: QuantAdviseFlags) => {
      // `quant` has its own --json, which commander may hand to it instead of to `advise`.
      const json = opts.json ?? quant.opts<{ json?: boolean }>().json === true;
      setExit(await quantAdviseCommand({ ...opts, json }, io));
    });
  program
    .command('serve')
    .description('the gateway: OpenAI- and Anthropic-compatible proxy with an exact cost ledger')
    .option('--config <file>', 'costwise.yaml (default: ./costwise.yaml if present, else no providers)')
    .option('--port <n>', 'port to listen on (overrides server.port; default 8787)')
    .option('--schema', "print costwise.yaml's JSON Schema")
    .action(async (opts: ServeFlags) => {
      setExit(await serveCommand(opts, io));
    });
  program
    .command('usage')
    .description('what the gateway ledger recorded: requests, tokens, cost, cache hits and errors')
    .option('--by <group>', 'model, key, day, provider, upstream, route or route-upstream', 'model')
    .option('--since <date>', 'from this date or time (inclusive, UTC)')
    .option('--until <date>', 'to this date or time (exclusive, UTC)')
    .option('--config <file>', 'costwise.yaml naming the ledger (storage.url)')
    .option('--savings', "actual cost vs every request on its route's strongest model uncached, by lever")
    .option('--json', 'one JSON document on stdout')
    .action(async (opts: UsageFlags) => {
      setExit(await usageCommand(opts, io));
    });
  return program;
}

/** Runs the CLI on `argv` (without node and script) and returns the exit code; never exits itself. */
export async function run(argv: readonly string[], io: CliIo): Promise<number> {
  let code = 0;
  const program = buildProgram(io, (c) => (code = c));
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return code;
  } catch (error) {
    if (error instanceof CommanderError) {
      // help and version exit 0; unknown options, missing arguments: bad usage
      return error.exitCode === 0 ? 0 : 2;
    }
    io.stderr(`costwise: ${error instanceof Error ? error.message : String(error)}\n`);
    return exitCodeFor(error);
  }
}
