"""Writes the PyTorch reference fixtures under src/test/resources/pytorch-reference/.

The fixtures pin this project's model to the seed's PyTorch network (its mnist.py, module for
module): the initial weights torch.manual_seed(seed) gives, and the first training steps of each
optimiser on real MNIST images. PyTorchReferenceTest checks the DL4J model against them.

Run once, by hand, where PyTorch is installed (Debian's python3-torch 1.13 made these):
    python3 src/test/python/export_pytorch_reference.py data/mnist src/test/resources/pytorch-reference
CI does not run it: the fixtures it wrote are committed.
"""
import json
import struct
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


class Net(nn.Module):
    """The seed's network; dropout is a parameter so that the training steps are deterministic."""

    def __init__(self, hidden_channels, kernel_size, drop_out, dense_drop_out=0.5):
        super().__init__()
        self.conv1 = nn.Conv2d(1, hidden_channels, kernel_size=kernel_size)
        self.conv2 = nn.Conv2d(hidden_channels, 20, kernel_size=kernel_size)
        self.conv2_drop = nn.Dropout2d(p=drop_out)
        self.fc1 = nn.Linear(320, 50)
        self.fc2 = nn.Linear(50, 10)
        self.dense_drop_out = dense_drop_out

    def forward(self, x):
        x = F.relu(F.max_pool2d(self.conv1(x), 2))
        x = F.relu(F.max_pool2d(self.conv2_drop(self.conv2(x)), 2))
        x = x.view(-1, 320)
        x = F.relu(self.fc1(x))
        x = F.dropout(x, p=self.dense_drop_out, training=self.training)
        x = self.fc2(x)
        return F.log_softmax(x, dim=1)


def idx(path):
    with open(path, "rb") as f:
        data = f.read()
    magic, count = struct.unpack(">II", data[:8])
    if magic == 2051:
        rows, cols = struct.unpack(">II", data[8:16])
        return np.frombuffer(data, np.uint8, offset=16).reshape(count, 1, rows, cols)
    return np.frombuffer(data, np.uint8, offset=8)


def normalized(images):
    return torch.tensor((images / 255.0 - 0.1307) / 0.3081, dtype=torch.float32)


def main(mnist, out):
    train_x = normalized(idx(f"{mnist}/train-images-idx3-ubyte")[:TRAIN_IMAGES])
    train_y = torch.tensor(idx(f"{mnist}/train-labels-idx1-ubyte")[:TRAIN_IMAGES].astype(np.int64))
    test_x = normalized(idx(f"{mnist}/t10k-images-idx3-ubyte")[:TEST_IMAGES])
    test_y = torch.tensor(idx(f"{mnist}/t10k-labels-idx1-ubyte")[:TEST_IMAGES].astype(np.int64))

    initial = {}
    for hidden, seed in INIT_CASES:
        torch.manual_seed(seed)
        net = Net(hidden, 5, 0.2)
        for name, value in net.state_dict().items():
            file = f"init-h{hidden}-seed{seed}-{name}.npy"
            np.save(f"{out}/{file}", value.numpy().astype(np.float32))
            initial.setdefault(f"h{hidden}-seed{seed}", {})[name] = file

    optimizers = {
        "sgd": lambda p: torch.optim.SGD(p, lr=0.01, momentum=0.5),
        "nesterov": lambda p: torch.optim.SGD(p, lr=0.01, momentum=0.5, nesterov=True),
        "adam": lambda p: torch.optim.Adam(p, lr=0.001),
    }
    steps = {}
    for name, make in optimizers.items():
        torch.manual_seed(1)
        net = Net(2, 5, 0.0, dense_drop_out=0.0)
        optimizer = make(net.parameters())
        losses = []
        for start in range(0, TRAIN_IMAGES, 64):
            optimizer.zero_grad()
            loss = F.nll_loss(net(train_x[start:start + 64]), train_y[start:start + 64])
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
        net.eval()
        with torch.no_grad():
            test_loss = F.nll_loss(net(test_x), test_y).item()
        steps[name] = {"losses": losses, "test_loss": test_loss}

    with open(f"{out}/reference.json", "w") as f:
        json.dump({
            "torch_version": torch.__version__,
            "initial_weights": initial,
            "training": {
                "about": "hidden 2, kernel 5, torch.manual_seed(1), dropout off, batches of 64 taken in "
                         "file order from the first train_images training images; losses[i] is the "
                         "minibatch loss of step i+1 (before its update); test_loss is the mean NLL on the "
                         "first test_images test images after the last step",
                "train_images": TRAIN_IMAGES, "test_images": TEST_IMAGES,
                "learning_rate": {"sgd": 0.01, "nesterov": 0.01, "adam": 0.001}, "momentum": 0.5,
                "optimizers": steps,
            },
        }, f, indent=1)


INIT_CASES = [(2, 1), (5, 42)]
TRAIN_IMAGES = 3200
TEST_IMAGES = 1000

if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
