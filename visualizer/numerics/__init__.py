"""NumPy only: the arithmetic the app explains, each checked against Keras or SciPy in the tests.

``activations`` (curves and slopes), ``kernels`` (classic kernels, cross-correlation,
window arithmetic), ``pooling``, ``softmax`` and ``dropout``. Nothing here imports
TensorFlow, Plotly or Streamlit.
"""
