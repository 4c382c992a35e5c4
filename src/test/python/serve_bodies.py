"""The request bodies of submit/benchmark.sh --serve, from MNIST's first test images: one image as JSON
{"pixels": [784 numbers]}, and a batch of 64 as an npy array (64 x 28 x 28 uint8, byte for byte what
NumPy's np.save, and so the SageMaker Python SDK's NumpySerializer, writes), as JSON {"instances": [...]}
and as CSV (an image a line). The standard library only: the benchmark needs no NumPy.

    python3 src/test/python/serve_bodies.py data/mnist work/benchmark-serve
"""
import json
import pathlib
import struct
import sys

BATCH = 64


def images(path, count):
    data = pathlib.Path(path).read_bytes()
    magic, _, rows, cols = struct.unpack(">IIII", data[:16])
    assert magic == 2051 and rows == cols == 28, f"{path} is not IDX images of 28 x 28"
    return [list(data[16 + i * 784:16 + (i + 1) * 784]) for i in range(count)]


def npy(batch):
    """np.save's format 1.0: the header dictionary, padded with spaces to a multiple of 64 bytes."""
    header = "{'descr': '|u1', 'fortran_order': False, 'shape': (%d, 28, 28), }" % len(batch)
    header += " " * (64 - (10 + len(header) + 1) % 64) + "\n"
    return (b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode("latin1")
            + bytes(p for image in batch for p in image))


def main():
    mnist, out = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
    batch = images(mnist / "t10k-images-idx3-ubyte", BATCH)
    (out / "single.json").write_text(json.dumps({"pixels": batch[0]}))
    (out / "batch.npy").write_bytes(npy(batch))
    (out / "batch.json").write_text(json.dumps({"instances": batch}))
    (out / "batch.csv").write_text("".join(",".join(map(str, image)) + "\n" for image in batch))


if __name__ == "__main__":
    main()
