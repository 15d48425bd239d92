"""The seed's own code (shared/seed/), unchanged in substance: one start at a time, numpy per coordinate."""
import numpy as np


def _numerical_gradient_no_batch(f, x, h=1e-4):
    grad = np.zeros_like(x)
    for idx in range(x.size):
        tmp_val = x[idx]
        x[idx] = tmp_val + h
        fxh1 = f(x)
        x[idx] = tmp_val - h
        fxh2 = f(x)
        grad[idx] = (fxh1 - fxh2) / (2 * h)
        x[idx] = tmp_val
    return grad


def gradient_descent(f, init_x, lr=0.01, step_num=100):
    x = init_x
    for _ in range(step_num):
        grad = _numerical_gradient_no_batch(f, x)
        x -= lr * grad
    return x


def run(objective, starts, lr, steps):
    """Each start alone, as the seed does; `objective` takes a batch, so wrap one point as a batch of 1."""
    f = lambda x: objective(x[None, :])[0]
    return np.stack([gradient_descent(f, s.copy(), lr, steps) for s in starts])
