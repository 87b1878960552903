#!/usr/bin/env python3
"""Hugging Face transformers models from small random configs (nothing from the hub), traced as
their documentation says, saved for the real-model suite:

    PYTHONPATH=build/test-deps/transformers-<ver> python3 tests/real_models/hf_models.py OUT NAME...
    ... hf_models.py --list      print every name, one `name<TAB>family` a line

Each architecture gives two archives: NAME `<arch>-dict` traced with its dict outputs
(`torch.jit.trace(model, inputs, strict=False)`, return_dict left at its default) and
`<arch>-tuple` traced with `config.return_dict = False` (tuple outputs). Runs with python3's
torch 2.13. Seeds are fixed; eager attention and use_cache=False where the config takes them.
"""
import sys
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import archive_io  # noqa: E402

# Shared by the text models: the small config.
TEXT = dict(hidden_size=32, num_hidden_layers=2, num_attention_heads=4, intermediate_size=37,
            vocab_size=99, max_position_embeddings=64)
VISION = dict(hidden_size=32, num_hidden_layers=2, num_attention_heads=4, intermediate_size=37,
              image_size=32, patch_size=8, num_channels=3)
SEQ = 8  # tokens
IMAGE = (1, 3, 32, 32)

# arch -> (config class, model class, config kwargs, input kind). Input kinds: "ids" (input_ids
# 1xSEQ int64), "image" (pixel_values IMAGE), "audio" (input_values 1x1600), "mel"
# (input_features 1x8x32), "encoder" (the model's get_encoder(), input_ids).
ARCHS = {
    # encoders
    "bert": ("BertConfig", "BertModel", TEXT, "ids"),
    "roberta": ("RobertaConfig", "RobertaModel", TEXT, "ids"),
    "xlm_roberta": ("XLMRobertaConfig", "XLMRobertaModel", TEXT, "ids"),
    "distilbert": ("DistilBertConfig", "DistilBertModel",
                   dict(dim=32, n_layers=2, n_heads=4, hidden_dim=37, vocab_size=99,
                        max_position_embeddings=64), "ids"),
    "albert": ("AlbertConfig", "AlbertModel", dict(TEXT, embedding_size=16), "ids"),
    "electra": ("ElectraConfig", "ElectraModel", dict(TEXT, embedding_size=16), "ids"),
    "deberta": ("DebertaConfig", "DebertaModel", TEXT, "ids"),
    "deberta_v2": ("DebertaV2Config", "DebertaV2Model", TEXT, "ids"),
    "mpnet": ("MPNetConfig", "MPNetModel", TEXT, "ids"),
    "convbert": ("ConvBertConfig", "ConvBertModel", dict(TEXT, embedding_size=32), "ids"),
    "roformer": ("RoFormerConfig", "RoFormerModel", dict(TEXT, embedding_size=32), "ids"),
    "mobilebert": ("MobileBertConfig", "MobileBertModel",
                   dict(TEXT, embedding_size=16, intra_bottleneck_size=16,
                        true_hidden_size=16, num_feedforward_networks=2), "ids"),
    # decoders (causal masks)
    "gpt2": ("GPT2Config", "GPT2Model",
             dict(n_embd=32, n_layer=2, n_head=4, n_inner=37, vocab_size=99, n_positions=64),
             "ids"),
    "gpt_neo": ("GPTNeoConfig", "GPTNeoModel",
                dict(hidden_size=32, num_layers=2, num_heads=4, intermediate_size=37,
                     vocab_size=99, max_position_embeddings=64, window_size=4,
                     attention_types=[[["global", "local"], 1]]), "ids"),
    "gptj": ("GPTJConfig", "GPTJModel",
             dict(n_embd=32, n_layer=2, n_head=4, n_inner=37, vocab_size=99, n_positions=64,
                  rotary_dim=4), "ids"),
    "gpt_neox": ("GPTNeoXConfig", "GPTNeoXModel", dict(TEXT, rotary_pct=0.5), "ids"),
    "opt": ("OPTConfig", "OPTModel",
            dict(hidden_size=32, num_hidden_layers=2, num_attention_heads=4, ffn_dim=37,
                 vocab_size=99, max_position_embeddings=64, word_embed_proj_dim=32), "ids"),
    "llama": ("LlamaConfig", "LlamaModel", dict(TEXT, num_key_value_heads=2), "ids"),
    "mistral": ("MistralConfig", "MistralModel", dict(TEXT, num_key_value_heads=2), "ids"),
    "qwen2": ("Qwen2Config", "Qwen2Model", dict(TEXT, num_key_value_heads=2), "ids"),
    "qwen3": ("Qwen3Config", "Qwen3Model", dict(TEXT, num_key_value_heads=2, head_dim=8),
              "ids"),
    "phi": ("PhiConfig", "PhiModel", dict(TEXT, partial_rotary_factor=0.5), "ids"),
    "phi3": ("Phi3Config", "Phi3Model", dict(TEXT, num_key_value_heads=2, pad_token_id=0),
             "ids"),
    "gemma": ("GemmaConfig", "GemmaModel", dict(TEXT, num_key_value_heads=2, head_dim=8),
              "ids"),
    "gemma2": ("Gemma2Config", "Gemma2Model",
               dict(TEXT, num_key_value_heads=2, head_dim=8, sliding_window=4), "ids"),
    "bloom": ("BloomConfig", "BloomModel",
              dict(hidden_size=32, n_layer=2, n_head=4, vocab_size=99), "ids"),
    "falcon": ("FalconConfig", "FalconModel",
               dict(hidden_size=32, num_hidden_layers=2, num_attention_heads=4, vocab_size=99,
                    new_decoder_architecture=False, multi_query=True, alibi=False), "ids"),
    "codegen": ("CodeGenConfig", "CodeGenModel",
                dict(n_embd=32, n_layer=2, n_head=4, n_inner=37, vocab_size=99, n_positions=64,
                     n_ctx=64, rotary_dim=4), "ids"),
    "stablelm": ("StableLmConfig", "StableLmModel", dict(TEXT, num_key_value_heads=2), "ids"),
    # encoder halves of seq2seq models
    "t5_encoder": ("T5Config", "T5EncoderModel",
                   dict(d_model=32, d_kv=8, d_ff=37, num_layers=2, num_heads=4, vocab_size=99),
                   "ids"),
    "bart_encoder": ("BartConfig", "BartModel",
                     dict(d_model=32, encoder_layers=2, decoder_layers=2,
                          encoder_attention_heads=4, decoder_attention_heads=4,
                          encoder_ffn_dim=37, decoder_ffn_dim=37, vocab_size=99,
                          max_position_embeddings=64), "encoder"),
    "whisper_encoder": ("WhisperConfig", "WhisperModel",
                        dict(d_model=32, encoder_layers=2, decoder_layers=2,
                             encoder_attention_heads=4, decoder_attention_heads=4,
                             encoder_ffn_dim=37, decoder_ffn_dim=37, vocab_size=99,
                             num_mel_bins=8, max_source_positions=16,
                             max_target_positions=16, pad_token_id=0, bos_token_id=1,
                             eos_token_id=2, decoder_start_token_id=1), "mel"),
    # vision
    "vit": ("ViTConfig", "ViTModel", VISION, "image"),
    "deit": ("DeiTConfig", "DeiTModel", VISION, "image"),
    "dinov2": ("Dinov2Config", "Dinov2Model", dict(VISION, mlp_ratio=2), "image"),
    "beit": ("BeitConfig", "BeitModel", VISION, "image"),
    "clip_vision": ("CLIPVisionConfig", "CLIPVisionModel", VISION, "image"),
    "swin": ("SwinConfig", "SwinModel",
             dict(image_size=32, patch_size=4, embed_dim=16, depths=[1, 1], num_heads=[2, 2],
                  window_size=4), "image"),
    "convnext": ("ConvNextConfig", "ConvNextModel",
                 dict(num_stages=2, hidden_sizes=[8, 16], depths=[1, 1]), "image"),
    "convnextv2": ("ConvNextV2Config", "ConvNextV2Model",
                   dict(num_stages=2, hidden_sizes=[8, 16], depths=[1, 1]), "image"),
    "resnet": ("ResNetConfig", "ResNetModel",
               dict(embedding_size=8, hidden_sizes=[8, 16], depths=[1, 1], layer_type="basic"),
               "image"),
    "regnet": ("RegNetConfig", "RegNetModel",
               dict(embedding_size=8, hidden_sizes=[8, 16], depths=[1, 1], groups_width=8),
               "image"),
    "mobilevit": ("MobileViTConfig", "MobileViTModel",
                  dict(image_size=32, patch_size=2, hidden_sizes=[16, 24, 32],
                       neck_hidden_sizes=[8, 8, 16, 16, 24, 32, 64], num_attention_heads=2,
                       conv_kernel_size=3), "image"),
    "segformer": ("SegformerConfig", "SegformerModel",
                  dict(num_encoder_blocks=2, depths=[1, 1], sr_ratios=[2, 1],
                       hidden_sizes=[8, 16], num_attention_heads=[1, 2], patch_sizes=[7, 3],
                       strides=[4, 2], decoder_hidden_size=16, mlp_ratios=[2, 2]), "image"),
    # audio
    "wav2vec2": ("Wav2Vec2Config", "Wav2Vec2Model",
                 dict(hidden_size=32, num_hidden_layers=2, num_attention_heads=4,
                      intermediate_size=37, conv_dim=(8, 8), conv_stride=(4, 4),
                      conv_kernel=(8, 8), num_conv_pos_embeddings=16,
                      num_conv_pos_embedding_groups=2), "audio"),
    "hubert": ("HubertConfig", "HubertModel",
               dict(hidden_size=32, num_hidden_layers=2, num_attention_heads=4,
                    intermediate_size=37, conv_dim=(8, 8), conv_stride=(4, 4),
                    conv_kernel=(8, 8), num_conv_pos_embeddings=16,
                    num_conv_pos_embedding_groups=2), "audio"),
}
KINDS = ("dict", "tuple")


def model_list():
    return [(f"{arch}-{kind}", arch) for arch in ARCHS for kind in KINDS]


def make_inputs(kind, torch, config):
    generator = torch.Generator().manual_seed(2)
    if kind in ("ids", "encoder"):
        return [torch.randint(1, 99, (1, SEQ), generator=generator)]
    if kind == "image":
        return [torch.randn(IMAGE, generator=generator)]
    if kind == "audio":
        return [torch.randn((1, 1600), generator=generator)]
    if kind == "mel":
        frames = 2 * config.max_source_positions
        return [torch.randn((1, config.num_mel_bins, frames), generator=generator)]
    raise ValueError(kind)


def build(name, out_dir):
    import torch
    import transformers

    arch, kind = name.rsplit("-", 1)
    config_class, model_class, kwargs, input_kind = ARCHS[arch]
    torch.manual_seed(0)
    config = getattr(transformers, config_class)(**kwargs)
    config.use_cache = False
    config._attn_implementation = "eager"
    if kind == "tuple":
        config.return_dict = False
    model = getattr(transformers, model_class)(config)
    if input_kind in ("encoder", "mel"):
        model = model.get_encoder()
    model.eval()
    inputs = make_inputs(input_kind, torch, config)
    with torch.no_grad():
        archive_io.randomise_norms(model, tuple(inputs))
        traced = torch.jit.trace(model, tuple(inputs), strict=False)
        outputs = traced(*inputs)
    archive_io.save_case(out_dir, traced, inputs, outputs, how="trace",
                         versions={"torch": torch.__version__,
                                   "transformers": transformers.__version__},
                         spread=archive_io.spreads(model, inputs, outputs))


def main(argv):
    warnings.simplefilter("ignore")
    if argv[1:] == ["--list"]:
        for name, family in model_list():
            print(f"{name}\t{family}")
        return 0
    import transformers

    transformers.logging.set_verbosity_error()
    out = Path(argv[1])
    for name in argv[2:]:
        archive_io.build_guarded(build, name, out / name)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
