#include "molt/formats/npz.h"

#include <zip.h>

#include <algorithm>
#include <memory>
#include <set>
#include <string_view>

#include "molt/base/error.h"
#include "molt/base/file_io.h"

namespace molt::formats {
namespace {

namespace fs = std::filesystem;

// Deflate cannot expand data more than about 1032 times; a member claiming more is a
// corrupt or hostile archive, refused before anything is allocated for it.
constexpr std::uint64_t kMaxDeflateRatio = 1032;
// Enough bytes of a member to hold any .npy header NumPy writes for a sane shape.
constexpr std::uint64_t kHeaderProbe = 1 << 16;

struct ZipCloser {
  void operator()(zip_t* z) const { zip_discard(z); }
};
struct ZipFileCloser {
  void operator()(zip_file_t* f) const { zip_fclose(f); }
};
using ZipPtr = std::unique_ptr<zip_t, ZipCloser>;
using ZipFilePtr = std::unique_ptr<zip_file_t, ZipFileCloser>;

ZipPtr open_archive(const fs::path& path) {
  // MappedFile-style errors for a missing file; libzip's for the rest.
  if (!fs::exists(path)) throw not_found_error("no such file", {.file = path.string()});
  int code = 0;
  zip_t* z = zip_open(path.c_str(), ZIP_RDONLY | ZIP_CHECKCONS, &code);
  if (z == nullptr) {
    zip_error_t error;
    zip_error_init_with_code(&error, code);
    const std::string message = zip_error_strerror(&error);
    zip_error_fini(&error);
    throw input_error("not a readable .npz (zip) archive: " + message, {.file = path.string()});
  }
  return ZipPtr(z);
}

// Reads up to `limit` bytes of member `index` (all of it when limit >= its size).
std::string read_member(zip_t* z, zip_uint64_t index, std::uint64_t size, std::uint64_t limit,
                        const Where& where) {
  ZipFilePtr f(zip_fopen_index(z, index, 0));
  if (!f) {
    throw input_error(std::string("cannot open member: ") + zip_strerror(z), where);
  }
  const std::uint64_t want = std::min(size, limit);
  std::string out(static_cast<std::size_t>(want), '\0');
  std::uint64_t got = 0;
  while (got < want) {
    const zip_int64_t n = zip_fread(f.get(), out.data() + got, want - got);
    if (n < 0) {
      throw input_error(std::string("cannot read member: ") + zip_file_strerror(f.get()), where);
    }
    if (n == 0) break;
    got += static_cast<std::uint64_t>(n);
  }
  if (got != want) {
    throw input_error("member ends after " + std::to_string(got) + " of " + std::to_string(want) +
                          " bytes",
                      where);
  }
  if (want == size) {
    // Reading past the end makes libzip verify the member's CRC.
    char extra;
    if (zip_fread(f.get(), &extra, 1) != 0) {
      throw input_error(std::string("member is longer than its stated size or fails its "
                                    "checksum: ") + zip_file_strerror(f.get()),
                        where);
    }
  }
  return out;
}

struct MemberEntry {
  NpzMember member;
  zip_uint64_t index = 0;
};

std::vector<MemberEntry> members(zip_t* z, const std::string& source) {
  const zip_int64_t n = zip_get_num_entries(z, 0);
  std::vector<MemberEntry> out;
  std::set<std::string> names;
  for (zip_int64_t i = 0; i < n; ++i) {
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat_index(z, static_cast<zip_uint64_t>(i), 0, &st) != 0 ||
        (st.valid & (ZIP_STAT_NAME | ZIP_STAT_SIZE | ZIP_STAT_COMP_SIZE | ZIP_STAT_COMP_METHOD)) !=
            (ZIP_STAT_NAME | ZIP_STAT_SIZE | ZIP_STAT_COMP_SIZE | ZIP_STAT_COMP_METHOD)) {
      throw input_error("cannot read the archive's entry " + std::to_string(i) + ": " +
                            zip_strerror(z),
                        {.file = source});
    }
    MemberEntry e;
    e.index = static_cast<zip_uint64_t>(i);
    e.member.file_name = st.name;
    const Where where{.file = source, .field = e.member.file_name};
    const std::string_view name = e.member.file_name;
    if (name.size() < 4 || name.substr(name.size() - 4) != ".npy") {
      throw input_error("archive member is not a .npy file", where);
    }
    e.member.name = std::string(name.substr(0, name.size() - 4));
    if (!names.insert(e.member.name).second) throw input_error("archive has the member twice", where);
    e.member.size = st.size;
    e.member.compressed_size = st.comp_size;
    if (st.comp_method == ZIP_CM_STORE) {
      e.member.compressed = false;
    } else if (st.comp_method == ZIP_CM_DEFLATE) {
      e.member.compressed = true;
    } else {
      throw input_error("archive member uses compression method " +
                            std::to_string(st.comp_method) + " (molt reads stored and deflated members)",
                        where);
    }
    const std::uint64_t limit =
        e.member.compressed ? e.member.compressed_size * kMaxDeflateRatio + 1024 : e.member.compressed_size;
    if (e.member.size > limit) {
      throw input_error("archive member claims " + std::to_string(e.member.size) +
                            " bytes from " + std::to_string(e.member.compressed_size) +
                            " compressed bytes, which is impossible",
                        where);
    }
    out.push_back(std::move(e));
  }
  return out;
}

std::string member_source(const std::string& archive, const std::string& member) {
  return archive + ":" + member;
}

}  // namespace

std::vector<NpzMember> list_npz(const fs::path& path) {
  const ZipPtr z = open_archive(path);
  const std::string source = path.string();
  std::vector<NpzMember> out;
  for (MemberEntry& e : members(z.get(), source)) {
    const Where where{.file = source, .field = e.member.file_name};
    const std::string head = read_member(z.get(), e.index, e.member.size, kHeaderProbe, where);
    e.member.header = parse_npy_header(std::as_bytes(std::span(head)),
                                       member_source(source, e.member.file_name));
    out.push_back(std::move(e.member));
  }
  return out;
}

std::vector<std::pair<std::string, tensor::Tensor>> read_npz(const fs::path& path) {
  const ZipPtr z = open_archive(path);
  const std::string source = path.string();
  std::vector<std::pair<std::string, tensor::Tensor>> out;
  for (const MemberEntry& e : members(z.get(), source)) {
    const Where where{.file = source, .field = e.member.file_name};
    const std::string bytes = read_member(z.get(), e.index, e.member.size, e.member.size, where);
    out.emplace_back(e.member.name, read_npy(std::as_bytes(std::span(bytes)),
                                             member_source(source, e.member.file_name)));
  }
  return out;
}

void write_npz_f32(const fs::path& path, std::span<const NpzArray> arrays) {
  std::set<std::string> names;
  std::vector<std::string> encoded;
  encoded.reserve(arrays.size());
  for (const NpzArray& a : arrays) {
    if (a.name.empty() || a.name.find_first_of("/\\") != std::string::npos ||
        !names.insert(a.name).second) {
      throw usage_error("invalid or repeated .npz array name '" + a.name + "'",
                        {.file = path.string()});
    }
    encoded.push_back(encode_npy_f32(a.shape, a.values));
  }

  // Build the archive in memory, then write it through AtomicFile so that a failure
  // leaves nothing behind.
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* buffer = zip_source_buffer_create(nullptr, 0, 0, &error);
  if (buffer == nullptr) throw internal_error("libzip: cannot create an in-memory archive");
  zip_source_keep(buffer);
  struct SourceFree {
    void operator()(zip_source_t* s) const { zip_source_free(s); }
  };
  const std::unique_ptr<zip_source_t, SourceFree> buffer_owner(buffer);
  ZipPtr z(zip_open_from_source(buffer, ZIP_TRUNCATE, &error));
  if (!z) {
    const std::string message = zip_error_strerror(&error);
    zip_error_fini(&error);
    throw internal_error("libzip: " + message);
  }
  const auto fail = [&](const std::string& what) {
    throw internal_error("libzip: " + what + ": " + zip_strerror(z.get()), {.file = path.string()});
  };
  for (std::size_t i = 0; i < arrays.size(); ++i) {
    zip_source_t* member = zip_source_buffer(z.get(), encoded[i].data(), encoded[i].size(), 0);
    if (member == nullptr) fail("cannot add a member");
    const zip_int64_t index =
        zip_file_add(z.get(), (arrays[i].name + ".npy").c_str(), member, ZIP_FL_ENC_UTF_8);
    if (index < 0) {
      zip_source_free(member);
      fail("cannot add a member");
    }
    if (zip_set_file_compression(z.get(), static_cast<zip_uint64_t>(index), ZIP_CM_STORE, 0) != 0 ||
        zip_file_set_mtime(z.get(), static_cast<zip_uint64_t>(index), 315619200, 0) != 0) {
      fail("cannot set member attributes");
    }
  }
  if (zip_close(z.get()) != 0) fail("cannot finish the archive");
  (void)z.release();  // zip_close freed it

  zip_stat_t st;
  zip_stat_init(&st);
  if (zip_source_stat(buffer, &st) != 0 || zip_source_open(buffer) != 0) {
    throw internal_error("libzip: cannot read back the in-memory archive");
  }
  std::string bytes(static_cast<std::size_t>(st.size), '\0');
  const zip_int64_t n = zip_source_read(buffer, bytes.data(), bytes.size());
  zip_source_close(buffer);
  if (n < 0 || static_cast<std::uint64_t>(n) != st.size) {
    throw internal_error("libzip: cannot read back the in-memory archive");
  }
  write_file_atomic(path, bytes);
}

}  // namespace molt::formats
