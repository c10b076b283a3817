"""The built-in challenges: goal, concept, lesson, hints and the measure of each."""
from __future__ import annotations

from .base import Challenge, Choice, Evidence
from .checks import (DEAD_TARGET, DEEP_HIDDEN_LAYERS, FLOWER_MAX_UNITS, ROUND_KAPPA,
                     measure_bounce, measure_circles_no_hidden, measure_dead_relu,
                     measure_diverge, measure_dropout_check, measure_fewest_units,
                     measure_planted_bug, measure_round_surface, measure_symmetry,
                     measure_vanishing, measure_vanishing_fixed)
from .probes import live_dropout_check, mystery_check

DROPOUT_CHOICES = (
    Choice("masks", "Each evaluation of J draws new dropout masks, so J(θ+ε) and J(θ−ε) are "
                    "costs of two different networks", True,
           "Right. With dropout on, J is a random function of θ: the two costs of a "
           "two-sided difference come from differently thinned networks, so their difference "
           "divided by 2ε is noise, not the slope. Turn dropout off (or freeze the masks) to "
           "check, then turn it back on to train."),
    Choice("backprop", "Backprop is computed wrongly when dropout is on", False,
           "No: backprop with dropout is right for the masks it used (the check passes with "
           "frozen masks). What changes between evaluations is J itself."),
    Choice("epsilon", "ε = 1e-7 is too small for a network with dropout", False,
           "No: a larger ε does not help. The two costs use different random masks, so they "
           "differ by far more than any slope times 2ε."),
    Choice("size", "Dropout shrinks the network, so it has fewer parameters to check", False,
           "No: every parameter is still there; dropout zeroes units at random on each pass, "
           "which is what makes J random."),
)


def _dropout_measure(snapshot, evidence: Evidence):
    answer = evidence.answer
    correct = None if answer is None else any(c.key == answer and c.correct
                                              for c in DROPOUT_CHOICES)
    return measure_dropout_check(snapshot, evidence, correct)


def _bug_measure(snapshot, evidence: Evidence):
    return measure_planted_bug(snapshot, evidence, evidence.answer)


def _wants_dropout_probe(snapshot) -> bool:
    return snapshot.config.hyper.keep_prob < 1.0 and snapshot.L >= 2


CHALLENGES: tuple[Challenge, ...] = (
    Challenge(
        "diverge", "Make training diverge",
        "Change the settings until the cost overflows and training stops.",
        "learning rate", "learning_rate", "Gradient descent and the learning rate",
        measure_diverge,
        ("Raise the learning rate α step by step and watch the cost.",
         "With tanh or sigmoid units on the flower the cost only bounces: try the 'Scaled "
         "features' data without normalization, or the regression data, and raise α."),
        "Each step lands higher on the other side of the valley: the cost grows every step "
        "until it is too large to hold. A smaller α (or normalized inputs) brings it back."),
    Challenge(
        "bounce", "Make the cost bounce without diverging",
        "Find a learning rate at which the cost goes up and down for 50 steps but stays "
        "finite.",
        "learning rate", "learning_rate", "Gradient descent and the learning rate",
        measure_bounce,
        ("A bounce needs a step a little too long: raise α until the cost curve wiggles.",
         "With tanh units α between 5 and 30 makes the cost bounce; ReLU may diverge "
         "instead."),
        "The step overshoots the valley floor and lands on the other side, about as high: "
        "the cost goes up and down and makes no progress. Halving α lets it settle."),
    Challenge(
        "vanishing", "Make the gradient vanish",
        "Make ||dW[1]|| at least 1000 times smaller than ||dW[L]||.",
        "vanishing gradients", "deep_gradients", "Vanishing and exploding gradients",
        measure_vanishing,
        ("Backprop multiplies by W[l]ᵀ and g'(Z[l]) at every layer: add hidden layers.",
         "Five or more sigmoid layers with the course's random init (randn × 0.01) make "
         "every factor tiny."),
        "Each layer multiplies the backward signal by W[l]ᵀ and g'(Z[l]); with small weights "
        "and sigmoid's slope of at most 0.25 the product shrinks layer after layer, so the "
        "first layers hardly learn."),
    Challenge(
        "vanishing_fixed", "Fix the vanishing gradient with the initialization",
        f"With {DEEP_HIDDEN_LAYERS} or more hidden layers, keep ||dW[1]|| / ||dW[L]|| between "
        "1/10 and 10 by choosing the initialization.",
        "initialization", "init_schemes", "Initialization schemes",
        measure_vanishing_fixed,
        ("The init scheme sets how big W[l] starts: try Xavier or He instead of random.",
         "tanh goes with Xavier (randn × √(1/n[l−1])), ReLU with He (randn × √(2/n[l−1]))."),
        "Xavier and He scale W[l] by the layer's fan-in so each layer keeps the signal's size: "
        "the backward factor per layer stays near 1 and the first layers learn too."),
    Challenge(
        "fewest_units", "90% on the flower with the fewest units",
        f"Reach 90% training accuracy on the flower with {FLOWER_MAX_UNITS} hidden units or "
        "fewer (inputs x1, x2 only). Your fewest is kept.",
        "hidden units", "hidden_units", "One hidden layer on the flower data",
        measure_fewest_units,
        ("The course's 4 tanh units reach 90%: take one away and train longer.",
         "3 tanh units can do it; give them a few thousand iterations at α = 1.2."),
        "Each tanh unit adds one bend to the boundary; the flower's petals need about three. "
        "Fewer units cannot draw them, more add little.",
        best="min", best_label="hidden units"),
    Challenge(
        "circles_no_hidden", "100% on the circles with no hidden layer",
        "Classify every training point of the circles right with no hidden layer at all "
        "(if the rings overlap, lower the data's noise).",
        "input features", "features", "Features or hidden units",
        measure_circles_no_hidden,
        ("No hidden layer draws a straight line in the inputs it gets: give it other inputs.",
         "Add the features x1² and x2²: a line in them is a circle in x1, x2. Train long "
         "enough for the last points, or lower the data's noise."),
        "A network with no hidden layer is logistic regression: a straight boundary in its "
        "inputs. With x1² and x2² as inputs that straight line is a circle in the plane."),
    Challenge(
        "symmetry", "Show that zero initialization gives identical units",
        "Train 100 iterations or more with every hidden unit exactly the same.",
        "symmetry breaking", "symmetry", "Why random initialization",
        measure_symmetry,
        ("Start every weight at the same value: look at the initialization choices.",
         "Choose init 'zeros' (2 or more hidden units) and train."),
        "Units that start equal get equal gradients, so they stay equal forever: a layer of "
        "n identical units computes what one unit does. Random initialization breaks the tie."),
    Challenge(
        "round_surface", "Make the cost surface round",
        f"On the 'Scaled features' data (x2 about 1000 times x1), bring the curvature ratio κ "
        f"of the cost surface down to {ROUND_KAPPA:g} or less.",
        "normalization", "normalization", "Normalizing inputs",
        measure_round_surface,
        ("κ compares the surface's steepest and flattest directions; they come from the "
         "inputs' scales.",
         "Turn on 'normalize inputs': x := (x − μ) / σ puts both features on one scale."),
        "The surface's curvature along w1 and w2 follows E[x1²] and E[x2²]: scales of 1 and "
        "1000 make a narrow valley (κ in the millions). Normalizing makes both about 1, the "
        "contours nearly round, and a much larger α stable."),
    Challenge(
        "planted_bug_layer", "Find the planted bug's layer",
        "Run a gradient check with a mystery bug planted in backprop and name the layer it "
        "is in.",
        "gradient checking", "gradient_checking", "Gradient checking",
        _bug_measure,
        ("Compare each layer's difference: right is about 1e-7, a bug 1e-3 or more.",
         "A bug in dW or db spoils that tensor alone; a bug in dZ[l] spoils layer l and every "
         "layer below it: name the highest bad layer."),
        "The two-sided difference needs only J, so it is right whatever backprop does: where "
        "the two disagree by 1e-3 or more, backprop is wrong.",
        answer_kind="layers", question="Which layer is the planted bug in?",
        check=mystery_check),
    Challenge(
        "dropout_check", "Make the gradient check fail with dropout",
        "Turn dropout on (keep_prob below 1) and see the gradient check fail when dropout is "
        "left on in J; then say why.",
        "gradient checking and dropout", "gradient_checking", "Gradient checking",
        _dropout_measure,
        ("Dropout is set by keep_prob in the builder's training settings.",
         "Think about what the check computes: J twice per parameter. What does dropout do "
         "each time J is computed?"),
        DROPOUT_CHOICES[0].feedback,
        answer_kind="choice", question="Why does the check fail?", choices=DROPOUT_CHOICES,
        probe=live_dropout_check, wants_probe=_wants_dropout_probe),
    Challenge(
        "dead_relu", "Kill half the ReLU units",
        f"Make {DEAD_TARGET:.0%} or more of hidden layer 1's ReLU units dead: Z ≤ 0 on every "
        "training example, so they output 0 and learn nothing.",
        "dying ReLU", "activation_functions", "Activation functions",
        measure_dead_relu,
        ("Use ReLU in hidden layer 1, then think about what one huge step does to its "
         "weights and bias.",
         "Raise the learning rate α to 5 or 10 with 8 ReLU units: one large step can push a "
         "unit's Z below 0 for every example."),
        "ReLU's slope is 0 for Z ≤ 0: a unit pushed there on every example gets no gradient "
        "and never comes back. A smaller α, He initialization or leaky ReLU keep units alive."),
)

BY_KEY = {c.key: c for c in CHALLENGES}


def challenge(key: str) -> Challenge:
    """The challenge named ``key``; ``KeyError`` with the keys otherwise."""
    try:
        return BY_KEY[key]
    except KeyError:
        raise KeyError(f"no challenge {key!r}; choose one of: {', '.join(BY_KEY)}") from None
