"""IDX encoding (the MNIST file format) of numpy image and label arrays, as the node reads it."""

import struct

import numpy as np

IMAGES_MAGIC = 0x00000803  # unsigned bytes, 3 dimensions
LABELS_MAGIC = 0x00000801  # unsigned bytes, 1 dimension


def images(a) -> bytes:
    """(samples, height, width) of uint8 pixels, or of floats in [0, 1] (scaled to 0..255)."""
    a = np.asarray(a)
    if a.ndim != 3 or min(a.shape) < 1:
        raise ValueError(f"images must have shape (samples, height, width), got {a.shape}")
    if a.dtype != np.uint8:
        if not np.issubdtype(a.dtype, np.number) or not np.isfinite(a).all():
            raise ValueError("image pixels must be finite numbers")
        if a.min() < 0 or a.max() > 1:
            raise ValueError("float pixels must lie in [0, 1]; pass uint8 for 0..255")
        a = np.rint(a * 255).astype(np.uint8)
    n, h, w = a.shape
    return struct.pack(">IIII", IMAGES_MAGIC, n, h, w) + np.ascontiguousarray(a).tobytes()


def labels(y) -> bytes:
    """Class indices 0..255, one per image."""
    y = np.asarray(y)
    if y.ndim != 1 or len(y) < 1:
        raise ValueError(f"labels must have shape (samples,), got {y.shape}")
    if not np.issubdtype(y.dtype, np.integer) or y.min() < 0 or y.max() > 255:
        raise ValueError("IDX labels are whole class indices from 0 to 255")
    return struct.pack(">II", LABELS_MAGIC, len(y)) + y.astype(np.uint8).tobytes()
