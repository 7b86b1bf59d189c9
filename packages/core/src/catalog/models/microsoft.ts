import type { CatalogModel } from '../catalog-model.js';

/**
 * Catalog data, researched from the sources named in each entry (`sources.config` for the
 * architecture, `sources.params` for the published parameter count). `config` holds config.json
 * fields verbatim as published; nothing here is computed. The rope_scaling long_factor/short_factor
 * arrays of the Phi-3 128k and Phi-4-mini configs are left out: no Costwise formula reads them.
 */
export const MICROSOFT_MODELS = [
  {
    id: 'phi-3-mini-4k',
    name: 'Phi-3 mini 4k',
    family: 'slm',
    hfRepo: 'microsoft/Phi-3-mini-4k-instruct',
    license: 'mit',
    releaseDate: '2024-04-23',
    contextTokens: 4096,
    config: {
      model_type: 'phi3',
      architectures: ['Phi3ForCausalLM'],
      hidden_size: 3072,
      intermediate_size: 8192,
      num_hidden_layers: 32,
      num_attention_heads: 32,
      num_key_value_heads: 32,
      vocab_size: 32064,
      tie_word_embeddings: false,
      max_position_embeddings: 4096,
      original_max_position_embeddings: 4096,
      attention_bias: false,
      sliding_window: 2047,
      rope_theta: 10000.0,
      rope_scaling: null,
      torch_dtype: 'bfloat16',
    },
    sources: {
      config:
        "dotnet/machinelearning:src/Microsoft.ML.GenAI.Phi/Resource/Config/phi-3-mini-4k-instruct-config.json (commit 17b689af77151463cf3b24100c32d558f779c620; verbatim JSON copy of the HF config.json) (transformers_version 4.39.3 revision); same architecture values in scaleapi/llm-engine:model-engine/tests/unit/domain/test_llm_use_cases.py ('Phi 3 mini from https://huggingface.co/microsoft/Phi-3-mini-4k-instruct/blob/main/config.json', transformers_version 4.40.2 revision) and TensorRT-LLM PHI3_MINI_4K_CONFIG",
      params:
        "GitHub file (find_string id 71142266638): KNOWN_MODELS table 'HF model id -> (license, exact params)' annotated 'HF Hub API 2026-09-25: tags license:* and safetensors.total' ('microsoft/Phi-3-mini-4k-instruct': 3821079552); debaditc/kvfit:scripts/build_registry.py MODELS table ('exact params from HF safetensors', looked up via https://huggingface.co/api/models/<repo>?expand[]=safetensors); keras-team/keras-hub:keras_hub/src/models/phi3/phi3_presets.py (commit 71453d08f59edc90d276e999319fc51e61cbf82c), preset 'phi3_mini_4k_instruct_en' metadata params",
    },
    published: {
      totalParams: {
        value: 3821079552,
        kind: 'hf-safetensors-parameters',
        note: 'Untied: embed_tokens and lm_head each 32064x3072 = 98,500,608. Arithmetic: 32 x 113,252,352 + 2 x 98,500,608 + 3,072.',
      },
      activeParams: null,
    },
    notes:
      'sliding_window 2047 (declared in config; HF comment/tests note it). Fused qkv_proj and gate_up_proj in the checkpoint. vocab 32064 (32000 + padding/special). partial_rotary_factor absent (full rotary). releaseDate not verified in a source this session (Phi-3-mini was announced 2024-04-23). Release date: Microsoft Azure blog "Introducing Phi-3", 2024-04-23.',
  },
  {
    id: 'phi-3-mini-128k',
    name: 'Phi-3 mini 128k',
    family: 'slm',
    hfRepo: 'microsoft/Phi-3-mini-128k-instruct',
    license: 'mit',
    releaseDate: '2024-04-23',
    contextTokens: 131072,
    config: {
      model_type: 'phi3',
      architectures: ['Phi3ForCausalLM'],
      hidden_size: 3072,
      intermediate_size: 8192,
      num_hidden_layers: 32,
      num_attention_heads: 32,
      num_key_value_heads: 32,
      vocab_size: 32064,
      tie_word_embeddings: false,
      max_position_embeddings: 131072,
      original_max_position_embeddings: 4096,
      attention_bias: false,
      sliding_window: 262144,
      rope_theta: 10000.0,
      rope_scaling: {
        type: 'su',
      },
      torch_dtype: 'bfloat16',
    },
    sources: {
      config:
        'dotnet/machinelearning:src/Microsoft.ML.GenAI.Phi/Resource/Config/phi-3-mini-128k-instruct-config.json (commit 6d1f7e2bf83e260ceb4f07ad1ae9fe3257033d49; verbatim JSON copy of the HF config.json) - this is the ORIGINAL (April 2024, transformers 4.39.3) revision with rope_scaling type "su"',
      params:
        "keras-team/keras-hub:keras_hub/src/models/phi3/phi3_presets.py (commit 71453d08f59edc90d276e999319fc51e61cbf82c), preset 'phi3_mini_128k_instruct_en' metadata params",
    },
    published: {
      totalParams: {
        value: 3821079552,
        kind: 'num_parameters()',
        note: 'Same tensors as the 4k model (LongRoPE factors are config, not weights). Hub safetensors figure for this repo not found, but identical architecture to Phi-3-mini-4k (3,821,079,552 from the Hub API).',
      },
      activeParams: null,
    },
    notes:
      'The Hub repo was later updated (mid-2024) to rope_scaling type "longrope" with different factors: long_factor starting 1.0700000524520874 ... 64.76000213623047 and short_factor 1.1 ... 3.049999999999997 (48 each), as quoted from \'Phi-3-mini-128k-instruct/blob/main/config.json#L27\' in a GitHub doc (find_string id 52582482568) and listed in full as LONGROPE_PARAMS in a Microsoft-copyrighted eval script (find_string id 20258217319). The current file is therefore not byte-identical to the config recorded here. sliding_window 262144. releaseDate not verified in a source this session (announced 2024-04-23). Release date: Microsoft Azure blog "Introducing Phi-3", 2024-04-23.',
  },
  {
    id: 'phi-3-medium-4k',
    name: 'Phi-3 medium 4k',
    family: 'dense',
    hfRepo: 'microsoft/Phi-3-medium-4k-instruct',
    license: 'mit',
    releaseDate: '2024-05-21',
    contextTokens: 4096,
    config: {
      model_type: 'phi3',
      architectures: ['Phi3ForCausalLM'],
      hidden_size: 5120,
      intermediate_size: 17920,
      num_hidden_layers: 40,
      num_attention_heads: 40,
      num_key_value_heads: 10,
      vocab_size: 32064,
      tie_word_embeddings: false,
      max_position_embeddings: 4096,
      original_max_position_embeddings: 4096,
      attention_bias: false,
      sliding_window: 2047,
      rope_theta: 10000.0,
      rope_scaling: null,
      torch_dtype: 'bfloat16',
    },
    sources: {
      config:
        'dotnet/machinelearning:src/Microsoft.ML.GenAI.Phi/Resource/Config/phi-3-medium-4k-instruct-config.json (commit 17b689af77151463cf3b24100c32d558f779c620; verbatim JSON copy of the HF config.json)',
      params:
        "GitHub file (find_string id 14269230532): fine-tuning model table entry 'unsloth/Phi-3-medium-4k-instruct' model_size 13960238080 (same weights as microsoft/Phi-3-medium-4k-instruct)",
    },
    published: {
      totalParams: {
        value: 13960238080,
        kind: 'num_parameters()',
        note: 'Third-party table (derivation not stated); reproduced exactly by arithmetic: 40 x 340,797,440 + 2 x 164,167,680 (untied 32064x5120) + 5,120 = 13,960,238,080.',
      },
      activeParams: null,
    },
    notes:
      'GQA 40 q / 10 kv heads, head_dim 128. sliding_window 2047 as in mini-4k. Hub safetensors figure not found directly. releaseDate not verified (Phi-3-medium released 2024-05-21). Release date: Phi-3 medium release at Microsoft Build, 2024-05-21.',
  },
  {
    id: 'phi-3.5-moe',
    name: 'Phi-3.5-MoE',
    family: 'moe',
    hfRepo: 'microsoft/Phi-3.5-MoE-instruct',
    license: 'mit',
    releaseDate: '2024-08-20',
    contextTokens: 131072,
    config: {
      model_type: 'phimoe',
      architectures: ['PhiMoEForCausalLM'],
      hidden_size: 4096,
      intermediate_size: 6400,
      num_hidden_layers: 32,
      num_attention_heads: 32,
      num_key_value_heads: 8,
      vocab_size: 32064,
      tie_word_embeddings: false,
      max_position_embeddings: 131072,
      original_max_position_embeddings: 4096,
      attention_bias: true,
      lm_head_bias: true,
      sliding_window: 131072,
      rope_theta: 10000.0,
      torch_dtype: 'bfloat16',
      num_local_experts: 16,
      num_experts_per_tok: 2,
      router_jitter_noise: 0.01,
      input_jitter_noise: 0.01,
    },
    sources: {
      config:
        'Field-by-field listing of the microsoft/Phi-3.5-MoE-instruct config.json (transformers_version 4.43.3) in xinyuwei-david/david-share:Deep-Learning/Phi-3.5-MoE-and-Mini-Fine-tuning/README.md (find_string id 6017024208); values are copied from that list, not from a JSON file. rope_scaling not included: see notes.',
      params:
        "GitHub markdown digest of r/LocalLLaMA (find_string id 5536979741): 'MoE 的总参数量达到 41,873,153,344 ... Mini 为 3,821,079,552' (Phi-3.5-MoE vs Phi-3.5-mini parameter breakdown); model card figure 41.9B quoted in the david-share README",
    },
    published: {
      totalParams: {
        value: 41873153344,
        kind: 'num_parameters()',
        note: 'Reproduced exactly by arithmetic: per layer attention with bias 41,953,280 + 16 experts x 3 x 4096x6400 = 1,258,291,200 + router 65,536 + 2 LayerNorms (weight+bias) 16,384 = 1,300,326,400; x32 + embed 131,334,144 + lm_head with bias 131,366,208 + final norm 8,192.',
      },
      activeParams: {
        value: 6600000000,
        roundedTo: 100000000,
        includesInputEmbedding: true,
        note: 'includesInputEmbedding inferred: arithmetic active = 6,640,999,744 with input embedding + lm_head (rounds to 6.6B) vs 6,509,665,600 without the input embedding (would round to 6.5B).',
        source:
          "Azure/azureml-assets:assets/models/system/phi-3.5-moe-128k-instruct/description.md: 'Phi-3.5-MoE has 16x3.8B parameters with 6.6B active parameters when using 2 experts'",
      },
    },
    notes:
      'rope_scaling exists (type longrope, long_mscale = short_mscale = 1.243163121016122, original_max_position_embeddings 4096, 64-entry long_factor/short_factor) but the full arrays were not retrieved verbatim (test copies truncate them to 8), so it is omitted from config. Uses LayerNorm (with bias) and biased attention/lm_head unlike other Phi-3 models. output_router_logits false, router_aux_loss_coef 0.0 in config. releaseDate not verified (Phi-3.5 released 2024-08-20). Release date: Phi-3.5 release, 2024-08-20.',
  },
  {
    id: 'phi-4',
    name: 'Phi-4',
    family: 'dense',
    hfRepo: 'microsoft/phi-4',
    license: 'mit',
    releaseDate: '2024-12-12',
    contextTokens: 16384,
    config: {
      model_type: 'phi3',
      architectures: ['Phi3ForCausalLM'],
      hidden_size: 5120,
      intermediate_size: 17920,
      num_hidden_layers: 40,
      num_attention_heads: 40,
      num_key_value_heads: 10,
      vocab_size: 100352,
      tie_word_embeddings: false,
      max_position_embeddings: 16384,
      original_max_position_embeddings: 16384,
      attention_bias: false,
      sliding_window: null,
      rope_theta: 250000,
      rope_scaling: null,
      torch_dtype: 'bfloat16',
    },
    sources: {
      config:
        'microsoft/phi-4 config.json ("_name_or_path": "microsoft/phi-4", transformers_version 4.47.0) quoted as a JSON block with Chinese comments in a GitHub markdown note (find_string id 58256788114). That copy has bos/eos/pad 100257 (an early revision; not catalog fields).',
      params:
        "GitHub file (find_string id 71142266638): KNOWN_MODELS table 'HF model id -> (license, exact params)' annotated 'HF Hub API 2026-09-25: tags license:* and safetensors.total' ('microsoft/phi-4': 14659507200); debaditc/kvfit:scripts/build_registry.py MODELS table ('exact params from HF safetensors', looked up via https://huggingface.co/api/models/<repo>?expand[]=safetensors)",
    },
    published: {
      totalParams: {
        value: 14659507200,
        kind: 'hf-safetensors-parameters',
        note: 'Untied 100352x5120 embeddings (513,802,240 each). Arithmetic: 40 x 340,797,440 + 2 x 513,802,240 + 5,120.',
      },
      activeParams: null,
    },
    notes:
      'Same block shapes as Phi-3-medium (GQA 40/10, head_dim 128, fused qkv/gate_up) with a 100352 tiktoken-style vocab and rope_theta 250000; full attention (sliding_window null). releaseDate not verified (announced 2024-12-12, weights on HF 2025-01). Release date: Microsoft Tech Community "Introducing Phi-4", 2024-12-12.',
  },
  {
    id: 'phi-4-mini',
    name: 'Phi-4-mini',
    family: 'slm',
    hfRepo: 'microsoft/Phi-4-mini-instruct',
    license: 'mit',
    releaseDate: '2025-02-26',
    contextTokens: 131072,
    config: {
      model_type: 'phi3',
      architectures: ['Phi3ForCausalLM'],
      hidden_size: 3072,
      intermediate_size: 8192,
      num_hidden_layers: 32,
      num_attention_heads: 24,
      num_key_value_heads: 8,
      vocab_size: 200064,
      tie_word_embeddings: true,
      max_position_embeddings: 131072,
      original_max_position_embeddings: 4096,
      attention_bias: false,
      mlp_bias: false,
      lm_head_bias: false,
      sliding_window: 262144,
      rope_theta: 10000.0,
      rope_scaling: {
        type: 'longrope',
      },
      partial_rotary_factor: 0.75,
      torch_dtype: 'bfloat16',
    },
    sources: {
      config:
        'mlc-ai/mlc-llm:python/mlc_llm/model/model_preset.py (commit d1ea69a87280e821611643958bfec385b62dafd3; Python-dict copy of HF config.json, True/None -> true/null) preset \'phi-4\' (despite the key it is "_name_or_path": "Phi-4-mini-instruct", transformers_version 4.45.0)',
      params:
        "GitHub file (find_string id 71142266638): KNOWN_MODELS table 'HF model id -> (license, exact params)' annotated 'HF Hub API 2026-09-25: tags license:* and safetensors.total' ('microsoft/Phi-4-mini-instruct': 3836021760); debaditc/kvfit:scripts/build_registry.py MODELS table ('exact params from HF safetensors', looked up via https://huggingface.co/api/models/<repo>?expand[]=safetensors); a run report 'Runtime-discovered parameters/checkpoint bytes: 3836021760 / 7672066216' (find_string id 61970274363)",
    },
    published: {
      totalParams: {
        value: 3836021760,
        kind: 'hf-safetensors-parameters',
        note: 'Tied embeddings (200064x3072 = 614,596,608 counted once). Arithmetic: 32 x 100,669,440 + 614,596,608 + 3,072.',
      },
      activeParams: null,
    },
    notes:
      'partial_rotary_factor 0.75 (rotary on 96 of 128 head dims); 24 q / 8 kv heads, head_dim 128 (3072/24, no head_dim key); LongRoPE (type longrope, 48 long/short factors) from original 4096 to 131072; sliding_window 262144 is nominal (full attention at 128k). tie_word_embeddings true. releaseDate not verified (released 2025-02-26). Release date: Microsoft Azure blog on Phi-4-mini, 2025-02-26.',
  },
] as const satisfies readonly CatalogModel[];
