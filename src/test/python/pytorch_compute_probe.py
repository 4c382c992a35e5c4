"""PyTorch's figure for ComputeProbe's shapes: the same CNN trained on one fixed random minibatch.

    python3 src/test/python/pytorch_compute_probe.py --hidden 2,10,32 --batch 32,64 --threads 1,2 --iterations 50

One process with torch.set_num_threads(T) trains one network (PyTorch's own way of using T cores);
prints "torch h=10 batch=32 threads=2 images/s R" per combination, after at least 20 warm-up iterations
and 2 seconds, as the Java probe does. Needs PyTorch (Debian: python3-torch); submit/benchmark.sh --compute runs it.
"""
import argparse
import time

import torch
import torch.nn.functional as F

from export_pytorch_reference import Net


def numbers(text):
    return [int(x) for x in text.split(",")]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--hidden", type=numbers, default=[10])
    parser.add_argument("--batch", type=numbers, default=[32])
    parser.add_argument("--threads", type=numbers, default=[1])
    parser.add_argument("--iterations", type=int, default=50)
    args = parser.parse_args()
    for hidden in args.hidden:
        for batch in args.batch:
            for threads in args.threads:
                torch.set_num_threads(threads)
                torch.manual_seed(1)
                net = Net(hidden, 5, 0.2)
                net.train()
                optimizer = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.5)
                x = torch.randn(batch, 1, 28, 28)
                y = torch.arange(batch) % 10
                def step():
                    optimizer.zero_grad()
                    F.nll_loss(net(x), y).backward()
                    optimizer.step()
                warm_end = time.perf_counter() + 2
                i = 0
                while i < 20 or time.perf_counter() < warm_end:
                    step()
                    i += 1
                started = time.perf_counter()
                for _ in range(args.iterations):
                    step()
                seconds = time.perf_counter() - started
                print(f"torch h={hidden} batch={batch} threads={threads} images/s "
                      f"{args.iterations * batch / seconds:.1f}", flush=True)


if __name__ == "__main__":
    main()
