"""Help > Concepts (Shift+F1): a short reminder of what the app shows, in the course's
notation. Every key is listed by Help > Keyboard shortcuts (F1 or ?)."""

CONCEPTS_HTML = """
<h3>Notation</h3>
<p>Examples are columns: <b>X = A[0]</b> is (n[0], m), <b>Y</b> is (n[L], m).
Layer l has n[l] units, weights <b>W[l]</b> (n[l], n[l-1]) and biases <b>b[l]</b> (n[l], 1).
L counts the layers after the input: one hidden layer plus the output is L = 2.</p>
<h3>Forward and backward propagation</h3>
<p><b>Z[l] = W[l] A[l-1] + b[l]</b>, <b>A[l] = g[l](Z[l])</b>.<br>
<b>dZ[l] = dA[l] * g[l]'(Z[l])</b>, <b>dW[l] = (1/m) dZ[l] A[l-1]<sup>T</sup></b>,
<b>db[l] = (1/m) Σ dZ[l]</b>, <b>dA[l-1] = W[l]<sup>T</sup> dZ[l]</b>.<br>
With the output's matching loss (sigmoid + cross-entropy, softmax + cross-entropy,
linear + squared error): <b>dZ[L] = A[L] - Y</b>.</p>
<h3>Gradient descent</h3>
<p>Every iteration: θ := θ - α dθ for all W[l], b[l]. The learning rate α sets the step:
too small is slow, too large oscillates or <b>diverges</b> (the cost becomes NaN/inf; nnviz
pauses and keeps the last finite state). Momentum and Adam smooth and rescale the steps.</p>
<h3>Initialization</h3>
<p>Zeros never break symmetry: all hidden units stay identical. Random weights that are too
small make signals and gradients shrink layer by layer (vanishing), too large make them grow
(exploding) or saturate tanh/sigmoid. Xavier (√(1/n[l-1])) suits tanh, He (√(2/n[l-1]))
suits ReLU. Drag the init scale while paused to see it at once.</p>
<h3>Normalization</h3>
<p>x := (x - μ)/σ with μ, σ fitted on the training set. Features on very different scales
give a long, narrow cost surface: gradient descent zig-zags and needs a small α.</p>
<h3>Regularization</h3>
<p>L2 adds (λ/2m) Σ ||W[l]||² to J; dropout keeps each hidden unit with probability
keep_prob while training. Both fight overfitting: a training cost far below the test cost.</p>
<h3>Controls</h3>
<p><b>Space</b> play/pause, <b>→</b> one step, <b>R</b> reset (same seed, same network),
<b>Ctrl+O</b> open CSV data, <b>Ctrl+S</b> / <b>Ctrl+L</b> save / load a session,
<b>Ctrl+E</b> / <b>Ctrl+I</b> export / import weights, <b>Ctrl+Shift+H</b> export the history (CSV),
<b>Ctrl+Shift+E</b> export figures (PNG, SVG), <b>Ctrl+Q</b> quit.
<b>Ctrl+1</b> … <b>Ctrl+7</b> switch workspace: Train, Gradients, Landscape, Backprop,
Activations, Lessons, Challenges (also the tabs beside the menus). Drag a splitter between two panels to
share the room differently; each workspace remembers it, and View &gt; Reset workspace layout
puts it back.
<b>F1</b> or <b>?</b> shows every key at a glance; <b>Shift+F1</b> opens this page.</p>
<h3>In front of a room</h3>
<p><b>F11</b> presentation mode: full screen, every text and line 1.5 times larger
(<b>Ctrl+=</b> / <b>Ctrl+-</b> change the size; F11 again gives everything back).
View &gt; Colours: a colour-blind-safe palette (blue / orange, Okabe-Ito) or a high-contrast
one for the classes, the signs of weights, the train/test curves and the maps.</p>
"""


def concepts_dialog(parent):
    """Help > Concepts as a non-modal dialog."""
    from PySide6.QtWidgets import QDialog, QTextBrowser, QVBoxLayout

    dialog = QDialog(parent)
    dialog.setWindowTitle("nnviz concepts")
    dialog.resize(620, 640)
    text = QTextBrowser()
    text.setHtml(CONCEPTS_HTML)
    QVBoxLayout(dialog).addWidget(text)
    return dialog
