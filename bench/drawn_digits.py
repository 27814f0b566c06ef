"""How the shipped LeNet-5 reads digits as a class brings them: today's resize path against ``model_input_for``.

    python -m bench.drawn_digits --count 200 --seed 1

The pictures are made as the tests make them (``tests/data/digit_pictures.py``): mouse drawings on the
canvas and dark ink on light paper under uneven light, photographed. The baseline is the same pictures
through the resize path every upload took before (``to_model_input``, inverted when dark on light, the
whole picture padded into 28x28), in the same run.
"""

from __future__ import annotations

import argparse

import numpy as np

from tests.data.digit_pictures import picture_set
from visualizer import runtime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=200, help="pictures of each kind")
    parser.add_argument("--seed", type=int, default=1)
    arguments = parser.parse_args()
    runtime.configure()
    from visualizer.backend.forward import predict_many
    from visualizer.data.images import looks_dark_on_light, to_model_input
    from visualizer.data.pictures import model_input_for
    from visualizer.training.shipped import load_pretrained

    model = load_pretrained("lenet5_digits")
    print(f"{'pictures':<22}{'resize path':>12}{'model_input_for':>17}   per digit (model_input_for)")
    for kind in ("canvas", "paper"):
        pictures = picture_set(kind, arguments.count, arguments.seed)
        labels = np.array([label for _, label in pictures])
        before = np.stack(
            [to_model_input(p, (28, 28, 1), invert=looks_dark_on_light(p), fit="pad") for p, _ in pictures]
        )
        after = np.stack([model_input_for(p, "digits", (28, 28, 1)) for p, _ in pictures])
        right_before = predict_many(model, before).argmax(axis=1) == labels
        right_after = predict_many(model, after).argmax(axis=1) == labels
        per_digit = " ".join(f"{digit}:{right_after[labels == digit].mean():.0%}" for digit in range(10))
        print(f"{kind + f' ({len(labels)})':<22}{right_before.mean():>12.1%}{right_after.mean():>17.1%}   {per_digit}")


if __name__ == "__main__":
    main()
