"""The divergence message: the fix first, then what happened, with one cost number."""
import re

from nnviz.analysis.divergence_text import divergence_message


def first_sentence(text: str) -> str:
    """What the banner's one line shows: up to the first ". "."""
    return text.split(". ", 1)[0] + "."


def test_it_leads_with_the_fix_and_a_nice_smaller_rate():
    text = divergence_message(43, 10.0, 3.2e298, climb_from=30)
    assert first_sentence(text) == ("Diverged at iteration 43: lower the learning rate (now "
                                     "10; try 1), then reset and train again.")
    assert "From iteration 30 the cost climbed to 3.2e+298, then overflowed" in text
    assert "try 0.1)" in divergence_message(7, 1.2, 5.0)


def test_large_unnormalized_inputs_put_normalizing_first():
    text = divergence_message(43, 10.0, 1.6e304, 1, normalized=False,
                              input_std=(1.06, 1110.0))
    assert first_sentence(text).startswith(
        "Diverged at iteration 43: normalize the inputs (their std runs from 1.06 to 1.11e+03)"
        " or lower the learning rate (now 10; try 1)")
    small = divergence_message(43, 10.0, 5.0, 1, normalized=False, input_std=(0.9, 1.1))
    assert "lower the learning rate (now 10; try 1) or normalize the inputs" in small


def test_one_number_and_no_python_in_the_text():
    text = divergence_message(1200, 30.0, 8.2e305)
    numbers = re.findall(r"\d\.\de\+\d+", text)
    assert numbers == ["8.2e+305"]  # the cost, once
    assert "1,200" in text
    assert "inf" not in text.replace("infinite", "") and "nan" not in text.lower()
    nan = divergence_message(5, 30.0, float("nan"))
    assert "became NaN or infinite" in nan and "climbed" not in nan
