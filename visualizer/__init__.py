"""CNN Visualizer: build, train and look inside convolutional neural networks.

Data flows one way: spec -> shapes -> building -> training -> introspection ->
figures -> ui. ``spec``, ``shapes``, ``codegen`` and ``figures`` import no
TensorFlow, so the first page renders before TensorFlow has loaded.
"""
