#include "molt/eval/trec_run.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <unordered_map>

#include "molt/base/error.h"
#include "molt/base/file_io.h"
#include "molt/eval/text_lines.h"

namespace molt::eval {

std::size_t Run::n_retrieved() const {
  std::size_t n = 0;
  for (const auto& [qid, docs] : by_query) n += docs.size();
  return n;
}

bool trec_ranks_before(const ScoredDoc& a, const ScoredDoc& b) {
  if (a.score != b.score) return a.score > b.score;
  return a.doc_id > b.doc_id;
}

void sort_trec_order(std::vector<ScoredDoc>& docs) {
  std::sort(docs.begin(), docs.end(), trec_ranks_before);
}

Run parse_trec_run(std::string_view text, const std::string& source) {
  Run run;
  // (query, doc) -> line, to name both lines of a duplicate.
  std::map<std::string, std::unordered_map<std::string, std::int64_t>, std::less<>> seen;
  for_each_line(text, [&](std::string_view line, std::int64_t line_no) {
    if (is_blank(line)) return;
    // A comment: '#' after any leading whitespace (trec_eval's isspace()).
    const std::size_t first = line.find_first_not_of(" \t\r\v\f");
    if (line[first] == '#') return;
    const Where where{.file = source, .line = line_no};
    const auto fields = split_whitespace(line);
    if (fields.size() < 6) {
      throw input_error("expected 6 fields (query-id Q0 doc-id rank score tag), got " +
                            std::to_string(fields.size()), where);
    }
    double score = 0.0;
    std::string_view s = fields[4];
    if (s.size() > 1 && s.front() == '+') s.remove_prefix(1);
    const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), score);
    if (ec != std::errc() || ptr != s.data() + s.size() || !std::isfinite(score)) {
      throw input_error("score '" + std::string(s) + "' is not a finite number", where);
    }
    std::string qid(fields[0]);
    std::string doc(fields[2]);
    auto& docs_seen = seen[qid];
    const auto [it, inserted] = docs_seen.emplace(doc, line_no);
    if (!inserted) {
      throw input_error("document '" + doc + "' is listed twice for query '" + qid +
                            "' (first on line " + std::to_string(it->second) + ")", where);
    }
    run.by_query[qid].push_back(ScoredDoc{std::move(doc), score});
    run.tag = std::string(fields[5]);
  });
  return run;
}

Run read_trec_run(const std::filesystem::path& path) {
  return parse_trec_run(read_file(path), path.string());
}

std::string format_score(double score) {
  char buf[64];
  const auto as_float = static_cast<float>(score);
  std::to_chars_result r;
  if (static_cast<double>(as_float) == score) {
    r = std::to_chars(buf, buf + sizeof buf, as_float);
  } else {
    r = std::to_chars(buf, buf + sizeof buf, score);
  }
  return std::string(buf, r.ptr);
}

namespace {

bool has_space(std::string_view id) {
  return id.empty() || id.find_first_of(" \t\r\n\v\f") != std::string_view::npos;
}

}  // namespace

std::string format_trec_run(const Run& run) {
  const std::string tag = run.tag.empty() ? "molt" : run.tag;
  if (has_space(tag)) throw usage_error("run tag '" + tag + "' is empty or holds whitespace");
  std::string out;
  for (const auto& [qid, docs] : run.by_query) {
    if (has_space(qid)) {
      throw input_error("query id '" + qid + "' cannot be written to a TREC run (whitespace)");
    }
    std::vector<ScoredDoc> ranked = docs;
    sort_trec_order(ranked);
    for (std::size_t i = 0; i < ranked.size(); ++i) {
      if (has_space(ranked[i].doc_id)) {
        throw input_error("document id '" + ranked[i].doc_id +
                          "' cannot be written to a TREC run (whitespace)");
      }
      out += qid;
      out += " Q0 ";
      out += ranked[i].doc_id;
      out += ' ';
      out += std::to_string(i + 1);
      out += ' ';
      out += format_score(ranked[i].score);
      out += ' ';
      out += tag;
      out += '\n';
    }
  }
  return out;
}

void write_trec_run(const std::filesystem::path& path, const Run& run) {
  write_file_atomic(path, format_trec_run(run));
}

}  // namespace molt::eval
