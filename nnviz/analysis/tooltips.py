"""Tooltips of the builder: each explains the concept in the course's notation."""

DATASET = ("The training examples (x(i), y(i)), stacked as columns: X is (n[0], m), Y is "
           "(n[L], m).\nGenerated sets are 2-D so you can watch the decision boundary; the "
           "shipped real sets have many features on very different scales.")
NOISE = ("How noisy the generated examples are (for the course and scikit-learn style sets a "
         "standard deviation; for the Playground sets a 0-0.5 fraction of flipped/jittered "
         "points).")
EXAMPLES = "m, the number of examples generated (training plus test)."
DATA_SEED = ("Seed of the data generator: the same seed draws the same examples. "
             "'New sample' moves to the next seed.")
TRAIN_PERCENT = ("Share of the examples used for training; the rest is the test set, never "
                 "trained on, used to see how well the network generalizes (train vs test "
                 "cost). 100 % = no test set.")
NORMALIZE = ("Input normalization: x := (x - μ) / σ per feature, with μ = (1/m) Σ x(i) and "
             "σ² = (1/m) Σ (x(i) - μ)² fitted on the training set only; the same μ, σ "
             "transform the test set.\nFeatures on very different scales make the cost "
             "surface long and narrow: gradient descent then needs a small learning rate "
             "and many steps. Normalized inputs give rounder contours.")
UNITS = "n[l], the number of units in this layer: W[l] is (n[l], n[l-1]), b[l] is (n[l], 1)."
ACTIVATION = ("g[l], applied elementwise: A[l] = g[l](Z[l]) with Z[l] = W[l] A[l-1] + b[l].\n"
              "tanh and sigmoid saturate (slope ≈ 0 for large |z|); ReLU's slope is 1 for "
              "z > 0 and 0 below (dead units never recover).")
ADD_LAYER = ("Add a hidden layer before the output layer. A network with L layers has L-1 "
             "hidden layers; deep, narrow sigmoid/tanh networks show vanishing gradients.")
OUTPUT = ("The output layer L is chosen by the task: sigmoid + binary cross-entropy for two "
          "classes, softmax + categorical cross-entropy for more, linear + squared error for "
          "regression. Each pairing gives dZ[L] = A[L] - Y.")
SHAPES = ("Shapes as in the course: W[l] is (n[l], n[l-1]) and b[l] is (n[l], 1). "
          "The parameter count is Σ n[l]·n[l-1] + n[l].")
INIT_SCHEME = ("How W[l] is drawn (biases start at 0):\n"
               "zeros: every hidden unit computes the same thing forever (symmetry is never "
               "broken).\nrandom: randn(n[l], n[l-1]) × σ, the course's σ = 0.01.\n"
               "Xavier: × √(1/n[l-1]), good for tanh.  He: × √(2/n[l-1]), good for ReLU.\n"
               "Glorot: × √(2/(n[l-1]+n[l])).")
SEED = "Seed of the weight initialization: the same settings and seed give the same network."
OPTIMIZER = ("Gradient descent: θ := θ - α dθ.\nMomentum: v := β v + (1-β) dθ, θ := θ - α v "
             "(smooths the zig-zag).\nRMSprop: s := β₂ s + (1-β₂) dθ², θ := θ - α dθ / (√s + ε) "
             "(a per-parameter step size).\nAdam: momentum and RMSprop together, with bias "
             "correction.")
LEARNING_RATE = ("α, the step size of every update θ := θ - α dθ (log scale; type a value to "
                 "set it exactly). Too small: slow. Too large: the cost oscillates or "
                 "diverges to NaN. Changes apply at the next step without a reset.")
BETA = "β of momentum: how much of the previous velocity v is kept (0.9 ≈ averaging 10 steps)."
BETA1 = "β₁ of Adam: decay of the running mean of the gradient (first moment), usually 0.9."
BETA2 = ("β₂ of RMSprop and Adam: decay of the running mean of the squared gradient, usually "
         "0.999.")
BATCH = ("Examples per update. 'full batch' uses all m training examples per step (batch "
         "gradient descent); a smaller mini-batch (e.g. 32, 64) makes more, noisier steps per "
         "epoch. The examples are reshuffled every epoch.")
L2 = ("λ of L2 regularization: J adds (λ/2m) Σ_l ||W[l]||²_F and dW[l] gets + (λ/m) W[l] "
      "(weight decay). Larger λ: smaller weights, smoother boundary, less overfitting.")
KEEP_PROB = ("Inverted dropout on hidden layers: each unit is kept with probability keep_prob "
             "(then divided by keep_prob) during training only. 1 = no dropout. Makes the "
             "training cost noisy.")
