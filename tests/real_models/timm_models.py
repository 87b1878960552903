#!/usr/bin/env python3
"""timm models as timm's own test suite scripts them, saved for the real-model suite:

    PYTHONPATH=build/test-deps/timm-<ver> /usr/bin/python3 tests/real_models/timm_models.py \
        OUT NAME...          save each model into OUT/NAME/ (see archive_io.save_case)
    ... timm_models.py --list   print the whole list, one `name<TAB>model file` a line

Runs with Debian's torch 1.13 + torchvision 0.14 (timm needs torchvision, and PyPI's torchvision
does not import beside torch 2.13). Nothing is downloaded: pretrained=False, random weights.
"""
import fnmatch
import sys
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import archive_io  # noqa: E402

# The model list of timm's torchscript test (tests/test_models.py at tag v0.6.13,
# test_model_forward_torchscript): list_models(exclude_filters=EXCLUDE_FILTERS +
# EXCLUDE_JIT_FILTERS, name_matches_cfg=True), with EXCLUDE_FILTERS of a run outside GitHub
# Actions (empty). Models whose pretrained input size exceeds MAX_JIT_SIZE are skipped there,
# and here.
EXCLUDE_FILTERS = []
EXCLUDE_JIT_FILTERS = [
    '*iabn*', 'tresnet*',  # models using inplace abn unlikely to ever be scriptable
    'dla*', 'hrnet*', 'ghostnet*',  # hopefully fix at some point
    'vit_large_*', 'vit_huge_*', 'vit_gi*',
]
MAX_JIT_SIZE = 320
# timm's test runs the scripted model at TARGET_JIT_SIZE (128); we take the smallest size the
# model accepts at or below 64 to keep the suite fast: its fixed input size, else its
# min_input_size, else the default size clipped to this target.
TARGET_SIZE = 64
# timm's tests never torch.jit.trace a model (their tracing tests use torch.fx), so every model
# here is scripted only.


def model_list():
    import timm
    from timm.models import registry

    names = timm.list_models(exclude_filters=EXCLUDE_FILTERS + EXCLUDE_JIT_FILTERS,
                             name_matches_cfg=True)
    rows = []
    for name in names:
        if max(input_size(name, target=128)) > MAX_JIT_SIZE:
            continue
        rows.append((name, registry._model_to_module[name].rsplit(".", 1)[-1]))
    return rows


def input_size(name, target=TARGET_SIZE):
    """timm's _get_input_size (tests/test_models.py) with our target."""
    from timm.models import get_pretrained_cfg_value

    size = get_pretrained_cfg_value(name, "input_size")
    if get_pretrained_cfg_value(name, "fixed_input_size"):
        return tuple(size)
    minimum = get_pretrained_cfg_value(name, "min_input_size")
    if minimum:
        return tuple(minimum) if max(size) > target else tuple(size)
    return tuple(min(x, target) for x in size)


def build(name, out_dir):
    import torch
    import timm

    torch.manual_seed(0)
    with timm.models.layers.set_layer_config(scriptable=True, exportable=False, no_jit=False):
        model = timm.create_model(name, pretrained=False, scriptable=True)
    model.eval()
    shape = (1, *input_size(name))
    x = torch.randn(shape, generator=torch.Generator().manual_seed(2))
    with torch.no_grad():
        try:
            model(x)
        except Exception:  # noqa: BLE001 - too small for this model: timm's own test size
            shape = (1, *input_size(name, target=128))
            x = torch.randn(shape, generator=torch.Generator().manual_seed(2))
        # Norm statistics at the scale each norm sees on the test image and 3 other random ones.
        others = torch.randn((3, *shape[1:]), generator=torch.Generator().manual_seed(3))
        archive_io.randomise_norms(model, (torch.cat([x, others]),))
        scripted = torch.jit.script(model)
        outputs = scripted(x)
    archive_io.save_case(out_dir, scripted, [x], outputs, how="script",
                         versions={"torch": torch.__version__, "timm": timm.__version__},
                         spread=archive_io.spreads(model, [x], outputs))


def main(argv):
    warnings.simplefilter("ignore")
    if argv[1:] == ["--list"]:
        for name, family in model_list():
            print(f"{name}\t{family}")
        return 0
    out = Path(argv[1])
    for name in argv[2:]:
        archive_io.build_guarded(build, name, out / name)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
