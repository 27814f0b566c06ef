"""Datasets: the embedded ones, Keras' loading path with a fake cache, and hostile or odd archives."""

import io
import json
import stat
import subprocess
import sys
import zipfile

import numpy as np
import pytest
from PIL import Image
from sklearn.datasets import load_digits

from tests.helpers import ROOT
from visualizer.data import downloads, uploads
from visualizer.data.catalog import load_dataset
from visualizer.data.dataset import class_label, class_labels, stratified_split, training_subset
from visualizer.data.uploads import dataset_from_images, dataset_from_zip
from visualizer.errors import InputError


def png(colour=(255, 0, 0), size=(12, 10), mode="RGB") -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, colour).save(buffer, "PNG")
    return buffer.getvalue()


def make_zip(members: dict[str, bytes], symlinks: dict[str, str] | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
        for name, target in (symlinks or {}).items():
            info = zipfile.ZipInfo(name)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            archive.writestr(info, target)
    return buffer.getvalue()


def check_dataset(dataset, shape, classes):
    for x, y in ((dataset.x_train, dataset.y_train), (dataset.x_test, dataset.y_test)):
        assert x.dtype == np.float32 and x.shape[1:] == shape
        assert x.min() >= 0.0 and x.max() <= 1.0
        assert y.dtype == np.int64 and len(y) == len(x)
        assert set(np.unique(y)) == set(range(classes))
    assert dataset.image_shape == shape and dataset.num_classes == classes


def test_digits_are_sklearns_real_digits_upsampled_to_28x28():
    dataset = load_dataset("digits")
    check_dataset(dataset, (28, 28, 1), 10)
    reference = load_digits()
    assert len(dataset.y_train) + len(dataset.y_test) == len(reference.target) == 1797
    assert sorted(np.concatenate([dataset.y_train, dataset.y_test])) == sorted(reference.target)
    # Oracle: shrinking our 20x20 digit box back to 8x8 gives sklearn's image back, up to resampling blur.
    train, _ = stratified_split(reference.target)
    ours = Image.fromarray(dataset.x_train[0, 4:24, 4:24, 0], mode="F").resize((8, 8), Image.Resampling.BOX)
    original = reference.images[train[0]] / 16.0
    assert np.corrcoef(np.asarray(ours).ravel(), original.ravel())[0, 1] > 0.9
    assert dataset.x_train[:, :4].max() == 0.0  # MNIST-like empty margin


def test_split_is_stratified_and_deterministic():
    labels = np.repeat(np.arange(5), [10, 20, 30, 2, 1])
    train, test = stratified_split(labels)
    again_train, again_test = stratified_split(labels)
    assert np.array_equal(train, again_train) and np.array_equal(test, again_test)
    assert not set(train) & set(test) and len(train) + len(test) == len(labels)
    assert np.bincount(labels[test], minlength=5).tolist() == [2, 4, 6, 1, 0]


def test_shapes_are_generated_deterministically():
    dataset = load_dataset("shapes")
    check_dataset(dataset, (64, 64, 3), 6)
    assert len(dataset.y_train) + len(dataset.y_test) == 6 * 2000
    assert dataset.class_names == ("circle", "square", "triangle", "star", "cross", "ring")
    # The same images as when the shipped Tiny VGG and ResNet learned them (sums recorded then).
    assert float(dataset.x_train[:5].astype(np.float64).sum()) == pytest.approx(31465.990301613696, rel=1e-9)
    assert float(dataset.x_test[-1].astype(np.float64).sum()) == pytest.approx(7499.084315221757, rel=1e-9)
    np.testing.assert_allclose(dataset.x_train[0, 10, 10], [0.18860613, 0.05919436, 0.45919436], rtol=1e-6)
    # Each class in turn, split a fifth per class for testing.
    assert np.bincount(dataset.y_test).tolist() == [400] * 6


def test_unknown_dataset_is_an_input_error():
    with pytest.raises(InputError, match="no dataset called"):
        load_dataset("imagenet")


@pytest.mark.timeout(60)
def test_missing_keras_dataset_without_network_is_a_quick_input_error(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    monkeypatch.setattr(downloads, "_can_reach", lambda host, timeout=3.0: False)
    with pytest.raises(InputError) as caught:
        load_dataset("mnist")
    assert "not on this machine" in str(caught.value) and str(tmp_path) in str(caught.value)


def _idx(array: np.ndarray, magic: int) -> bytes:
    import gzip

    header = magic.to_bytes(4, "big") + b"".join(size.to_bytes(4, "big") for size in array.shape)
    return gzip.compress(header + array.astype(np.uint8).tobytes())


@pytest.mark.timeout(120)
def test_keras_loading_path_reads_a_fake_cached_fashion_mnist(tmp_path):
    folder = tmp_path / "datasets" / "fashion-mnist"
    folder.mkdir(parents=True)
    rng = np.random.RandomState(0)
    x_train, x_test = rng.randint(0, 256, (20, 28, 28)), rng.randint(0, 256, (10, 28, 28))
    y_train, y_test = np.arange(20) % 10, np.arange(10) % 10
    (folder / "train-images-idx3-ubyte.gz").write_bytes(_idx(x_train, 2051))
    (folder / "train-labels-idx1-ubyte.gz").write_bytes(_idx(y_train, 2049))
    (folder / "t10k-images-idx3-ubyte.gz").write_bytes(_idx(x_test, 2051))
    (folder / "t10k-labels-idx1-ubyte.gz").write_bytes(_idx(y_test, 2049))
    code = (
        "import json, numpy as np; from visualizer.data.catalog import load_dataset; "
        "d = load_dataset('fashion_mnist'); "
        "print(json.dumps({'shape': list(d.x_train.shape), 'test': list(d.x_test.shape), 'max': float(d.x_train.max()),"
        " 'first': float(d.x_train[0, 0, 0, 0]), 'labels': d.y_train.tolist(), 'names': list(d.class_names)}))"
    )
    env = {"KERAS_HOME": str(tmp_path), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=110
    )
    assert result.returncode == 0, result.stderr[-2000:]
    loaded = json.loads(result.stdout.strip().splitlines()[-1])
    assert loaded["shape"] == [20, 28, 28, 1] and loaded["test"] == [10, 28, 28, 1]
    assert loaded["first"] == pytest.approx(x_train[0, 0, 0] / 255.0, abs=1e-6)
    assert loaded["labels"] == y_train.tolist()
    assert loaded["names"][0] == "T-shirt/top"


def test_zip_with_one_folder_per_class():
    members = {f"cats/{i}.png": png((200, 10 * i, 0)) for i in range(5)}
    members |= {f"dogs/{i}.png": png((0, 10 * i, 200)) for i in range(5)}
    dataset = dataset_from_zip(make_zip(members), image_size=(16, 16), color_mode="rgb")
    check_dataset(dataset, (16, 16, 3), 2)
    assert dataset.class_names == ("cats", "dogs")
    assert len(dataset.y_test) == 2  # one of five per class
    assert dataset.x_train[dataset.y_train == 0][..., 0].mean() > 0.7  # cats are red


def test_zip_inside_a_root_folder_grayscale_with_junk_reported():
    members = {f"pets/cats/{i}.png": png() for i in range(3)} | {f"pets/dogs/{i}.jpg": png() for i in range(3)}
    members |= {
        "pets/dogs/notes.txt": b"hello",
        "pets/cats/fake.png": b"not an image",
        "__MACOSX/x": b"",
        "pets/.DS_Store": b"x",
    }
    dataset = dataset_from_zip(make_zip(members), image_size=(8, 8), color_mode="grayscale")
    check_dataset(dataset, (8, 8, 1), 2)
    notes = " ".join(dataset.notes)
    assert "notes.txt" in notes and "fake.png" in notes


def test_zip_members_outside_the_root_and_links_are_never_used():
    members = {f"a/{i}.png": png() for i in range(2)} | {f"b/{i}.png": png() for i in range(2)}
    members |= {"../evil/1.png": png(), "/etc/evil.png": png(), "a/../../up.png": png(), "c\\d.png": png()}
    dataset = dataset_from_zip(make_zip(members, symlinks={"a/link.png": "/etc/passwd"}), image_size=(8, 8))
    assert dataset.class_names == ("a", "b")
    assert len(dataset.y_train) + len(dataset.y_test) == 4
    assert "outside the archive" in " ".join(dataset.notes)


@pytest.mark.timeout(60)
def test_zip_bomb_is_refused_as_a_whole_before_decompressing():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in ("a/1.png", "b/1.png"):
            archive.writestr(name, png())
        archive.writestr("a/bomb.png", b"\0" * (uploads.MAX_MEMBER_BYTES + 1))
    with pytest.raises(InputError, match="refused as a whole"):
        dataset_from_zip(buffer.getvalue())


def test_zip_with_a_lying_header_never_yields_more_than_it_declares(monkeypatch):
    monkeypatch.setattr(uploads, "MAX_MEMBER_BYTES", 1000)
    monkeypatch.setattr(uploads, "MAX_TOTAL_BYTES", 10**9)
    data = make_zip({"a/1.png": png(), "b/1.png": png(), "a/big.png": b"\0" * 5000})
    archive = bytearray(data)
    # Rewrite the declared size of a/big.png in the central directory to look small.
    entry = archive.rfind(b"PK\x01\x02", 0, archive.rfind(b"a/big.png"))
    archive[entry + 24 : entry + 28] = (500).to_bytes(4, "little")
    # Reads stop at the declared 500 bytes; the CRC then fails, so the member is skipped as damaged.
    dataset = dataset_from_zip(bytes(archive), image_size=(8, 8))
    assert len(dataset.y_train) + len(dataset.y_test) == 2
    assert "damaged" in " ".join(dataset.notes)


def test_too_many_members_is_refused(monkeypatch):
    monkeypatch.setattr(uploads, "MAX_ZIP_MEMBERS", 5)
    with pytest.raises(InputError, match="entries"):
        dataset_from_zip(make_zip({f"a/{i}.png": b"x" for i in range(6)}))


@pytest.mark.parametrize("data", [b"", b"not a zip", b"PK\x03\x04broken", png()])
def test_not_a_zip_is_an_input_error(data):
    with pytest.raises(InputError, match=r"not a readable \.zip"):
        dataset_from_zip(data)


def test_one_class_is_an_input_error():
    with pytest.raises(InputError, match="at least two classes"):
        dataset_from_zip(make_zip({"cats/1.png": png(), "dogs/readme.txt": b"x", "loose.png": png()}))


def test_damaged_member_is_skipped():
    members = {f"a/{i}.png": png() for i in range(2)} | {f"b/{i}.png": png() for i in range(2)}
    data = bytearray(make_zip(members))
    position = data.find(b"b/1.png") + len(b"b/1.png")
    data[position + 10 : position + 20] = b"\xff" * 10  # corrupt the compressed bytes of one member
    dataset = dataset_from_zip(bytes(data), image_size=(8, 8))
    assert len(dataset.y_train) + len(dataset.y_test) == 3


def test_images_added_class_by_class():
    dataset = dataset_from_images(
        {
            "red": [(f"{i}.png", png((255, 0, 0))) for i in range(4)],
            "blue": [(f"{i}.png", png((0, 0, 255))) for i in range(4)] + [("bad.png", b"??")],
        },
        image_size=(10, 10),
    )
    check_dataset(dataset, (10, 10, 3), 2)
    assert dataset.class_names == ("blue", "red")
    assert "bad.png" in " ".join(dataset.notes)
    with pytest.raises(InputError):
        dataset_from_images({"red": [("1.png", png())]})
    with pytest.raises(InputError):
        dataset_from_images({"a": [], "b": []}, color_mode="cmyk")


def test_training_subset_keeps_the_test_split_and_is_seeded():
    digits = load_dataset("digits")
    small = training_subset(digits, 100, seed=3)
    assert len(small.y_train) == 100 and small.name == "digits (100 training images)"
    assert small.x_test is digits.x_test
    np.testing.assert_array_equal(small.x_train, training_subset(digits, 100, seed=3).x_train)
    assert not np.array_equal(small.y_train, training_subset(digits, 100, seed=4).y_train)
    assert training_subset(digits, 10_000) is digits


def test_samples_per_class_are_distinct_images_of_each_class():
    digits = load_dataset("digits")
    picks = digits.samples_per_class(2)
    assert len(picks) == 20 and len(set(picks.tolist())) == 20  # never the same image twice
    assert digits.y_train[picks].tolist() == [label for label in range(10) for _ in range(2)]
    lonely = training_subset(digits, 12, seed=0)
    counts = np.bincount(lonely.y_train, minlength=10)
    assert len(lonely.samples_per_class(2)) == int(np.minimum(counts, 2).sum())


def test_the_training_images_as_a_test_split():
    digits = load_dataset("digits")
    seen = digits.on_training_images()
    assert seen.x_test is digits.x_train and seen.y_test is digits.y_train and seen.class_names == digits.class_names


def test_class_labels_name_the_classes_then_number_the_rest():
    assert class_labels(["cat", "dog"], 4) == ["cat", "dog", "2", "3"]
    assert class_labels(["cat", "dog", "cow"], 2) == ["cat", "dog"]
    assert class_label(["cat"], 0) == "cat" and class_label(["cat"], 5) == "5"
