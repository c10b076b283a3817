"""nnviz: build, train and see inside small fully-connected neural networks."""
__version__ = "0.1.0"
