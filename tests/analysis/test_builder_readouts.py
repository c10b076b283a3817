"""The builder's read-outs against the course's formulas."""
import numpy as np

from nnviz.training.session import TrainingSession
from nnviz.analysis import builder_readouts as text
def test_shapes_and_parameter_count_follow_the_course():
    dims = [2, 4, 3, 1]
    html = text.shapes_html(dims)
    assert "W[1]: (4, 2)  b[1]: (4, 1)" in html and "W[3]: (1, 3)  b[3]: (1, 1)" in html
    assert text.parameter_count(dims) == (4 * 2 + 4) + (3 * 4 + 3) + (1 * 3 + 1)
    assert "31 parameters" in html
    long = text.shapes_html([30] + [16] * 12 + [1])
    assert "…" in long and long.count("W[") == 7


def test_init_std_per_layer():
    assert text.init_std_text("random", 1.0, [2, 4, 1]) == "σ(W[1]) = 0.01, σ(W[2]) = 0.01"
    he = text.init_std_text("he", 0.5, [8, 32, 1])
    assert f"σ(W[1]) = {0.5 * np.sqrt(2 / 8):.3g}" in he
    assert f"σ(W[2]) = {0.5 * np.sqrt(2 / 32):.3g}" in he
    assert text.init_std_text("zeros", 1.0, [2, 3, 1]) == "σ(W[1]) = 0, σ(W[2]) = 0"


def test_data_read_outs():
    data = TrainingSession().data
    assert text.data_info(data) == ("2 features, 320 training / 80 test examples, binary "
                                    "classification.")
    assert text.output_text(data, 2).startswith("Output layer 2: n[2] = 1, sigmoid")
    tip = text.normalization_tooltip(data)
    assert f"x1: μ = {data.mean[0]:.4g}, σ = {data.std[0]:.4g}" in tip
