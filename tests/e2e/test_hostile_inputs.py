"""Hostile and broken inputs (issue 13): each is made here, at test time, in a temporary folder.
For every one the CLI must exit with 1, print exactly one `error:` line on stderr (naming the
limit or the problem), leave nothing at or beside the output, finish (a timeout guards against
hangs) and stay within 1 GiB of address space."""
import json
import os
import resource
import shutil
import struct
import subprocess
import zipfile
import zlib

import numpy as np
import pytest
import torch

from e2e_helpers import cli_path

MEMORY_LIMIT = 1 << 30  # RLIMIT_AS of every run
HANG_GUARD = 60  # seconds; a run that takes this long is a hang, not a slow refusal


# A sanitized binary (scripts/test_sanitized.sh sets TS2COREML_SANITIZED) reserves terabytes of
# address space for its shadow memory, so RLIMIT_AS cannot bound it; that script bounds the
# resident memory instead (ASAN_OPTIONS hard_rss_limit_mb, which aborts the process).
SANITIZED = bool(os.environ.get("TS2COREML_SANITIZED"))


def limited_memory():
    if not SANITIZED:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def run_limited(*args):
    return subprocess.run([str(cli_path()), *map(str, args)], capture_output=True, text=True,
                          errors="replace", timeout=HANG_GUARD, preexec_fn=limited_memory)


def refused(result, *words):
    """The failure contract: exit code 1, one stderr line `error: ...` (no libprotobuf line), of
    a sane length, holding each of `words` (each a str or a tuple of alternatives)."""
    lines = result.stderr.splitlines()
    assert result.returncode == 1, (result.returncode, result.stderr[-2000:])
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr[-2000:]
    line = lines[0]
    assert len(line) <= 2000, f"an error line of {len(line)} characters"
    for word in words:
        alternatives = word if isinstance(word, tuple) else (word,)
        assert any(w.lower() in line.lower() for w in alternatives), (line[:500], alternatives)
    return line


class TinyConv(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(3, 4, 3)

    def forward(self, x):
        return self.conv(x) + 1


class CountUp(torch.nn.Module):
    def forward(self, x):
        while bool(x.sum() < 10.0):
            x = x + 1.0
        return x


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    """A small real archive, a loop archive and their converted models."""
    folder = tmp_path_factory.mktemp("hostile_base")
    conv = folder / "conv.pt"
    torch.jit.save(torch.jit.script(TinyConv().eval()), str(conv))
    loop = folder / "loop.pt"
    torch.jit.save(torch.jit.script(CountUp().eval()), str(loop))
    package = folder / "conv.mlpackage"
    mlmodel = folder / "loop.mlmodel"
    loop_package = folder / "loop.mlpackage"
    for archive, output, spec in ((conv, package, "1x3x8x8"), (loop, mlmodel, "1x4"),
                                  (loop, loop_package, "1x4")):
        done = subprocess.run([str(cli_path()), "convert", archive, "-o", output, "--input", spec],
                              capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
    x = folder / "x.npy"
    np.save(x, np.zeros((1, 3, 8, 8), np.float32))
    return {"conv": conv, "loop": loop, "package": package, "mlmodel": mlmodel,
            "loop_package": loop_package, "x": x}


def rewrite_archive(source, target, replace=None, extra=(), compress=zipfile.ZIP_DEFLATED):
    """Copies a torch archive, replacing the entries whose names end with a key of `replace`
    (None drops the entry) and appending `extra` (name, bytes) entries."""
    replace = replace or {}
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        prefix = old.namelist()[0].split("/")[0]
        for info in old.infolist():
            data = old.read(info)
            method = info.compress_type
            for suffix, value in replace.items():
                if info.filename.endswith(suffix):
                    data, method = value, compress
            if data is not None:
                new.writestr(info.filename, data, compress_type=method)
        for name, data in extra:
            new.writestr(f"{prefix}/{name}", data)


def convert_args(archive, output, spec="1x3x8x8"):
    return ["convert", archive, "-o", output, "--input", spec]


def assert_nothing_left(folder):
    assert sorted(p.name for p in folder.iterdir()) == [], "output or a temporary was left"


def convert_refused(base, tmp_path, data_pkl=None, code=None, spec="1x3x8x8", words=(),
                    archive_maker=None, fmt=".mlpackage"):
    archive = tmp_path / "hostile.pt"
    if archive_maker:
        archive_maker(archive)
    else:
        replace = {}
        if data_pkl is not None:
            replace["/data.pkl"] = data_pkl
        if code is not None:
            suffix, text = code
            replace["/" + suffix] = text.encode()
            replace["/" + suffix + ".debug_pkl"] = None
        rewrite_archive(base["conv"], archive, replace)
    out = tmp_path / "out"
    out.mkdir()
    line = refused(run_limited(*convert_args(archive, out / f"model{fmt}", spec)), *words)
    assert_nothing_left(out)
    return line


# --- the unpickler ----------------------------------------------------------------------------

PROTO2 = b"\x80\x02"


def test_pickle_deeply_nested_lists(base, tmp_path):
    depth = 100_000
    pickle = PROTO2 + b"]" * depth + b"a" * (depth - 1) + b"."
    convert_refused(base, tmp_path, data_pkl=pickle, words=("data.pkl", "nest", "limit"))


def test_pickle_deeply_nested_tuples(base, tmp_path):
    depth = 100_000
    pickle = PROTO2 + b")" + b"\x85" * depth + b"."
    convert_refused(base, tmp_path, data_pkl=pickle, words=("data.pkl", "nest", "limit"))


def test_pickle_deeply_nested_through_memo(base, tmp_path):
    """Lists appended into each other after they were made (through the memo): refused as soon
    as a list that is already inside another one changes."""
    count = 100_000
    pickle = bytearray(PROTO2 + b"(")
    for i in range(count):
        pickle += b"]r" + struct.pack("<I", i)  # EMPTY_LIST, LONG_BINPUT i
    for i in range(count - 1):  # list i+1 goes into list i, then list i+1 gets list i+2, ...
        pickle += b"j" + struct.pack("<I", i) + b"j" + struct.pack("<I", i + 1) + b"a"
    pickle += b"t."
    convert_refused(base, tmp_path, data_pkl=bytes(pickle), words=("data.pkl", "changed after"))


def test_pickle_list_containing_itself(base, tmp_path):
    pickle = PROTO2 + b"]q\x00h\x00a."
    convert_refused(base, tmp_path, data_pkl=pickle, words=("data.pkl", "itself"))


def test_pickle_memory_amplification(base, tmp_path):
    """5 million None: 12 KB deflated, 5 MB inflated; refused by the pickle's memory budget."""
    pickle = PROTO2 + b"(" + b"N" * 5_000_000 + b"l."
    archive = tmp_path / "hostile.pt"
    rewrite_archive(base["conv"], archive, {"/data.pkl": pickle})
    assert archive.stat().st_size < 64_000
    out = tmp_path / "out"
    out.mkdir()
    refused(run_limited(*convert_args(archive, out / "m.mlpackage")), "data.pkl", "budget")
    assert_nothing_left(out)


def test_pickle_memo_string_copies(base, tmp_path):
    """One 100 KB string copied out of the memo 100,000 times would be 10 GB."""
    pickle = bytearray(PROTO2 + b"(X" + struct.pack("<I", 100_000) + b"a" * 100_000 + b"q\x00")
    pickle += b"h\x00" * 100_000 + b"l."
    convert_refused(base, tmp_path, data_pkl=bytes(pickle), words=("data.pkl", "budget"))


def test_pickle_huge_global_name_is_cut_in_the_message(base, tmp_path):
    pickle = PROTO2 + b"ctorch._utils\n" + b"A" * 1_000_000 + b"\n."
    line = convert_refused(base, tmp_path, data_pkl=pickle, words=("data.pkl",))
    assert "AAAAAAAAAA" in line and "1000013 bytes" in line  # cut, and says how long it was


# --- the TorchScript parser and compiler -------------------------------------------------------

def tiny_conv_code(archive):
    """(entry name suffix, text) of the code entry that defines TinyConv."""
    with zipfile.ZipFile(archive) as old:
        for name in old.namelist():
            if name.endswith(".py") and b"class TinyConv(" in old.read(name):
                return name.split("/", 1)[1], old.read(name).decode()
    raise AssertionError("no code entry defines TinyConv")


def forward_code(base, body):
    """TinyConv's code with the body of forward() replaced by `body` (4-space indented lines)."""
    suffix, text = tiny_conv_code(base["conv"])
    signature_end = "    x: Tensor) -> Tensor:\n"
    return suffix, text[:text.index(signature_end) + len(signature_end)] + body


@pytest.mark.parametrize("expression", [
    "(" * 3000 + "x" + ")" * 3000,
    "[" * 3000 + "x" + "]" * 3000,
    "-" * 100_000 + "x",
    "+".join(["1"] * 10_000),
    "not " * 50_000 + "x",
    "x" + "[0]" * 50_000,
    "x" + ".t()" * 50_000,
], ids=["parentheses", "brackets", "unary_minus", "sum_of_terms", "not", "subscripts", "calls"])
def test_parser_nesting(base, tmp_path, expression):
    code = forward_code(base, f"    y = {expression}\n    return x\n")
    convert_refused(base, tmp_path, code=code, words=("test_hostile_inputs.py", ("nest", "deep"), "limit"))


@pytest.mark.parametrize("depth", [10_000, 20_000])
def test_compiler_nested_blocks(base, tmp_path, depth):
    body = "".join("    " + " " * i + "if True:\n" for i in range(depth))
    body += "    " + " " * depth + "x = x + 1\n    return x\n"
    convert_refused(base, tmp_path, code=forward_code(base, body),
                    words=("test_hostile_inputs.py", ("nest", "deep"), "limit"))


NESTED_STATIC_WHILES = """    i = 0
    while i < 3000:
        j = 0
        while j < 3000:
            j = j + 1
        i = i + 1
    return x
"""
NESTED_STATIC_FORS = "".join("    " + "    " * d + f"for i{d} in range(64):\n" for d in range(4)) + (
    "    " + "    " * 4 + "x = x + 1\n    return x\n")


@pytest.mark.parametrize("body", [NESTED_STATIC_WHILES, NESTED_STATIC_FORS],
                         ids=["whiles", "fors"])
def test_compiler_nested_unrolled_loops(base, tmp_path, body):
    """Loops unrolled at conversion time share one budget of iterations (found by fuzz_compiler:
    two nested 3,000-iteration whiles, 9 million unrolled bodies, ran for minutes)."""
    convert_refused(base, tmp_path, code=forward_code(base, body),
                    words=("unrolled", "10000 iterations", "limit"))


# --- files that are not regular files ----------------------------------------------------------

def test_fifo_as_archive(tmp_path):
    fifo = tmp_path / "model.pt"
    os.mkfifo(fifo)
    out = tmp_path / "out"
    out.mkdir()
    refused(run_limited(*convert_args(fifo, out / "m.mlpackage")), "model.pt", "regular file")
    assert_nothing_left(out)


def test_fifo_as_npy_input(base, tmp_path):
    fifo = tmp_path / "x.npy"
    os.mkfifo(fifo)
    out = tmp_path / "out"
    refused(run_limited("run", base["package"], "--input", fifo, "--output-dir", out),
            "x.npy", "regular file")
    assert not out.exists() or not any(out.iterdir())


@pytest.mark.parametrize("member", ["model.mlmodel", "weights/weight.bin"])
def test_fifo_inside_package(base, tmp_path, member):
    package = tmp_path / "conv.mlpackage"
    shutil.copytree(base["package"], package)
    target = package / "Data" / "com.apple.CoreML" / member
    target.unlink()
    os.mkfifo(target)
    out = tmp_path / "out"
    refused(run_limited("run", package, "--input", base["x"], "--output-dir", out),
            member.split("/")[-1], "regular file")
    assert not out.exists() or not any(out.iterdir())


def test_fifo_model_inspect(base, tmp_path):
    fifo = tmp_path / "m.mlmodel"
    os.mkfifo(fifo)
    refused(run_limited("inspect", fifo), "m.mlmodel", "regular file")


@pytest.mark.parametrize("path", ["/etc/passwd", "../../../../../../etc/passwd",
                                  "com.apple.CoreML/../../../outside.mlmodel"])
def test_manifest_path_outside_package(base, tmp_path, path):
    package = tmp_path / "conv.mlpackage"
    shutil.copytree(base["package"], package)
    (tmp_path / "outside.mlmodel").write_bytes(
        (package / "Data" / "com.apple.CoreML" / "model.mlmodel").read_bytes())
    manifest = json.loads((package / "Manifest.json").read_text())
    root = manifest["rootModelIdentifier"]
    manifest["itemInfoEntries"][root]["path"] = path
    (package / "Manifest.json").write_text(json.dumps(manifest))
    out = tmp_path / "out"
    refused(run_limited("run", package, "--input", base["x"], "--output-dir", out),
            "Manifest.json", "outside")


# --- zip tricks --------------------------------------------------------------------------------

def test_duplicate_entry_names(base, tmp_path):
    def make(archive):
        with zipfile.ZipFile(base["conv"]) as old:
            pkl = next(n for n in old.namelist() if n.endswith("/data.pkl"))
        import warnings
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # zipfile warns about the duplicate name
            rewrite_archive(base["conv"], archive, extra=[(pkl.split("/", 1)[1], b"junk")])
    convert_refused(base, tmp_path, archive_maker=make, words=("data.pkl", "duplicate"))


def flip_byte_of_entry(source, target, suffix):
    """Flips one byte inside the data of the stored entry named ...suffix (CRC left as is)."""
    data = bytearray(source.read_bytes())
    with zipfile.ZipFile(source) as archive:
        info = next(i for i in archive.infolist() if i.filename.endswith(suffix))
        assert info.compress_type == zipfile.ZIP_STORED
    header = info.header_offset
    name_length, extra_length = struct.unpack("<HH", data[header + 26:header + 30])
    start = header + 30 + name_length + extra_length
    data[start + info.file_size // 2] ^= 0x40
    target.write_bytes(bytes(data))


def test_stored_entry_crc(base, tmp_path):
    convert_refused(base, tmp_path, words=("data/0", "crc"),
                    archive_maker=lambda a: flip_byte_of_entry(base["conv"], a, "/data/0"))


def test_deflated_entry_crc(base, tmp_path):
    """The central directory's CRC of the deflated code entry no longer matches its data."""
    def make(archive):
        data = bytearray(base["conv"].read_bytes())
        with zipfile.ZipFile(base["conv"]) as old:
            suffix = tiny_conv_code(base["conv"])[0]
            info = next(i for i in old.infolist() if i.filename.endswith(suffix))
        assert info.compress_type == zipfile.ZIP_DEFLATED
        at = data.find(b"PK\x01\x02")
        while True:  # the central directory record of that entry
            name_length = struct.unpack("<H", data[at + 28:at + 30])[0]
            if data[at + 46:at + 46 + name_length].decode() == info.filename:
                break
            extra, comment = struct.unpack("<HH", data[at + 30:at + 34])
            at += 46 + name_length + extra + comment
        data[at + 16:at + 20] = struct.pack("<I", info.CRC ^ 1)
        archive.write_bytes(bytes(data))
    convert_refused(base, tmp_path, archive_maker=make, words=("test_hostile_inputs.py", "crc"))


# --- the runtime -------------------------------------------------------------------------------

def corrupt_loop_condition(source, target):
    """The loop body no longer updates the blob its condition reads: it loops forever."""
    from coremltools.proto import Model_pb2
    model = Model_pb2.Model()
    model.ParseFromString(source.read_bytes())
    loop = next(l for l in model.neuralNetwork.layers if l.WhichOneof("layer") == "loop")
    condition_input = loop.loop.conditionNetwork.layers[0].input[0]
    renamed = 0
    for layer in loop.loop.bodyNetwork.layers:
        for i, name in enumerate(layer.output):
            if name == condition_input:
                layer.output[i] = name[:-1] + "9"
                renamed += 1
    assert renamed == 1
    target.write_bytes(model.SerializeToString())


def test_runtime_loop_cap_neural_network(base, tmp_path):
    model = tmp_path / "loop.mlmodel"
    corrupt_loop_condition(base["mlmodel"], model)
    x = tmp_path / "x.npy"
    np.save(x, np.zeros((1, 4), np.float32))
    out = tmp_path / "out"
    refused(run_limited("run", model, "--input", x, "--output-dir", out),
            "loop", "--max-loop-iterations")
    assert not out.exists() or not any(out.iterdir())


@pytest.mark.parametrize("kind", ["mlmodel", "loop_package"])
def test_runtime_loop_cap_option(base, tmp_path, kind):
    """A sound loop that needs 10 iterations runs with a cap of 10 and is stopped by one of 9."""
    x = tmp_path / "x.npy"
    np.save(x, np.zeros((1, 4), np.float32))  # sum 0 -> 4 -> 8 -> 12: three iterations
    out = tmp_path / "out"
    ok = run_limited("run", base[kind], "--input", x, "--output-dir", out,
                     "--max-loop-iterations", "3")
    assert ok.returncode == 0, ok.stderr
    np.testing.assert_array_equal(np.load(out / "output.npy"), np.full((1, 4), 3, np.float32))
    refused(run_limited("run", base[kind], "--input", x, "--output-dir", tmp_path / "out2",
                        "--max-loop-iterations", "2"), "loop", "2")
    assert not (tmp_path / "out2").exists() or not any((tmp_path / "out2").iterdir())


def test_invalid_utf8_string_field_one_line(base, tmp_path):
    data = bytearray(base["mlmodel"].read_bytes())
    at = data.find(b"copy_output")
    assert at > 0
    data[at] = 0xFF  # a layer name that is not UTF-8
    model = tmp_path / "bad.mlmodel"
    model.write_bytes(bytes(data))
    result = run_limited("inspect", model)
    assert "libprotobuf" not in result.stderr
    refused(result, "bad.mlmodel")


# --- outputs -----------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", [".mlpackage", ".mlmodel"])
def test_existing_folder_that_is_no_model_is_kept(base, tmp_path, fmt):
    target = tmp_path / f"my{fmt}"
    target.mkdir()
    (target / "precious.txt").write_text("keep me")
    refused(run_limited(*convert_args(base["conv"], target)), f"my{fmt}", "not")
    assert (target / "precious.txt").read_text() == "keep me"
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"my{fmt}"]


def test_existing_file_named_mlpackage_is_kept(base, tmp_path):
    target = tmp_path / "my.mlpackage"
    target.write_text("keep me")
    refused(run_limited(*convert_args(base["conv"], target)), "my.mlpackage")
    assert target.read_text() == "keep me"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["my.mlpackage"]


@pytest.mark.parametrize("fmt", [".mlpackage", ".mlmodel"])
def test_existing_model_is_replaced(base, tmp_path, fmt):
    target = tmp_path / f"my{fmt}"
    for _ in range(2):
        done = run_limited(*convert_args(base["conv"], target))
        assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"my{fmt}"]
    if fmt == ".mlpackage":
        assert (target / "Manifest.json").is_file()

