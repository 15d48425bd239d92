"""The benchmark objectives in numpy, over a batch: X has shape (N, d), the result shape (N,).

Written term by term in the same order as include/fdgd/functions/, so results agree to rounding.
"""
import numpy as np


def sphere(X):
    s = np.zeros(X.shape[0])
    for i in range(X.shape[1]):
        s += X[:, i] * X[:, i]
    return s


def rastrigin(X):
    d = X.shape[1]
    s = np.zeros(X.shape[0])
    two_pi = 2 * np.pi
    for i in range(d):
        s += X[:, i] * X[:, i] - 10 * np.cos(two_pi * X[:, i])
    return 10 * d + s


OBJECTIVES = {"sphere": sphere, "rastrigin": rastrigin}
