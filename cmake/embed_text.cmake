# Writes IN as a C++ string constant NS::NAME into OUT (defaults: the ODCS
# schema, bt::contract::kOdcsSchema).
if(NOT NS)
  set(NS bt::contract)
endif()
if(NOT NAME)
  set(NAME kOdcsSchema)
endif()
file(READ ${IN} text)
string(FIND "${text}" ")embedded\"" clash)
if(NOT clash EQUAL -1)
  message(FATAL_ERROR "${IN} contains the raw-string delimiter")
endif()
file(WRITE ${OUT} "// Generated from ${IN} by cmake/embed_text.cmake; do not edit.\n"
  "namespace ${NS} {\nextern const char* const ${NAME};\n"
  "const char* const ${NAME} = R\"embedded(${text})embedded\";\n}\n")
