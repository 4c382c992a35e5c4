"""PyTorch's inference speed on MNIST's 10,000 test images, to set beside the predict job's images/s.

    python3 src/test/python/pytorch_inference_benchmark.py data/mnist --hidden 10 --threads 2

The seed's network (export_pytorch_reference.Net) in eval mode, with the weights torch.manual_seed(1)
draws (speed does not depend on them), on the test images normalised as the job does, in batches of
500 (predict's default). Prints the median of --repeats runs: the forward passes and arg-max alone,
and the whole job of reading the IDX file, normalising and predicting. Needs PyTorch (Debian:
python3-torch); CI does not run it.
"""
import argparse
import statistics
import time

import torch

from export_pytorch_reference import Net, idx, normalized


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("mnist")
    parser.add_argument("--hidden", type=int, default=10)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    net = Net(args.hidden, 5, 0.2).eval()
    images_file = f"{args.mnist}/t10k-images-idx3-ubyte"

    def predict(images):
        with torch.no_grad():
            return torch.cat([net(images[start:start + args.batch]).argmax(1)
                              for start in range(0, len(images), args.batch)])

    images = normalized(idx(images_file))
    predict(images)  # warm-up
    forward, whole = [], []
    for _ in range(args.repeats):
        started = time.perf_counter()
        predict(images)
        forward.append(time.perf_counter() - started)
        started = time.perf_counter()
        predict(normalized(idx(images_file)))
        whole.append(time.perf_counter() - started)
    count = len(images)
    print(f"PyTorch {torch.__version__}, {args.threads} threads, h={args.hidden}, batches of {args.batch}, "
          f"{count} images, median of {args.repeats}:")
    print(f"  forward passes and arg-max: {count / statistics.median(forward):,.0f} images/s")
    print(f"  reading the IDX file, normalising, predicting: {count / statistics.median(whole):,.0f} images/s")


if __name__ == "__main__":
    main()
