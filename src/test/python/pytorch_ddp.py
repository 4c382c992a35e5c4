"""The seed's training as SageMaker's distributed mode runs it: PyTorch DDP, N processes of one thread
each on this machine (gloo on 127.0.0.1), each fitting its share of every global minibatch, for
comparison with this job's engines (submit/benchmark.sh).

    python3 src/test/python/pytorch_ddp.py data/mnist --hidden 10 --epochs 2 --processes 2

Same network, hyperparameters and normalisation as pytorch_reference_sweep.py; global batch 64 split
evenly over the processes, the epoch's order shared (DistributedSampler's way). Rank 0 prints each
epoch's test accuracy and seconds. Needs PyTorch (Debian: python3-torch); CI does not run it.
"""
import argparse
import os
import time

import torch
import torch.distributed as dist
import torch.multiprocessing as mp
import torch.nn.functional as F
from torch.nn.parallel import DistributedDataParallel

from export_pytorch_reference import Net, idx, normalized


def train(rank, args, port):
    torch.set_num_threads(1)
    os.environ["MASTER_ADDR"] = "127.0.0.1"
    os.environ["MASTER_PORT"] = str(port)
    dist.init_process_group("gloo", rank=rank, world_size=args.processes)
    train_x = normalized(idx(f"{args.mnist}/train-images-idx3-ubyte"))
    train_y = torch.tensor(idx(f"{args.mnist}/train-labels-idx1-ubyte").astype("int64"))
    torch.manual_seed(args.seed)
    net = DistributedDataParallel(Net(args.hidden, 5, 0.2))
    optimizer = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.5)
    for epoch in range(1, args.epochs + 1):
        dist.barrier()
        started = time.time()
        net.train()
        generator = torch.Generator().manual_seed(args.seed * 1000 + epoch)  # the same order in every rank
        order = torch.randperm(len(train_x), generator=generator)
        for start in range(0, len(order), args.batch):
            # Every rank gets its share of every global minibatch, the short last one too: a rank that
            # skipped a step would leave the others waiting in DDP's gradient all-reduce.
            batch = order[start:start + args.batch]
            share = -(-len(batch) // args.processes)
            batch = batch[rank * share:(rank + 1) * share]
            optimizer.zero_grad()
            F.nll_loss(net(train_x[batch]), train_y[batch]).backward()
            optimizer.step()
        dist.barrier()
        seconds = time.time() - started
        if rank == 0:
            test_x = normalized(idx(f"{args.mnist}/t10k-images-idx3-ubyte"))
            test_y = torch.tensor(idx(f"{args.mnist}/t10k-labels-idx1-ubyte").astype("int64"))
            net.eval()
            with torch.no_grad():
                output = net.module(test_x)
            correct = (output.argmax(1) == test_y).sum().item()
            print(f"hidden={args.hidden} seed={args.seed} epoch={epoch}: test accuracy {correct}/{len(test_y)} = "
                  f"{correct / len(test_y):.4f}; {seconds:.1f} s", flush=True)
    dist.destroy_process_group()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("mnist")
    parser.add_argument("--hidden", type=int, default=10)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--port", type=int, default=29517)
    args = parser.parse_args()
    mp.spawn(train, args=(args, args.port), nprocs=args.processes, join=True)


if __name__ == "__main__":
    main()
