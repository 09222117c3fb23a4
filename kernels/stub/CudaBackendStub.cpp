/*---------------------------------------------------------------------------*\
  pinnFoam kernels: stub/CudaBackendStub.cpp

  Description
      libpinnCuda.so of a build without CUDA: the names of CudaBackend.hpp,
      each saying that pinnFoam was built without CUDA, and a "gpu" entry
      in the core's registry that is never usable, with that reason. Callers
      (solver, tests, benchmarks) need no conditional compilation.
\*---------------------------------------------------------------------------*/

#include "CudaBackend.hpp"
#include "pinn/BackendRegistry.hpp"

#include <stdexcept>

namespace pinn
{

namespace
{

const char* const notBuilt =
    "pinnFoam was built without CUDA (no nvcc was found when ./Allwmake ran):"
    " install the CUDA toolkit (nvcc in /usr/local/cuda/bin or on the PATH)"
    " and run ./Allwmake again, or set 'device cpu;'";

[[noreturn]] void refuse()
{
    throw std::runtime_error(notBuilt);
}

} // namespace


bool cudaDeviceUsable(std::string& msg)
{
    msg = notBuilt;
    return false;
}


template<class Real>
std::unique_ptr<Backend<Real>> newCudaBackend(const Problem&, const BackendOptions&)
{
    refuse();
}

template std::unique_ptr<Backend<float>> newCudaBackend<float>(
    const Problem&, const BackendOptions&);
template std::unique_ptr<Backend<double>> newCudaBackend<double>(
    const Problem&, const BackendOptions&);


namespace cuda
{

template<class Real>
std::vector<Real> uniformBox(
    idx, const std::vector<double>&, const std::vector<double>&, std::uint64_t, int)
{
    refuse();
}

template std::vector<float> uniformBox<float>(
    idx, const std::vector<double>&, const std::vector<double>&, std::uint64_t, int);
template std::vector<double> uniformBox<double>(
    idx, const std::vector<double>&, const std::vector<double>&, std::uint64_t, int);

template<class Real>
std::vector<std::pair<std::string, double>> profileStep(Backend<Real>&, int, const AdamConfig&)
{
    refuse();
}

template std::vector<std::pair<std::string, double>> profileStep<float>(
    Backend<float>&, int, const AdamConfig&);
template std::vector<std::pair<std::string, double>> profileStep<double>(
    Backend<double>&, int, const AdamConfig&);

template<class Real>
std::vector<double> timeSteps(Backend<Real>&, int, const AdamConfig&)
{
    refuse();
}

template std::vector<double> timeSteps<float>(Backend<float>&, int, const AdamConfig&);
template std::vector<double> timeSteps<double>(Backend<double>&, int, const AdamConfig&);

namespace testing
{
template<class Real>
InteriorSet<Real> interiorSet(Backend<Real>&)
{
    refuse();
}
template InteriorSet<float> interiorSet<float>(Backend<float>&);
template InteriorSet<double> interiorSet<double>(Backend<double>&);

template<class Real>
void poisonPoints(Backend<Real>&)
{
    refuse();
}
template void poisonPoints<float>(Backend<float>&);
template void poisonPoints<double>(Backend<double>&);
} // namespace testing

} // namespace cuda


namespace
{

const BackendRegistration stubRegistration(BackendEntry{
    "gpu", "CUDA (not built)", &newCudaBackend<float>, &newCudaBackend<double>, &cudaDeviceUsable});

} // namespace

} // namespace pinn
