/*---------------------------------------------------------------------------*\
  pinnFoam kernels: CudaBackend.hpp

  Description
      Public face of the CUDA backend library (libpinnCuda.so), plain C++
      (no CUDA header), for the tests and benchmarks that call it directly.
      The library registers itself as backend "gpu" with the core's
      registry when it is loaded (pinn/BackendRegistry.hpp): the solver
      reaches it through pinn::newBackend("gpu", ...) and never links it.

      newCudaBackend makes a pinn::Backend<Real> that trains on the GPU:
      derivative streams through fused layer kernels (or cuBLAS GEMMs and
      elementwise kernels), residual/loss/VJP kernels, a fused Adam update,
      one device memory pool, chunked gradient accumulation, the training
      step captured in a CUDA graph. See CudaBackend.cu for the layout.

      Built without CUDA, the same library and names exist (stub/): every
      call says that pinnFoam was built without CUDA.
\*---------------------------------------------------------------------------*/
#pragma once

#include "pinn/Backend.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace pinn
{

//- The CUDA backend for float or double
template<class Real>
std::unique_ptr<Backend<Real>> newCudaBackend(const Problem& problem, const BackendOptions& opts);

//- Whether a GPU can run this build's kernels; the reason in msg if not.
//  Never throws and never crashes on a machine without GPU or driver.
bool cudaDeviceUsable(std::string& msg);

namespace cuda
{

//- n points uniform in the box [lo, hi] (D = lo.size() coordinates each,
//  point-major), drawn on the device with cuRAND (Philox) from seed and
//  copied back to the host
template<class Real>
std::vector<Real> uniformBox(idx n, const std::vector<double>& lo, const std::vector<double>& hi,
    std::uint64_t seed, int deviceId = 0);

//- Mean device time (ms) per phase of a training step (input streams,
//  forward GEMM, forward streams, residual+loss+VJP, weight-gradient GEMM,
//  backward GEMM, backward streams, gradient sum + Adam), from reps steps
//  run eagerly with CUDA events between the phases (the steps do update
//  the parameters). backend must come from newCudaBackend.
template<class Real>
std::vector<std::pair<std::string, double>> profileStep(
    Backend<Real>& backend, int reps, const AdamConfig& cfg);

//- Device time (ms) of each of n training steps (one captured graph
//  replayed per step, CUDA events between the steps on the backend's
//  stream; one untimed step first captures the graph). backend must come
//  from newCudaBackend.
template<class Real>
std::vector<double> timeSteps(Backend<Real>& backend, int n, const AdamConfig& cfg);

namespace testing
{

//- The interior points and their weights (before the term scales) as the
//  device holds them (after drawInterior: without a host copy)
template<class Real>
InteriorSet<Real> interiorSet(Backend<Real>& backend);

//- Fault injection, for the tests of how device faults are reported: the
//  backend's point buffer is pointed at an address that no kernel may read,
//  so that the next training step faults on the device (the CUDA context is
//  then lost for the whole process). backend must come from newCudaBackend.
template<class Real>
void poisonPoints(Backend<Real>& backend);

} // namespace testing

} // namespace cuda

} // namespace pinn
