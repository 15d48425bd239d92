#include "host/expression/kernel_cache.hpp"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "host/io/atomic_file.hpp"

namespace fdgd::expr {
namespace {

std::uint64_t fnv1a(const std::string& s, std::uint64_t h = 1469598103934665603ull) {
  for (const unsigned char c : s) h = (h ^ c) * 1099511628211ull;
  return h;
}

std::string hex(std::uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

constexpr const char* magic = "fdgd-kernel-cache 1";

/// The image in `path` if the entry is whole and is for `key`.
bool read_entry(const std::string& path, const std::string& key, std::string& image) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::string line, stored_key;
  std::size_t key_size = 0, image_size = 0;
  std::string checksum;
  if (!std::getline(in, line) || line != magic) return false;
  if (!(in >> key_size) || in.get() != '\n' || key_size != key.size()) return false;
  stored_key.resize(key_size);
  if (!in.read(stored_key.data(), std::streamsize(key_size)) || stored_key != key) return false;
  if (!(in >> image_size >> checksum) || in.get() != '\n') return false;
  std::error_code ec;
  const auto file_size = std::filesystem::file_size(path, ec);
  if (ec || image_size != file_size - std::uintmax_t(in.tellg())) return false;  // before allocating a damaged size
  image.resize(image_size);
  if (!in.read(image.data(), std::streamsize(image_size)) || in.peek() != EOF) return false;
  return checksum == hex(fnv1a(image));
}

void write_entry(const std::string& path, const std::string& key, const std::string& image) {
  detail::atomic_file out(path);
  const std::string header = std::string(magic) + "\n" + std::to_string(key.size()) + "\n";
  const std::string middle = std::to_string(image.size()) + " " + hex(fnv1a(image)) + "\n";
  out.write(header.data(), header.size());
  out.write(key.data(), key.size());
  out.write(middle.data(), middle.size());
  out.write(image.data(), image.size());
  out.commit();
}

}  // namespace

std::string kernel_cache_folder() {
  if (const char* dir = std::getenv("FDGD_CACHE_DIR"); dir && *dir) return dir;
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg) return std::string(xdg) + "/fdgd";
  if (const char* home = std::getenv("HOME"); home && *home) return std::string(home) + "/.cache/fdgd";
  return "";
}

std::string cached_kernel(const std::string& key, const std::function<std::string()>& build, bool* hit, bool rebuild) {
  const std::string folder = kernel_cache_folder();
  // Two independent hashes name the entry; the key stored inside settles any collision.
  const std::string path =
      folder.empty() ? "" : folder + "/" + hex(fnv1a(key)) + hex(fnv1a(key, 0x84222325cbf29ce4ull)) + ".kernel";
  std::string image;
  if (!path.empty() && !rebuild && read_entry(path, key, image)) {
    if (hit) *hit = true;
    return image;
  }
  if (hit) *hit = false;
  image = build();
  if (!path.empty()) {
    try {
      std::error_code ec;
      std::filesystem::create_directories(folder, ec);
      write_entry(path, key, image);
    } catch (const std::exception&) {
      // best effort: the run goes on with the image just built
    }
  }
  return image;
}

}  // namespace fdgd::expr
