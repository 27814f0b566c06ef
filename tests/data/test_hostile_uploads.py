"""Images and archives bounded by their headers: the hostile-but-valid uploads, generated here.

1,000 one-bit PNGs of 5000x5000 in a small zip (minutes of decoding), 4,999 one-pixel PNGs decoded at
128 px (a 983 MB dataset), and a TIFF of thousands of pages (counting pages is quadratic): each is
refused, or read at its first page, in bounded time and memory, measured in a child process.
"""

import io
import zipfile

import pytest
from PIL import Image

from tests.helpers import ROOT, child_measures
from visualizer.data.images import load_image
from visualizer.data.uploads import dataset_from_zip
from visualizer.errors import InputError


def png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def zip_of(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def pixel_bomb_zip() -> bytes:
    huge = png(Image.new("1", (5000, 5000)))
    return zip_of({f"{'ab'[index % 2]}/{index}.png": huge for index in range(1000)})


def many_tiny_zip() -> bytes:
    tiny = png(Image.new("RGB", (1, 1), (200, 0, 0)))
    return zip_of({f"{'ab'[index % 2]}/{index}.png": tiny for index in range(4999)})


def many_page_tiff(pages: int = 3000) -> bytes:
    frames = [Image.new("RGB", (32, 32), (index % 256, 0, 0)) for index in range(pages)]
    buffer = io.BytesIO()
    frames[0].save(buffer, format="TIFF", save_all=True, append_images=frames[1:])
    return buffer.getvalue()


def test_a_zip_of_huge_images_is_refused_from_the_headers():
    with pytest.raises(InputError, match="declare more than 250,000,000 pixels"):
        dataset_from_zip(pixel_bomb_zip(), (28, 28), "grayscale")


def test_a_zip_of_thousands_of_images_is_refused_before_it_becomes_a_huge_dataset():
    with pytest.raises(InputError, match=r"4,999 images of 128x128x3 would make a dataset of 937 MB.*at most 1,066"):
        dataset_from_zip(many_tiny_zip(), (128, 128), "rgb")
    assert dataset_from_zip(many_tiny_zip(), (8, 8), "grayscale").num_classes == 2  # small enough: built


def test_a_many_page_tiff_gives_its_first_page():
    image = load_image(many_page_tiff(200))
    assert image.size == (32, 32) and image.getpixel((0, 0)) == (0, 0, 0)


CHILD = """
import resource, sys, time
sys.path.insert(0, {root!r})
from tests.data.test_hostile_uploads import many_page_tiff, many_tiny_zip, pixel_bomb_zip
from visualizer.data.images import load_image
from visualizer.data.uploads import dataset_from_zip
from visualizer.errors import InputError
files = [(pixel_bomb_zip(), (28, 28), "grayscale"), (many_tiny_zip(), (128, 128), "rgb")]
tiff = many_page_tiff()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
started = time.perf_counter()
for data, size, mode in files:
    try:
        dataset_from_zip(data, size, mode)
        print("BUILT", size)
    except InputError:
        pass
zips = time.perf_counter() - started
started = time.perf_counter()
load_image(tiff)
print("TIFF_MB", len(tiff) / 1e6)
print("ZIP_SECONDS", zips)
print("TIFF_SECONDS", time.perf_counter() - started)
print("GROWTH_MB", (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024)
"""


def test_refusing_them_costs_little_time_and_memory_in_a_child_process():
    lines = child_measures(CHILD.format(root=str(ROOT)))
    assert "BUILT" not in lines
    assert float(lines["ZIP_SECONDS"]) < 10  # the probe: 37-100 s of server CPU for the first zip alone
    assert float(lines["TIFF_SECONDS"]) < 2  # the probe: 26 s for an 8 MB TIFF
    assert float(lines["GROWTH_MB"]) < 150, lines
