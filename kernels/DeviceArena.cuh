/*---------------------------------------------------------------------------*\
  pinnFoam kernels: DeviceArena.cuh

  Description
      Device memory pool: one cudaMalloc, sub-allocated by bumping an offset
      (256-byte alignment). A mark/release pair frees everything allocated
      after the mark, so per-configuration buffers can be laid out again
      without touching the persistent ones (parameters, optimiser state).
      Statistics: pool size, bytes in use, high-water mark, allocations.
\*---------------------------------------------------------------------------*/
#pragma once

#include <cstddef>
#include <string>

namespace pinn
{
namespace cuda
{

class DeviceArena
{
public:
    static constexpr std::size_t alignment = 256;

    static std::size_t alignUp(std::size_t n)
    {
        return (n + alignment - 1) / alignment * alignment;
    }

    DeviceArena() = default;
    DeviceArena(const DeviceArena&) = delete;
    DeviceArena& operator=(const DeviceArena&) = delete;
    ~DeviceArena();

    //- Allocate the pool of the given size (frees a previous one). Throws
    //  std::runtime_error with hint in the message when the device cannot
    //  hold it or when it exceeds maxBytes.
    void reserve(std::size_t bytes, std::size_t maxBytes, const std::string& hint);

    //- Free the pool
    void release();

    //- Sub-allocate (aligned); throws if the pool is exhausted
    void* allocate(std::size_t bytes, const char* what);

    template<class T>
    T* allocate(std::size_t n, const char* what)
    {
        return static_cast<T*>(allocate(n * sizeof(T), what));
    }

    //- Current offset, to return to with rewind
    std::size_t mark() const { return offset_; }
    void rewind(std::size_t mark) { offset_ = mark; }

    std::size_t poolBytes() const { return size_; }
    std::size_t inUse() const { return offset_; }
    std::size_t peak() const { return peak_; }
    std::size_t allocations() const { return allocations_; }
    bool valid() const { return base_ != nullptr; }

private:
    char* base_ = nullptr;
    std::size_t size_ = 0;
    std::size_t offset_ = 0;
    std::size_t peak_ = 0;
    std::size_t allocations_ = 0;
};

} // namespace cuda
} // namespace pinn
