#include "molt/base/error.h"

namespace molt {
namespace {

std::string compose(const std::string& what, const Where& where) {
  if (where.empty()) return what;
  return what + " (" + where.describe() + ")";
}

}  // namespace

bool Where::empty() const {
  return file.empty() && !line && !offset && row.empty() && field.empty() && tensor.empty();
}

std::string Where::describe() const {
  std::string out;
  auto add = [&out](const std::string& part) {
    if (!out.empty()) out += ", ";
    out += part;
  };
  if (!file.empty()) add("file " + file);
  if (line) add("line " + std::to_string(*line));
  if (offset) add("offset " + std::to_string(*offset));
  if (!row.empty()) add("row " + row);
  if (!field.empty()) add("field " + field);
  if (!tensor.empty()) add("tensor " + tensor);
  return out;
}

Error::Error(ErrorKind kind, std::string what, Where where)
    : std::runtime_error(compose(what, where)),
      kind_(kind),
      what_(std::move(what)),
      where_(std::move(where)) {}

Error Error::with(const Where& more) const {
  Where merged = where_;
  if (merged.file.empty()) merged.file = more.file;
  if (!merged.line) merged.line = more.line;
  if (!merged.offset) merged.offset = more.offset;
  if (merged.row.empty()) merged.row = more.row;
  if (merged.field.empty()) merged.field = more.field;
  if (merged.tensor.empty()) merged.tensor = more.tensor;
  return Error(kind_, what_, std::move(merged));
}

Error usage_error(std::string what, Where where) {
  return Error(ErrorKind::kUsage, std::move(what), std::move(where));
}
Error input_error(std::string what, Where where) {
  return Error(ErrorKind::kInput, std::move(what), std::move(where));
}
Error not_found_error(std::string what, Where where) {
  return Error(ErrorKind::kNotFound, std::move(what), std::move(where));
}
Error conflict_error(std::string what, Where where) {
  return Error(ErrorKind::kConflict, std::move(what), std::move(where));
}
Error io_error(std::string what, Where where) {
  return Error(ErrorKind::kIo, std::move(what), std::move(where));
}
Error internal_error(std::string what, Where where) {
  return Error(ErrorKind::kInternal, std::move(what), std::move(where));
}

int exit_code(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kUsage:
    case ErrorKind::kInput:
    case ErrorKind::kNotFound:
      return 2;
    case ErrorKind::kConflict:
    case ErrorKind::kOverloaded:
    case ErrorKind::kIo:
    case ErrorKind::kInternal:
      return 1;
  }
  return 1;
}

const char* kind_name(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kUsage: return "usage";
    case ErrorKind::kInput: return "input";
    case ErrorKind::kNotFound: return "not_found";
    case ErrorKind::kConflict: return "conflict";
    case ErrorKind::kOverloaded: return "overloaded";
    case ErrorKind::kIo: return "io";
    case ErrorKind::kInternal: return "internal";
  }
  return "internal";
}

}  // namespace molt
