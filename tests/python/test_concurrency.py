"""Several conversions in one process, and two at once from two threads (the extension releases
the GIL while converting and predicting): each gives the result of a conversion on its own."""
import threading

import numpy as np
import torch

import models
import ts2coreml as ct
from coremltools.proto import Model_pb2
from py_helpers import assert_close, torch_output


def convert_and_predict(scripted, x):
    mlmodel = ct.convert(scripted, inputs=[ct.TensorType(shape=models.INPUT_SHAPE)],
                         compute_precision=ct.precision.FLOAT32)
    # Compared as messages: protobuf does not promise one byte order for map fields.
    spec = Model_pb2.Model.FromString(mlmodel.spec)
    return spec, mlmodel.predict({"x": x})["output"]


def test_converting_twice_gives_the_same_model(seed_inputs):
    scripted = models.make_scripted("controlflow2")
    x = seed_inputs["neg"]
    first = convert_and_predict(scripted, x)
    second = convert_and_predict(scripted, x)
    assert first[0] == second[0]
    np.testing.assert_array_equal(first[1], second[1])


def test_two_threads_convert_and_predict_at_once(seed_inputs):
    jobs = {
        ("controlflow", "neg"): models.make_scripted("controlflow", seed=5),
        ("controlflow2", "pos"): models.make_scripted("controlflow2", seed=6),
    }
    alone = {key: convert_and_predict(scripted, seed_inputs[key[1]])
             for key, scripted in jobs.items()}
    start = threading.Barrier(len(jobs))
    results, failures = {}, []

    def work(key, scripted):
        try:
            start.wait()
            for _ in range(2):
                results.setdefault(key, []).append(
                    convert_and_predict(scripted, seed_inputs[key[1]]))
        except Exception as error:  # reported below, with the thread's job
            failures.append((key, error))

    threads = [threading.Thread(target=work, args=item) for item in jobs.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    for key, runs in results.items():
        assert len(runs) == 2
        for spec, output in runs:
            assert spec == alone[key][0]
            np.testing.assert_array_equal(output, alone[key][1])
            reference = torch_output(jobs[key], seed_inputs[key[1]])
            assert_close(output, reference, "fp32", str(key))


def test_one_model_predicts_from_two_threads(seed_inputs):
    scripted = models.make_scripted("controlflow")
    mlmodel = ct.convert(scripted, inputs=[ct.TensorType(shape=models.INPUT_SHAPE)])
    expected = {kind: mlmodel.predict({"x": x})["output"] for kind, x in seed_inputs.items()}
    outputs, failures = {}, []

    def work(kind):
        try:
            outputs[kind] = mlmodel.predict({"x": seed_inputs[kind]})["output"]
        except Exception as error:
            failures.append((kind, error))

    threads = [threading.Thread(target=work, args=(kind,)) for kind in seed_inputs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    for kind in seed_inputs:
        np.testing.assert_array_equal(outputs[kind], expected[kind])
