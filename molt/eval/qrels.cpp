#include "molt/eval/qrels.h"

#include <algorithm>
#include <charconv>
#include <iterator>

#include "molt/base/error.h"
#include "molt/base/file_io.h"
#include "molt/eval/text_lines.h"

namespace molt::eval {
namespace {

bool parse_int(std::string_view s, int& out) {
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  if (s.empty()) return false;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && ptr == s.data() + s.size();
}

}  // namespace

std::size_t Qrels::n_judgments() const {
  std::size_t n = 0;
  for (const auto& [qid, judgments] : by_query) n += judgments.size();
  return n;
}

Qrels parse_qrels(std::string_view text, const std::string& source) {
  struct Entry {
    Judgment judgment;
    std::int64_t line;
  };
  std::map<std::string, std::vector<Entry>> entries;
  enum class Format { kUnknown, kBeir, kTrec } format = Format::kUnknown;
  for_each_line(text, [&](std::string_view line, std::int64_t line_no) {
    if (is_blank(line)) return;
    const Where where{.file = source, .line = line_no};
    if (format == Format::kUnknown) {
      const auto header = split_tabs(line);
      if (header.size() == 3 && header[0] == "query-id" && header[1] == "corpus-id" &&
          header[2] == "score") {
        format = Format::kBeir;
        return;
      }
      format = Format::kTrec;
    }
    std::string_view qid;
    std::string_view doc;
    std::string_view rel;
    if (format == Format::kBeir) {
      const auto fields = split_tabs(line);
      if (fields.size() != 3) {
        throw input_error("expected 3 tab-separated fields (query-id, corpus-id, score), got " +
                              std::to_string(fields.size()), where);
      }
      qid = fields[0];
      doc = fields[1];
      rel = fields[2];
    } else {
      const auto fields = split_whitespace(line);
      if (fields.size() != 4) {
        throw input_error("expected a BEIR header or 4 fields (query-id, iteration, doc-id, "
                          "relevance), got " + std::to_string(fields.size()) + " fields", where);
      }
      qid = fields[0];
      doc = fields[2];
      rel = fields[3];
    }
    if (qid.empty() || doc.empty()) throw input_error("empty query or document id", where);
    int relevance = 0;
    if (!parse_int(rel, relevance)) {
      throw input_error("relevance '" + std::string(rel) + "' is not an integer", where);
    }
    entries[std::string(qid)].push_back(Entry{Judgment{std::string(doc), relevance}, line_no});
  });
  if (entries.empty()) throw input_error("no relevance judgments", {.file = source});
  Qrels qrels;
  for (auto& [qid, list] : entries) {
    std::stable_sort(list.begin(), list.end(), [](const Entry& a, const Entry& b) {
      return a.judgment.doc_id < b.judgment.doc_id;
    });
    const auto dup = std::adjacent_find(list.begin(), list.end(), [](const Entry& a, const Entry& b) {
      return a.judgment.doc_id == b.judgment.doc_id;
    });
    if (dup != list.end()) {
      throw input_error("document '" + dup->judgment.doc_id + "' is judged twice for query '" +
                            qid + "' (first on line " + std::to_string(dup->line) + ")",
                        {.file = source, .line = std::next(dup)->line});
    }
    auto& judgments = qrels.by_query[qid];
    judgments.reserve(list.size());
    for (Entry& e : list) judgments.push_back(std::move(e.judgment));
  }
  return qrels;
}

Qrels read_qrels(const std::filesystem::path& path) {
  return parse_qrels(read_file(path), path.string());
}

}  // namespace molt::eval
