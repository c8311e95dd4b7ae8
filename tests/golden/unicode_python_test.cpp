// molt's Unicode tables against the reference's: the slow BertTokenizer ran on Python 3.11's
// unicodedata (Unicode 14.0). For every one of the 1,112,064 scalar values: the general
// category, str.isspace(), str.lower() of the character alone, NFD and NFC; the Cased /
// Case_Ignorable properties through str.lower()'s Final_Sigma rule; and UTF-8 decoding with
// replacement against bytes.decode("utf-8", "replace") on ill-formed byte strings.
// Skips when python3's unicodedata is not Unicode 14.0 (Debian 12's python3 is).
#include <cstdio>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "molt/base/file_io.h"
#include "molt/tokenizer/python_text.h"
#include "molt/tokenizer/unicode.h"
#include "tests/support/process.h"
#include "tests/support/test_env.h"

namespace molt::test {
namespace {

namespace uc = tokenizer::unicode;

constexpr const char* kCategoryNames[] = {"Cn", "Lu", "Ll", "Lt", "Lm", "Lo", "Mn", "Mc", "Me", "Nd",
                                          "Nl", "No", "Pc", "Pd", "Ps", "Pe", "Pi", "Pf", "Po", "Sm",
                                          "Sc", "Sk", "So", "Zs", "Zl", "Zp", "Cc", "Cf", "Cs", "Co"};

// One line per scalar value: cp cat space lower nfd nfc final_sigma_probes, code point lists
// as hex joined by '.'. The probes are str.lower() of "A"+c+"Σ" and "AΣ"+c ending in ς (1/0).
constexpr const char* kScript = R"PY(
import sys, unicodedata as u
if u.unidata_version != "14.0.0":
    print("unicodedata is Unicode " + u.unidata_version); sys.exit(3)
h = lambda s: ".".join("%X" % ord(x) for x in s)
out = open(sys.argv[1], "w")
S = "\u03a3"
for c in range(0x110000):
    if 0xD800 <= c <= 0xDFFF: continue
    ch = chr(c)
    p2 = ("A" + ch + S).lower().endswith("\u03c2")
    p3 = ("A" + S + ch).lower()[1] == "\u03c2"
    out.write("%X %s %d %s %s %s %d%d\n" % (c, u.category(ch), ch.isspace(), h(ch.lower()),
              h(u.normalize("NFD", ch)), h(u.normalize("NFC", ch)), p2, p3))
)PY";

std::string hex_list(std::u32string_view s) {
  std::string out;
  char buf[16];
  for (std::size_t i = 0; i < s.size(); ++i) {
    std::snprintf(buf, sizeof buf, i == 0 ? "%X" : ".%X", static_cast<unsigned>(s[i]));
    out += buf;
  }
  return out;
}

TEST(UnicodePython, EveryCodePointAsPython311) {
  TempDir tmp;
  const auto table = tmp / "unicode.txt";
  const ProcessResult r = run_process({"python3", "-c", kScript, table.string()});
  if (r.exit_code == 3 || r.exit_code == 127 || r.exit_code == -1) {
    GTEST_SKIP() << "python3 with Unicode 14.0 tables is needed: " << r.out << r.err;
  }
  ASSERT_EQ(r.exit_code, 0) << r.err;

  std::ifstream in(table);
  std::string line;
  std::size_t n = 0;
  int failures = 0;
  std::vector<std::int32_t> scratch;
  while (std::getline(in, line) && failures < 20) {
    std::istringstream fields(line);
    std::string cp_hex, cat, space, lower, nfd, nfc, probes;
    fields >> cp_hex >> cat >> space >> lower >> nfd >> nfc >> probes;
    const auto cp = static_cast<char32_t>(std::stoul(cp_hex, nullptr, 16));
    ++n;

    const std::string our_cat = kCategoryNames[static_cast<int>(uc::category(cp))];
    char32_t lowered[2];
    const int k = uc::lower_full(cp, lowered);
    std::u32string our_nfd;
    uc::nfd_append(std::u32string(1, cp), our_nfd);
    std::u32string our_nfc;
    uc::nfc_append(std::u32string(1, cp), our_nfc, scratch);
    // Final_Sigma through molt's python_lower on the same probes.
    std::string a_c_sigma = "A";
    uc::append_utf8(a_c_sigma, cp);
    a_c_sigma += "\xCE\xA3";
    std::string a_sigma_c = "A\xCE\xA3";
    uc::append_utf8(a_sigma_c, cp);
    const std::string final_sigma = "\xCF\x82";
    const bool p2 = tokenizer::python_lower(a_c_sigma).ends_with(final_sigma);
    const bool p3 = tokenizer::python_lower(a_sigma_c).substr(1, 2) == final_sigma;
    const std::string our_probes = std::string(p2 ? "1" : "0") + (p3 ? "1" : "0");

    const bool ok = our_cat == cat && (uc::is_python_space(cp) ? "1" : "0") == space &&
                    hex_list(std::u32string(lowered, static_cast<std::size_t>(k))) == lower &&
                    hex_list(our_nfd) == nfd && hex_list(our_nfc) == nfc && our_probes == probes;
    if (!ok) {
      ++failures;
      ADD_FAILURE() << "U+" << cp_hex << ": python " << line << " / molt " << our_cat << " "
                    << uc::is_python_space(cp) << " " << hex_list(std::u32string(lowered, static_cast<std::size_t>(k)))
                    << " " << hex_list(our_nfd) << " " << hex_list(our_nfc) << " " << our_probes;
    }
  }
  if (failures == 0) {
    EXPECT_EQ(n, 1112064u);
  }
}

// Ill-formed UTF-8 becomes U+FFFD exactly where Python's decoder puts them.
TEST(UnicodePython, DecodingWithReplacement) {
  std::mt19937 rng(5);
  // Byte strings biased towards UTF-8's interesting bytes.
  const unsigned char kBytes[] = {0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2,
                                  0xDF, 0xE0, 0xE1, 0xEC, 0xED, 0xEE, 0xEF, 0xF0, 0xF1, 0xF3, 0xF4, 0xF5, 0xFF};
  std::string inputs;
  std::vector<std::string> cases;
  for (int i = 0; i < 3000; ++i) {
    std::string s;
    const int len = static_cast<int>(rng() % 7) + 1;
    for (int j = 0; j < len; ++j) s.push_back(static_cast<char>(kBytes[rng() % std::size(kBytes)]));
    cases.push_back(s);
  }
  TempDir tmp;
  std::string hex_input;
  for (const std::string& s : cases) {
    for (const char c : s) {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%02X", static_cast<unsigned char>(c));
      hex_input += buf;
    }
    hex_input += '\n';
  }
  write_file_atomic(tmp / "in.txt", hex_input);
  const char* script =
      "import sys\n"
      "for l in open(sys.argv[1]):\n"
      "    s = bytes.fromhex(l.strip()).decode('utf-8', 'replace')\n"
      "    print('.'.join('%X' % ord(c) for c in s))\n";
  const ProcessResult r = run_process({"python3", "-c", script, (tmp / "in.txt").string()});
  if (r.exit_code == 127 || r.exit_code == -1) GTEST_SKIP() << "python3 is needed";
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::istringstream expected(r.out);
  std::string want;
  for (const std::string& s : cases) {
    ASSERT_TRUE(std::getline(expected, want));
    EXPECT_EQ(hex_list(uc::decode_all(s)), want);
  }
}

}  // namespace
}  // namespace molt::test
