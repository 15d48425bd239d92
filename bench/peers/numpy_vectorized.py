"""The seed's algorithm vectorised over the batch in numpy: one array operation serves every start."""
import numpy as np


def run(objective, starts, lr, steps, h=1e-4):
    X = starts.copy()
    G = np.empty_like(X)
    for _ in range(steps):
        for i in range(X.shape[1]):
            t = X[:, i].copy()
            X[:, i] = t + h
            f1 = objective(X)
            X[:, i] = t - h
            f2 = objective(X)
            G[:, i] = (f1 - f2) / (2 * h)
            X[:, i] = t
        X -= lr * G
    return X
