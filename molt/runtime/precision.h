// The numeric precision an encoder computes in: compute::Precision (compute/precision.h
// defines each format), named here as well because it is a run option of the Encoder.
#pragma once

#include "molt/compute/precision.h"

namespace molt::runtime {

using compute::parse_precision;
using compute::Precision;
using compute::precision_name;

}  // namespace molt::runtime
