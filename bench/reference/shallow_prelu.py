"""The reference's shallow pReLU network and MNIST as PyTorch sees them, shared by the bench/reference scripts."""
import gzip
import json
import os
import struct

import numpy as np
import torch
import torch.nn as nn


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    magic, = struct.unpack(">I", data[:4])
    dims = magic & 0xFF
    shape = struct.unpack(">" + "I" * dims, data[4:4 + 4 * dims])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


class ShallowPreluNet(nn.Module):
    """a_j = ReLU(z_j)^p / ‖w_j‖^(p−1) / ‖x − c‖^(p−1) (normalize_input), f = output_net(a)."""

    def __init__(self, center, hidden, classes, p):
        super().__init__()
        dim = center.shape[1]
        self.p = p
        self.register_buffer("center", center.clone())
        self.prelulayer = nn.Module()
        self.prelulayer.W = nn.Parameter(torch.empty(dim, hidden))
        nn.init.kaiming_uniform_(self.prelulayer.W)
        self.output_net = nn.Linear(hidden, classes)

    def forward(self, x):
        u = x.reshape(x.shape[0], -1) - self.center
        w = self.prelulayer.W
        relu = torch.relu(u @ w)
        a = relu * (relu / w.norm(dim=0)) ** (self.p - 1)
        a = a / u.norm(dim=1, keepdim=True) ** (self.p - 1)
        return self.output_net(a)


def write_safetensors(path, tensors, metadata):
    header, offset, blobs = {"__metadata__": metadata}, 0, []
    for name, t in tensors.items():
        blob = t.detach().contiguous().float().numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(blob)]}
        offset += len(blob)
        blobs.append(blob)
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    with open(path + ".tmp", "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))
    os.replace(path + ".tmp", path)


def load_mnist(mnist_dir, classes):
    """The 60000 training images as [60000, 784] floats in [0, 1] (byte / 255) and labels mod `classes`; the reference's
    split is the first 50000 for training, the last 10000 for testing."""
    images = read_idx(os.path.join(mnist_dir, "train-images-idx3-ubyte.gz")).reshape(60000, -1)
    labels = read_idx(os.path.join(mnist_dir, "train-labels-idx1-ubyte.gz")).astype(np.int64) % classes
    return torch.tensor(images, dtype=torch.float32) / 255, torch.tensor(labels)
