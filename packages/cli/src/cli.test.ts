import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findGgmlType, GGML_TYPES } from '@costwise/core';
import { GGMLQuantizationType } from '@huggingface/gguf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ggufBytes, runCli, startHubFixture, type HubFixture } from './_test-fixtures.js';

const TINY = {
  model_type: 'llama',
  hidden_size: 64,
  intermediate_size: 160,
  num_hidden_layers: 2,
  num_attention_heads: 4,
  num_key_value_heads: 2,
  vocab_size: 1000,
  tie_word_embeddings: false,
  max_position_embeddings: 2048,
};
// embed 64,000 + 2 × (q 4,096 + k 2,048 + v 2,048 + o 4,096 + mlp 30,720 + norms 128) + norm 64 + head 64,000
const TINY_TOTAL = 64_000 + 2 * (4_096 + 2_048 + 2_048 + 4_096 + 30_720 + 128) + 64 + 64_000;

function tinyTensors(): { name: string; shape: number[] }[] {
  const t = [{ name: 'model.embed_tokens.weight', shape: [1000, 64] }];
  for (let i = 0; i < 2; i++) {
    const p = `model.layers.${i}`;
    t.push(
      { name: `${p}.self_attn.q_proj.weight`, shape: [64, 64] },
      { name: `${p}.self_attn.k_proj.weight`, shape: [32, 64] },
      { name: `${p}.self_attn.v_proj.weight`, shape: [32, 64] },
      { name: `${p}.self_attn.o_proj.weight`, shape: [64, 64] },
      { name: `${p}.mlp.gate_proj.weight`, shape: [160, 64] },
      { name: `${p}.mlp.up_proj.weight`, shape: [160, 64] },
      { name: `${p}.mlp.down_proj.weight`, shape: [64, 160] },
      { name: `${p}.input_layernorm.weight`, shape: [64] },
      { name: `${p}.post_attention_layernorm.weight`, shape: [64] },
    );
  }
  t.push({ name: 'model.norm.weight', shape: [64] }, { name: 'lm_head.weight', shape: [1000, 64] });
  return t;
}

/** A complete safetensors file (header + zeroed bf16 data) for the given tensors. */
function safetensorsFile(tensors: readonly { name: string; shape: readonly number[] }[]): Uint8Array {
  const header: Record<string, unknown> = { __metadata__: { format: 'pt' } };
  let offset = 0;
  for (const t of tensors) {
    const bytes = t.shape.reduce((a, b) => a * b, 1) * 2;
    header[t.name] = { dtype: 'BF16', shape: t.shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  return out;
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'costwise-cli-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('costwise models', () => {
  it('--json is an array of { id, name, family, paramsTotal, paramsActive, contextTokens, license, source }', async () => {
    const r = await runCli(['models', '--json']);
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.stdout) as Record<string, unknown>[];
    expect(rows.length).toBeGreaterThanOrEqual(45 + 4);
    for (const row of rows) {
      expect(Object.keys(row)).toEqual(
        expect.arrayContaining([
          'id',
          'name',
          'family',
          'paramsTotal',
          'paramsActive',
          'contextTokens',
          'license',
          'source',
        ]),
      );
    }
    const mixtral = rows.find((x) => x.id === 'mixtral-8x7b');
    expect(mixtral).toMatchObject({
      family: 'moe',
      paramsTotal: 46_702_792_704,
      paramsActive: 12_879_925_248,
      contextTokens: 32_768,
    });
  });

  it('--family filters, and an unknown family exits 2 naming the flag', async () => {
    const ssm = JSON.parse((await runCli(['models', '--family', 'ssm', '--json'])).stdout) as {
      family: string;
    }[];
    expect(ssm.length).toBeGreaterThan(0);
    expect(ssm.every((x) => x.family === 'ssm')).toBe(true);
    const bad = await runCli(['models', '--family', 'huge']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--family: "huge" is not a family/);
  });

  it('prints a readable table without --json', async () => {
    const r = await runCli(['models', '--family', 'closed']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/claude-3\.5-sonnet\s+closed/);
    expect(r.stdout).toMatch(/price: anthropic\/claude-3-5-sonnet/);
  });
});

describe('costwise inspect', () => {
  it('--json carries the contract fields, integers for counts and bytes', async () => {
    const r = await runCli(['inspect', 'llama-3.1-8b', '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as {
      flopsPerToken: number;
      kvCache: { layers: unknown[] };
      params: { byComponent: Record<string, number> };
    };
    expect(j).toMatchObject({
      id: 'llama-3.1-8b',
      family: 'dense',
      source: 'catalog',
      params: { total: 8_030_261_248, activePerToken: 8_030_261_248 },
      kvCache: { bytesPerToken16Bit: 131_072 },
      stateBytesPerSequence16Bit: 0,
      moe: null,
      warnings: [],
    });
    expect(Number.isInteger(j.flopsPerToken)).toBe(true);
    expect(j.kvCache.layers).toHaveLength(32);
    expect(Object.keys(j.params.byComponent)).toEqual(
      expect.arrayContaining(['embeddings', 'attention', 'mlp', 'norms', 'lmHead']),
    );
  });

  it('prints a readable breakdown', async () => {
    const r = await runCli(['inspect', 'mixtral-8x7b']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('46,702,792,704');
    expect(r.stdout).toContain('cost reduction 1 − active/total = 72.4%');
  });

  it('reads a config.json file', async () => {
    const path = join(dir, 'tiny-config.json');
    await writeFile(path, JSON.stringify(TINY));
    const j = JSON.parse((await runCli(['inspect', path, '--json'])).stdout) as {
      source: string;
      params: { total: number };
    };
    expect(j.source).toBe('config');
    expect(j.params.total).toBe(TINY_TOTAL);
  });

  it('reads a folder with sharded safetensors headers, which are the truth', async () => {
    const folder = join(dir, 'tiny-sharded');
    await mkdir(folder);
    const tensors = tinyTensors();
    const shards = [tensors.slice(0, 10), tensors.slice(10)];
    const weightMap: Record<string, string> = {};
    await Promise.all(
      shards.map(async (s, i) => {
        const file = `model-0000${i + 1}-of-00002.safetensors`;
        for (const t of s) weightMap[t.name] = file;
        await writeFile(join(folder, file), safetensorsFile(s));
      }),
    );
    await writeFile(
      join(folder, 'model.safetensors.index.json'),
      JSON.stringify({ metadata: { total_size: TINY_TOTAL * 2 }, weight_map: weightMap }),
    );
    await writeFile(join(folder, 'config.json'), JSON.stringify({ ...TINY, intermediate_size: 128 }));
    const r = await runCli(['inspect', folder, '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as {
      source: string;
      params: { total: number; configDerivedTotal: number };
      tensors: { count: number };
    };
    expect(j.source).toBe('safetensors');
    expect(j.tensors.count).toBe(tensors.length);
    expect(j.params.total).toBe(TINY_TOTAL);
    expect(j.params.configDerivedTotal).toBe(TINY_TOTAL - 2 * 3 * 64 * 32);
    expect(r.stderr).toMatch(/warning: mlp: the tensors hold 61,440 parameters, the config implies 49,152/);
  });

  it.each([
    ['{"model_type": "llama", "hidden_size": 64', /tiny-bad\.json: is not valid JSON/],
    [JSON.stringify({ ...TINY, num_attention_heads: 'four' }), /config\.num_attention_heads: Invalid input/],
    [
      JSON.stringify({ ...TINY, num_key_value_heads: 3 }),
      /config\.num_key_value_heads: 3 does not divide num_attention_heads 4/,
    ],
    [JSON.stringify({ hidden_size: 64 }), /config\.model_type: missing/],
    [JSON.stringify([1, 2, 3]), /config: must be a JSON object/],
  ])('bad config input exits 2 naming the field (%#)', async (content, message) => {
    const path = join(dir, 'tiny-bad.json');
    await writeFile(path, content);
    const r = await runCli(['inspect', path]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  it('an unknown model exits 2 with suggestions; a closed model says why it has no architecture', async () => {
    const unknown = await runCli(['inspect', 'mixtral']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/did you mean mixtral-8x7b/);
    for (const id of ['gpt-4o', 'claude-3.5-sonnet']) {
      const closed = await runCli(['inspect', id]);
      expect(closed.code).toBe(2);
      expect(closed.stderr).toMatch(/closed API model: \w+ publishes no architecture/);
    }
  });

  it('bad usage exits 2', async () => {
    expect((await runCli(['inspect'])).code).toBe(2);
    expect((await runCli(['frobnicate'])).code).toBe(2);
    expect((await runCli(['--version'])).code).toBe(0);
  });
});

describe('GGUF files', () => {
  const F16 = 1;
  const Q8_0 = 8;
  function tinyGguf(): Uint8Array {
    const rename = (n: string) =>
      n
        .replace('model.embed_tokens', 'token_embd')
        .replace('lm_head', 'output')
        .replace('model.norm', 'output_norm')
        .replace(/model\.layers\.(\d+)\.self_attn\.(\w)_proj/, 'blk.$1.attn_$2')
        .replace('attn_o', 'attn_output')
        .replace(/model\.layers\.(\d+)\.mlp\.(\w+)_proj/, 'blk.$1.ffn_$2')
        .replace(/model\.layers\.(\d+)\.input_layernorm/, 'blk.$1.attn_norm')
        .replace(/model\.layers\.(\d+)\.post_attention_layernorm/, 'blk.$1.ffn_norm');
    return ggufBytes(
      {
        'general.architecture': 'llama',
        'general.name': 'tiny',
        'llama.block_count': 2,
        'llama.context_length': 2048,
        'llama.embedding_length': 64,
        'llama.feed_forward_length': 160,
        'llama.attention.head_count': 4,
        'llama.attention.head_count_kv': 2,
      },
      tinyTensors().map((t) => {
        const elements = t.shape.reduce((a, b) => a * b, 1);
        const norm = t.shape.length === 1;
        return {
          name: rename(t.name),
          shape: [...t.shape].reverse(),
          ggmlType: norm ? F16 : Q8_0,
          bytes: norm ? elements * 2 : (elements / 32) * 34,
        };
      }),
    );
  }

  it('reads the header of a GGUF file the test wrote, with its real per-tensor types', async () => {
    const path = join(dir, 'tiny.gguf');
    await writeFile(path, tinyGguf());
    const r = await runCli(['inspect', path, '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as {
      source: string;
      params: { total: number };
      kvCache: { bytesPerToken16Bit: number };
      tensors: { dtypes: Record<string, number> };
    };
    expect(j.source).toBe('gguf');
    expect(j.params.total).toBe(TINY_TOTAL);
    expect(j.kvCache.bytesPerToken16Bit).toBe(2 * 2 * 2 * 16 * 2);
    expect(j.tensors.dtypes).toEqual({ Q8_0: TINY_TOTAL - 5 * 64, F16: 5 * 64 });
  });

  it('a truncated GGUF file exits 2', async () => {
    const path = join(dir, 'truncated.gguf');
    await writeFile(path, tinyGguf().subarray(0, 40));
    const r = await runCli(['inspect', path]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/truncated\.gguf: is not a readable GGUF file/);
  });

  it("Costwise's GGML type table uses @huggingface/gguf's type ids", () => {
    for (const t of GGML_TYPES)
      expect(GGMLQuantizationType[t.name as keyof typeof GGMLQuantizationType]).toBe(t.id);
    expect(findGgmlType(GGMLQuantizationType.Q4_K)?.name).toBe('Q4_K');
  });
});

describe('hf:org/name through the Hub API (HF_ENDPOINT fixture server)', () => {
  let hub: HubFixture;
  beforeAll(async () => {
    const tensors = tinyTensors();
    const weightMap: Record<string, string> = {};
    for (const t of tensors.slice(0, 12)) weightMap[t.name] = 'model-00001-of-00002.safetensors';
    for (const t of tensors.slice(12)) weightMap[t.name] = 'model-00002-of-00002.safetensors';
    hub = await startHubFixture({
      'acme/tiny': {
        files: {
          'config.json': { body: JSON.stringify(TINY) },
          'model.safetensors': { body: safetensorsFile(tensors) },
        },
      },
      'acme/tiny-sharded': {
        revision: 'v1.0',
        files: {
          'config.json': { body: JSON.stringify(TINY) },
          'model.safetensors.index.json': {
            body: JSON.stringify({ metadata: { total_size: 1 }, weight_map: weightMap }),
          },
          'model-00001-of-00002.safetensors': { body: safetensorsFile(tensors.slice(0, 12)) },
          'model-00002-of-00002.safetensors': { body: safetensorsFile(tensors.slice(12)) },
        },
      },
      'acme/gated': { token: 'hf_secret', files: { 'config.json': { body: JSON.stringify(TINY) } } },
      'acme/config-only': { files: { 'config.json': { body: JSON.stringify(TINY) } } },
    });
  });
  afterAll(async () => {
    await hub.close();
  });

  it('reads config.json and the single safetensors header with range requests', async () => {
    const r = await runCli(['inspect', 'hf:acme/tiny', '--json'], { env: { HF_ENDPOINT: hub.url } });
    expect(r.stderr).toBe('');
    const j = JSON.parse(r.stdout) as { source: string; params: { total: number } };
    expect(j.source).toBe('safetensors');
    expect(j.params.total).toBe(TINY_TOTAL);
    expect(hub.requests.some((q) => q.startsWith('GET /acme/tiny/resolve/main/model.safetensors'))).toBe(
      true,
    );
  });

  it('reads a sharded index at a revision', async () => {
    const r = await runCli(['inspect', 'hf:acme/tiny-sharded@v1.0', '--json'], {
      env: { HF_ENDPOINT: hub.url },
    });
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as { params: { total: number } }).params.total).toBe(TINY_TOTAL);
  });

  it('a repository without weights is counted from its config', async () => {
    const r = await runCli(['inspect', 'hf:acme/config-only', '--json'], { env: { HF_ENDPOINT: hub.url } });
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as { source: string }).source).toBe('config');
  });

  it('a gated repository needs HF_TOKEN', async () => {
    const denied = await runCli(['inspect', 'hf:acme/gated'], { env: { HF_ENDPOINT: hub.url } });
    expect(denied.code).toBe(2);
    expect(denied.stderr).toMatch(/set HF_TOKEN/);
    const allowed = await runCli(['inspect', 'hf:acme/gated', '--json'], {
      env: { HF_ENDPOINT: hub.url, HF_TOKEN: 'hf_secret' },
    });
    expect(allowed.code).toBe(0);
  });

  it('a missing repository or a malformed reference exits 2', async () => {
    const missing = await runCli(['inspect', 'hf:acme/nothing'], { env: { HF_ENDPOINT: hub.url } });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/not found/);
    const malformed = await runCli(['inspect', 'hf:just-a-name'], { env: { HF_ENDPOINT: hub.url } });
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toMatch(/is not hf:org\/name/);
  });
});
