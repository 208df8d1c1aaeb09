// Options shared by the commands that write an HTML report.
#include "commands.hpp"
#include "engraft/formats/atomic_file.hpp"

namespace engraft::cli {

void add_report_options(CLI::App& command, std::string& report, std::string& lang) {
  command.add_option("--report", report, "Also write a self-contained HTML report (plots inline, no network) to this file");
  command.add_option("--lang", lang, "Language of the report and of explanations: en or zh")->check(CLI::IsMember({"en", "zh"}));
}

void write_report(const std::string& file, const std::string& html) {
  AtomicFile out(file);
  out.stream() << html;
  out.commit();
}

Language report_language(const std::string& lang) { return lang == "zh" ? Language::zh : Language::en; }

}  // namespace engraft::cli
