"""The built-ins at d = 2 in numpy, for drawing contours (the formulas `fdgd functions` prints)."""
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


def ackley(x, y):
    return -20 * np.exp(-0.2 * np.sqrt((x * x + y * y) / 2)) - np.exp((np.cos(2 * np.pi * x) + np.cos(2 * np.pi * y)) / 2) + 20 + np.e


def griewank(x, y):
    return 1 + (x * x + y * y) / 4000 - np.cos(x) * np.cos(y / np.sqrt(2))


def styblinski_tang(x, y):
    return (x ** 4 - 16 * x * x + 5 * x + y ** 4 - 16 * y * y + 5 * y) / 2


def levy(x, y):
    wx, wy = 1 + (x - 1) / 4, 1 + (y - 1) / 4
    return (np.sin(np.pi * wx) ** 2 + (wx - 1) ** 2 * (1 + 10 * np.sin(np.pi * wx + 1) ** 2)
            + (wy - 1) ** 2 * (1 + np.sin(2 * np.pi * wy) ** 2))


FUNCTIONS = {f.__name__: f for f in (sphere, rosenbrock, rastrigin, ackley, griewank, styblinski_tang, levy, himmelblau, booth,
                                     beale, six_hump_camel)}
