// The fault matrix: see docs/reliability.md.
#include <gtest/gtest.h>
