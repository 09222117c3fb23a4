#include "DeviceArena.cuh"
#include "cudaCheck.cuh"

#include <sstream>

namespace pinn
{
namespace cuda
{

namespace
{
std::string mib(std::size_t b)
{
    std::ostringstream os;
    os.precision(1);
    os << std::fixed << double(b) / (1024.0 * 1024.0) << " MiB";
    return os.str();
}
} // namespace

DeviceArena::~DeviceArena()
{
    if (base_) cudaFree(base_);
}

void DeviceArena::release()
{
    if (base_)
    {
        PINN_CUDA_CHECK(cudaFree(base_));
    }
    base_ = nullptr;
    size_ = 0;
    offset_ = 0;
}

void DeviceArena::reserve(std::size_t bytes, std::size_t maxBytes, const std::string& hint)
{
    release();
    bytes = alignUp(bytes);
    if (bytes > maxBytes)
    {
        std::ostringstream os;
        os << "CUDA backend: this run needs " << mib(bytes)
           << " of device memory but may take only " << mib(maxBytes) << ". " << hint;
        throw std::runtime_error(os.str());
    }
    void* p = nullptr;
    const cudaError_t err = cudaMalloc(&p, bytes);
    if (err != cudaSuccess)
    {
        cudaGetLastError(); // clear the sticky-free allocation error
        std::ostringstream os;
        os << "CUDA backend: allocating the device memory pool of " << mib(bytes) << " failed ("
           << cudaGetErrorString(err) << "). " << hint;
        throw std::runtime_error(os.str());
    }
    base_ = static_cast<char*>(p);
    size_ = bytes;
    offset_ = 0;
}

void* DeviceArena::allocate(std::size_t bytes, const char* what)
{
    const std::size_t n = alignUp(bytes);
    if (!base_ || offset_ + n > size_)
    {
        std::ostringstream os;
        os << "CUDA backend: device memory pool exhausted allocating " << what << " (" << mib(n)
           << " with " << mib(size_ - offset_) << " free of " << mib(size_)
           << "): the pool plan is wrong";
        throw std::runtime_error(os.str());
    }
    void* p = base_ + offset_;
    offset_ += n;
    if (offset_ > peak_) peak_ = offset_;
    ++allocations_;
    return p;
}

} // namespace cuda
} // namespace pinn
