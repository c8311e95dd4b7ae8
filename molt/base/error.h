// molt::Error: the one exception type for failures a user can cause (bad input, missing
// files, conflicts, overload). Bugs abort through MOLT_CHECK instead (molt/base/check.h).
// Exactly two places catch it: the CLI (exit code + one line) and the server (HTTP status).
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>

namespace molt {

enum class ErrorKind {
  kUsage,       // bad flags or arguments
  kInput,       // a file or request whose content is invalid
  kNotFound,    // a file, model, collection or document that does not exist
  kConflict,    // the operation contradicts current state (already exists, already running)
  kOverloaded,  // capacity exceeded; retry later
  kIo,          // the operating system refused (disk full, permissions, network)
  kInternal,    // anything else; a report is welcome
};

// Where a failure happened. Every field is optional; describe() lists the ones that are set.
struct Where {
  std::string file;
  std::optional<std::int64_t> line;    // 1-based line in a text file
  std::optional<std::uint64_t> offset; // byte offset in a binary file
  std::string row;                     // a record id (document id, JSONL id)
  std::string field;                   // a JSON field or configuration key
  std::string tensor;                  // a tensor name

  bool empty() const;
  std::string describe() const;  // "file x, line 3, field y"
};

class Error : public std::runtime_error {
 public:
  Error(ErrorKind kind, std::string what, Where where = {});

  ErrorKind kind() const { return kind_; }
  const std::string& what_only() const { return what_; }
  const Where& where() const { return where_; }

  // "<what> (<where>)", the message the CLI prints after "molt: error: ".
  std::string message() const { return what(); }

  // A copy with more location filled in (fields already set are kept).
  Error with(const Where& more) const;

 private:
  ErrorKind kind_;
  std::string what_;
  Where where_;
};

Error usage_error(std::string what, Where where = {});
Error input_error(std::string what, Where where = {});
Error not_found_error(std::string what, Where where = {});
Error conflict_error(std::string what, Where where = {});
Error io_error(std::string what, Where where = {});
Error internal_error(std::string what, Where where = {});

// CONTRACT.md: 2 for bad usage or bad input (including missing files), 1 otherwise.
int exit_code(ErrorKind kind);
const char* kind_name(ErrorKind kind);

}  // namespace molt
