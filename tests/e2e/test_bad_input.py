"""Broken or unsafe input: the CLI exits non-zero with exactly one line on stderr naming the
problem, and leaves nothing at (or beside) the output path."""
import zipfile

import pytest

from e2e_helpers import FORMATS, convert, error_line

TENSOR_REBUILD_GLOBAL = b"ctorch._utils\n_rebuild_tensor_v2\n"  # pickle GLOBAL opcode 'c'
FORBIDDEN_GLOBAL = b"cos\nsystem\n"


def make_truncated(good, path):
    data = good.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def make_not_zip(good, path):
    path.write_text("this is a text file, not a TorchScript archive\n" * 20)


def make_os_system(good, path):
    """The real archive with the tensor-rebuild GLOBAL in data.pkl renamed to os.system."""
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as out:
        for info in source.infolist():
            data = source.read(info)
            if info.filename.endswith("/data.pkl"):
                assert TENSOR_REBUILD_GLOBAL in data, "unexpected data.pkl layout"
                data = data.replace(TENSOR_REBUILD_GLOBAL, FORBIDDEN_GLOBAL)
            out.writestr(info.filename, data)


# (case, how to make the bad archive or None for the good one, --input specs, words the message
# must contain: any of each inner tuple)
CASES = [
    ("truncated", make_truncated, ["1x3x64x64"], [("truncated", "zip", "central directory")]),
    ("not_zip", make_not_zip, ["1x3x64x64"], [("zip",)]),
    ("os_system", make_os_system, ["1x3x64x64"], [("os.system", "os system")]),
    ("missing_input", None, [], [("--input",)]),
]


@pytest.mark.parametrize("fmt", FORMATS, ids=lambda fmt: fmt[1:])
@pytest.mark.parametrize("case", CASES, ids=lambda case: case[0])
def test_fails_with_one_line_and_leaves_nothing(seed_models, tmp_path, case, fmt):
    name, make, inputs, keywords = case
    good = seed_models.archive("controlflow")
    archive = good
    if make:
        archive = tmp_path / f"{name}.pt"
        make(good, archive)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    output = out_dir / f"model{fmt}"

    line = error_line(convert(archive, output, inputs=inputs))

    lowered = line.lower()
    for alternatives in keywords:
        assert any(word in lowered for word in alternatives), f"{line!r} lacks {alternatives}"
    assert not output.exists()
    assert sorted(p.name for p in out_dir.iterdir()) == [], "a temporary sibling was left behind"
