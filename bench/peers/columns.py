"""The benchmark objectives over a batch given as a list of columns (one 1-D array a coordinate), with
only arithmetic and the array module's cos/exp/sqrt, so one definition serves numpy, JAX and PyTorch.
Term by term in the order of include/fdgd/functions/, so results agree with fdgd's to rounding."""
import math


def sphere(xp, x):
    s = x[0] * x[0]
    for c in x[1:]:
        s = s + c * c
    return s


def rosenbrock(xp, x):
    s = None
    for i in range(len(x) - 1):
        a = x[i + 1] - x[i] * x[i]
        b = 1.0 - x[i]
        term = 100.0 * (a * a) + b * b
        s = term if s is None else s + term
    return s


def rastrigin(xp, x):
    two_pi = 2.0 * math.pi
    s = None
    for c in x:
        term = c * c - 10.0 * xp.cos(two_pi * c)
        s = term if s is None else s + term
    return 10.0 * len(x) + s


def ackley(xp, x):
    d = float(len(x))
    two_pi = 2.0 * math.pi
    squares, cosines = sphere(xp, x), None
    for c in x:
        cosines = xp.cos(two_pi * c) if cosines is None else cosines + xp.cos(two_pi * c)
    return -20.0 * xp.exp(-0.2 * xp.sqrt(squares / d)) - xp.exp(cosines / d) + 20.0 + math.e


OBJECTIVES = {"sphere": sphere, "rosenbrock": rosenbrock, "rastrigin": rastrigin, "ackley": ackley}


def gradient_step(xp, f, x, lr, h):
    """One step of the seed's descent on columns x: central differences, then x - lr * g."""
    g = []
    for i in range(len(x)):
        plus, minus = list(x), list(x)
        plus[i], minus[i] = x[i] + h, x[i] - h
        g.append((f(xp, plus) - f(xp, minus)) / (2.0 * h))
    return [x[i] - lr * g[i] for i in range(len(x))]
