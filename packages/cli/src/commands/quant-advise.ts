import {
  ADVICE_SCENARIOS,
  adviseQuantization,
  CostwiseError,
  findGpu,
  invalidInput,
  isAdviceScenario,
  type Advice,
} from '@costwise/core';
import { table } from '../format.js';
import type { CliIo } from '../io.js';
import { resolveModel } from '../model-arch.js';
import { parsePositiveInt } from '../options.js';

export interface QuantAdviseFlags {
  readonly scenario?: string;
  readonly model?: string;
  readonly gpu?: string;
  readonly gpus?: string;
  readonly context?: string;
  readonly batch?: string;
  readonly json?: boolean;
}

/** `costwise quant advise --scenario S --model M --gpu G`: the lecture's decision guide, checked by the planner. */
export async function quantAdviseCommand(f: QuantAdviseFlags, io: CliIo): Promise<number> {
  let advice: Advice;
  try {
    const scenario = f.scenario?.trim().toLowerCase();
    if (scenario === undefined || !isAdviceScenario(scenario))
      throw invalidInput(
        '--scenario',
        `${f.scenario === undefined ? 'required' : `"${f.scenario}" is not valid`}: one of ${ADVICE_SCENARIOS.join(', ')}`,
      );
    if (f.model === undefined)
      throw invalidInput('--model', 'required: a catalog id (e.g. llama-3.1-8b) or a config');
    if (f.gpu === undefined) throw invalidInput('--gpu', 'required: the GPU (e.g. h100, rtx-4090, l4)');
    const gpu = findGpu(f.gpu);
    if (!gpu) throw invalidInput('--gpu', `unknown GPU "${f.gpu}"; see the GPU ids in costwise fit --help`);
    const model = await resolveModel(f.model, {}, io);
    if (model.arch === null)
      throw invalidInput('--model', 'advice needs an architecture (a catalog id or config)');
    const context = parsePositiveInt('--context', f.context) ?? Math.min(4096, model.contextTokens ?? 4096);
    const batch = parsePositiveInt('--batch', f.batch);
    advice = adviseQuantization({
      scenario,
      modelId: model.id,
      arch: model.arch,
      gpu,
      gpus: parsePositiveInt('--gpus', f.gpus) ?? 1,
      contextTokens: context,
      ...(batch !== undefined ? { batch } : {}),
    });
  } catch (error) {
    if (error instanceof CostwiseError) {
      if (f.json)
        io.stdout(`${JSON.stringify({ error: { code: error.code, message: error.message } }, null, 2)}\n`);
      else io.stderr(`costwise: ${error.message}\n`);
      return error.code === 'INVALID_INPUT' || error.code === 'UNKNOWN_MODEL' ? 2 : 1;
    }
    throw error;
  }
  io.stdout(f.json ? `${JSON.stringify(advice, null, 2)}\n` : renderAdvice(advice));
  return 0;
}

const gb = (b: number | null): string => (b === null ? '—' : `${(b / 1e9).toFixed(1)} GB`);

export function renderAdvice(a: Advice): string {
  const rows = a.candidates.map((c) => [
    c === a.recommended || c.note === null ? `▶ ${c.precision}` : `  ${c.precision}`,
    c.mode,
    c.bitsPerWeight.toFixed(3),
    `${gb(c.perGpuBytes)} / ${gb(c.capacityBytes)}`,
    c.fits ? 'yes' : 'no',
    c.outputTokensPerSecond === null ? '—' : c.outputTokensPerSecond.toFixed(0),
    c.usdPerMillionOutputTokens === null ? '—' : `$${c.usdPerMillionOutputTokens.toFixed(3)}`,
    c.note ?? 'recommended',
  ]);
  const out = [
    `${a.scenario}: ${a.model} on ${a.gpus} × ${a.gpu}, context ${a.contextTokens}, batch ${a.batch}`,
    `lecture: ${a.lecture.recommended} (${a.lecture.rationale})`,
    `recommended: ${a.recommended ? `${a.recommended.precision} (${a.recommended.mode})` : 'nothing fits'}`,
    '',
    table(
      ['precision', 'mode', 'bits/w', 'per GPU / capacity', 'fits', 'out tok/s', '$/1M out', 'note'],
      rows,
      ['left', 'left', 'right', 'right', 'left', 'right', 'right', 'left'],
    ),
    '',
    ...a.why.map((w) => `· ${w}`),
  ];
  return `${out.join('\n')}\n`;
}
