// validate() names the rule that is broken.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "shapes.hpp"

#include "topology/topology.hpp"
#include "util/error.hpp"
#include "support/ktstr_test_support.hpp"

using namespace ktstr;
using namespace ktstr::topology;
using ::testing::HasSubstr;

namespace {
using ktstr::topology::test::T;

std::string validate_error(const Topology& t, uint32_t max_cpus = kDefaultMaxCpus) {
  return ktstr::test::error_of([&] { t.validate(max_cpus); });
}
}  // namespace

TEST(Validate, AcceptsGoodShapes) {
  EXPECT_NO_THROW(T(1, 1, 1, 1).validate());
  EXPECT_NO_THROW(T(2, 4, 4, 1).validate());
  EXPECT_NO_THROW(T(1, 15, 8, 2).validate());  // 240
}

TEST(Validate, ZeroFields) {
  EXPECT_THAT(validate_error(T(0, 1, 1, 1)), HasSubstr("numa_nodes must be at least 1"));
  EXPECT_THAT(validate_error(T(1, 0, 1, 1)), HasSubstr("llcs must be at least 1"));
  EXPECT_THAT(validate_error(T(1, 1, 0, 1)), HasSubstr("cores_per_llc must be at least 1"));
  EXPECT_THAT(validate_error(T(1, 1, 1, 0)), HasSubstr("threads_per_core must be at least 1"));
}

TEST(Validate, LlcsMultipleOfNodes) {
  EXPECT_THAT(validate_error(T(2, 3, 2, 1)), HasSubstr("llcs (3) must be a multiple of numa_nodes (2)"));
}

TEST(Validate, CpuCeilingIsAParameter) {
  EXPECT_THAT(validate_error(T(1, 16, 16, 1)), HasSubstr("256 CPUs; the VM backend allows at most 255"));
  EXPECT_THAT(validate_error(T(1, 2, 4, 1), 4), HasSubstr("8 CPUs; the VM backend allows at most 4"));
  EXPECT_THAT(validate_error(T(1, 4096, 4096, 4096)), HasSubstr("CPUs; the VM backend allows"));  // no overflow
}

TEST(Validate, UnevenNodes) {
  Topology t = T(2, 3, 2, 1);
  t.nodes = {{.llcs = 1}, {.llcs = 1}};
  EXPECT_THAT(validate_error(t), HasSubstr("the uneven nodes own 2 LLCs in total but llcs is 3"));
  t.nodes = {{.llcs = 1}, {.llcs = 1}, {.llcs = 1}};
  EXPECT_THAT(validate_error(t), HasSubstr("3 uneven nodes declared but numa_nodes is 2"));
  t.nodes = {{.llcs = 1}, {.llcs = 2, .memory_mb = 8}};
  EXPECT_THAT(validate_error(t), HasSubstr("node 1 has 8 MiB of memory; a node needs at least 64 MiB"));
  t.nodes = {{.llcs = 1}, {.llcs = 2}};
  EXPECT_EQ(validate_error(t), ktstr::test::kNoError);  // uneven nodes lift the multiple-of rule
}

TEST(Validate, DistanceMatrix) {
  Topology t = T(2, 2, 1, 1);
  t.distances = {{10, 20}};
  EXPECT_THAT(validate_error(t), HasSubstr("the distance matrix has 1 rows; it must be 2x2"));
  t.distances = {{10, 20}, {20}};
  EXPECT_THAT(validate_error(t), HasSubstr("distance row 1 has 1 entries"));
  t.distances = {{10, 20}, {20, 11}};
  EXPECT_THAT(validate_error(t), HasSubstr("distance[1][1] is 11; a node's distance to itself must be 10"));
  t.distances = {{10, 10}, {10, 10}};
  EXPECT_THAT(validate_error(t), HasSubstr("distance[0][1] is 10; distances between different nodes must be greater than 10"));
  t.distances = {{10, 20}, {30, 10}};
  EXPECT_THAT(validate_error(t), HasSubstr("distance[0][1] is 20 but distance[1][0] is 30; the matrix must be symmetric"));
  t.distances = {{10, 300}, {300, 10}};
  EXPECT_THAT(validate_error(t), HasSubstr("at most 254"));
  t.distances = {{10, 21}, {21, 10}};
  EXPECT_EQ(validate_error(t), ktstr::test::kNoError);
}
