"""What the whole-network views cost: the embedding per epoch, an adversarial example, the smallest flipping epsilon.

Each is reported against a plain forward pass of the same work in the same run (a ratio): the embedding
frame against predicting the same test images, FGSM and the bisection against predicting one image.
The embedding's first frame fits the projection on the final network (and traces the feature model); a
later frame (another epoch) finds it fitted and only applies it, as the Inspect page does when scrubbing.

The filter grids (what each filter of a layer looks for, 64 gradient steps each) are timed once each,
compiling included, against the goal of 10 s for Tiny VGG's last conv layer.

    python -m bench.insight --repeats 20
"""

from __future__ import annotations

import argparse
import statistics
import time

from visualizer import runtime


def _median_ms(action, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main(argv: list[str] | None = None) -> int:
    """Prints the measured times and ratios; returns the exit code."""
    runtime.configure()
    parser = argparse.ArgumentParser(prog="python -m bench.insight", description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=20)
    args = parser.parse_args(argv)

    from visualizer.backend.adversarial import adversarial, smallest_flipping_epsilon
    from visualizer.backend.embedding import features, projection_of
    from visualizer.backend.forward import predict, predict_many
    from visualizer.backend.surgery import model_at
    from visualizer.data.catalog import load_dataset
    from visualizer.training.shipped import load_checkpoints, load_pretrained

    digits = load_dataset("digits")
    final = load_pretrained("lenet5_digits")
    earlier = model_at(final, load_checkpoints("lenet5_digits")[3])
    images, x = digits.x_test, digits.x_test[0]
    start = time.perf_counter()
    projection_of(final, images).apply(features(final, images))
    first = (time.perf_counter() - start) * 1000
    frame = _median_ms(lambda: projection_of(final, images).apply(features(earlier, images)), args.repeats)
    baseline = _median_ms(lambda: predict_many(earlier, images), args.repeats)
    one = _median_ms(lambda: predict(final, x), args.repeats * 5)
    adversarial(final, x, 0.1)
    fgsm = _median_ms(lambda: adversarial(final, x, 0.1), args.repeats)
    pgd = _median_ms(lambda: adversarial(final, x, 0.1, method="pgd", steps=10), args.repeats)
    bisection = _median_ms(lambda: smallest_flipping_epsilon(final, x), max(3, args.repeats // 5))
    rows = (
        (f"embedding, first frame ({len(images)} test images, PCA fit)", first, None),
        ("embedding, a later frame (another epoch)", frame, baseline),
        ("  baseline: predict the same images", baseline, baseline),
        ("FGSM, one image", fgsm, one),
        ("PGD, 10 steps", pgd, one),
        ("smallest flipping epsilon (FGSM, bisection to 0.001)", bisection, one),
        ("  baseline: predict one image", one, one),
    )
    print(f"{'LeNet-5 on digits':<58}{'median ms':>10}{'ratio':>8}")
    for label, value, base in rows:
        ratio = "" if base is None else f"{value / base:.1f}"
        print(f"{label:<58}{value:>10.1f}{ratio:>8}")
    # The filter grids (each computed once per network and layer; the first includes compiling the step).
    from visualizer.backend.features import feature_grid

    tinyvgg = load_pretrained("tinyvgg_shapes")
    for title, model, layer in (
        ("LeNet-5, conv2d_1 (6 filters)", final, "conv2d_1"),
        ("LeNet-5, conv2d_2 (16 filters)", final, "conv2d_2"),
        ("Tiny VGG, conv2d_4, its last (10 filters, 64x64x3)", tinyvgg, "conv2d_4"),
    ):
        start = time.perf_counter()
        grid = feature_grid(model, layer)
        seconds = time.perf_counter() - start
        print(f"filter grid, {title:<52}{seconds * 1000:>8.0f} ms ({len(grid)} x 64 steps; goal < 10 s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
