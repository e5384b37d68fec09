#include "util/recent.h"

#include <gtest/gtest.h>

namespace bt {
namespace {

TEST(RecentCache, KeepsTheMostRecentlyUsedAndDropsTheOldest) {
  RecentCache<int> cache(2);
  cache.put("a", 1);
  cache.put("b", 2);
  EXPECT_EQ(cache.get("a"), 1);  // a is now more recent than b
  cache.put("c", 3);             // full: b goes
  EXPECT_EQ(cache.get("b"), std::nullopt);
  EXPECT_EQ(cache.get("a"), 1);
  EXPECT_EQ(cache.get("c"), 3);
  cache.put("c", 4);  // replaced, not added
  cache.put("d", 5);  // a was least recent
  EXPECT_EQ(cache.get("a"), std::nullopt);
  EXPECT_EQ(cache.get("c"), 4);
  EXPECT_EQ(cache.get("d"), 5);
}

}  // namespace
}  // namespace bt
