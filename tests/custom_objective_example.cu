// The README's library example compiled by nvcc, as the README says a user may.
#include "examples/custom_objective.cpp"
