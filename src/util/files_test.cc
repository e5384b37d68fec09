#include "util/files.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>

#include "support/temp_dir.h"

namespace bt {
namespace {

namespace fs = std::filesystem;

TEST(WriteNewFile, CreatesTheFileWithItsModeAndRefusesWhatIsThere) {
  testing::TempDir dir;
  const fs::path p = dir.path() / "tool.nu";
  ASSERT_TRUE(write_new_file(p, "print 1\n").ok());
  auto text = read_file(p);
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(*text, "print 1\n");
  struct stat st {};
  ASSERT_EQ(::stat(p.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0077, 0u);  // nobody but the owner

  // Never overwritten, and never written through a symlink planted there.
  EXPECT_FALSE(write_new_file(p, "other").ok());
  EXPECT_EQ(*read_file(p), "print 1\n");
  std::ofstream(dir.path() / "target") << "keep";
  fs::create_symlink(dir.path() / "target", dir.path() / "link");
  EXPECT_FALSE(write_new_file(dir.path() / "link", "other").ok());
  EXPECT_EQ(*read_file(dir.path() / "target"), "keep");
}

}  // namespace
}  // namespace bt
