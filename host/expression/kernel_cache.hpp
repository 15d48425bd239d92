// On-disk cache of compiled kernels, so that running the same expression again does not compile again.
#pragma once
#include <functional>
#include <string>

namespace fdgd::expr {

/// $FDGD_CACHE_DIR if set, else $XDG_CACHE_HOME/fdgd, else $HOME/.cache/fdgd ("" when none is known).
std::string kernel_cache_folder();

/// The image cached under `key` (the generated source, the architecture, the options, the NVRTC
/// version), or build()'s result, stored for next time. An entry whose key, size or checksum does
/// not match (damaged, truncated, or a hash collision) is rebuilt and replaced. Storing is best effort:
/// an unwritable folder only costs the next run a compilation. `hit` (if given) says which happened.
/// `rebuild` skips the entry and stores build()'s result over it (one the driver would not load).
std::string cached_kernel(const std::string& key, const std::function<std::string()>& build, bool* hit = nullptr,
                          bool rebuild = false);

}  // namespace fdgd::expr
