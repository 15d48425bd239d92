// Must not compile: solve<D> with a negative D. Expected: solve's message, once, and no error after
// it (fixed_point's static_assert and an array of negative size followed it).
#include "fdgd/functions.hpp"
#include "fdgd/solve.hpp"

int main() { fdgd::solve<-3>(fdgd::functions::sphere{}, fdgd::starts::uniform(3, -1, 1, 5), fdgd::options{}); }
