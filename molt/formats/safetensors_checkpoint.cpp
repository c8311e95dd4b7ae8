#include "molt/formats/safetensors_checkpoint.h"

#include <set>

#include <nlohmann/json.hpp>

#include "molt/base/error.h"
#include "molt/base/file_io.h"

namespace molt::formats {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// A shard named by an index must be a plain file name in the index's folder.
bool plain_file_name(const std::string& name) {
  return !name.empty() && name != "." && name != ".." &&
         name.find_first_of("/\\") == std::string::npos && name.find('\0') == std::string::npos;
}

}  // namespace

SafetensorsCheckpoint::SafetensorsCheckpoint(const fs::path& path) {
  fs::path file = path;
  if (fs::is_directory(path)) {
    if (fs::exists(path / kSingleFile)) {
      file = path / kSingleFile;
    } else if (fs::exists(path / kIndexFile)) {
      file = path / kIndexFile;
    } else {
      throw not_found_error(std::string("folder has neither ") + kSingleFile + " nor " + kIndexFile,
                            {.file = path.string()});
    }
  }
  source_ = file.string();
  if (file.extension() != ".json") {
    add_file(file);
    return;
  }

  const std::string text = read_file(file);
  json index;
  try {
    index = json::parse(text);
  } catch (const json::exception& e) {
    throw input_error(std::string("safetensors index is not valid JSON: ") + e.what(),
                      {.file = source_});
  }
  const auto weight_map = index.is_object() ? index.find("weight_map") : index.end();
  if (!index.is_object() || weight_map == index.end() || !weight_map->is_object()) {
    throw input_error("safetensors index has no \"weight_map\" object",
                      {.file = source_, .field = "weight_map"});
  }
  // Shards in order of first mention, as transformers loads them.
  std::vector<std::string> shards;
  std::set<std::string> seen;
  for (const auto& [name, shard] : weight_map->items()) {
    if (!shard.is_string() || !plain_file_name(shard.get<std::string>())) {
      throw input_error("weight_map entry must be the file name of a shard beside the index, "
                        "got " + shard.dump(),
                        {.file = source_, .field = "weight_map", .tensor = name});
    }
    if (seen.insert(shard.get<std::string>()).second) shards.push_back(shard.get<std::string>());
  }
  files_.reserve(shards.size());
  for (const std::string& shard : shards) add_file(file.parent_path() / shard);

  for (const auto& [name, shard] : weight_map->items()) {
    const SafetensorsFile* holder = file_of(name);
    const std::string expected = (file.parent_path() / shard.get<std::string>()).string();
    if (holder == nullptr || holder->path() != expected) {
      throw input_error("weight_map places the tensor in " + shard.get<std::string>() +
                            ", which does not hold it",
                        {.file = source_, .field = "weight_map", .tensor = name});
    }
  }
}

void SafetensorsCheckpoint::add_file(const fs::path& path) {
  files_.emplace_back(path);
  const std::size_t file_index = files_.size() - 1;
  const auto& tensors = files_.back().tensors();
  for (std::size_t i = 0; i < tensors.size(); ++i) {
    const auto [it, inserted] = by_name_.emplace(tensors[i].name, std::make_pair(file_index, i));
    if (!inserted) {
      throw input_error("tensor appears in two shards: " + files_[it->second.first].path() +
                            " and " + files_.back().path(),
                        {.file = source_, .tensor = tensors[i].name});
    }
  }
}

std::vector<std::string> SafetensorsCheckpoint::tensor_names() const {
  std::vector<std::string> names;
  names.reserve(by_name_.size());
  for (const auto& entry : by_name_) names.push_back(entry.first);
  return names;
}

const SafetensorsTensorInfo* SafetensorsCheckpoint::find(std::string_view name) const {
  const auto it = by_name_.find(name);
  if (it == by_name_.end()) return nullptr;
  return &files_[it->second.first].tensors()[it->second.second];
}

const SafetensorsFile* SafetensorsCheckpoint::file_of(std::string_view name) const {
  const auto it = by_name_.find(name);
  return it == by_name_.end() ? nullptr : &files_[it->second.first];
}

tensor::Tensor SafetensorsCheckpoint::tensor(std::string_view name) const {
  const auto it = by_name_.find(name);
  if (it == by_name_.end()) {
    throw not_found_error("no such tensor in the checkpoint",
                          {.file = source_, .tensor = std::string(name)});
  }
  const SafetensorsFile& file = files_[it->second.first];
  return file.tensor(file.tensors()[it->second.second]);
}

tensor::Tensor SafetensorsCheckpoint::tensor_f32(std::string_view name) const {
  const SafetensorsFile* file = file_of(name);
  if (file == nullptr) {
    throw not_found_error("no such tensor in the checkpoint",
                          {.file = source_, .tensor = std::string(name)});
  }
  return file->tensor_f32(name);
}

}  // namespace molt::formats
