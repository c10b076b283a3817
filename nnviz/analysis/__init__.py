"""What the panels compute and explain, without Qt: usable from the command line and a notebook.

It sits between the engine (the mathematics) and training (the worker and sessions):
``gradient_flow`` (the vanishing/exploding verdict and its remedies), ``gradient_flow_stats``
(per-layer statistics and histograms), ``cost_surface`` (the cost-surface job: plan, grid,
contours), ``builder_readouts`` (shape and parameter read-outs), and the explanation texts
(``tooltips``, ``cost_surface_text``, ``gradient_check_text``).
"""
