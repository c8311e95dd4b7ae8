// Pieces every subcommand shares: where input comes from, where results go, and whether
// to draw progress.
#pragma once

#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <CLI/CLI.hpp>

#include "molt/base/file_io.h"
#include "molt/formats/jsonl_texts.h"

namespace molt::cli {

// Results go to stdout, or to --output FILE written atomically: a failed command leaves
// no partial file behind.
class OutputSink {
 public:
  explicit OutputSink(const std::string& path);  // "" or "-" = stdout
  void write(std::string_view data);
  void commit();  // publishes --output; flushes stdout

 private:
  std::unique_ptr<AtomicFile> file_;
  std::string buffer_;
};

// Reads CONTRACT.md's JSONL text records from --input FILE, or from stdin when "" or "-".
std::vector<formats::TextRecord> read_text_input(const std::string& path);

// CONTRACT.md: progress only when stderr is a terminal or --progress is given.
bool progress_wanted(bool flag);

}  // namespace molt::cli
