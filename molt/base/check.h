// MOLT_CHECK: invariants that only a bug in molt can break. It aborts with the location;
// failures a user can cause throw molt::Error instead.
#pragma once

#include <cstdio>
#include <cstdlib>

#define MOLT_CHECK(cond)                                                              \
  do {                                                                                \
    if (!(cond)) {                                                                    \
      std::fprintf(stderr, "molt: internal check failed: %s (%s:%d)\n", #cond, __FILE__, \
                   __LINE__);                                                         \
      std::abort();                                                                   \
    }                                                                                 \
  } while (0)
