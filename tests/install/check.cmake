# ctest's install.find_package: installs the build tree into a fresh prefix, builds
# examples/custom_objective.cpp there as another project would (find_package(fdgd), fdgd::fdgd),
# runs it, and runs the installed command. Takes BUILD_DIR, SOURCE_DIR, WORK, GENERATOR, CXX.
function(run what)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${what} failed (${rc}):\n${out}\n${err}")
  endif()
  set(out "${out}" PARENT_SCOPE)
endfunction()

file(REMOVE_RECURSE "${WORK}")
run("cmake --install" "${CMAKE_COMMAND}" --install "${BUILD_DIR}" --prefix "${WORK}/prefix")
run("configuring the consumer" "${CMAKE_COMMAND}" -S "${SOURCE_DIR}/tests/install" -B "${WORK}/build" -G "${GENERATOR}"
    -DCMAKE_BUILD_TYPE=Release "-DCMAKE_CXX_COMPILER=${CXX}" "-DCMAKE_PREFIX_PATH=${WORK}/prefix"
    "-DFDGD_EXAMPLE=${SOURCE_DIR}/examples/custom_objective.cpp")
run("building the consumer" "${CMAKE_COMMAND}" --build "${WORK}/build")
run("the consumer" "${WORK}/build/custom_objective")
if(NOT out MATCHES "100000 converged")
  message(FATAL_ERROR "the consumer's output lacks '100000 converged':\n${out}")
endif()
run("the installed command" "${WORK}/prefix/bin/fdgd" minimize --function sphere --starts 1000 --quiet --json)
if(NOT out MATCHES "\"starts\": *1000")
  message(FATAL_ERROR "the installed command's JSON lacks \"starts\": 1000:\n${out}")
endif()
message(STATUS "installed, found and used from ${WORK}")
