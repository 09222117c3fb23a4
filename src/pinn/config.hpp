/*---------------------------------------------------------------------------*\
  pinnFoam core: config.hpp

  Description
      Compiler glue shared by the CPU and CUDA backends: PINN_HD marks a
      function that is compiled for host and device. No OpenFOAM include.
\*---------------------------------------------------------------------------*/
#pragma once

#include <cstdint>
#include <cmath>

#if defined(__CUDACC__)
#define PINN_HD __host__ __device__ inline
#else
#define PINN_HD inline
#endif

// PINN_HD_OUTLINE: a function (template) of both backends that the device
// code calls out of line: code that most kernels carry but few run (the sin
// activation's sinf/cosf with their range reduction, inlined at every unit
// of the fused kernels, made their code about twice as large; out of line
// the tanh kernels' times did not change, H100, round 8 call 6)
#if defined(__CUDACC__)
#define PINN_HD_OUTLINE __host__ __device__ __noinline__
#else
#define PINN_HD_OUTLINE inline
#endif

#if defined(__CUDA_ARCH__)
#define PINN_UNROLL _Pragma("unroll")
#else
#define PINN_UNROLL
#endif

namespace pinn
{

//- Index type for points and parameters (64 bit: 10M points x streams)
using idx = std::int64_t;

namespace math
{
// Overloads that resolve to the right function on host and device
PINN_HD float tanhR(float x)
{
    return ::tanhf(x);
}
PINN_HD double tanhR(double x)
{
    return ::tanh(x);
}
PINN_HD float sinR(float x)
{
    return ::sinf(x);
}
PINN_HD double sinR(double x)
{
    return ::sin(x);
}
PINN_HD float cosR(float x)
{
    return ::cosf(x);
}
PINN_HD double cosR(double x)
{
    return ::cos(x);
}
PINN_HD float sqrtR(float x)
{
    return ::sqrtf(x);
}
PINN_HD double sqrtR(double x)
{
    return ::sqrt(x);
}
} // namespace math

} // namespace pinn
