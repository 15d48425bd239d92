# Every public header compiles alone (it includes what it uses) and without a warning under the flags
# a careful user builds with: -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wold-style-cast, as errors (plus what FLAGS adds).
# Run as: cmake -DCXX=<compiler> -DINCLUDE=<include folder> -DWORK=<scratch folder> "-DFLAGS=<flags;...>" -P check_headers.cmake
cmake_minimum_required(VERSION 3.25)
file(GLOB_RECURSE headers RELATIVE "${INCLUDE}" "${INCLUDE}/fdgd/*.hpp")
file(MAKE_DIRECTORY "${WORK}")
set(failures "")
list(LENGTH headers count)
foreach(header IN LISTS headers)
  string(MAKE_C_IDENTIFIER "${header}" name)
  file(WRITE "${WORK}/${name}.cpp" "#include \"${header}\"\nint main() {}\n")
  execute_process(COMMAND "${CXX}" -std=c++17 -fsyntax-only ${FLAGS} -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wold-style-cast -Werror
                          "-I${INCLUDE}" "${WORK}/${name}.cpp"
                  RESULT_VARIABLE rc ERROR_VARIABLE err OUTPUT_VARIABLE err)
  if(NOT rc EQUAL 0)
    string(APPEND failures "${header}:\n${err}\n")
  endif()
endforeach()
if(count LESS 40)
  string(APPEND failures "only ${count} headers found under ${INCLUDE}/fdgd\n")
endif()
if(failures)
  message(FATAL_ERROR "${failures}")
endif()
message(STATUS "${count} public headers compile alone, without a warning")
