# ctest's install.find_package: installs the build tree into a fresh prefix, builds
# examples/custom_objective.cpp there as another project would (find_package(fdgd), fdgd::fdgd),
# runs it (and again found in the build tree itself), and compares what same_bits.cpp computes through solve with the installed command's
# results (the user's instantiations and the library's agree bit for bit).
# Takes BUILD_DIR, SOURCE_DIR, WORK, GENERATOR, CXX, READELF.
function(run what)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${what} failed (${rc}):\n${out}\n${err}")
  endif()
  set(out "${out}" PARENT_SCOPE)
endfunction()

file(REMOVE_RECURSE "${WORK}")
run("cmake --install" "${CMAKE_COMMAND}" --install "${BUILD_DIR}" --prefix "${WORK}/prefix")
foreach(doc IN ITEMS README.md docs/cli.md docs/library.md docs/guarantees.md)
  if(NOT EXISTS "${WORK}/prefix/share/doc/fdgd/${doc}")
    message(FATAL_ERROR "cmake --install left out the documentation's ${doc} (share/doc/fdgd)")
  endif()
endforeach()
run("configuring the consumer" "${CMAKE_COMMAND}" -S "${SOURCE_DIR}/tests/install" -B "${WORK}/build" -G "${GENERATOR}"
    -DCMAKE_BUILD_TYPE=Release "-DCMAKE_CXX_COMPILER=${CXX}" "-DCMAKE_PREFIX_PATH=${WORK}/prefix"
    "-DFDGD_EXAMPLE=${SOURCE_DIR}/examples/custom_objective.cpp")
run("building the consumer" "${CMAKE_COMMAND}" --build "${WORK}/build")
# A program that may run on the CPU must start without the NVIDIA driver: no libcuda among its
# dependencies (CUDA::nvrtc brought the driver's stub along).
if(READELF)
  run("reading the consumer's dependencies" "${READELF}" -d "${WORK}/build/custom_objective")
  if(out MATCHES "libcuda\\.so")
    message(FATAL_ERROR "the consumer, linked without --as-needed, needs the NVIDIA driver (libcuda) to start:\n${out}")
  endif()
else()
  message(STATUS "no readelf (CMAKE_READELF): the consumer's dependencies are not read")
endif()
run("the consumer" "${WORK}/build/custom_objective")
if(NOT out MATCHES "100000 converged")
  message(FATAL_ERROR "the consumer's output lacks '100000 converged':\n${out}")
endif()
run("same_bits" "${WORK}/build/same_bits" "${WORK}/fixed.npy" "${WORK}/dynamic.npy")
run("the installed command" "${WORK}/prefix/bin/fdgd" minimize --function rastrigin --dim 8 --starts 1000 --seed 7 --lr 1e-3
    --quiet --out "${WORK}/command.npy")
file(SHA256 "${WORK}/command.npy" expected)
foreach(made IN ITEMS fixed dynamic)
  file(SHA256 "${WORK}/${made}.npy" got)
  if(NOT got STREQUAL expected)
    message(FATAL_ERROR "rastrigin d = 8 through solve (${made} d) in a user's file is not the library's: "
                        "${WORK}/${made}.npy differs from ${WORK}/command.npy")
  endif()
endforeach()
# The build tree as a package (-Dfdgd_DIR): its fdgdConfig.cmake once named a fdgdTargets.cmake it lacked.
run("configuring the consumer on the build tree" "${CMAKE_COMMAND}" -S "${SOURCE_DIR}/tests/install" -B "${WORK}/build_tree"
    -G "${GENERATOR}" -DCMAKE_BUILD_TYPE=Release "-DCMAKE_CXX_COMPILER=${CXX}" "-Dfdgd_DIR=${BUILD_DIR}"
    "-DFDGD_EXAMPLE=${SOURCE_DIR}/examples/custom_objective.cpp")
run("building the consumer on the build tree" "${CMAKE_COMMAND}" --build "${WORK}/build_tree" --target custom_objective)
run("the consumer of the build tree" "${WORK}/build_tree/custom_objective")
if(NOT out MATCHES "100000 converged")
  message(FATAL_ERROR "the build tree's consumer's output lacks '100000 converged':\n${out}")
endif()
message(STATUS "installed, found and used from ${WORK}; and the build tree as a package")
