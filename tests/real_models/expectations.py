"""What each sample model of test_real_models.py does today, per target (missing:
"pass"). Written by update_expectations.py from a run; edit by hand to flip one."""
EXPECTED = {
    'timm/beit_base_patch16_224': {
        'mlprogram_fp16': 'error: op aten::cat',
        'mlprogram_fp32': 'error: op aten::cat',
        'neuralnetwork': 'error: op aten::cat',
    },
    'timm/halonet26t': {
        'mlprogram_fp16': 'error: 3 unsupported ops: op aten::unfold',
        'mlprogram_fp32': 'error: 3 unsupported ops: op aten::unfold',
        'neuralnetwork': 'error: 3 unsupported ops: op aten::unfold',
    },
    'timm/crossvit_tiny_240': {
        'mlprogram_fp16': 'error: 2 unsupported ops: op prim::ListUnpack',
        'mlprogram_fp32': 'error: 2 unsupported ops: op prim::ListUnpack',
        'neuralnetwork': 'error: 2 unsupported ops: op prim::ListUnpack',
    },
    'timm/edgenext_small': {
        'mlprogram_fp16': 'error: 4 unsupported ops: op prim::ListUnpack at <string>:13',
        'mlprogram_fp32': 'error: 4 unsupported ops: op prim::ListUnpack at <string>:13',
        'neuralnetwork': 'error: 4 unsupported ops: op prim::ListUnpack at <string>:13',
    },
    'timm/efficientformer_l1': {
        'mlprogram_fp16': 'unlocated: no overload of aten::index matches (Tensor<float32 8x49>, List[NoneType]); candidates: aten::index.Tensor(Tensor self, T',
        'mlprogram_fp32': 'unlocated: no overload of aten::index matches (Tensor<float32 8x49>, List[NoneType]); candidates: aten::index.Tensor(Tensor self, T',
        'neuralnetwork': 'unlocated: no overload of aten::index matches (Tensor<float32 8x49>, List[NoneType]); candidates: aten::index.Tensor(Tensor self, T',
    },
    'timm/inception_v3': {
        'mlprogram_fp16': 'wrong: output: max abs error N > N (fp16)',
    },
    'timm/levit_128': {
        'mlprogram_fp16': 'unlocated: no overload of aten::index matches (Tensor<float32 4x196>, List[NoneType]); candidates: aten::index.Tensor(Tensor self, ',
        'mlprogram_fp32': 'unlocated: no overload of aten::index matches (Tensor<float32 4x196>, List[NoneType]); candidates: aten::index.Tensor(Tensor self, ',
        'neuralnetwork': 'unlocated: no overload of aten::index matches (Tensor<float32 4x196>, List[NoneType]); candidates: aten::index.Tensor(Tensor self, ',
    },
    'timm/maxvit_pico_rw_256': {
        'mlprogram_fp16': 'error: 3 unsupported ops: op prim::ListUnpack at codemaxxvit.py:285: `H, W, = img_size`; op aten::__getitem__',
        'mlprogram_fp32': 'error: 3 unsupported ops: op prim::ListUnpack at codemaxxvit.py:285: `H, W, = img_size`; op aten::__getitem__',
        'neuralnetwork': 'error: 3 unsupported ops: op prim::ListUnpack at codemaxxvit.py:285: `H, W, = img_size`; op aten::__getitem__',
    },
    'timm/tf_mobilenetv3_large_minimal_100': {
        'mlprogram_fp16': 'error: 4 unsupported ops: op prim::ListUnpack',
        'mlprogram_fp32': 'error: 4 unsupported ops: op prim::ListUnpack',
        'neuralnetwork': 'error: 4 unsupported ops: op prim::ListUnpack',
    },
    'timm/mvitv2_tiny': {
        'mlprogram_fp16': 'error: mvitv2.py:246',
        'mlprogram_fp32': 'error: mvitv2.py:246',
        'neuralnetwork': 'error: mvitv2.py:246',
    },
    'timm/nasnetalarge': {
        'mlprogram_fp16': 'error: 3 unsupported ops: op prim::ListUnpack',
        'mlprogram_fp32': 'error: 3 unsupported ops: op prim::ListUnpack',
        'neuralnetwork': 'error: 3 unsupported ops: op prim::ListUnpack',
    },
    'timm/nest_tiny': {
        'mlprogram_fp16': 'error: 2 unsupported ops: op prim::ListUnpack at <string>:13',
        'mlprogram_fp32': 'error: 2 unsupported ops: op prim::ListUnpack at <string>:13',
        'neuralnetwork': 'error: 2 unsupported ops: op prim::ListUnpack at <string>:13',
    },
    'timm/nf_seresnet26': {
        'neuralnetwork': 'error: neural network backend: op mil.avg_pool',
    },
    'timm/pnasnet5large': {
        'mlprogram_fp16': 'error: 3 unsupported ops: op prim::ListUnpack',
        'mlprogram_fp32': 'error: 3 unsupported ops: op prim::ListUnpack',
        'neuralnetwork': 'error: 3 unsupported ops: op prim::ListUnpack',
    },
    'timm/pvt_v2_b0': {
        'mlprogram_fp16': 'error: 3 unsupported ops: op prim::ListUnpack at codepvt_v2.py:131: `H, W, = feat_size`; op aten::unbind',
        'mlprogram_fp32': 'error: 3 unsupported ops: op prim::ListUnpack at codepvt_v2.py:131: `H, W, = feat_size`; op aten::unbind',
        'neuralnetwork': 'error: 3 unsupported ops: op prim::ListUnpack at codepvt_v2.py:131: `H, W, = feat_size`; op aten::unbind',
    },
    'timm/resnest14d': {
        'neuralnetwork': 'error: neural network backend: op mil.avg_pool',
    },
    'timm/swinv2_tiny_window8_256': {
        'mlprogram_fp16': 'error: op aten::cat',
        'mlprogram_fp32': 'error: op aten::cat',
        'neuralnetwork': 'error: op aten::cat',
    },
    'timm/tnt_s_patch16_224': {
        'mlprogram_fp16': 'error: 3 unsupported ops: op aten::im2col',
        'mlprogram_fp32': 'error: 3 unsupported ops: op aten::im2col',
        'neuralnetwork': 'error: 3 unsupported ops: op aten::im2col',
    },
    'timm/vgg11': {
        'mlprogram_fp16': 'error: 1 unsupported op: op prim::max',
        'mlprogram_fp32': 'error: 1 unsupported op: op prim::max',
        'neuralnetwork': 'error: 1 unsupported op: op prim::max',
    },
    'timm/visformer_tiny': {
        'mlprogram_fp16': 'wrong: output: non-finite values',
    },
    'timm/vit_tiny_r_s16_p8_224': {
        'mlprogram_fp16': 'error: 4 unsupported ops: op prim::ListUnpack',
        'mlprogram_fp32': 'error: 4 unsupported ops: op prim::ListUnpack',
        'neuralnetwork': 'error: 4 unsupported ops: op prim::ListUnpack',
    },
    'timm/volo_d1_224': {
        'mlprogram_fp16': 'error: 4 unsupported ops: op aten::im2col',
        'mlprogram_fp32': 'error: 4 unsupported ops: op aten::im2col',
        'neuralnetwork': 'error: 4 unsupported ops: op aten::im2col',
    },
    'timm/xcit_nano_12_p8_224': {
        'mlprogram_fp16': 'error: 2 unsupported ops: op prim::ListUnpack at <string>:13',
        'mlprogram_fp32': 'error: 2 unsupported ops: op prim::ListUnpack at <string>:13',
        'neuralnetwork': 'error: 2 unsupported ops: op prim::ListUnpack at <string>:13',
    },
    'transformers/bert-dict': {
        'mlprogram_fp16': 'unlocated: : dict of 2 cannot be used as a value here',
        'mlprogram_fp32': 'unlocated: : dict of 2 cannot be used as a value here',
        'neuralnetwork': 'unlocated: : dict of 2 cannot be used as a value here',
    },
    'transformers/roberta-dict': {
        'mlprogram_fp16': 'unlocated: : dict of 2 cannot be used as a value here',
        'mlprogram_fp32': 'unlocated: : dict of 2 cannot be used as a value here',
        'neuralnetwork': 'unlocated: : dict of 2 cannot be used as a value here',
    },
    'transformers/xlm_roberta-dict': {
        'mlprogram_fp16': 'unlocated: : dict of 2 cannot be used as a value here',
        'mlprogram_fp32': 'unlocated: : dict of 2 cannot be used as a value here',
        'neuralnetwork': 'unlocated: : dict of 2 cannot be used as a value here',
    },
    'transformers/distilbert-dict': {
        'mlprogram_fp16': 'unlocated: : dict of 1 cannot be used as a value here',
        'mlprogram_fp32': 'unlocated: : dict of 1 cannot be used as a value here',
        'neuralnetwork': 'unlocated: : dict of 1 cannot be used as a value here',
    },
    'transformers/albert-dict': {
        'mlprogram_fp16': 'unlocated: : dict of 2 cannot be used as a value here',
        'mlprogram_fp32': 'unlocated: : dict of 2 cannot be used as a value here',
        'neuralnetwork': 'unlocated: : dict of 2 cannot be used as a value here',
    },
    'transformers/electra-dict': {
        'mlprogram_fp16': 'unlocated: : dict of 1 cannot be used as a value here',
        'mlprogram_fp32': 'unlocated: : dict of 1 cannot be used as a value here',
        'neuralnetwork': 'unlocated: : dict of 1 cannot be used as a value here',
    },
    'transformers/deberta-dict': {
        'mlprogram_fp16': 'unlocated: : dict of 1 cannot be used as a value here',
        'mlprogram_fp32': 'unlocated: : dict of 1 cannot be used as a value here',
        'neuralnetwork': 'unlocated: : dict of 1 cannot be used as a value here',
    },
    'transformers/deberta_v2-dict': {
        'mlprogram_fp16': 'unlocated: : dict of 1 cannot be used as a value here',
        'mlprogram_fp32': 'unlocated: : dict of 1 cannot be used as a value here',
        'neuralnetwork': 'unlocated: : dict of 1 cannot be used as a value here',
    },
    'transformers/mpnet-dict': {
        'mlprogram_fp16': 'unlocated: : dict of 2 cannot be used as a value here',
        'mlprogram_fp32': 'unlocated: : dict of 2 cannot be used as a value here',
        'neuralnetwork': 'unlocated: : dict of 2 cannot be used as a value here',
    },
    'transformers/convbert-dict': {
        'mlprogram_fp16': 'unlocated: : dict of 1 cannot be used as a value here',
        'mlprogram_fp32': 'unlocated: : dict of 1 cannot be used as a value here',
        'neuralnetwork': 'unlocated: : dict of 1 cannot be used as a value here',
    },
    'transformers/convbert-tuple': {
        'mlprogram_fp16': 'error: 2 unsupported ops: op aten::multiply',
        'mlprogram_fp32': 'error: 2 unsupported ops: op aten::multiply',
        'neuralnetwork': 'error: 2 unsupported ops: op aten::multiply',
    },
    'transformers/roformer-dict': {
        'mlprogram_fp16': 'unlocated: : dict of 1 cannot be used as a value here',
        'mlprogram_fp32': 'unlocated: : dict of 1 cannot be used as a value here',
        'neuralnetwork': 'unlocated: : dict of 1 cannot be used as a value here',
    },
    'transformers/mobilebert-dict': {
        'mlprogram_fp16': 'unlocated: : dict of 2 cannot be used as a value here',
        'mlprogram_fp32': 'unlocated: : dict of 2 cannot be used as a value here',
        'neuralnetwork': 'unlocated: : dict of 2 cannot be used as a value here',
    },
    'transformers/gpt2-dict': {
        'mlprogram_fp16': 'unlocated: : dict of 1 cannot be used as a value here',
        'mlprogram_fp32': 'unlocated: : dict of 1 cannot be used as a value here',
        'neuralnetwork': 'unlocated: : dict of 1 cannot be used as a value here',
    },
    'transformers/gpt_neo-dict': {
        'mlprogram_fp16': 'unlocated: : dict of 1 cannot be used as a value here',
        'mlprogram_fp32': 'unlocated: : dict of 1 cannot be used as a value here',
        'neuralnetwork': 'unlocated: : dict of 1 cannot be used as a value here',
    },
    'transformers/gptj-dict': {
        'mlprogram_fp16': 'unlocated: : dict of 1 cannot be used as a value here',
        'mlprogram_fp32': 'unlocated: : dict of 1 cannot be used as a value here',
        'neuralnetwork': 'unlocated: : dict of 1 cannot be used as a value here',
    },
    'transformers/gpt_neox-dict': {
        'mlprogram_fp16': 'unlocated: : dict of 1 cannot be used as a value here',
        'mlprogram_fp32': 'unlocated: : dict of 1 cannot be used as a value here',
        'neuralnetwork': 'unlocated: : dict of 1 cannot be used as a value here',
    },
    'transformers/opt-dict': {
        'mlprogram_fp16': 'unlocated: : dict of 1 cannot be used as a value here',
        'mlprogram_fp32': 'unlocated: : dict of 1 cannot be used as a value here',
        'neuralnetwork': 'unlocated: : dict of 1 cannot be used as a value here',
    },
    'transformers/llama-dict': {
        'mlprogram_fp16': 'unlocated: : dict of 1 cannot be used as a value here',
        'mlprogram_fp32': 'unlocated: : dict of 1 cannot be used as a value here',
        'neuralnetwork': 'unlocated: : dict of 1 cannot be used as a value here',
    },
    'transformers/mistral-dict': {
        'mlprogram_fp16': 'unlocated: : dict of 1 cannot be used as a value here',
        'mlprogram_fp32': 'unlocated: : dict of 1 cannot be used as a value here',
        'neuralnetwork': 'unlocated: : dict of 1 cannot be used as a value here',
    },
    'transformers/qwen2-dict': {
        'mlprogram_fp16': 'unlocated: : dict of 1 cannot be used as a value here',
        'mlprogram_fp32': 'unlocated: : dict of 1 cannot be used as a value here',
        'neuralnetwork': 'unlocated: : dict of 1 cannot be used as a value here',
    },
    'transformers/qwen3-dict': {
        'mlprogram_fp16': 'unlocated: : dict of 1 cannot be used as a value here',
        'mlprogram_fp32': 'unlocated: : dict of 1 cannot be used as a value here',
        'neuralnetwork': 'unlocated: : dict of 1 cannot be used as a value here',
    },
    'transformers/phi-dict': {
        'mlprogram_fp16': 'unlocated: : dict of 1 cannot be used as a value here',
        'mlprogram_fp32': 'unlocated: : dict of 1 cannot be used as a value here',
        'neuralnetwork': 'unlocated: : dict of 1 cannot be used as a value here',
    },
    'transformers/phi3-dict': {
        'mlprogram_fp16': 'unlocated: : dict of 1 cannot be used as a value here',
        'mlprogram_fp32': 'unlocated: : dict of 1 cannot be used as a value here',
        'neuralnetwork': 'unlocated: : dict of 1 cannot be used as a value here',
    },
    'transformers/gemma-dict': {
        'mlprogram_fp16': 'unlocated: : dict of 1 cannot be used as a value here',
        'mlprogram_fp32': 'unlocated: : dict of 1 cannot be used as a value here',
        'neuralnetwork': 'unlocated: : dict of 1 cannot be used as a value here',
    },
    'transformers/gemma2-dict': {
        'mlprogram_fp16': 'unlocated: : dict of 1 cannot be used as a value here',
        'mlprogram_fp32': 'unlocated: : dict of 1 cannot be used as a value here',
        'neuralnetwork': 'unlocated: : dict of 1 cannot be used as a value here',
    },
    'transformers/bloom-dict': {
        'mlprogram_fp16': 'unlocated: : dict of 1 cannot be used as a value here',
        'mlprogram_fp32': 'unlocated: : dict of 1 cannot be used as a value here',
        'neuralnetwork': 'unlocated: : dict of 1 cannot be used as a value here',
    },
    'transformers/falcon-dict': {
        'mlprogram_fp16': 'unlocated: : dict of 1 cannot be used as a value here',
        'mlprogram_fp32': 'unlocated: : dict of 1 cannot be used as a value here',
        'neuralnetwork': 'unlocated: : dict of 1 cannot be used as a value here',
    },
    'transformers/falcon-tuple': {
        'mlprogram_fp16': 'error: 1 unsupported op: op aten::numpy_T',
        'mlprogram_fp32': 'error: 1 unsupported op: op aten::numpy_T',
        'neuralnetwork': 'error: 1 unsupported op: op aten::numpy_T',
    },
    'transformers/codegen-dict': {
        'mlprogram_fp16': 'unlocated: : dict of 1 cannot be used as a value here',
        'mlprogram_fp32': 'unlocated: : dict of 1 cannot be used as a value here',
        'neuralnetwork': 'unlocated: : dict of 1 cannot be used as a value here',
    },
    'transformers/stablelm-dict': {
        'mlprogram_fp16': 'unlocated: : dict of 1 cannot be used as a value here',
        'mlprogram_fp32': 'unlocated: : dict of 1 cannot be used as a value here',
        'neuralnetwork': 'unlocated: : dict of 1 cannot be used as a value here',
    },
    'transformers/t5_encoder-dict': {
        'mlprogram_fp16': 'unlocated: : dict of 1 cannot be used as a value here',
        'mlprogram_fp32': 'unlocated: : dict of 1 cannot be used as a value here',
        'neuralnetwork': 'unlocated: : dict of 1 cannot be used as a value here',
    },
    'transformers/t5_encoder-tuple': {
        'mlprogram_fp16': 'error: op aten::slice',
        'mlprogram_fp32': 'error: op aten::slice',
        'neuralnetwork': 'error: op aten::slice',
    },
    'transformers/bart_encoder-dict': {
        'mlprogram_fp16': 'unlocated: : dict of 1 cannot be used as a value here',
        'mlprogram_fp32': 'unlocated: : dict of 1 cannot be used as a value here',
        'neuralnetwork': 'unlocated: : dict of 1 cannot be used as a value here',
    },
    'transformers/whisper_encoder-dict': {
        'mlprogram_fp16': 'unlocated: : dict of 1 cannot be used as a value here',
        'mlprogram_fp32': 'unlocated: : dict of 1 cannot be used as a value here',
        'neuralnetwork': 'unlocated: : dict of 1 cannot be used as a value here',
    },
    'transformers/vit-dict': {
        'mlprogram_fp16': 'unlocated: : dict of 2 cannot be used as a value here',
        'mlprogram_fp32': 'unlocated: : dict of 2 cannot be used as a value here',
        'neuralnetwork': 'unlocated: : dict of 2 cannot be used as a value here',
    },
    'transformers/deit-dict': {
        'mlprogram_fp16': 'unlocated: : dict of 2 cannot be used as a value here',
        'mlprogram_fp32': 'unlocated: : dict of 2 cannot be used as a value here',
        'neuralnetwork': 'unlocated: : dict of 2 cannot be used as a value here',
    },
    'transformers/deit-tuple': {
        'mlprogram_fp16': 'wrong: output_0: non-finite values',
    },
    'transformers/dinov2-dict': {
        'mlprogram_fp16': 'unlocated: : dict of 2 cannot be used as a value here',
        'mlprogram_fp32': 'unlocated: : dict of 2 cannot be used as a value here',
        'neuralnetwork': 'unlocated: : dict of 2 cannot be used as a value here',
    },
    'transformers/dinov2-tuple': {
        'mlprogram_fp16': 'error: op aten::reshape',
        'mlprogram_fp32': 'error: op aten::reshape',
        'neuralnetwork': 'error: op aten::reshape',
    },
    'transformers/beit-dict': {
        'mlprogram_fp16': 'unlocated: : dict of 2 cannot be used as a value here',
        'mlprogram_fp32': 'unlocated: : dict of 2 cannot be used as a value here',
        'neuralnetwork': 'unlocated: : dict of 2 cannot be used as a value here',
    },
    'transformers/beit-tuple': {
        'mlprogram_fp16': 'wrong: output_0: non-finite values',
    },
    'transformers/clip_vision-dict': {
        'mlprogram_fp16': 'unlocated: : dict of 2 cannot be used as a value here',
        'mlprogram_fp32': 'unlocated: : dict of 2 cannot be used as a value here',
        'neuralnetwork': 'unlocated: : dict of 2 cannot be used as a value here',
    },
    'transformers/swin-dict': {
        'mlprogram_fp16': 'unlocated: : dict of 2 cannot be used as a value here',
        'mlprogram_fp32': 'unlocated: : dict of 2 cannot be used as a value here',
        'neuralnetwork': 'unlocated: : dict of 2 cannot be used as a value here',
    },
    'transformers/swin-tuple': {
        'mlprogram_fp16': 'error: op aten::pad',
        'mlprogram_fp32': 'error: op aten::pad',
        'neuralnetwork': 'error: op aten::pad',
    },
    'transformers/convnext-dict': {
        'mlprogram_fp16': 'unlocated: : dict of 2 cannot be used as a value here',
        'mlprogram_fp32': 'unlocated: : dict of 2 cannot be used as a value here',
        'neuralnetwork': 'unlocated: : dict of 2 cannot be used as a value here',
    },
    'transformers/convnextv2-dict': {
        'mlprogram_fp16': 'unlocated: : dict of 2 cannot be used as a value here',
        'mlprogram_fp32': 'unlocated: : dict of 2 cannot be used as a value here',
        'neuralnetwork': 'unlocated: : dict of 2 cannot be used as a value here',
    },
    'transformers/resnet-dict': {
        'mlprogram_fp16': 'unlocated: : dict of 2 cannot be used as a value here',
        'mlprogram_fp32': 'unlocated: : dict of 2 cannot be used as a value here',
        'neuralnetwork': 'unlocated: : dict of 2 cannot be used as a value here',
    },
    'transformers/regnet-dict': {
        'mlprogram_fp16': 'unlocated: : dict of 2 cannot be used as a value here',
        'mlprogram_fp32': 'unlocated: : dict of 2 cannot be used as a value here',
        'neuralnetwork': 'unlocated: : dict of 2 cannot be used as a value here',
    },
    'transformers/mobilevit-dict': {
        'mlprogram_fp16': 'unlocated: : dict of 2 cannot be used as a value here',
        'mlprogram_fp32': 'unlocated: : dict of 2 cannot be used as a value here',
        'neuralnetwork': 'unlocated: : dict of 2 cannot be used as a value here',
    },
    'transformers/mobilevit-tuple': {
        'mlprogram_fp16': 'error: op aten::reshape',
        'mlprogram_fp32': 'error: op aten::reshape',
        'neuralnetwork': 'error: op aten::reshape',
    },
    'transformers/segformer-dict': {
        'mlprogram_fp16': 'unlocated: : dict of 1 cannot be used as a value here',
        'mlprogram_fp32': 'unlocated: : dict of 1 cannot be used as a value here',
        'neuralnetwork': 'unlocated: : dict of 1 cannot be used as a value here',
    },
    'transformers/wav2vec2-dict': {
        'mlprogram_fp16': 'unlocated: : dict of 2 cannot be used as a value here',
        'mlprogram_fp32': 'unlocated: : dict of 2 cannot be used as a value here',
        'neuralnetwork': 'unlocated: : dict of 2 cannot be used as a value here',
    },
    'transformers/wav2vec2-tuple': {
        'neuralnetwork': 'error: neural network backend: op mil.conv',
    },
    'transformers/hubert-dict': {
        'mlprogram_fp16': 'unlocated: : dict of 1 cannot be used as a value here',
        'mlprogram_fp32': 'unlocated: : dict of 1 cannot be used as a value here',
        'neuralnetwork': 'unlocated: : dict of 1 cannot be used as a value here',
    },
    'transformers/hubert-tuple': {
        'neuralnetwork': 'error: neural network backend: op mil.conv',
    },
}
