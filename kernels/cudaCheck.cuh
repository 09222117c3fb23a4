/*---------------------------------------------------------------------------*\
  pinnFoam kernels: cudaCheck.cuh

  Description
      Error checks for CUDA, cuBLAS and cuRAND calls: a failed call throws
      std::runtime_error naming the call, the file and the line.
\*---------------------------------------------------------------------------*/
#pragma once

#include <cublas_v2.h>
#include <cuda_runtime.h>
#include <curand.h>

#include <sstream>
#include <stdexcept>
#include <string>

namespace pinn
{
namespace cuda
{

//- Whether err is a fault of a kernel on the device: the CUDA context is
//  then lost ("sticky" errors) and nothing more can run in this process
inline bool deviceFault(cudaError_t err)
{
    switch (err)
    {
        case cudaErrorIllegalAddress:
        case cudaErrorLaunchFailure:
        case cudaErrorIllegalInstruction:
        case cudaErrorMisalignedAddress:
        case cudaErrorInvalidAddressSpace:
        case cudaErrorInvalidPc:
        case cudaErrorHardwareStackError:
        case cudaErrorAssert:
        case cudaErrorLaunchTimeout:
        case cudaErrorECCUncorrectable:
            return true;
        default:
            return false;
    }
}

//- What a user does about a device fault
inline const char* faultAdvice()
{
    return "\n    A kernel faulted on the GPU: the CUDA context is lost and this run cannot go on."
           "\n    Nothing half-written is left: every visible time directory holds a complete"
           " checkpoint;\n    restart from the last one with 'startFrom latestTime;'. To name the"
           " kernel, run again\n    with 'checkKernels yes;' in constant/pinnProperties (each"
           " kernel is then checked as it\n    ends, without CUDA graphs: slower).";
}

[[noreturn]] inline void throwError(
    const char* what, const std::string& detail, const char* file, int line)
{
    std::ostringstream os;
    os << "CUDA backend: " << what << " failed: " << detail << " (" << file << ':' << line << ')';
    throw std::runtime_error(os.str());
}

//- Throw for a failed call: a device fault gets the advice above
[[noreturn]] inline void throwCudaError(
    const char* what, cudaError_t err, const char* file, int line)
{
    std::string detail = cudaGetErrorString(err);
    if (deviceFault(err)) detail += faultAdvice();
    throwError(what, detail, file, line);
}

inline const char* cublasStatusName(cublasStatus_t s)
{
    switch (s)
    {
        case CUBLAS_STATUS_SUCCESS:
            return "CUBLAS_STATUS_SUCCESS";
        case CUBLAS_STATUS_NOT_INITIALIZED:
            return "CUBLAS_STATUS_NOT_INITIALIZED";
        case CUBLAS_STATUS_ALLOC_FAILED:
            return "CUBLAS_STATUS_ALLOC_FAILED";
        case CUBLAS_STATUS_INVALID_VALUE:
            return "CUBLAS_STATUS_INVALID_VALUE";
        case CUBLAS_STATUS_ARCH_MISMATCH:
            return "CUBLAS_STATUS_ARCH_MISMATCH";
        case CUBLAS_STATUS_MAPPING_ERROR:
            return "CUBLAS_STATUS_MAPPING_ERROR";
        case CUBLAS_STATUS_EXECUTION_FAILED:
            return "CUBLAS_STATUS_EXECUTION_FAILED";
        case CUBLAS_STATUS_INTERNAL_ERROR:
            return "CUBLAS_STATUS_INTERNAL_ERROR";
        case CUBLAS_STATUS_NOT_SUPPORTED:
            return "CUBLAS_STATUS_NOT_SUPPORTED";
        default:
            return "cuBLAS error";
    }
}

} // namespace cuda
} // namespace pinn

#define PINN_CUDA_CHECK(call)                                                                      \
    do {                                                                                           \
        const cudaError_t pinnErr_ = (call);                                                       \
        if (pinnErr_ != cudaSuccess)                                                               \
        {                                                                                          \
            cudaGetLastError(); /* clear it: the next launch check is clean */                     \
            ::pinn::cuda::throwCudaError(#call, pinnErr_, __FILE__, __LINE__);                     \
        }                                                                                          \
    } while (0)

//- After a kernel launch: launch-configuration errors
#define PINN_CUDA_CHECK_LAUNCH() PINN_CUDA_CHECK(cudaGetLastError())

#define PINN_CUBLAS_CHECK(call)                                                                    \
    do {                                                                                           \
        const cublasStatus_t pinnSt_ = (call);                                                     \
        /* the status is the answer: drop any runtime error the library */                         \
        /* left behind, so the next kernel-launch check sees only its own */                       \
        cudaGetLastError();                                                                        \
        if (pinnSt_ != CUBLAS_STATUS_SUCCESS)                                                      \
        {                                                                                          \
            ::pinn::cuda::throwError(                                                              \
                #call, ::pinn::cuda::cublasStatusName(pinnSt_), __FILE__, __LINE__);               \
        }                                                                                          \
    } while (0)

#define PINN_CURAND_CHECK(call)                                                                    \
    do {                                                                                           \
        const curandStatus_t pinnSt_ = (call);                                                     \
        cudaGetLastError();                                                                        \
        if (pinnSt_ != CURAND_STATUS_SUCCESS)                                                      \
        {                                                                                          \
            ::pinn::cuda::throwError(                                                              \
                #call, "curandStatus " + std::to_string(int(pinnSt_)), __FILE__, __LINE__);        \
        }                                                                                          \
    } while (0)

#ifdef PINN_WITH_NCCL
#define PINN_NCCL_CHECK(call)                                                                      \
    do {                                                                                           \
        const ncclResult_t pinnSt_ = (call);                                                       \
        if (pinnSt_ != ncclSuccess)                                                                \
        {                                                                                          \
            ::pinn::cuda::throwError(#call, ncclGetErrorString(pinnSt_), __FILE__, __LINE__);      \
        }                                                                                          \
    } while (0)
#endif
