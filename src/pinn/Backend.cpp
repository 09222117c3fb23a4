#include "pinn/Backend.hpp"
#include "pinn/CpuBackend.hpp"

#ifdef PINN_WITH_CUDA
#include "CudaBackend.hpp"
#endif

#include <stdexcept>

namespace pinn
{

Communicator& serialCommunicator()
{
    static SerialCommunicator serial;
    return serial;
}


bool builtWithCuda()
{
#ifdef PINN_WITH_CUDA
    return true;
#else
    return false;
#endif
}


bool gpuAvailable(std::string& msg)
{
#ifdef PINN_WITH_CUDA
    return cudaDeviceUsable(msg);
#else
    msg = "pinnFoam was built without CUDA (no nvcc found when ./Allwmake ran); "
          "install the CUDA toolkit and rebuild, or set 'device cpu;'";
    return false;
#endif
}


template<class Real>
std::unique_ptr<Backend<Real>> newBackend
(
    const std::string& kind, const Problem& problem, const BackendOptions& opts
)
{
    if (kind == "cpu")
    {
        return std::unique_ptr<Backend<Real>>(new CpuBackend<Real>(problem, opts));
    }
    if (kind == "gpu")
    {
        std::string why;
        if (!gpuAvailable(why))
        {
            throw std::runtime_error(why);
        }
#ifdef PINN_WITH_CUDA
        return newCudaBackend<Real>(problem, opts);
#endif
    }
    throw std::invalid_argument("unknown backend '" + kind + "' (valid: cpu gpu)");
}

template std::unique_ptr<Backend<float>> newBackend<float>(const std::string&, const Problem&, const BackendOptions&);
template std::unique_ptr<Backend<double>> newBackend<double>(const std::string&, const Problem&, const BackendOptions&);

} // namespace pinn
