// The evidence base (evidence/studies.toml format, docs/evidence.md): read_evidence_file.
// Expected: InputError. Anything else is a finding.
#include <cstddef>
#include <cstdint>
#include <exception>
#include <string>
#include <typeinfo>

#include "engraft/core/error.hpp"
#include "engraft/formats/evidence_file.hpp"
#include "fuzz_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static engraft::fuzz::InputFile file("evidence", ".toml");
  const auto& path = file.write(data, size);
  try {
    (void)engraft::read_evidence_file(path);
  } catch (const engraft::InputError&) {
  } catch (const std::exception& e) {
    engraft::fuzz::finding("uncaught exception from read_evidence_file", typeid(e).name() + std::string(": ") + e.what());
  }
  return 0;
}
