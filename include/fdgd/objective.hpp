// What an objective is. Any copyable functor with
//
//   template <class Point> FDGD_HD typename Point::value_type operator()(const Point& x) const;
//
// where a Point offers value_type, size() and x[i] (fdgd::fixed_point, fdgd::strided_point, and the
// gradient's fdgd::perturbed_point of either: a template, or overloads for all of them). fdgd::solve
// compiles it for T = double and T = float, whichever options::prec a run asks for. It is copied to
// the device by value, so it holds no host pointers, and it is a kernel parameter there (kernel
// parameters take 32 KB at most): for the GPU, keep large tables out of its members. On the CPU the
// caller's object itself serves every thread at once (not copied: it may be any size):
// operator() is called concurrently, so it must not change state of its own (a `mutable` member, a
// counter) without its own synchronization. A generic lambda is one too,
//
//   [](const auto& x) { return x[0] * x[0] + x[1] * x[1]; }
//
// where the host compiler builds the call (the CPU backend): nvcc's __host__ __device__ lambdas cannot
// be generic, so for the GPU write a struct. The built-ins in fdgd/functions/ also carry a name, their
// usual search box and their known minima (host-only metadata).
// Optionally, an objective that is a sum of terms says so (fdgd/sum_structure.hpp), and the gradient
// then redoes only what each coordinate moves, to the same bits. And one whose operator() has no
// branch on x (arithmetic, and fdgd::math's exp/cos/sin/sqrt..., which take SIMD lanes too) may declare
//
//   static constexpr bool lane_safe = true;
//
// so that the CPU runs it on one trajectory per SIMD lane (fdgd/lanes.hpp), with the same bits: a
// rastrigin-like objective ran 4.1x faster. It must then compile for Point::value_type = fdgd::lanes,
// and write its constants as T(c) (a double constant beside float lanes is refused at compile time).
// An objective defined only at some dimensions says which, as the built-ins do,
//
//   static constexpr int fixed_dim = 3;  // its only dimension (0 or absent: any)
//   static constexpr int min_dim = 2;    // the least (absent: 1)
//
// and a run at another d is refused (std::invalid_argument naming it) rather than reading beyond x.
// A declaration of another shape than these (a non-static fixed_dim, a term type with no default
// constructor) is refused at compile time by one fdgd message (check_declarations, below).
// Three more declarations serve the built-ins and --expr, each documented where it is read: kept_part
// and term_from_kept (sum_structure.hpp), own_central_difference with central_gradient (difference.hpp:
// the objective differentiates itself, to the reference's bits) and cpu_block_bytes (cpu_backend.hpp).
#pragma once
#include <type_traits>
#include <utility>

#include "fdgd/detail/declarations.hpp"
#include "fdgd/difference.hpp"
#include "fdgd/point.hpp"
#include "fdgd/sum_structure.hpp"

namespace fdgd {

/// The point type an objective sees at compile-time dimension D (dynamic_dim: a run-time d).
template <class T, int D>
using point_for = std::conditional_t<D == dynamic_dim, strided_point<T>, fixed_point<T, D == dynamic_dim ? 1 : D>>;

/// Whether a const Objective can be called on a temporary Point and returns something convertible to
/// the point's value_type. (The gradient passes temporaries, the perturbed points: an operator() taking
/// P& would otherwise pass here and fail deep inside fdgd/difference.hpp.)
template <class Objective, class Point, class = void>
struct is_objective_for : std::false_type {};

template <class Objective, class Point>
struct is_objective_for<Objective, Point, std::void_t<decltype(std::declval<const Objective&>()(std::declval<Point>()))>>
    : std::is_convertible<decltype(std::declval<const Objective&>()(std::declval<Point>())), typename Point::value_type> {};

/// Whether the gradient can evaluate Objective at Point with a coordinate moved: on a perturbed_point,
/// except where its gradient never asks (sum-structured objectives, and those with their own central
/// difference).
template <class Objective, class Point>
constexpr bool takes_perturbed_points() {
  if constexpr (has_sum_structure<Objective>::value || detail::has_own_central_difference<Objective>::value)
    return true;
  else
    return is_objective_for<Objective, perturbed_point<Point>>::value;
}

/// Whether Objective, called on Point, returns exactly the point's value_type (double for a float
/// point would compute a single-precision run in double).
template <class Objective, class Point, class = void>
struct returns_value_type : std::false_type {};
template <class Objective, class Point>
struct returns_value_type<Objective, Point, std::void_t<decltype(std::declval<const Objective&>()(std::declval<Point>()))>>
    : std::is_same<std::decay_t<decltype(std::declval<const Objective&>()(std::declval<Point>()))>, typename Point::value_type> {};

/// Whether Objective passes check_objective at Point.
template <class Objective, class Point>
constexpr bool is_usable_objective() {
  if constexpr (std::is_copy_constructible_v<Objective> && is_objective_for<Objective, Point>::value)
    return returns_value_type<Objective, Point>::value &&
           detail::first_declaration_problem<Objective, Point>() == detail::declaration_problem::none &&
           takes_perturbed_points<Objective, Point>();
  else
    return false;
}

/// Fails to compile, with a readable message, when one of Objective's optional declarations has
/// another shape than the one the library reads (the first such, alone).
template <class Objective, class Point>
constexpr void check_declarations() {
  using problem = detail::declaration_problem;
  constexpr problem p = detail::first_declaration_problem<Objective, Point>();
  static_assert(p != problem::fixed_dim,
                "fdgd: an objective's fixed_dim must be `static constexpr int fixed_dim = d;`, d >= 0 "
                "(0: any dimension); see include/fdgd/objective.hpp");
  static_assert(p != problem::min_dim,
                "fdgd: an objective's min_dim must be `static constexpr int min_dim = d;`, d >= 0; see include/fdgd/objective.hpp");
  static_assert(p != problem::lane_safe,
                "fdgd: an objective's lane_safe must be `static constexpr bool lane_safe = true;` (or false); see "
                "include/fdgd/objective.hpp");
  static_assert(p != problem::cpu_block_bytes,
                "fdgd: an objective's cpu_block_bytes must be `static constexpr int`, a power of "
                "two of at least 8 (0: none); see include/fdgd/cpu_backend.hpp");
  static_assert(p != problem::term_reach,
                "fdgd: a sum-structured objective's term_reach must be `static constexpr int`, at "
                "least 0; see include/fdgd/sum_structure.hpp");
  static_assert(p != problem::term_count,
                "fdgd: a sum-structured objective (it declares term_reach) must declare "
                "`FDGD_HD static constexpr int term_count(int d)`; see include/fdgd/sum_structure.hpp");
  static_assert(p != problem::term,
                "fdgd: a sum-structured objective (it declares term_reach) must declare a const "
                "`term(x, j)` taking the point; see include/fdgd/sum_structure.hpp");
  static_assert(p != problem::term_storage,
                "fdgd: the type a sum-structured objective's term(x, j) returns must be "
                "default-constructible and assignable (the gradient keeps the terms in an "
                "array); see include/fdgd/sum_structure.hpp");
}

/// Fails to compile, with a readable message, when Objective cannot be evaluated at Point.
template <class Objective, class Point>
constexpr void check_objective() {
  static_assert(std::is_copy_constructible_v<Objective>, "fdgd: an objective must be copyable (it is passed to kernels by value)");
  static_assert(is_objective_for<Objective, Point>::value,
                "fdgd: an objective must be callable as `f(x) const` on a point x (x.size(), x[i]) and "
                "return the point's value_type; see include/fdgd/objective.hpp");
  static_assert(!is_objective_for<Objective, Point>::value || returns_value_type<Objective, Point>::value,
                "fdgd: an objective must return the point's value_type, `typename Point::value_type` (float in a "
                "single-precision run), not double or another type; see include/fdgd/objective.hpp");
  if constexpr (is_objective_for<Objective, Point>::value && returns_value_type<Objective, Point>::value)
    check_declarations<Objective, Point>();
  static_assert(!is_objective_for<Objective, Point>::value || !returns_value_type<Objective, Point>::value ||
                    detail::first_declaration_problem<Objective, Point>() != detail::declaration_problem::none ||
                    takes_perturbed_points<Objective, Point>(),
                "fdgd: an objective must also take the gradient's fdgd::perturbed_point (x with one coordinate moved): "
                "write operator() as a template over the point type; see include/fdgd/objective.hpp");
}

}  // namespace fdgd
