"""The CI sample of the real-model suite (test_real_models.py): one model from every timm model
file (timm/models/<file>.py of the pinned timm, the smallest-looking name of the file: atto,
femto, pico, nano, tiny, ... first) and every transformers architecture of hf_models.py in both
traced forms. test_sample_covers_every_family checks that it still covers every file."""
import hf_models

TIMM = [
    "beit_base_patch16_224", "halonet26t", "gernet_s", "cait_xxs24_224", "coat_tiny",
    "convit_tiny", "convmixer_768_32", "convnext_atto", "crossvit_tiny_240", "cs3darknet_s",
    "deit_tiny_patch16_224", "densenet121", "dpn68", "edgenext_small", "efficientformer_l1",
    "tinynet_a", "gcvit_tiny", "gluon_resnet18_v1b", "gluon_xception65", "hardcorenas_a",
    "inception_resnet_v2", "inception_v3", "inception_v4", "levit_128", "maxvit_pico_rw_256",
    "gmlp_s16_224", "tf_mobilenetv3_large_minimal_100", "mobilevit_xxs", "mvitv2_tiny",
    "nasnetalarge", "nest_tiny", "nf_seresnet26", "pit_xs_224", "pnasnet5large",
    "poolformer_s12", "pvt_v2_b0", "regnetx_002", "res2next50", "resnest14d", "resnet18",
    "resnetv2_50", "rexnet_100", "selecsls42", "legacy_seresnet18", "sequencer2d_s",
    "skresnet18", "swin_s3_tiny_224", "swinv2_tiny_window8_256", "swinv2_cr_tiny_224",
    "tnt_s_patch16_224", "twins_svt_small", "vgg11", "visformer_tiny", "vit_tiny_patch16_224",
    "vit_tiny_r_s16_p8_224", "vit_relpos_small_patch16_224", "volo_d1_224",
    "ese_vovnet19b_slim", "xception", "xception41", "xcit_nano_12_p8_224",
]
TRANSFORMERS = [name for name, _ in hf_models.model_list()]
SAMPLE = {"timm": TIMM, "transformers": TRANSFORMERS}
