import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CostwiseError } from '../errors.js';
import type { Architecture } from './architecture.js';
import { architectureFromConfig } from './build.js';
import { sequenceFlops } from './complexity.js';
import { flopsPerTokenAt } from './flops.js';
import { configFromGguf, type GgufHeader } from './gguf.js';
import { inspectModel } from './inspect.js';
import { kvCache, kvCacheBytes } from './kv-cache.js';
import { COMPONENTS, countParams, layerCounts, type ComponentCounts } from './params.js';
import { parseSafetensorsHeader, type TensorInfo } from './tensors.js';

/**
 * Property-based tests (STYLE.md §14) for the architecture maths: parameter counts, KV cache and
 * FLOPs invariants over generated configs, and fuzzing of the three parsers (config.json,
 * safetensors header, GGUF metadata).
 */

const RUNS = { numRuns: 200 } as const;

type Json = Record<string, unknown>;

/** Shape of a small generated model; every model type's config is derived from it. */
interface Dims {
  readonly heads: number;
  readonly kvHeads: number;
  readonly headDim: number;
  readonly intermediate: number;
  readonly moeIntermediate: number;
  readonly vocab: number;
  readonly layers: number;
  readonly experts: number;
  readonly topK: number;
  readonly window: number;
  readonly tied: boolean;
  /** Toggles the optional knobs (biases, explicit head_dim, q LoRA, new Falcon decoder). */
  readonly flag: boolean;
}

function divisors(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i + 1).filter((d) => n % d === 0);
}

const dimsArb: fc.Arbitrary<Dims> = fc
  .record({
    heads: fc.integer({ min: 1, max: 16 }),
    headDim: fc.integer({ min: 2, max: 64 }),
    intermediate: fc.integer({ min: 1, max: 512 }),
    moeIntermediate: fc.integer({ min: 1, max: 256 }),
    vocab: fc.integer({ min: 1, max: 5000 }),
    layers: fc.integer({ min: 1, max: 12 }),
    experts: fc.integer({ min: 1, max: 16 }),
    window: fc.integer({ min: 1, max: 4096 }),
    tied: fc.boolean(),
    flag: fc.boolean(),
  })
  .chain((d) =>
    fc
      .record({
        kvHeads: fc.constantFrom(...divisors(d.heads)),
        topK: fc.integer({ min: 1, max: d.experts }),
      })
      .map((extra) => ({ ...d, ...extra })),
  );

const hiddenOf = (d: Dims): number => d.heads * d.headDim;

/** One fixed shape, for the pinned cases. */
const SAMPLE: Dims = {
  heads: 4,
  kvHeads: 2,
  headDim: 16,
  intermediate: 128,
  moeIntermediate: 32,
  vocab: 100,
  layers: 2,
  experts: 4,
  topK: 2,
  window: 32,
  tied: false,
  flag: true,
};

/** Fields a Llama-layout decoder config has. */
function decoderFields(d: Dims): Json {
  return {
    hidden_size: hiddenOf(d),
    intermediate_size: d.intermediate,
    num_hidden_layers: d.layers,
    num_attention_heads: d.heads,
    num_key_value_heads: d.kvHeads,
    vocab_size: d.vocab,
    max_position_embeddings: 8192,
    tie_word_embeddings: d.tied,
    ...(d.flag ? { head_dim: d.headDim } : {}),
  };
}

const SIGLIP_VISION: Json = {
  hidden_size: 32,
  intermediate_size: 64,
  num_hidden_layers: 2,
  image_size: 32,
  patch_size: 8,
};
const LLAMA4_VISION: Json = {
  hidden_size: 32,
  intermediate_size: 64,
  num_hidden_layers: 2,
  image_size: 32,
  patch_size: 8,
  projector_input_dim: 32,
  projector_output_dim: 32,
  pixel_shuffle_ratio: 0.5,
  vision_output_dim: 32,
};

/** A valid config.json of every model type the brief asks to cover, built from the same dimensions. */
const CONFIGS = {
  llama: (d: Dims): Json => ({
    model_type: 'llama',
    ...decoderFields(d),
    attention_bias: d.flag,
    mlp_bias: !d.flag,
  }),
  mistral: (d: Dims): Json => ({ model_type: 'mistral', ...decoderFields(d), sliding_window: d.window }),
  qwen2: (d: Dims): Json => ({
    model_type: 'qwen2',
    ...decoderFields(d),
    use_sliding_window: d.flag,
    sliding_window: d.window,
    max_window_layers: Math.floor(d.layers / 2),
  }),
  qwen3: (d: Dims): Json => ({ model_type: 'qwen3', ...decoderFields(d), head_dim: d.headDim }),
  gemma2: (d: Dims): Json => ({ model_type: 'gemma2', ...decoderFields(d), sliding_window: d.window }),
  gemma3: (d: Dims): Json => ({
    model_type: 'gemma3',
    text_config: {
      ...decoderFields(d),
      head_dim: d.headDim,
      sliding_window: d.window,
      sliding_window_pattern: 6,
    },
    vision_config: SIGLIP_VISION,
  }),
  phi3: (d: Dims): Json => ({
    model_type: 'phi3',
    ...decoderFields(d),
    sliding_window: d.flag ? d.window : null,
  }),
  mixtral: (d: Dims): Json => ({
    model_type: 'mixtral',
    ...decoderFields(d),
    num_local_experts: d.experts,
    num_experts_per_tok: d.topK,
  }),
  qwen2_moe: (d: Dims): Json => ({
    model_type: 'qwen2_moe',
    ...decoderFields(d),
    num_experts: d.experts,
    num_experts_per_tok: d.topK,
    moe_intermediate_size: d.moeIntermediate,
    shared_expert_intermediate_size: d.flag ? d.intermediate : 0,
    decoder_sparse_step: 1,
    mlp_only_layers: [],
  }),
  qwen3_moe: (d: Dims): Json => ({
    model_type: 'qwen3_moe',
    ...decoderFields(d),
    head_dim: d.headDim,
    num_experts: d.experts,
    num_experts_per_tok: d.topK,
    moe_intermediate_size: d.moeIntermediate,
  }),
  deepseek_v3: (d: Dims): Json => ({
    model_type: 'deepseek_v3',
    hidden_size: hiddenOf(d),
    intermediate_size: d.intermediate,
    moe_intermediate_size: d.moeIntermediate,
    num_hidden_layers: d.layers,
    num_attention_heads: d.heads,
    vocab_size: d.vocab,
    n_routed_experts: d.experts,
    n_shared_experts: d.flag ? 1 : 0,
    num_experts_per_tok: d.topK,
    first_k_dense_replace: Math.min(1, d.layers - 1),
    q_lora_rank: d.flag ? 2 * d.headDim : null,
    kv_lora_rank: d.kvHeads * d.headDim,
    qk_nope_head_dim: d.headDim,
    qk_rope_head_dim: Math.max(1, Math.floor(d.headDim / 2)),
    v_head_dim: d.headDim,
    topk_method: 'noaux_tc',
    num_nextn_predict_layers: 1,
  }),
  dbrx: (d: Dims): Json => ({
    model_type: 'dbrx',
    d_model: hiddenOf(d),
    n_heads: d.heads,
    n_layers: d.layers,
    vocab_size: d.vocab,
    max_seq_len: 8192,
    attn_config: { kv_n_heads: d.kvHeads },
    ffn_config: { ffn_hidden_size: d.intermediate, moe_num_experts: d.experts, moe_top_k: d.topK },
  }),
  gpt_oss: (d: Dims): Json => ({
    model_type: 'gpt_oss',
    ...decoderFields(d),
    head_dim: d.headDim,
    num_local_experts: d.experts,
    num_experts_per_tok: d.topK,
    sliding_window: d.window,
  }),
  llama4: (d: Dims): Json => ({
    model_type: 'llama4',
    tie_word_embeddings: d.tied,
    text_config: {
      ...decoderFields(d),
      head_dim: d.headDim,
      intermediate_size: d.moeIntermediate,
      intermediate_size_mlp: d.intermediate,
      num_local_experts: d.experts,
      num_experts_per_tok: d.topK,
      interleave_moe_layer_step: 1,
      attention_chunk_size: d.window,
    },
    vision_config: LLAMA4_VISION,
  }),
  mamba: (d: Dims): Json =>
    d.flag
      ? { model_type: 'mamba', hidden_size: hiddenOf(d), num_hidden_layers: d.layers, vocab_size: d.vocab }
      : { d_model: hiddenOf(d), n_layer: d.layers, vocab_size: d.vocab, ssm_cfg: { d_state: 16, d_conv: 4 } },
  jamba: (d: Dims): Json => ({
    model_type: 'jamba',
    ...decoderFields(d),
    attn_layer_period: 2,
    attn_layer_offset: 1,
    expert_layer_period: 2,
    expert_layer_offset: 0,
    num_experts: Math.max(2, d.experts),
    num_experts_per_tok: d.topK,
  }),
  falcon: (d: Dims): Json => ({
    model_type: 'falcon',
    hidden_size: hiddenOf(d),
    num_hidden_layers: d.layers,
    num_attention_heads: d.heads,
    num_kv_heads: d.kvHeads,
    new_decoder_architecture: d.flag,
    vocab_size: d.vocab,
    bias: !d.flag,
  }),
  gpt2: (d: Dims): Json => ({
    model_type: 'gpt2',
    n_embd: hiddenOf(d),
    n_layer: d.layers,
    n_head: d.heads,
    n_positions: 1024,
    n_inner: d.intermediate,
    vocab_size: d.vocab,
  }),
  unknown_dense: (d: Dims): Json => ({ model_type: 'my_new_decoder', ...decoderFields(d) }),
  unknown_moe: (d: Dims): Json => ({
    model_type: 'my_new_moe',
    ...decoderFields(d),
    num_experts: Math.max(2, d.experts),
    num_experts_per_tok: d.topK,
    moe_intermediate_size: d.moeIntermediate,
  }),
} as const satisfies Record<string, (d: Dims) => Json>;

type ConfigKind = keyof typeof CONFIGS;
const CONFIG_KINDS = Object.keys(CONFIGS) as ConfigKind[];
const MOE_KINDS = [
  'mixtral',
  'qwen2_moe',
  'qwen3_moe',
  'deepseek_v3',
  'dbrx',
  'gpt_oss',
  'llama4',
  'jamba',
  'unknown_moe',
] as const satisfies readonly ConfigKind[];
/** Model types whose generated configs have no sliding or chunked layer. */
const FULL_ATTENTION_KINDS = [
  'llama',
  'qwen3',
  'mixtral',
  'qwen2_moe',
  'qwen3_moe',
  'deepseek_v3',
  'dbrx',
  'jamba',
  'falcon',
  'gpt2',
  'mamba',
  'unknown_dense',
] as const satisfies readonly ConfigKind[];

const kindAndDims = (kinds: readonly ConfigKind[]): fc.Arbitrary<{ kind: ConfigKind; d: Dims }> =>
  fc.record({ kind: fc.constantFrom(...kinds), d: dimsArb });

const sumCounts = (c: ComponentCounts): number => COMPONENTS.reduce((s, k) => s + c[k], 0);
const total = (config: Json): number => countParams(architectureFromConfig(config)).total;

const isArchitecture = (v: unknown): v is Architecture =>
  typeof v === 'object' && v !== null && 'layers' in v && 'hiddenSize' in v;

/**
 * The parser's contract: it returns, or throws a CostwiseError; an INVALID_INPUT error names a field
 * under `prefix` (the object the caller handed over).
 */
function expectParsesOrCostwiseError(run: () => unknown, prefix: string): void {
  let thrown: unknown;
  try {
    const result = run();
    if (isArchitecture(result)) {
      // What the parser returns is usable: the maths reads it without throwing and gets finite counts.
      expect(Number.isFinite(countParams(result).total)).toBe(true);
      expect(Number.isFinite(kvCache(result).bytesPerToken16Bit)).toBe(true);
      expect(Number.isFinite(flopsPerTokenAt(result, 4096))).toBe(true);
    }
    return;
  } catch (error) {
    thrown = error;
  }
  if (!(thrown instanceof CostwiseError)) {
    throw new Error(
      `expected a CostwiseError, got ${thrown instanceof Error ? thrown.stack : String(thrown)}`,
    );
  }
  expect(['INVALID_INPUT', 'UNSUPPORTED']).toContain(thrown.code);
  if (thrown.code === 'INVALID_INPUT') {
    expect(thrown.field ?? '', thrown.message).toMatch(new RegExp(`^${prefix}(\\.|$)`));
  }
}

describe('parameter counts grow with layers and width', () => {
  it('adding a llama layer adds exactly one layer of parameters', () => {
    fc.assert(
      fc.property(dimsArb, (d) => {
        const config = CONFIGS.llama(d);
        const before = architectureFromConfig(config);
        const after = architectureFromConfig({ ...config, num_hidden_layers: d.layers + 1 });
        const added = after.layers[d.layers];
        expect(added).toBeDefined();
        if (!added) return;
        const oneLayer = sumCounts(layerCounts(added, after.hiddenSize).total);
        expect(oneLayer).toBeGreaterThan(0);
        expect(countParams(after).total - countParams(before).total).toBe(oneLayer);
      }),
      RUNS,
    );
  });

  it('a wider llama (intermediate_size, more heads, wider heads) has strictly more parameters', () => {
    fc.assert(
      fc.property(dimsArb, fc.integer({ min: 1, max: 256 }), (d, step) => {
        const base = total(CONFIGS.llama(d));
        expect(total(CONFIGS.llama({ ...d, intermediate: d.intermediate + step }))).toBeGreaterThan(base);
        // more heads keep head_dim (hidden_size grows by kvHeads × head_dim; kvHeads still divides heads)
        expect(total(CONFIGS.llama({ ...d, heads: d.heads + d.kvHeads }))).toBeGreaterThan(base);
        // wider heads (hidden_size grows by heads; head_dim, when explicit, moves with it)
        expect(total(CONFIGS.llama({ ...d, headDim: d.headDim + 1 }))).toBeGreaterThan(base);
      }),
      RUNS,
    );
  });

  it('adding a mixtral layer adds one layer; wider experts add parameters', () => {
    fc.assert(
      fc.property(dimsArb, fc.integer({ min: 1, max: 64 }), (d, step) => {
        const config = CONFIGS.mixtral(d);
        const before = architectureFromConfig(config);
        const after = architectureFromConfig({ ...config, num_hidden_layers: d.layers + 1 });
        const added = after.layers[d.layers];
        if (!added) throw new Error('no added layer');
        expect(countParams(after).total - countParams(before).total).toBe(
          sumCounts(layerCounts(added, after.hiddenSize).total),
        );
        expect(total(CONFIGS.mixtral({ ...d, intermediate: d.intermediate + step }))).toBeGreaterThan(
          countParams(before).total,
        );
      }),
      RUNS,
    );
  });

  it('more mixtral experts at a fixed top-k: total grows; per token only the router grows', () => {
    fc.assert(
      fc.property(dimsArb, fc.integer({ min: 1, max: 16 }), (d, more) => {
        const few = countParams(architectureFromConfig(CONFIGS.mixtral(d)));
        const many = countParams(
          architectureFromConfig(CONFIGS.mixtral({ ...d, experts: d.experts + more })),
        );
        expect(many.total).toBeGreaterThan(few.total);
        // The router scores every expert for every token (hidden × experts per layer), so it is the one
        // active component that grows with the expert count; the active experts stay the same.
        const h = hiddenOf(d);
        expect(many.activeByComponent['router']).toBe(
          (few.activeByComponent['router'] ?? 0) + d.layers * h * more,
        );
        for (const k of COMPONENTS.filter((c) => c !== 'router')) {
          expect(many.activeByComponent[k], k).toBe(few.activeByComponent[k]);
        }
        expect(many.activePerToken - few.activePerToken).toBe(d.layers * h * more);
      }),
      RUNS,
    );
  });
});

describe('KV cache is linear in tokens and batch', () => {
  const tokens = fc.integer({ min: 0, max: 1_000_000 });
  const batch = fc.integer({ min: 1, max: 64 });

  it('full-attention models: bytes = tokens × batch × bytes per token (exact)', () => {
    fc.assert(
      fc.property(kindAndDims(FULL_ATTENTION_KINDS), tokens, batch, ({ kind, d }, t, b) => {
        const arch = architectureFromConfig(CONFIGS[kind](d));
        const kv = kvCache(arch);
        expect(kv.layers.every((l) => l.windowTokens === null)).toBe(true);
        expect(kvCacheBytes(arch, { contextTokens: t, batch: b, bytesPerElement: 2 })).toBe(
          t * b * kv.bytesPerToken16Bit,
        );
      }),
      RUNS,
    );
  });

  it('every model: additive in batch and non-decreasing in tokens', () => {
    fc.assert(
      fc.property(kindAndDims(CONFIG_KINDS), tokens, tokens, batch, batch, ({ kind, d }, t1, t2, b1, b2) => {
        const arch = architectureFromConfig(CONFIGS[kind](d));
        const bytes = (t: number, b: number): number =>
          kvCacheBytes(arch, { contextTokens: t, batch: b, bytesPerElement: 2 });
        expect(bytes(t1, b1 + b2)).toBe(bytes(t1, b1) + bytes(t1, b2));
        expect(bytes(Math.min(t1, t2), b1)).toBeLessThanOrEqual(bytes(Math.max(t1, t2), b1));
      }),
      RUNS,
    );
  });

  it('mistral with sliding_window w: the cache stops growing at w tokens', () => {
    fc.assert(
      fc.property(dimsArb, fc.integer({ min: 0, max: 100_000 }), batch, (d, beyond, b) => {
        const arch = architectureFromConfig(CONFIGS.mistral(d));
        const w = d.window;
        const perToken = kvCache(arch).bytesPerToken16Bit;
        const bytes = (t: number): number =>
          kvCacheBytes(arch, { contextTokens: t, batch: b, bytesPerElement: 2 });
        expect(bytes(w + beyond)).toBe(bytes(w));
        expect(bytes(w)).toBe(w * b * perToken);
        if (w > 1) expect(bytes(w - 1)).toBe((w - 1) * b * perToken);
      }),
      RUNS,
    );
  });
});

describe('MoE invariants', () => {
  it('active ≤ total and 0 ≤ cost reduction < 1 (inspectModel, source config)', () => {
    fc.assert(
      fc.property(kindAndDims(MOE_KINDS), ({ kind, d }) => {
        const report = inspectModel({ source: 'config', id: `prop/${kind}`, config: CONFIGS[kind](d) });
        if (kind !== 'jamba') expect(report.family).toBe('moe');
        expect(report.params.activePerToken).toBeGreaterThan(0);
        expect(report.params.activePerToken).toBeLessThanOrEqual(report.params.total);
        expect(report.moe).not.toBeNull();
        const reduction = report.moe?.costReduction ?? Number.NaN;
        expect(reduction).toBeGreaterThanOrEqual(0);
        expect(reduction).toBeLessThan(1);
      }),
      RUNS,
    );
  });
});

describe('FLOPs', () => {
  const context = fc.integer({ min: 0, max: 2_000_000 });

  it('flopsPerTokenAt is non-decreasing in the context length', () => {
    fc.assert(
      fc.property(kindAndDims(CONFIG_KINDS), context, context, ({ kind, d }, c1, c2) => {
        const arch = architectureFromConfig(CONFIGS[kind](d));
        expect(flopsPerTokenAt(arch, Math.min(c1, c2))).toBeLessThanOrEqual(
          flopsPerTokenAt(arch, Math.max(c1, c2)),
        );
      }),
      RUNS,
    );
  });

  it('sequenceFlops is strictly increasing in the sequence length', () => {
    fc.assert(
      fc.property(
        kindAndDims(CONFIG_KINDS),
        context,
        fc.integer({ min: 1, max: 100_000 }),
        ({ kind, d }, n, more) => {
          const arch: Architecture = architectureFromConfig(CONFIGS[kind](d));
          expect(sequenceFlops(arch, n + more)).toBeGreaterThan(sequenceFlops(arch, n));
          expect(sequenceFlops(arch, n + 1)).toBeGreaterThan(sequenceFlops(arch, n));
        },
      ),
      RUNS,
    );
  });
});

// ---------------------------------------------------------------------------------------------------
// Parser fuzzing
// ---------------------------------------------------------------------------------------------------

const json = fc.jsonValue({ maxDepth: 2 });
const HUGE = [2 ** 31, 2 ** 32, 2 ** 40, Number.MAX_SAFE_INTEGER, 2 ** 53, 1e20, 1e308, Number.MAX_VALUE];
const REMOVE = Symbol('remove the field');

const badJson: fc.Arbitrary<unknown> = fc.oneof(
  fc.string(),
  fc.integer({ min: -1_000_000, max: -1 }),
  fc.constant(0),
  fc.integer({ min: 1, max: 64 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }).filter((x) => !Number.isInteger(x)),
  fc.constant(null),
  fc.boolean(),
  fc.array(json, { maxLength: 4 }),
  fc.dictionary(fc.string(), json, { maxKeys: 4 }),
  fc.constantFrom(...HUGE),
  json,
);
const badValue = fc.oneof(badJson, fc.constant(REMOVE));

const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Paths of every field, one level into nested objects (text_config.hidden_size, ffn_config.moe_top_k, …). */
function fieldPaths(config: Json): string[][] {
  return Object.entries(config).flatMap(([k, v]) =>
    isObject(v) ? [[k], ...Object.keys(v).map((k2) => [k, k2])] : [[k]],
  );
}

function withField(config: Json, path: readonly string[], value: unknown): Json {
  const [head, ...rest] = path;
  if (head === undefined) return config;
  if (rest.length === 0) {
    const others = Object.entries(config).filter(([k]) => k !== head);
    return Object.fromEntries(value === REMOVE ? others : [...others, [head, value]]);
  }
  const inner = config[head];
  return { ...config, [head]: withField(isObject(inner) ? inner : {}, rest, value) };
}

/** A valid config of some model type with one field replaced by a bad value (or removed). */
const mutatedConfig = kindAndDims(CONFIG_KINDS).chain(({ kind, d }) => {
  const config = CONFIGS[kind](d);
  return fc
    .record({ path: fc.constantFrom(...fieldPaths(config)), value: badValue })
    .map(({ path, value }) => ({ kind, path: path.join('.'), config: withField(config, path, value) }));
});

const KNOWN_FIELDS = [
  ...new Set(
    CONFIG_KINDS.flatMap((k) => fieldPaths(CONFIGS[k](SAMPLE)).flatMap((p) => (p.length === 1 ? p : []))),
  ),
];

/** Values no JSON file holds but a caller of `architectureFromConfig(raw: unknown)` can pass. */
const exotic = fc.anything({
  withBigInt: true,
  withBoxedValues: true,
  withMap: true,
  withSet: true,
  withDate: true,
  withTypedArray: true,
  withSparseArray: true,
  withNullPrototype: true,
  withObjectString: true,
});

/** An object with a model_type and any of the known field names set to anything. */
const structuredGarbage = fc.record({
  model_type: fc.constantFrom(
    ...CONFIG_KINDS,
    'gemma3_text',
    'llama4_text',
    'deepseek_v2',
    'kimi_k2',
    'falcon_mamba',
  ),
  fields: fc.dictionary(fc.constantFrom(...KNOWN_FIELDS), fc.oneof(badJson, fc.integer({ min: 1, max: 8 }))),
});
const structuredExotic = fc.record({
  model_type: fc.constantFrom(...CONFIG_KINDS),
  fields: fc.dictionary(fc.constantFrom(...KNOWN_FIELDS), exotic),
});

describe('architectureFromConfig never crashes', () => {
  it('every generated base config is valid', () => {
    fc.assert(
      fc.property(kindAndDims(CONFIG_KINDS), ({ kind, d }) => {
        const arch = architectureFromConfig(CONFIGS[kind](d));
        expect(arch.layers.length).toBe(d.layers);
        expect(countParams(arch).total).toBeGreaterThan(0);
      }),
      RUNS,
    );
  });

  it.each([
    ['fc.anything()', fc.anything()],
    ['fc.jsonValue()', fc.jsonValue()],
    ['fc.object()', fc.object()],
    ['fc.anything() with BigInt, boxed values, Map/Set, Date, typed arrays, null prototypes', exotic],
    [
      'model_type + known fields set to anything',
      structuredGarbage.map((g) => ({ ...g.fields, model_type: g.model_type })),
    ],
    [
      'model_type + known fields set to BigInt, Map, boxed values, …',
      structuredExotic.map((g) => ({ ...g.fields, model_type: g.model_type })),
    ],
  ])('on %s it returns or throws a CostwiseError', (_name, arb: fc.Arbitrary<unknown>) => {
    fc.assert(
      fc.property(arb, (raw) => {
        expectParsesOrCostwiseError(() => architectureFromConfig(raw), 'config');
      }),
      RUNS,
    );
  });

  it('on a valid config with one field replaced (string, negative, float, null, array, object, huge) or removed', () => {
    fc.assert(
      fc.property(mutatedConfig, ({ config }) => {
        expectParsesOrCostwiseError(() => architectureFromConfig(config), 'config');
      }),
      { numRuns: 1000 },
    );
  });

  it('names the caller-given prefix in its errors', () => {
    fc.assert(
      fc.property(mutatedConfig, ({ config }) => {
        expectParsesOrCostwiseError(
          () => architectureFromConfig(config, 'models.3.config'),
          'models\\.3\\.config',
        );
      }),
      RUNS,
    );
  });
});

// Regressions: bugs the properties above once found, pinned to minimal inputs.
describe('regressions found by the properties', () => {
  const llama = CONFIGS.llama(SAMPLE);
  const llama4 = CONFIGS.llama4(SAMPLE) as Json & { text_config: Json };

  it.each([
    ['llama num_hidden_layers', { ...llama, num_hidden_layers: 2 ** 32 }],
    [
      'gpt2 n_layer',
      { model_type: 'gpt2', n_embd: 64, n_layer: 2 ** 32, n_head: 4, n_positions: 1024, vocab_size: 100 },
    ],
    ['mamba n_layer', { d_model: 64, n_layer: 2 ** 32, vocab_size: 100 }],
  ])('a %s of 2^32 is INVALID_INPUT, not a RangeError from allocating the layers', (_name, config) => {
    expectParsesOrCostwiseError(() => architectureFromConfig(config), 'config');
  });

  it('a BigInt field value is reported as INVALID_INPUT, not a TypeError from the error message', () => {
    expectParsesOrCostwiseError(
      () => architectureFromConfig({ ...llama, intermediate_size: 128n }),
      'config',
    );
  });

  it('llama4: a bad top-level tie_word_embeddings is blamed on config.tie_word_embeddings', () => {
    const config = {
      ...llama4,
      tie_word_embeddings: 'yes',
      text_config: withField(llama4.text_config, ['tie_word_embeddings'], REMOVE),
    };
    expect(() => architectureFromConfig(config)).toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT', field: 'config.tie_word_embeddings' }),
    );
  });
});

// ---------------------------------------------------------------------------------------------------
// safetensors header
// ---------------------------------------------------------------------------------------------------

function withLengthPrefix(body: Uint8Array, length = body.length): Uint8Array {
  const out = new Uint8Array(8 + body.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(length), true);
  out.set(body, 8);
  return out;
}

const SAFETENSORS_DTYPES = ['F64', 'F32', 'F16', 'BF16', 'F8_E4M3', 'I64', 'I32', 'U8', 'BOOL'] as const;

describe('parseSafetensorsHeader', () => {
  const parsesOrFails = (bytes: Uint8Array): void => {
    expectParsesOrCostwiseError(() => parseSafetensorsHeader(bytes), 'safetensors');
  };

  it('random bytes: returns tensors or throws a CostwiseError', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), parsesOrFails), RUNS);
  });

  it('a valid length prefix (exact or shorter than the body) followed by random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.nat(), (body, cut) => {
        parsesOrFails(withLengthPrefix(body, cut % (body.length + 1)));
        parsesOrFails(withLengthPrefix(body, body.length + 1 + cut)); // truncated
      }),
      RUNS,
    );
  });

  it('a valid length prefix followed by random JSON', () => {
    const arb = fc.oneof(
      fc.jsonValue(),
      fc.dictionary(
        fc.string(),
        fc.oneof(
          fc.jsonValue(),
          fc.record(
            {
              dtype: fc.oneof(fc.constantFrom(...SAFETENSORS_DTYPES), fc.jsonValue()),
              shape: fc.jsonValue(),
            },
            { requiredKeys: [] },
          ),
        ),
      ),
    );
    fc.assert(
      fc.property(arb, (value) => {
        parsesOrFails(withLengthPrefix(new TextEncoder().encode(JSON.stringify(value))));
      }),
      RUNS,
    );
  });

  it('round-trips a valid header: every tensor back with its dtype and shape, __metadata__ skipped', () => {
    const tensor = fc.record({
      dtype: fc.constantFrom(...SAFETENSORS_DTYPES),
      shape: fc.array(fc.integer({ min: 0, max: 100_000 }), { maxLength: 4 }),
    });
    const tensors = fc.dictionary(
      fc.string({ minLength: 1 }).filter((s) => s !== '__metadata__'),
      tensor,
      { maxKeys: 8, noNullPrototype: true },
    );
    fc.assert(
      fc.property(tensors, fc.integer({ min: 0, max: 16 }), (entries, padding) => {
        // fromEntries, not assignment: a tensor may be named "__proto__"
        const header = Object.fromEntries<unknown>([
          ['__metadata__', { format: 'pt' }],
          ...Object.entries(entries).map(([name, t], i): [string, unknown] => [
            name,
            { ...t, data_offsets: [i, i] },
          ]),
        ]);
        const text = JSON.stringify(header) + ' '.repeat(padding); // headers are space-padded to 8 bytes
        const parsed = parseSafetensorsHeader(withLengthPrefix(new TextEncoder().encode(text)));
        const byName = (a: { name: string }, b: { name: string }): number => (a.name < b.name ? -1 : 1);
        const expected: TensorInfo[] = Object.entries(entries).map(([name, t]) => ({ name, ...t }));
        expect([...parsed].sort(byName)).toEqual(expected.sort(byName));
      }),
      RUNS,
    );
  });
});

// ---------------------------------------------------------------------------------------------------
// GGUF metadata
// ---------------------------------------------------------------------------------------------------

const GGUF_ARCHS = ['llama', 'mistral3', 'qwen2', 'qwen2moe', 'qwen3moe', 'gemma3', 'phi3', 'falcon', 'gpt2'];
const GGUF_MORE_ARCHS = ['deepseek2', 'mamba', 'gpt-oss', 'starcoder2', 'command-r'];
/** Names that are properties of every object: a lookup table must not find them. */
const PROTOTYPE_NAMES = ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf'];

const GGUF_KEYS = [
  'block_count',
  'embedding_length',
  'context_length',
  'feed_forward_length',
  'vocab_size',
  'attention.head_count',
  'attention.head_count_kv',
  'attention.key_length',
  'attention.value_length',
  'attention.sliding_window',
  'attention.kv_lora_rank',
  'attention.q_lora_rank',
  'rope.dimension_count',
  'expert_count',
  'expert_used_count',
  'expert_feed_forward_length',
  'expert_shared_count',
  'expert_shared_feed_forward_length',
  'leading_dense_block_count',
  'ssm.inner_size',
  'ssm.state_size',
  'ssm.conv_kernel',
  'ssm.time_step_rank',
];

/** GGUF metadata values: numbers, 64-bit bigints, per-layer arrays, strings, booleans. */
const ggufValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer({ min: -4, max: 64 }),
  fc.bigInt({ min: -4n, max: 64n }),
  fc.array(fc.integer({ min: 0, max: 64 }), { minLength: 0, maxLength: 4 }),
  fc.double({ noNaN: true }),
  fc.string(),
  fc.boolean(),
  fc.constantFrom(...HUGE),
);

const ggufTensor = (name: string, shape: number[]): TensorInfo => ({ name, dtype: 'F16', shape });

const ggufHeader: fc.Arbitrary<GgufHeader> = fc
  .record({
    arch: fc.oneof(fc.constantFrom(...GGUF_ARCHS, ...GGUF_MORE_ARCHS, ...PROTOTYPE_NAMES), fc.string()),
    valid: fc.record({
      block_count: fc.integer({ min: 1, max: 8 }),
      embedding_length: fc.constantFrom(64, 128),
      'attention.head_count': fc.constantFrom(1, 2, 4, 8),
      feed_forward_length: fc.integer({ min: 1, max: 256 }),
      context_length: fc.integer({ min: 1, max: 8192 }),
    }),
    overrides: fc.dictionary(fc.constantFrom(...GGUF_KEYS), ggufValue, { maxKeys: 6 }),
    tensors: fc.subarray([
      ggufTensor('token_embd.weight', [64, 100]),
      ggufTensor('output.weight', [64, 100]),
      ggufTensor('blk.0.attn_q.bias', [64]),
      ggufTensor('blk.0.exp_probs_b.bias', [8]),
    ]),
    tokens: fc.option(fc.array(fc.string(), { maxLength: 5 })),
  })
  .map(({ arch, valid, overrides, tensors, tokens }) => {
    const metadata: Json = { 'general.architecture': arch };
    if (tokens !== null) metadata['tokenizer.ggml.tokens'] = tokens;
    for (const [k, v] of Object.entries({ ...valid, ...overrides })) metadata[`${arch}.${k}`] = v;
    return { metadata, tensors };
  });

describe('configFromGguf', () => {
  it('random metadata objects: returns a config or throws a CostwiseError', () => {
    fc.assert(
      fc.property(
        fc.record({
          metadata: fc.dictionary(fc.string(), fc.oneof(ggufValue, fc.jsonValue())),
          tensors: fc.constant([]),
        }),
        (header) => {
          expectParsesOrCostwiseError(() => configFromGguf(header), 'gguf');
        },
      ),
      RUNS,
    );
  });

  it('near-valid headers: the config it returns parses or fails with a gguf-prefixed CostwiseError', () => {
    fc.assert(
      fc.property(ggufHeader, (header) => {
        expectParsesOrCostwiseError(
          () => architectureFromConfig(configFromGguf(header).config, 'gguf'),
          'gguf',
        );
      }),
      { numRuns: 500 },
    );
  });

  it('the config it returns always names a string model_type', () => {
    fc.assert(
      fc.property(ggufHeader, (header) => {
        let config: Json;
        try {
          config = configFromGguf(header).config;
        } catch (error) {
          expect(error).toBeInstanceOf(CostwiseError);
          return;
        }
        expect(typeof config['model_type']).toBe('string');
      }),
      { numRuns: 500 },
    );
  });

  it.each(PROTOTYPE_NAMES)('general.architecture "%s" is not looked up on Object.prototype', (arch) => {
    const header: GgufHeader = {
      metadata: {
        'general.architecture': arch,
        [`${arch}.block_count`]: 2,
        [`${arch}.embedding_length`]: 64,
        [`${arch}.attention.head_count`]: 4,
        [`${arch}.feed_forward_length`]: 128,
        [`${arch}.vocab_size`]: 100,
      },
      tensors: [],
    };
    const g = configFromGguf(header);
    expect(g.config['model_type']).toBe('llama');
    expect(architectureFromConfig(g.config, 'gguf').layers).toHaveLength(2);
  });
});
