"""The 2-D built-ins in numpy, for drawing contours (the same formulas as include/fdgd/functions/)."""
import numpy as np


def sphere(x, y):
    return x * x + y * y


def rosenbrock(x, y):
    return 100 * (y - x * x) ** 2 + (1 - x) ** 2


def rastrigin(x, y):
    return 20 + x * x - 10 * np.cos(2 * np.pi * x) + y * y - 10 * np.cos(2 * np.pi * y)


def himmelblau(x, y):
    return (x * x + y - 11) ** 2 + (x + y * y - 7) ** 2


def booth(x, y):
    return (x + 2 * y - 7) ** 2 + (2 * x + y - 5) ** 2


def beale(x, y):
    return (1.5 - x + x * y) ** 2 + (2.25 - x + x * y * y) ** 2 + (2.625 - x + x * y ** 3) ** 2


def six_hump_camel(x, y):
    return (4 - 2.1 * x * x + x ** 4 / 3) * x * x + x * y + (4 * y * y - 4) * y * y


FUNCTIONS = {f.__name__: f for f in (sphere, rosenbrock, rastrigin, himmelblau, booth, beale, six_hump_camel)}
