#include "counted_new.hpp"

#include <cstdlib>
#include <new>

namespace fdgd::test {
std::atomic<std::size_t> live_bytes{0}, peak_bytes{0};
}

namespace {
constexpr std::size_t header = alignof(std::max_align_t);  // where the block's size is kept

void* counted_new(std::size_t n) {
  void* p = std::malloc(n + header);
  if (!p) return nullptr;
  *static_cast<std::size_t*>(p) = n;
  const std::size_t now = fdgd::test::live_bytes += n;
  for (std::size_t was = fdgd::test::peak_bytes.load(); now > was && !fdgd::test::peak_bytes.compare_exchange_weak(was, now);) {
  }
  return static_cast<char*>(p) + header;
}
void counted_delete(void* p) noexcept {
  if (!p) return;
  void* block = static_cast<char*>(p) - header;
  fdgd::test::live_bytes -= *static_cast<std::size_t*>(block);
  std::free(block);
}
}  // namespace

void* operator new(std::size_t n) {
  if (void* p = counted_new(n)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t n) { return operator new(n); }
void* operator new(std::size_t n, const std::nothrow_t&) noexcept { return counted_new(n); }
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept { return counted_new(n); }
void operator delete(void* p) noexcept { counted_delete(p); }
void operator delete[](void* p) noexcept { counted_delete(p); }
void operator delete(void* p, std::size_t) noexcept { counted_delete(p); }
void operator delete[](void* p, std::size_t) noexcept { counted_delete(p); }
