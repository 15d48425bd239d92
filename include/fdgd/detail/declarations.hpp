// Whether an objective's optional declarations (fixed_dim, min_dim, lane_safe, cpu_block_bytes and the
// sum structure's term_reach, term_count, term) have the shape the library reads them in: a misdeclared
// one is refused by check_objective's message (objective.hpp) instead of errors from inside the library.
#pragma once
#include <type_traits>
#include <utility>

namespace fdgd::detail {

/// Whether a declaration's value is a compile-time constant of the library's kind (a static constexpr
/// member or an enumerator). A non-static member, whose address is a pointer to member, is told apart
/// first: Clang would otherwise fail hard on naming it in a template argument.
template <class Address, class Constant>
struct static_constant : std::conjunction<std::negation<std::is_member_pointer<Address>>, Constant> {};

#define FDGD_DECLARED_CONSTANT(name, kind, absent)                                                                   \
  template <class Objective, class = void>                                                                           \
  struct declares_##name : std::false_type {};                                                                       \
  template <class Objective>                                                                                         \
  struct declares_##name<Objective, std::void_t<decltype(Objective::name)>> : std::true_type {};                     \
  template <class Objective, class = void>                                                                           \
  struct constant_##name : std::false_type {};                                                                       \
  template <class Objective>                                                                                         \
  struct constant_##name<Objective, std::void_t<std::integral_constant<kind, Objective::name>>> : std::true_type {}; \
  template <class Objective, class = void>                                                                           \
  struct static_constant_##name : constant_##name<Objective> {}; /* an enumerator, which has no address */           \
  template <class Objective>                                                                                         \
  struct static_constant_##name<Objective, std::void_t<decltype(&Objective::name)>>                                  \
      : static_constant<decltype(&Objective::name), constant_##name<Objective>> {};                                  \
  /* its value, once first_declaration_problem found none; `absent` where it is not declared */                      \
  template <class Objective>                                                                                         \
  constexpr kind declared_##name() {                                                                                 \
    if constexpr (declares_##name<Objective>::value)                                                                 \
      return kind(Objective::name);                                                                                  \
    else                                                                                                             \
      return absent;                                                                                                 \
  }

FDGD_DECLARED_CONSTANT(fixed_dim, int, 0)  // 0: any dimension
FDGD_DECLARED_CONSTANT(min_dim, int, 1)
FDGD_DECLARED_CONSTANT(term_reach, int, 0)
FDGD_DECLARED_CONSTANT(cpu_block_bytes, int, 0)  // 0: the lanes' own blocks
FDGD_DECLARED_CONSTANT(lane_safe, bool, false)
#undef FDGD_DECLARED_CONSTANT

/// Whether term_count is callable without an object, as Objective::term_count(d), giving an int.
template <class Objective, class = void>
struct static_term_count : std::false_type {};
template <class Objective>
struct static_term_count<Objective, std::void_t<decltype(Objective::term_count(0))>>
    : std::is_convertible<decltype(Objective::term_count(0)), int> {};

/// The type f.term(x, j) gives at Point (void where it cannot be called).
template <class Objective, class Point, class = void>
struct term_of {
  using type = void;
};
template <class Objective, class Point>
struct term_of<Objective, Point, std::void_t<decltype(std::declval<const Objective&>().term(std::declval<const Point&>(), 0))>> {
  using type = decltype(std::declval<const Objective&>().term(std::declval<const Point&>(), 0));
};

/// What is wrong with an objective's optional declarations at Point, the first found; none if nothing.
enum class declaration_problem { none, fixed_dim, min_dim, lane_safe, cpu_block_bytes, term_reach, term_count, term, term_storage };

template <class Objective, class Point>
constexpr declaration_problem first_declaration_problem() {
  using problem = declaration_problem;
  if constexpr (declares_fixed_dim<Objective>::value) {
    if constexpr (!static_constant_fixed_dim<Objective>::value)
      return problem::fixed_dim;
    else if (Objective::fixed_dim < 0)
      return problem::fixed_dim;
  }
  if constexpr (declares_min_dim<Objective>::value) {
    if constexpr (!static_constant_min_dim<Objective>::value)
      return problem::min_dim;
    else if (Objective::min_dim < 0)
      return problem::min_dim;
  }
  if constexpr (declares_lane_safe<Objective>::value && !static_constant_lane_safe<Objective>::value) return problem::lane_safe;
  if constexpr (declares_cpu_block_bytes<Objective>::value) {
    if constexpr (!static_constant_cpu_block_bytes<Objective>::value)
      return problem::cpu_block_bytes;
    else if (Objective::cpu_block_bytes != 0 &&
             (Objective::cpu_block_bytes < 8 || (Objective::cpu_block_bytes & (Objective::cpu_block_bytes - 1)) != 0))
      return problem::cpu_block_bytes;
  }
  if constexpr (declares_term_reach<Objective>::value) {  // the sum structure (fdgd/sum_structure.hpp)
    using term = typename term_of<Objective, Point>::type;
    if constexpr (!static_constant_term_reach<Objective>::value)
      return problem::term_reach;
    else if constexpr (Objective::term_reach < 0)
      return problem::term_reach;
    else if constexpr (!static_term_count<Objective>::value)
      return problem::term_count;
    else if constexpr (std::is_void_v<term>)
      return problem::term;
    else if constexpr (!std::is_default_constructible_v<std::decay_t<term>> || !std::is_copy_assignable_v<std::decay_t<term>>)
      return problem::term_storage;
  }
  return problem::none;
}

}  // namespace fdgd::detail
