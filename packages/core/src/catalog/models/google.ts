import type { CatalogModel } from '../catalog-model.js';

/**
 * Catalog data, researched from the sources named in each entry (`sources.config` for the
 * architecture, `sources.params` for the published parameter count). `config` holds config.json
 * fields verbatim as published; nothing here is computed.
 */
export const GOOGLE_MODELS = [
  {
    id: 'gemma-2b',
    name: 'Gemma 2B',
    family: 'slm',
    hfRepo: 'google/gemma-2b',
    license: 'gemma',
    releaseDate: '2024-02-21',
    contextTokens: 8192,
    config: {
      model_type: 'gemma',
      architectures: ['GemmaForCausalLM'],
      hidden_size: 2048,
      intermediate_size: 16384,
      num_hidden_layers: 18,
      num_attention_heads: 8,
      num_key_value_heads: 1,
      head_dim: 256,
      vocab_size: 256000,
      max_position_embeddings: 8192,
      attention_bias: false,
      rope_theta: 10000.0,
      rope_scaling: null,
      torch_dtype: 'bfloat16',
    },
    sources: {
      config:
        "mlc-ai/mlc-llm:python/mlc_llm/model/model_preset.py (commit d1ea69a87280e821611643958bfec385b62dafd3; Python-dict copy of HF config.json, True/None -> true/null) preset 'gemma_2b'; identical values also in a vLLM-style test copy and in a Gemma2 builder copy labelled _name_or_path google/gemma-2b (find_string ids 1285564616, 40758997795)",
      params:
        "keras-team/keras-hub:keras_hub/src/models/gemma/gemma_presets.py (commit 71453d08f59edc90d276e999319fc51e61cbf82c), preset 'gemma_2b_en' metadata params; same number in a published per-model catalog (find_string id 68917325775, total_parameters: 2506172416) and in a measured `trainable params: 2506172416 || all params: 2506172416` log (find_string id 21148617355)",
    },
    published: {
      totalParams: {
        value: 2506172416,
        kind: 'num_parameters()',
        note: 'Counts the tied embedding once (256000x2048 = 524,288,000). Arithmetic from the config reproduces it exactly: 18 layers x 110,104,576 + 524,288,000 + 2,048.',
      },
      activeParams: null,
    },
    notes:
      "MQA (num_key_value_heads 1), head_dim 256 (8 heads x 256 = 2048 = hidden). tie_word_embeddings absent from config.json -> GemmaConfig default true; checkpoint stores only embed_tokens. Gemma-1 has no sliding window. releaseDate = date Gemma was added to HF Transformers (docs/source/en/model_doc/gemma.md: 'added to Hugging Face Transformers on 2024-02-21'), which was the launch day; the doc's 'released on 2024-03-13' is the paper date.",
  },
  {
    id: 'gemma-7b',
    name: 'Gemma 7B',
    family: 'dense',
    hfRepo: 'google/gemma-7b',
    license: 'gemma',
    releaseDate: '2024-02-21',
    contextTokens: 8192,
    config: {
      model_type: 'gemma',
      architectures: ['GemmaForCausalLM'],
      hidden_size: 3072,
      intermediate_size: 24576,
      num_hidden_layers: 28,
      num_attention_heads: 16,
      num_key_value_heads: 16,
      head_dim: 256,
      vocab_size: 256000,
      max_position_embeddings: 8192,
      attention_bias: false,
      rope_theta: 10000.0,
      rope_scaling: null,
      torch_dtype: 'bfloat16',
    },
    sources: {
      config:
        'Printed GemmaConfig for google/gemma-7b (AutoConfig.from_pretrained, transformers 4.45.2) in a GitHub notebook/markdown file (find_string id 45348544962); the same values are printed for google/gemma-7b-it (transformers 4.40.0.dev0) in find_string id 14966114298. This is the resolved config repr, not the raw config.json file.',
      params:
        "keras-team/keras-hub:keras_hub/src/models/gemma/gemma_presets.py (commit 71453d08f59edc90d276e999319fc51e61cbf82c), preset 'gemma_7b_en' metadata params; also 'google/gemma-7b-it': 8537680896 in a model_size_dict (find_string id 2567470270) and 'unsloth/gemma-7b-it' model_size 8537680896 (find_string id 14269230532)",
    },
    published: {
      totalParams: {
        value: 8537680896,
        kind: 'num_parameters()',
        note: 'Tied embeddings counted once. Arithmetic: 28 x 276,830,208 + 786,432,000 + 3,072 = 8,537,680,896.',
      },
      activeParams: null,
    },
    notes:
      'Full MHA (16 q / 16 kv heads) with head_dim 256, so attention width 16x256 = 4096 != hidden_size 3072 (q_proj 3072->4096). Only the config fields in the catalog list were copied from the printed repr; tie_word_embeddings not printed (GemmaConfig default true; lm_head tied).',
  },
  {
    id: 'gemma-2-2b',
    name: 'Gemma 2 2B',
    family: 'slm',
    hfRepo: 'google/gemma-2-2b',
    license: 'gemma',
    releaseDate: '2024-07-31',
    contextTokens: 8192,
    config: {
      model_type: 'gemma2',
      architectures: ['Gemma2ForCausalLM'],
      hidden_size: 2304,
      intermediate_size: 9216,
      num_hidden_layers: 26,
      num_attention_heads: 8,
      num_key_value_heads: 4,
      head_dim: 256,
      vocab_size: 256000,
      max_position_embeddings: 8192,
      attention_bias: false,
      sliding_window: 4096,
      rope_theta: 10000.0,
      torch_dtype: 'bfloat16',
      query_pre_attn_scalar: 256,
      attn_logit_softcapping: 50.0,
      final_logit_softcapping: 30.0,
    },
    sources: {
      config:
        "mlc-ai/mlc-llm:python/mlc_llm/model/model_preset.py (commit d1ea69a87280e821611643958bfec385b62dafd3; Python-dict copy of HF config.json, True/None -> true/null) preset 'gemma2_2b'",
      params:
        "GitHub file (find_string id 71142266638): KNOWN_MODELS table 'HF model id -> (license, exact params)' annotated 'HF Hub API 2026-09-25: tags license:* and safetensors.total' ('google/gemma-2-2b-it': 2614341888); also keras-team/keras-hub:keras_hub/src/models/gemma/gemma_presets.py (commit 71453d08f59edc90d276e999319fc51e61cbf82c), preset 'gemma2_2b_en' metadata params",
    },
    published: {
      totalParams: {
        value: 2614341888,
        kind: 'hf-safetensors-parameters',
        note: 'Tied embeddings counted once (bf16 checkpoint).',
      },
      activeParams: null,
    },
    notes:
      'Gemma 2: local sliding-window (4096) and global attention alternate every other layer (no sliding_window_pattern/layer_types key in this config version; transformers derives it). attn_logit_softcapping 50.0, final_logit_softcapping 30.0. tie_word_embeddings absent -> default true. mlc preset is the -it variant (eos_token_id [1,107]); architecture fields are the same for google/gemma-2-2b. Arithmetic: 26 x 77,865,984 + 589,824,000 + 2,304 = 2,614,341,888. releaseDate: gemma2.md gives 2024-07-31 (HF papers date), which coincides with the 2B release.',
  },
  {
    id: 'gemma-2-9b',
    name: 'Gemma 2 9B',
    family: 'dense',
    hfRepo: 'google/gemma-2-9b',
    license: 'gemma',
    releaseDate: '2024-06-27',
    contextTokens: 8192,
    config: {
      model_type: 'gemma2',
      architectures: ['Gemma2ForCausalLM'],
      hidden_size: 3584,
      intermediate_size: 14336,
      num_hidden_layers: 42,
      num_attention_heads: 16,
      num_key_value_heads: 8,
      head_dim: 256,
      vocab_size: 256000,
      max_position_embeddings: 8192,
      attention_bias: false,
      sliding_window: 4096,
      sliding_window_size: 4096,
      rope_theta: 10000.0,
      torch_dtype: 'bfloat16',
      query_pre_attn_scalar: 256,
      attn_logit_softcapping: 50.0,
      final_logit_softcapping: 30.0,
    },
    sources: {
      config:
        "mlc-ai/mlc-llm:python/mlc_llm/model/model_preset.py (commit d1ea69a87280e821611643958bfec385b62dafd3; Python-dict copy of HF config.json, True/None -> true/null) preset 'gemma2_9b'",
      params:
        "debaditc/kvfit:scripts/build_registry.py MODELS table ('exact params from HF safetensors', looked up via https://huggingface.co/api/models/<repo>?expand[]=safetensors) (Gemma-2-9B, fixture unsloth_gemma-2-9b-it, official google/gemma-2-9b-it); also keras-team/keras-hub:keras_hub/src/models/gemma/gemma_presets.py (commit 71453d08f59edc90d276e999319fc51e61cbf82c), preset 'gemma2_9b_en' metadata params",
    },
    published: {
      totalParams: {
        value: 9241705984,
        kind: 'hf-safetensors-parameters',
        note: 'Tied embeddings counted once (bf16 checkpoint).',
      },
      activeParams: null,
    },
    notes:
      "Gemma 2: local sliding-window (4096) and global attention alternate every other layer (no sliding_window_pattern/layer_types key in this config version; transformers derives it). attn_logit_softcapping 50.0, final_logit_softcapping 30.0. tie_word_embeddings absent -> default true. Config also contains legacy duplicate key sliding_window_size 4096. releaseDate: Gemma 2 9B/27B launch = date added to HF Transformers (gemma2.md: 'contributed to Hugging Face Transformers on 2024-06-27').",
  },
  {
    id: 'gemma-2-27b',
    name: 'Gemma 2 27B',
    family: 'dense',
    hfRepo: 'google/gemma-2-27b',
    license: 'gemma',
    releaseDate: '2024-06-27',
    contextTokens: 8192,
    config: {
      model_type: 'gemma2',
      architectures: ['Gemma2ForCausalLM'],
      hidden_size: 4608,
      intermediate_size: 36864,
      num_hidden_layers: 46,
      num_attention_heads: 32,
      num_key_value_heads: 16,
      head_dim: 128,
      vocab_size: 256000,
      max_position_embeddings: 8192,
      attention_bias: false,
      sliding_window: 4096,
      sliding_window_size: 4096,
      rope_theta: 10000.0,
      torch_dtype: 'bfloat16',
      query_pre_attn_scalar: 144,
      attn_logit_softcapping: 50.0,
      final_logit_softcapping: 30.0,
      _attn_implementation: 'eager',
    },
    sources: {
      config:
        "mlc-ai/mlc-llm:python/mlc_llm/model/model_preset.py (commit d1ea69a87280e821611643958bfec385b62dafd3; Python-dict copy of HF config.json, True/None -> true/null) preset 'gemma2_27b'",
      params:
        "debaditc/kvfit:scripts/build_registry.py MODELS table ('exact params from HF safetensors', looked up via https://huggingface.co/api/models/<repo>?expand[]=safetensors) (Gemma-2-27B, fixture unsloth_gemma-2-27b-it); also keras-team/keras-hub:keras_hub/src/models/gemma/gemma_presets.py (commit 71453d08f59edc90d276e999319fc51e61cbf82c), preset 'gemma2_27b_en' metadata params",
    },
    published: {
      totalParams: {
        value: 27227128320,
        kind: 'hf-safetensors-parameters',
        note: 'Tied embeddings counted once (bf16 checkpoint).',
      },
      activeParams: null,
    },
    notes:
      'Gemma 2: local sliding-window (4096) and global attention alternate every other layer (no sliding_window_pattern/layer_types key in this config version; transformers derives it). attn_logit_softcapping 50.0, final_logit_softcapping 30.0. tie_word_embeddings absent -> default true. head_dim 128 with 32 heads (4096 != hidden 4608); query_pre_attn_scalar 144 (= hidden/heads = 4608/32) instead of head_dim. The mlc copy ends with "_attn_implementation": "eager"; the same key appears in a user-quoted downloaded config.json in a vLLM issue digest (find_string id 56987265480), so it appears to be in the Hub file. Keras preset description says \'42-layer\' but its params match the 46-layer HF model. releaseDate: Gemma 2 9B/27B launch = date added to HF Transformers (gemma2.md: \'contributed to Hugging Face Transformers on 2024-06-27\').',
  },
  {
    id: 'gemma-3-1b',
    name: 'Gemma 3 1B',
    family: 'slm',
    hfRepo: 'google/gemma-3-1b-pt',
    license: 'gemma',
    releaseDate: '2025-03-12',
    contextTokens: 32768,
    config: {
      model_type: 'gemma3_text',
      architectures: ['Gemma3ForCausalLM'],
      hidden_size: 1152,
      intermediate_size: 6912,
      num_hidden_layers: 26,
      num_attention_heads: 4,
      num_key_value_heads: 1,
      head_dim: 256,
      vocab_size: 262144,
      max_position_embeddings: 32768,
      attention_bias: false,
      sliding_window: 512,
      sliding_window_pattern: 6,
      rope_theta: 1000000,
      rope_local_base_freq: 10000,
      rope_scaling: null,
      torch_dtype: 'bfloat16',
      query_pre_attn_scalar: 256,
      attn_logit_softcapping: null,
      final_logit_softcapping: null,
    },
    sources: {
      config:
        "mlc-ai/mlc-llm:python/mlc_llm/model/model_preset.py (commit d1ea69a87280e821611643958bfec385b62dafd3; Python-dict copy of HF config.json, True/None -> true/null) preset 'gemma3_1b_it' (the -it config; NVIDIA TensorRT-LLM test GEMMA3_1B_CONFIG has the same keys but shrinks layers/window for testing)",
      params:
        "GitHub file (find_string id 71142266638): KNOWN_MODELS table 'HF model id -> (license, exact params)' annotated 'HF Hub API 2026-09-25: tags license:* and safetensors.total' ('google/gemma-3-1b-it': 999885952); also a JS test fixture 'api/models/google/gemma-3-1b-it': { safetensors: { total: 999885952 } } (find_string id 59172823075) and keras-team/keras-hub:keras_hub/src/models/gemma3/gemma3_presets.py (commit 71453d08f59edc90d276e999319fc51e61cbf82c), preset 'gemma3_1b' metadata params",
    },
    published: {
      totalParams: {
        value: 999885952,
        kind: 'hf-safetensors-parameters',
        note: 'Text-only (Gemma3ForCausalLM), tied embeddings, vocab 262144 (no image tokens).',
      },
      activeParams: null,
    },
    notes:
      "model_type gemma3_text. 5 local (sliding_window 512) : 1 global pattern via sliding_window_pattern 6; newer transformers rewrites this as layer_types. rope_theta 1e6 global / rope_local_base_freq 1e4 local, no rope_scaling. query_pre_attn_scalar 256. releaseDate = gemma3.md 'added to Hugging Face Transformers on 2025-03-12' (launch day).",
  },
  {
    id: 'gemma-3-4b',
    name: 'Gemma 3 4B',
    family: 'slm',
    hfRepo: 'google/gemma-3-4b-pt',
    license: 'gemma',
    releaseDate: '2025-03-12',
    contextTokens: 131072,
    config: {
      architectures: ['Gemma3ForConditionalGeneration'],
      boi_token_index: 255999,
      eoi_token_index: 256000,
      image_token_index: 262144,
      mm_tokens_per_image: 256,
      model_type: 'gemma3',
      text_config: {
        hidden_size: 2560,
        intermediate_size: 10240,
        model_type: 'gemma3_text',
        num_hidden_layers: 34,
        rope_scaling: {
          factor: 8.0,
          rope_type: 'linear',
        },
        sliding_window: 1024,
      },
      torch_dtype: 'bfloat16',
      vision_config: {
        hidden_size: 1152,
        image_size: 896,
        intermediate_size: 4304,
        model_type: 'siglip_vision_model',
        num_attention_heads: 16,
        num_hidden_layers: 27,
        patch_size: 14,
        vision_use_head: false,
      },
    },
    sources: {
      config:
        "Raw google/gemma-3-4b-it config.json as quoted in two GitHub test fixtures: a Rust test const GEMMA3_4B \"The shape of google/gemma-3-4b-it's config.json, vision tower omitted\" (find_string id 70224130757) and a C# test quoting 'the original gemma-3-4b-it's config.json' with the vision_config (find_string id 70892509106; that copy also adds a final_logit_softcapping key the test itself says is ignored, so it is not reproduced here). eos_token_id [1,106], initializer_range 0.02, transformers_version 4.50.0.dev0 omitted (not catalog fields). Architecture identical for -pt.",
      params:
        "GitHub file (find_string id 71142266638): KNOWN_MODELS table 'HF model id -> (license, exact params)' annotated 'HF Hub API 2026-09-25: tags license:* and safetensors.total' ('google/gemma-3-4b-it': 4300079472); debaditc/kvfit:scripts/build_registry.py MODELS table ('exact params from HF safetensors', looked up via https://huggingface.co/api/models/<repo>?expand[]=safetensors); measured `sum(parameter.numel() for parameter in model.parameters()) != 4300079472` checks on Gemma3ForConditionalGeneration.from_pretrained (find_string ids 59569054635, 59190778970); keras-team/keras-hub:keras_hub/src/models/gemma3/gemma3_presets.py (commit 71453d08f59edc90d276e999319fc51e61cbf82c), preset 'medgemma_4b' metadata params (same architecture)",
    },
    published: {
      totalParams: {
        value: 4300079472,
        kind: 'hf-safetensors-parameters',
        note: 'Includes vision tower 416,866,032 + projector 2,950,272 (1152x2560 + 1152) = 419,816,304; text stack 3,880,263,168 (vocab 262208, tied). KerasHub gemma3_4b (vocab 262144) = 4,299,915,632 = this minus 64x2560.',
      },
      activeParams: null,
    },
    notes:
      "Multimodal checkpoint: SigLIP vision tower + multi_modal_projector are inside the safetensors and inside the published total. The Hub config.json is sparse: text_config omits head_dim, heads, kv heads, vocab_size, max_position_embeddings, tie_word_embeddings, query_pre_attn_scalar (Gemma3TextConfig defaults fill them: vocab_size 262208 = 262144 + 64 image/special rows, max_position_embeddings 131072, sliding_window_pattern 6, tied embeddings). configResolved gives the resolved values. KerasHub's text-only presets use vocab 262144 and so are 64 x hidden smaller than the HF text stack. family 'slm' by the 4B size class (text stack 3.88B; 4.30B with vision). Text: 34 layers, 8 q heads / 4 kv heads, head_dim 256, query_pre_attn_scalar 256, sliding_window 1024 with 5 local:1 global (global layers 5,11,17,23,29 per the blog), global RoPE 1e6 with linear x8 scaling, local RoPE 1e4. releaseDate = gemma3.md 'added to Hugging Face Transformers on 2025-03-12'.",
  },
  {
    id: 'gemma-3-12b',
    name: 'Gemma 3 12B',
    family: 'dense',
    hfRepo: 'google/gemma-3-12b-pt',
    license: 'gemma',
    releaseDate: '2025-03-12',
    contextTokens: 131072,
    config: {
      architectures: ['Gemma3ForConditionalGeneration'],
      boi_token_index: 255999,
      eoi_token_index: 256000,
      image_token_index: 262144,
      mm_tokens_per_image: 256,
      model_type: 'gemma3',
      text_config: {
        hidden_size: 3840,
        intermediate_size: 15360,
        model_type: 'gemma3_text',
        num_attention_heads: 16,
        num_hidden_layers: 48,
        num_key_value_heads: 8,
        rope_scaling: {
          factor: 8.0,
          rope_type: 'linear',
        },
        sliding_window: 1024,
      },
      vision_config: {
        hidden_size: 1152,
        image_size: 896,
        intermediate_size: 4304,
        model_type: 'siglip_vision_model',
        num_attention_heads: 16,
        num_hidden_layers: 27,
        patch_size: 14,
        vision_use_head: false,
      },
    },
    sources: {
      config:
        "text_config: 'Gemma 3 12B Config Excerpt' JSON in a GitHub inspection report (find_string id 10648345917); top-level token indices + mm_tokens_per_image: a Rust test quoting 'google/gemma-3-12b-it's own' values (find_string id 68459601432); vision_config: identical SigLIP config used for all Gemma 3 multimodal sizes (transformers convert_gemma3_weights_orbax_to_hf.py _VISION_CONFIG; raw form as in the 4B/27B copies). Cross-checked against the 12B variant in transformers' convert script (hidden 3840, intermediate 3840*8//2, 16 heads, 48 layers, 8 kv heads). Not one verbatim file.",
      params:
        "debaditc/kvfit:scripts/build_registry.py MODELS table ('exact params from HF safetensors', looked up via https://huggingface.co/api/models/<repo>?expand[]=safetensors) (Gemma-3-12B, official google/gemma-3-12b-it); also JS test fixture 'api/models/google/gemma-3-12b-it': { safetensors: { total: 12187325040 } } (find_string id 59172823075)",
    },
    published: {
      totalParams: {
        value: 12187325040,
        kind: 'hf-safetensors-parameters',
        note: 'Includes vision tower 416,866,032 + projector 4,424,832 (1152x3840+1152) = 421,290,864; text 11,766,034,176 (vocab 262208, tied). KerasHub gemma3_12b = 12,187,079,280 (= this - 64x3840, vocab 262144).',
      },
      activeParams: null,
    },
    notes:
      "Multimodal checkpoint: SigLIP vision tower + multi_modal_projector are inside the safetensors and inside the published total. The Hub config.json is sparse: text_config omits head_dim, heads, kv heads, vocab_size, max_position_embeddings, tie_word_embeddings, query_pre_attn_scalar (Gemma3TextConfig defaults fill them: vocab_size 262208 = 262144 + 64 image/special rows, max_position_embeddings 131072, sliding_window_pattern 6, tied embeddings). configResolved gives the resolved values. KerasHub's text-only presets use vocab 262144 and so are 64 x hidden smaller than the HF text stack. Resolved defaults as for 4B: head_dim 256, query_pre_attn_scalar 256, vocab 262208, max_position_embeddings 131072, sliding_window_pattern 6.",
  },
  {
    id: 'gemma-3-27b',
    name: 'Gemma 3 27B',
    family: 'dense',
    hfRepo: 'google/gemma-3-27b-pt',
    license: 'gemma',
    releaseDate: '2025-03-12',
    contextTokens: 131072,
    config: {
      architectures: ['Gemma3ForConditionalGeneration'],
      boi_token_index: 255999,
      eoi_token_index: 256000,
      image_token_index: 262144,
      mm_tokens_per_image: 256,
      model_type: 'gemma3',
      text_config: {
        head_dim: 128,
        hidden_size: 5376,
        intermediate_size: 21504,
        model_type: 'gemma3_text',
        num_attention_heads: 32,
        num_hidden_layers: 62,
        num_key_value_heads: 16,
        query_pre_attn_scalar: 168,
        rope_scaling: {
          factor: 8.0,
          rope_type: 'linear',
        },
        sliding_window: 1024,
      },
      torch_dtype: 'bfloat16',
      vision_config: {
        hidden_size: 1152,
        image_size: 896,
        intermediate_size: 4304,
        model_type: 'siglip_vision_model',
        num_attention_heads: 16,
        num_hidden_layers: 27,
        patch_size: 14,
        vision_use_head: false,
      },
    },
    sources: {
      config:
        'NVIDIA/TensorRT-LLM test GEMMA3_27B_CONFIG (find_string ids 9101267843, 926331895) copied from google/gemma-3-27b-it config.json, but that test shrinks num_hidden_layers to 6 and sliding_window to 4 and adds sliding_window_pattern 6; num_hidden_layers 62 and sliding_window 1024 restored from transformers convert_gemma3_weights_orbax_to_hf.py (_VARIANT_GEMMA_3_27B: 62 layers, sliding_window=1024, head_dim=128, query_pre_attn_scalar = 1/sqrt(5376//32)) and a Gemma3Config test for google/gemma-3-27b (find_string id 53983210377). Not one verbatim file.',
      params:
        "debaditc/kvfit:scripts/build_registry.py MODELS table ('exact params from HF safetensors', looked up via https://huggingface.co/api/models/<repo>?expand[]=safetensors) (Gemma-3-27B, official google/gemma-3-27b-it); also keras-team/keras-hub:keras_hub/src/models/gemma3/gemma3_presets.py (commit 71453d08f59edc90d276e999319fc51e61cbf82c), preset 'medgemma_instruct_27b' metadata params (same architecture)",
    },
    published: {
      totalParams: {
        value: 27432406640,
        kind: 'hf-safetensors-parameters',
        note: 'Includes vision tower 416,866,032 + projector 6,194,304 (1152x5376+1152) = 423,060,336; text 27,009,346,304 (vocab 262208, tied). KerasHub gemma3_27b = 27,432,062,576 (= this - 64x5376).',
      },
      activeParams: null,
    },
    notes:
      "Multimodal checkpoint: SigLIP vision tower + multi_modal_projector are inside the safetensors and inside the published total. The Hub config.json is sparse: text_config omits head_dim, heads, kv heads, vocab_size, max_position_embeddings, tie_word_embeddings, query_pre_attn_scalar (Gemma3TextConfig defaults fill them: vocab_size 262208 = 262144 + 64 image/special rows, max_position_embeddings 131072, sliding_window_pattern 6, tied embeddings). configResolved gives the resolved values. KerasHub's text-only presets use vocab 262144 and so are 64 x hidden smaller than the HF text stack. 27B differs: head_dim 128 (32x128 = 4096 != 5376), query_pre_attn_scalar 168 = 5376/32.",
  },
] as const satisfies readonly CatalogModel[];
