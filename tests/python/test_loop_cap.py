"""predict(..., max_loop_iterations=N): the runtime's loop cap of `ts2coreml run
--max-loop-iterations N`, per call. A loop that needs three iterations runs with a cap of 3 and
is stopped by one of 2 (RuntimeError naming the loop); the cap holds for that call and thread
only, so a later call and another thread keep their own."""
import threading

import numpy as np
import pytest
import torch

import ts2coreml as ct


class CountUp(torch.nn.Module):
    def forward(self, x):
        while bool(x.sum() < 10.0):  # zeros of 1x4: 0 -> 4 -> 8 -> 12, three iterations
            x = x + 1.0
        return x


@pytest.fixture(scope="module", params=["mlprogram", "neuralnetwork"])
def loop_model(request):
    return ct.convert(torch.jit.script(CountUp()), inputs=[ct.TensorType(name="x", shape=(1, 4))],
                      convert_to=request.param)


ZEROS = {"x": np.zeros((1, 4), np.float32)}
THREES = np.full((1, 4), 3, np.float32)


def test_default_cap_is_the_cli_default(loop_model):
    assert ct.DEFAULT_MAX_LOOP_ITERATIONS == 1_000_000
    np.testing.assert_array_equal(loop_model.predict(ZEROS)["output"], THREES)


def test_cap_that_fits_runs_and_one_below_stops_naming_the_loop(loop_model):
    np.testing.assert_array_equal(
        loop_model.predict(ZEROS, max_loop_iterations=3)["output"], THREES)
    with pytest.raises(RuntimeError, match=r"loop.*still looping after 2 iterations.*"
                                           r"max_loop_iterations"):
        loop_model.predict(ZEROS, max_loop_iterations=2)
    # The cap was for that call: the next one has the default again.
    np.testing.assert_array_equal(loop_model.predict(ZEROS)["output"], THREES)


def test_caps_of_two_threads_at_once_stay_apart(loop_model):
    other = ct.convert(torch.jit.script(CountUp()), inputs=[ct.TensorType(name="x", shape=(1, 4))],
                       convert_to=loop_model.convert_to)
    start = threading.Barrier(2)
    outcomes = {}

    def work(model, cap, key):
        start.wait()
        for _ in range(20):
            try:
                model.predict(ZEROS, max_loop_iterations=cap)
                outcomes.setdefault(key, []).append("ran")
            except RuntimeError as error:
                outcomes.setdefault(key, []).append(str(error))

    threads = [threading.Thread(target=work, args=(loop_model, 2, "capped")),
               threading.Thread(target=work, args=(other, 3, "enough"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes["enough"] == ["ran"] * 20, outcomes
    assert len(outcomes["capped"]) == 20, outcomes
    assert all("still looping after 2 iterations" in o for o in outcomes["capped"]), outcomes


@pytest.mark.parametrize("cap", [0, -1, True, 2.5, "3", 2**64])
def test_cap_that_is_no_positive_int_is_a_value_error(loop_model, cap):
    with pytest.raises(ValueError, match="max_loop_iterations must be a positive int"):
        loop_model.predict(ZEROS, max_loop_iterations=cap)
