// Reading data files: the layout guess, whole-file reads with padding, and
// NDJSON streamed in 1 MiB blocks (lines across block boundaries, CRLF,
// lines longer than a block).
#include "contract/records.h"

#include <gtest/gtest.h>

#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "support/temp_dir.h"

namespace bt::contract {
namespace {

namespace fs = std::filesystem;
constexpr size_t kMiB = 1 << 20;

class Records : public ::testing::Test {
 protected:
  fs::path write(const std::string& name, const std::string& bytes) {
    const fs::path p = dir_.path() / name;
    std::ofstream(p, std::ios::binary) << bytes;
    return p;
  }
  Delimiter sniff(const std::string& name, const std::string& bytes) {
    auto d = sniff_delimiter(write(name, bytes));
    EXPECT_TRUE(d.ok()) << (d.ok() ? "" : d.error().message);
    return d.ok() ? *d : Delimiter::none;
  }

  struct Line {
    std::string text;
    long long index;
  };
  // Every line for_each_line hands out, checking the padding promise on each.
  std::vector<Line> lines(const fs::path& p, size_t padding = 64) {
    std::vector<Line> out;
    auto st = for_each_line(p, padding, [&](std::string_view text, long long index) {
      // Touch every promised padding byte (ASan builds catch an overrun).
      volatile unsigned sum = 0;
      for (size_t i = 0; i < padding; ++i)
        sum = sum + static_cast<unsigned char>(text.data()[text.size() + i]);
      (void)sum;
      out.push_back({std::string(text), index});
      return true;
    });
    EXPECT_TRUE(st.ok()) << (st.ok() ? "" : st.error().message);
    return out;
  }
  std::vector<std::string> texts(const fs::path& p) {
    std::vector<std::string> out;
    long long expect_index = 0;
    for (auto& l : lines(p)) {
      EXPECT_EQ(l.index, expect_index++) << "indexes count lines from 0 without gaps";
      out.push_back(std::move(l.text));
    }
    return out;
  }

  testing::TempDir dir_;
};

TEST_F(Records, ParseDelimiter) {
  EXPECT_EQ(*parse_delimiter(""), Delimiter::none);
  EXPECT_EQ(*parse_delimiter("none"), Delimiter::none);
  EXPECT_EQ(*parse_delimiter("array"), Delimiter::array);
  EXPECT_EQ(*parse_delimiter("new_line"), Delimiter::new_line);
  auto bad = parse_delimiter("comma");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("comma"), std::string::npos);
  EXPECT_STREQ(delimiter_name(Delimiter::new_line), "new_line");
  EXPECT_STREQ(delimiter_name(Delimiter::array), "array");
  EXPECT_STREQ(delimiter_name(Delimiter::none), "none");
}

TEST_F(Records, SniffByExtension) {
  // The name wins over the content.
  EXPECT_EQ(sniff("a.ndjson", "[1, 2]"), Delimiter::new_line);
  EXPECT_EQ(sniff("a.jsonl", "{\"a\": 1}"), Delimiter::new_line);
}

TEST_F(Records, SniffArray) {
  EXPECT_EQ(sniff("a.json", "[{\"a\": 1}, {\"a\": 2}]"), Delimiter::array);
  EXPECT_EQ(sniff("b.json", "  \r\n\t [\n  {\"a\": 1}\n]\n"), Delimiter::array);
  EXPECT_EQ(sniff("c.data", "[]"), Delimiter::array);
}

TEST_F(Records, SniffObjectPerLine) {
  EXPECT_EQ(sniff("a.json", "{\"a\": 1}\n{\"a\": 2}\n"), Delimiter::new_line);
  EXPECT_EQ(sniff("b.json", "{\"a\": 1}\r\n{\"a\": 2}\r\n"), Delimiter::new_line);
  EXPECT_EQ(sniff("c.json", "{\"a\": 1}  \n\n   {\"a\": 2}"), Delimiter::new_line);
}

TEST_F(Records, SniffOneDocument) {
  EXPECT_EQ(sniff("a.json", "{\"a\": 1}"), Delimiter::none);
  EXPECT_EQ(sniff("b.json",
                  "{\n  \"a\": {\n    \"b\": 1\n  },\n  \"c\": [\n    {\"d\": 1},\n    {\"d\": "
                  "2}\n  ]\n}\n"),
            Delimiter::none);
  EXPECT_EQ(sniff("c.json", ""), Delimiter::none);
  EXPECT_EQ(sniff("d.json", "\n\n"), Delimiter::none);
}

TEST_F(Records, SniffMissingFileIsAnError) {
  auto d = sniff_delimiter(dir_.path() / "nope.json");
  ASSERT_FALSE(d.ok());
  EXPECT_NE(d.error().message.find("nope.json"), std::string::npos) << d.error().message;
  // By extension there is nothing to open; reading it later reports the problem.
  auto r = read_padded(dir_.path() / "nope.ndjson", 64);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("nope.ndjson"), std::string::npos);
  auto st = for_each_line(dir_.path() / "nope.ndjson", 64,
                          [](std::string_view, long long) { return true; });
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message.find("nope.ndjson"), std::string::npos);
}

TEST_F(Records, ReadPaddedKeepsBytesAndPadding) {
  for (size_t size :
       {size_t{0}, size_t{1}, size_t{4095}, kMiB - 1, kMiB, kMiB + 1, 3 * kMiB + 17}) {
    std::string bytes(size, 'x');
    for (size_t i = 0; i < size; i += 997) bytes[i] = static_cast<char>('a' + i % 26);
    if (size) bytes[size - 1] = '\0';  // binary content survives
    auto data = read_padded(write("f" + std::to_string(size), bytes), 64);
    ASSERT_TRUE(data.ok()) << data.error().message;
    EXPECT_EQ(data->size(), size);
    EXPECT_TRUE(*data == bytes) << "content differs for size " << size;
    EXPECT_GE(data->capacity(), size + 64) << "padding not allocated for size " << size;
    volatile unsigned sum = 0;
    for (size_t i = 0; i < 64; ++i) sum = sum + static_cast<unsigned char>(data->data()[size + i]);
    (void)sum;
  }
}

TEST_F(Records, EmptyFileHasNoLines) { EXPECT_TRUE(texts(write("e.ndjson", "")).empty()); }

TEST_F(Records, FinalLineWithoutNewlineCounts) {
  EXPECT_EQ(texts(write("a.ndjson", "{\"a\":1}\n{\"a\":2}")),
            (std::vector<std::string>{"{\"a\":1}", "{\"a\":2}"}));
  EXPECT_EQ(texts(write("b.ndjson", "only")), (std::vector<std::string>{"only"}));
}

TEST_F(Records, TrailingNewlineAddsNoLine) {
  EXPECT_EQ(texts(write("a.ndjson", "x\ny\n")), (std::vector<std::string>{"x", "y"}));
}

TEST_F(Records, BlankLinesAreLines) {
  // A blank line is a record that is not JSON; it must not vanish.
  EXPECT_EQ(texts(write("a.ndjson", "\nx\n\n\ny\n")),
            (std::vector<std::string>{"", "x", "", "", "y"}));
  EXPECT_EQ(texts(write("b.ndjson", "\r\n")), (std::vector<std::string>{""}));
}

TEST_F(Records, CrlfIsStripped) {
  EXPECT_EQ(texts(write("a.ndjson", "a\r\nb\r\nc")), (std::vector<std::string>{"a", "b", "c"}));
  // Only a '\r' right before '\n' belongs to the line break.
  EXPECT_EQ(texts(write("b.ndjson", "a\rb\r\n")), (std::vector<std::string>{"a\rb"}));
}

TEST_F(Records, StopsWhenAsked) {
  const auto p = write("a.ndjson", "1\n2\n3\n4\n");
  std::vector<long long> seen;
  auto st = for_each_line(p, 64, [&](std::string_view, long long i) {
    seen.push_back(i);
    return i < 1;
  });
  EXPECT_TRUE(st.ok());
  EXPECT_EQ(seen, (std::vector<long long>{0, 1}));
}

TEST_F(Records, LineLongerThanABlock) {
  const std::string longline(3 * kMiB + 123, 'L');
  const auto p = write("long.ndjson", "first\n" + longline + "\nlast\n");
  const auto got = texts(p);
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0], "first");
  EXPECT_EQ(got[1].size(), longline.size());
  EXPECT_TRUE(got[1] == longline);
  EXPECT_EQ(got[2], "last");
}

TEST_F(Records, LineOfExactlyOneBlock) {
  const std::string block(kMiB, 'B');
  EXPECT_EQ(texts(write("a.ndjson", block + "\n" + "z")), (std::vector<std::string>{block, "z"}));
  EXPECT_EQ(texts(write("b.ndjson", block)), (std::vector<std::string>{block}));
  EXPECT_EQ(texts(write("c.ndjson", block + "\n")), (std::vector<std::string>{block}));
}

TEST_F(Records, CrlfSplitAcrossTheBlockBoundary) {
  // '\r' is the last byte of the first block, '\n' the first of the second.
  const std::string first(kMiB - 1, 'a');
  const auto got = texts(write("a.ndjson", first + "\r\n" + "second\r\n"));
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].size(), first.size()) << "the '\\r' before a '\\n' in the next block must go";
  EXPECT_EQ(got[1], "second");
}

TEST_F(Records, NewlineExactlyAtTheBlockBoundary) {
  for (size_t len : {kMiB - 2, kMiB - 1, kMiB, kMiB + 1}) {
    const std::string first(len, 'a');
    const auto got = texts(write("n" + std::to_string(len) + ".ndjson", first + "\nb\nc"));
    ASSERT_EQ(got.size(), 3u) << len;
    EXPECT_EQ(got[0].size(), len);
    EXPECT_EQ(got[1], "b");
    EXPECT_EQ(got[2], "c");
  }
}

TEST_F(Records, ManyLinesStraddlingBlocksKeepTextAndIndex) {
  // ~5 MiB of lines of random length, each naming its own index.
  std::mt19937 rng(20240607);
  std::uniform_int_distribution<int> len(0, 9000);
  std::vector<std::string> want;
  std::string file;
  for (size_t i = 0; file.size() < 5 * kMiB; ++i) {
    std::string line = std::to_string(i) + ":" +
                       std::string(static_cast<size_t>(len(rng)), static_cast<char>('a' + i % 26));
    if (i % 7 == 3) line.clear();  // blank lines too
    want.push_back(line);
    file += line + (i % 5 == 0 ? "\r\n" : "\n");
  }
  const auto got = lines(write("many.ndjson", file));
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    ASSERT_EQ(got[i].index, static_cast<long long>(i));
    ASSERT_EQ(got[i].text, want[i]) << "line " << i;
  }
}

TEST_F(Records, PaddingIsHonouredForLargePadding) {
  // A padding bigger than the usual 64 bytes still holds for the last line.
  const auto got = lines(write("a.ndjson", "x\n" + std::string(kMiB - 3, 'y')), 4096);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[1].text.size(), kMiB - 3);
}

}  // namespace
}  // namespace bt::contract
