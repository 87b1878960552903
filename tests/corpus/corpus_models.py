"""The TorchScript corpus: small models written for ts2coreml, one per construct that real models
print (see issue 3). Importable by torch 1.13 and torch 2.13 alike: the fixture generator runs it
under both, the end-to-end test (tests/e2e/test_corpus.py) converts and checks every entry.

The entries live in one file per construct family beside this one (corpus_static_folding.py,
corpus_control_flow.py, corpus_tracing.py, corpus_containers.py, corpus_const_eval.py, ...), and
register themselves in corpus_entry.ENTRIES when imported; importing this module imports every
family, so ENTRIES here is the whole corpus. Each entry says how the module is turned into
TorchScript (script, trace, mixed, freeze), its inputs (name, shape) and named input cases. The
cases are chosen so that, together, they take every branch and every loop path of the model; the
comment on each entry says which case takes which path.
"""
import importlib
import inspect
from pathlib import Path

from corpus_entry import ENTRIES

NOT_FAMILIES = ("corpus_entry", "corpus_models")


def _load_families():
    """Imports every corpus_<family>.py beside this file; each registers its entries in ENTRIES."""
    for path in sorted(Path(__file__).resolve().parent.glob("corpus_*.py")):
        if path.stem not in NOT_FAMILIES:
            importlib.import_module(path.stem)


def source_file(name):
    """The file name of the corpus file that defines entry `name` (as debug records name it)."""
    return Path(inspect.getsourcefile(ENTRIES[name].make)).name


_load_families()
