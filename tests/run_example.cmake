# Runs an example program as a test: it must exit 0 and print a line matching EXPECT (a test's
# PASS_REGULAR_EXPRESSION alone would pass a program that printed it, then crashed or returned 1).
# cmake -DPROGRAM=path -DEXPECT=regex -P run_example.cmake
execute_process(COMMAND "${PROGRAM}" RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err)
message("${out}${err}")
if(NOT status STREQUAL "0")
  message(FATAL_ERROR "${PROGRAM} ended with status ${status}")
endif()
if(NOT out MATCHES "${EXPECT}")
  message(FATAL_ERROR "${PROGRAM} printed no line matching '${EXPECT}'")
endif()
