"""CNN Visualizer: build, train and look inside convolutional neural networks.

Data flows one way: spec -> shapes -> building -> training -> introspection ->
figures -> ui. ``spec``, ``shapes``, ``codegen`` and ``figures`` import no
TensorFlow, so the first page renders before TensorFlow has loaded.

TensorFlow gets one thread per operation by default (``CNN_VISUALIZER_TF_THREADS``
changes it; it must be set before TensorFlow starts): the small networks taught
here train as fast on one core, and the other core stays free for the pages of
everyone else while a job trains (see ``bench/train_page_latency.py``).
"""

import os

_threads = os.environ.get("CNN_VISUALIZER_TF_THREADS", "1")
os.environ.setdefault("TF_NUM_INTRAOP_THREADS", _threads)
os.environ.setdefault("TF_NUM_INTEROP_THREADS", _threads)
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
