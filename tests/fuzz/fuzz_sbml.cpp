// SBML import (libSBML, Levels 2 and 3): import_sbml_string, then CompiledModel::compile of
// the imported model. libSBML itself is not instrumented (Debian's shared library), so the
// fuzzer's coverage feedback comes from engraft's mapping code in src/formats/sbml.cpp.
// Expected: InputError (SbmlUnsupported is one). Anything else is a finding.
#include <cstddef>
#include <cstdint>
#include <exception>
#include <string>
#include <string_view>
#include <typeinfo>

#include "engraft/core/error.hpp"
#include "engraft/formats/sbml.hpp"
#include "engraft/model/compiled_model.hpp"
#include "fuzz_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view xml(reinterpret_cast<const char*>(data), size);
  try {
    const engraft::SbmlImport imported = engraft::import_sbml_string(xml, "fuzz.xml");
    (void)engraft::CompiledModel::compile(imported.model);
  } catch (const engraft::InputError&) {
  } catch (const std::exception& e) {
    engraft::fuzz::finding("uncaught exception from import_sbml_string/compile",
                           typeid(e).name() + std::string(": ") + e.what());
  }
  return 0;
}
