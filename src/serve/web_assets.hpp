// The web app's page, script and style sheet (web/), compiled into the binary at build time
// (cmake/EmbedFiles.cmake writes web_assets.cpp), so that nothing is read or fetched at run time.
#pragma once

#include <span>
#include <string_view>

namespace engraft::serve {

struct WebAsset {
  std::string_view path;          // "/", "/app.js", ...
  std::string_view content_type;
  std::string_view body;
};

std::span<const WebAsset> web_assets();

}  // namespace engraft::serve
