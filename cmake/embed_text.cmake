# Writes IN as a C++ string constant bt::contract::kOdcsSchema into OUT.
file(READ ${IN} text)
string(FIND "${text}" ")embedded\"" clash)
if(NOT clash EQUAL -1)
  message(FATAL_ERROR "${IN} contains the raw-string delimiter")
endif()
file(WRITE ${OUT} "// Generated from ${IN} by cmake/embed_text.cmake; do not edit.\n"
  "namespace bt::contract {\nextern const char* const kOdcsSchema;\n"
  "const char* const kOdcsSchema = R\"embedded(${text})embedded\";\n}\n")
