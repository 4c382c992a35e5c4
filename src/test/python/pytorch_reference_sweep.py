"""The seed's PyTorch training (its mnist.py, on one process) for comparison with this job's sweep.

    python3 src/test/python/pytorch_reference_sweep.py data/mnist --hidden 2 --seeds 1 2 3

Prints each epoch's test loss and accuracy. Same network, hyperparameters (SGD lr 0.01, momentum
0.5, batch 64, dropout 0.2, 2 epochs) and normalisation as the reference; torch.manual_seed(seed)
draws the initial weights this job also starts from for the same seed. Needs PyTorch (Debian:
python3-torch); CI does not run it.
"""
import argparse
import time

import torch
import torch.nn.functional as F

from export_pytorch_reference import Net, idx, normalized


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("mnist")
    parser.add_argument("--hidden", type=int, nargs="+", default=[2, 5, 10, 20, 32])
    parser.add_argument("--seeds", type=int, nargs="+", default=[1])
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    train_x = normalized(idx(f"{args.mnist}/train-images-idx3-ubyte"))
    train_y = torch.tensor(idx(f"{args.mnist}/train-labels-idx1-ubyte").astype("int64"))
    test_x = normalized(idx(f"{args.mnist}/t10k-images-idx3-ubyte"))
    test_y = torch.tensor(idx(f"{args.mnist}/t10k-labels-idx1-ubyte").astype("int64"))
    for hidden in args.hidden:
        for seed in args.seeds:
            torch.manual_seed(seed)
            net = Net(hidden, 5, 0.2)
            optimizer = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.5)
            for epoch in range(1, args.epochs + 1):
                started = time.time()
                net.train()
                order = torch.randperm(len(train_x))
                for start in range(0, len(order), 64):
                    batch = order[start:start + 64]
                    optimizer.zero_grad()
                    F.nll_loss(net(train_x[batch]), train_y[batch]).backward()
                    optimizer.step()
                net.eval()
                with torch.no_grad():
                    output = net(test_x)
                loss = F.nll_loss(output, test_y).item()
                correct = (output.argmax(1) == test_y).sum().item()
                print(f"hidden={hidden} seed={seed} epoch={epoch}: test loss {loss:.6f}, "
                      f"test accuracy {correct}/{len(test_y)} = {correct / len(test_y):.4f}; "
                      f"{time.time() - started:.1f} s", flush=True)


if __name__ == "__main__":
    main()
