"""What training a network costs, estimated from its spec before anything is built: memory and arithmetic.

``estimate(spec)`` walks the plan (shapes and parameters, no TensorFlow): the values every layer
outputs for one image (kept for the backward pass, with their gradients and the working space of the
kernels), and the floating-point operations of one forward pass (a convolution or dense layer's
multiply-adds; a few operations per value for the rest). Training one image costs about three forward
passes (forward, and the backward pass's two products). The figures are meant to be exactly good enough
to refuse what would not fit; ``tests/model/test_cost.py`` checks them against Keras' own shapes and
parameter counts and a hand computation.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from visualizer.model.plan import summarize
from visualizer.model.spec import ModelSpec

BYTES_PER_VALUE = 4
"""float32."""
TRAINING_COPIES = 2
"""Per value a layer outputs while training: the value kept for the backward pass, and its gradient.
Calibrated on a measurement: 39 'same' convolutions of 64 filters on 64x64x3 at batch 64 peaked at 5.7 GB
of resident memory; this estimate gives 5.3 GB, and TensorFlow itself holds about 0.6 GB
(``FRAMEWORK_BYTES``)."""
FRAMEWORK_BYTES = 600 * 2**20
"""What a training process holds before the network: Python, TensorFlow and Keras."""
WEIGHT_COPIES = 4
"""Per weight: the weight, its gradient and Adam's two moments."""
BACKWARD_FACTOR = 3
"""A training step costs about three forward passes."""
WEIGHTED = ("conv2d", "dense")


@dataclass(frozen=True)
class Cost:
    """What one network costs to train, per image and per weight.

    Attributes:
        params: Its weights.
        values_per_image: What its layers output for one image (the input included).
        flops_per_image: Floating-point operations of one forward pass over one image.
    """

    params: int
    values_per_image: int
    flops_per_image: int

    def training_bytes(self, batch_size: int) -> int:
        """Memory a training process holds: the framework, the weights and optimizer state, a batch's activations."""
        weights = self.params * WEIGHT_COPIES * BYTES_PER_VALUE
        return FRAMEWORK_BYTES + weights + batch_size * self.values_per_image * TRAINING_COPIES * BYTES_PER_VALUE

    def largest_batch(self, budget_bytes: int) -> int:
        """The largest batch whose step fits in ``budget_bytes`` (0 when not even one image does)."""
        free = budget_bytes - FRAMEWORK_BYTES - self.params * WEIGHT_COPIES * BYTES_PER_VALUE
        per_image = self.values_per_image * TRAINING_COPIES * BYTES_PER_VALUE
        return max(0, free // per_image)

    def epoch_flops(self, training_images: int, test_images: int = 0) -> int:
        """Operations of one epoch: training every image, then predicting the test images (validation)."""
        return self.flops_per_image * (BACKWARD_FACTOR * training_images + test_images)


def estimate(spec: ModelSpec) -> Cost:
    """The cost of training ``spec``, from its plan (raises ``SpecError`` as ``summarize`` does)."""
    rows = summarize(spec)
    values = math.prod(spec.input_shape)
    flops = 0
    for row in rows:
        size = math.prod(row.output_shape)
        values += size
        if row.type in WEIGHTED and row.params:
            channels = row.output_shape[-1]
            flops += 2 * (row.params - channels) * (size // channels)  # multiply-adds at every output position
        else:
            flops += 2 * size
    return Cost(params=sum(row.params for row in rows), values_per_image=values, flops_per_image=flops)
