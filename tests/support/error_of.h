// The molt::Error a callable throws, for tests that check kind, message and location; a test
// failure (and an internal error) when it throws none.
#pragma once

#include <utility>

#include <gtest/gtest.h>

#include "molt/base/error.h"

namespace molt::test {

template <class F>
molt::Error error_of(F&& fn) {
  try {
    std::forward<F>(fn)();
  } catch (const molt::Error& e) {
    return e;
  }
  ADD_FAILURE() << "no error";
  return molt::internal_error("none");
}

}  // namespace molt::test
