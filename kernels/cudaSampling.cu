/*---------------------------------------------------------------------------*\
  pinnFoam kernels: cudaSampling.cu

  Description
      Point sampling on the device with cuRAND: uniform points in a box
      (Philox generator, then an affine map kernel).
\*---------------------------------------------------------------------------*/

#include "CudaBackend.hpp"
#include "DeviceArena.cuh"
#include "cudaCheck.cuh"
#include "streamKernels.cuh"

namespace pinn
{
namespace cuda
{

namespace
{
inline curandStatus_t generateUniform(curandGenerator_t g, float* x, std::size_t n)
{
    return curandGenerateUniform(g, x, n);
}
inline curandStatus_t generateUniform(curandGenerator_t g, double* x, std::size_t n)
{
    return curandGenerateUniformDouble(g, x, n);
}

//- Generator that is destroyed on every path
struct Generator
{
    curandGenerator_t g = nullptr;
    ~Generator()
    {
        if (g) curandDestroyGenerator(g);
    }
};
} // namespace


template<class Real>
std::vector<Real> uniformBox(idx n, const std::vector<double>& lo, const std::vector<double>& hi,
    std::uint64_t seed, int deviceId)
{
    const int D = int(lo.size());
    if (D < 1 || D > 3 || hi.size() != lo.size())
    {
        throw std::runtime_error("uniformBox: the box needs 1 to 3 dimensions");
    }
    std::vector<Real> out(std::size_t(n) * D);
    if (n <= 0) return out;
    PINN_CUDA_CHECK(cudaSetDevice(deviceId));
    DeviceArena arena;
    arena.reserve(out.size() * sizeof(Real), ~std::size_t(0), "uniformBox: fewer points");
    Real* x = arena.allocate<Real>(out.size(), "sample points");
    Generator gen;
    PINN_CURAND_CHECK(curandCreateGenerator(&gen.g, CURAND_RNG_PSEUDO_PHILOX4_32_10));
    PINN_CURAND_CHECK(curandSetPseudoRandomGeneratorSeed(gen.g, seed));
    PINN_CURAND_CHECK(generateUniform(gen.g, x, out.size()));
    double l[3] = {0, 0, 0}, h[3] = {0, 0, 0};
    for (int i = 0; i < D; ++i)
    {
        l[i] = lo[i];
        h[i] = hi[i] - lo[i];
    }
    const idx total = n * D;
    scaleBoxKernel<Real><<<int((total + blockSize - 1) / blockSize), blockSize>>>(
        x, n, D, l[0], l[1], l[2], h[0], h[1], h[2]);
    PINN_CUDA_CHECK_LAUNCH();
    PINN_CUDA_CHECK(cudaMemcpy(out.data(), x, out.size() * sizeof(Real), cudaMemcpyDeviceToHost));
    return out;
}

template std::vector<float> uniformBox<float>(
    idx, const std::vector<double>&, const std::vector<double>&, std::uint64_t, int);
template std::vector<double> uniformBox<double>(
    idx, const std::vector<double>&, const std::vector<double>&, std::uint64_t, int);

} // namespace cuda
} // namespace pinn
