/*---------------------------------------------------------------------------*\
  pinnFoam kernels: cudaSampling.cu

  Description
      Point sampling on the device: uniform points in a box with cuRAND
      (Philox generator, then an affine map kernel); interior points by a
      cell density (cudaSampling.cuh, pinn/sampling.hpp).
\*---------------------------------------------------------------------------*/

#include "CudaBackend.hpp"
#include "DeviceArena.cuh"
#include "cudaCheck.cuh"
#include "cudaSampling.cuh"
#include "streamKernels.cuh"

#include <cub/device/device_scan.cuh>

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

// * * * * * * * * * * * * Interior draws by a density * * * * * * * * * * //

namespace
{

constexpr int drawBlock = 256;

inline int blocksFor(idx n)
{
    return int(std::max<idx>(1, (n + drawBlock - 1) / drawBlock));
}

template<class T>
T* carve(DeviceArena& a, idx n, const char* what)
{
    return a.allocate<T>(std::size_t(std::max<idx>(n, 1)), what);
}

__global__ void cellWeightsKernel(const double* volume, const double* density, idx nG, double* w)
{
    const idx g = idx(blockIdx.x) * blockDim.x + threadIdx.x;
    if (g >= nG) return;
    const double v = volume[g];
    if (density)
    {
        const double dg = density[g];
        w[g] = sampling::mulRn(v, dg > 0 ? dg : 0.0);
    }
    else
    {
        w[g] = v;
    }
}

__global__ void pickKernel(const double* cumulative, idx nG, const std::int32_t* localCell,
    idx n, std::uint64_t seed, std::uint64_t draw, std::uint32_t stream, std::int32_t* cell,
    std::int32_t* flag)
{
    const idx k = idx(blockIdx.x) * blockDim.x + threadIdx.x;
    if (k >= n) return;
    double u[5];
    sampling::pointUniforms(seed, draw, stream, std::uint64_t(k), u);
    const idx g = sampling::pickCumulative(cumulative, nG, u[0]);
    cell[k] = std::int32_t(g);
    flag[k] = localCell[g] >= 0 ? 1 : 0;
}

struct PlaceArgs
{
    const double* cellVolume;
    const std::int32_t* localCell;
    const double* centre;
    const idx* tetStart;
    const double* tets;
    const double* tetVolume;
    const double* factor;
    const double* source;
    const std::int32_t* cell;
    const std::int32_t* flag;
    const std::int32_t* place;
    idx n;
    std::uint64_t seed, draw;
    std::uint32_t stream;
    int dim;
    int component[3];
    double origin[3];
    double length;
    double weight;
    double scale;
};

template<class Real>
__global__ void placeKernel(PlaceArgs a, Real* x, Real* wRaw, Real* w, Real* s)
{
    const idx k = idx(blockIdx.x) * blockDim.x + threadIdx.x;
    if (k >= a.n || !a.flag[k]) return;
    double u[5];
    sampling::pointUniforms(a.seed, a.draw, a.stream, std::uint64_t(k), u);
    const idx g = a.cell[k];
    const idx c = a.localCell[g];
    double p[3];
    sampling::placeInCell(a.centre + 3 * c, a.tets, a.tetVolume, a.tetStart[c],
        a.tetStart[c + 1], a.cellVolume[g], u, p);
    const idx i = a.place[k];
    for (int d = 0; d < a.dim; ++d)
    {
        const int cm = a.component[d];
        x[i * a.dim + d] = Real(sampling::divRn(sampling::subRn(p[cm], a.origin[cm]), a.length));
    }
    const double wk = a.factor ? sampling::mulRn(a.weight, a.factor[g]) : a.weight;
    wRaw[i] = Real(wk);
    w[i] = Real(double(Real(wk)) * a.scale);
    if (a.source) s[i] = Real(a.source[g]);
}

template<class Real>
__global__ void scaleKernel(const Real* wRaw, Real* w, idx n, double scale)
{
    const idx i = idx(blockIdx.x) * blockDim.x + threadIdx.x;
    if (i < n) w[i] = Real(double(wRaw[i]) * scale);
}

} // namespace


void uploadCellTable(const sampling::CellTable& table, idx nMax, DeviceArena& arena,
    DeviceCellTable& t, cudaStream_t stream)
{
    table.check();
    if (nMax < 1) throw std::invalid_argument("cell table: at least one point per draw");
    if (table.nGlobal() >= idx(1) << 31 || nMax >= idx(1) << 31)
    {
        throw std::invalid_argument("cell table: 2^31 cells or points per draw at most");
    }
    const idx nG = table.nGlobal(), nL = table.nLocal(), nT = table.tetStart.back();

    // CUB's scan workspace for the larger of the two scans
    std::size_t bytesW = 0, bytesF = 0;
    PINN_CUDA_CHECK(cub::DeviceScan::InclusiveSum(
        nullptr, bytesW, (const double*)nullptr, (double*)nullptr, int(nG), stream));
    PINN_CUDA_CHECK(cub::DeviceScan::ExclusiveSum(nullptr, bytesF,
        (const std::int32_t*)nullptr, (std::int32_t*)nullptr, int(nMax), stream));
    const std::size_t scanBytes = std::max(bytesW, bytesF);

    const std::size_t A = DeviceArena::alignment;
    const std::size_t need = DeviceArena::alignUp(nG * sizeof(double)) * 5
        + DeviceArena::alignUp(nG * sizeof(std::int32_t)) + DeviceArena::alignUp(3 * nL * sizeof(double))
        + DeviceArena::alignUp((nL + 1) * sizeof(idx)) + DeviceArena::alignUp(9 * nT * sizeof(double))
        + DeviceArena::alignUp(nT * sizeof(double)) + 3 * DeviceArena::alignUp(nMax * sizeof(std::int32_t))
        + DeviceArena::alignUp(scanBytes) + 16 * A;
    std::size_t freeB = 0, totalB = 0;
    PINN_CUDA_CHECK(cudaMemGetInfo(&freeB, &totalB));
    arena.reserve(need, freeB / 2,
        "The mesh's cell table for drawing on the device does not fit: use the"
        " CPU for the sampling (a sampler without a density) or a coarser mesh.");

    t = DeviceCellTable();
    t.nGlobal = nG;
    t.nLocal = nL;
    t.nMax = nMax;
    t.dim = table.dim;
    for (int i = 0; i < 3; ++i)
    {
        t.component[i] = table.component[i];
        t.origin[i] = table.origin[i];
    }
    t.length = table.length;
    auto up = [&](auto* dst, const auto& v)
    {
        const std::size_t bytes = v.size() * sizeof(v[0]);
        if (bytes) PINN_CUDA_CHECK(cudaMemcpyAsync(dst, v.data(), bytes, cudaMemcpyHostToDevice, stream));
        t.h2d += bytes;
        return dst;
    };
    t.cellVolume = up(carve<double>(arena, nG, "cell volumes"), table.cellVolume);
    t.localCell = up(carve<std::int32_t>(arena, nG, "local cells"), table.localCell);
    t.centre = up(carve<double>(arena, 3 * nL, "cell centres"), table.centre);
    t.tetStart = up(carve<idx>(arena, nL + 1, "tet starts"), table.tetStart);
    t.tets = up(carve<double>(arena, 9 * nT, "tets"), table.tets);
    t.tetVolume = up(carve<double>(arena, nT, "tet volumes"), table.tetVolume);
    t.density = carve<double>(arena, nG, "cell density");
    t.factor = carve<double>(arena, nG, "cell weight factors");
    t.source = carve<double>(arena, nG, "cell sources");
    t.cumulative = carve<double>(arena, nG, "cumulative cell weights");
    t.cell = carve<std::int32_t>(arena, nMax, "cell of each point");
    t.flag = carve<std::int32_t>(arena, nMax, "point here");
    t.place = carve<std::int32_t>(arena, nMax, "place of each point");
    t.scanTemp = arena.allocate(std::max<std::size_t>(scanBytes, 1), "scan workspace");
    t.scanBytes = scanBytes;
    PINN_CUDA_CHECK(cudaStreamSynchronize(stream));
    t.valid = true;
}


idx countDraw(DeviceCellTable& t, const sampling::InteriorDraw& d, cudaStream_t stream)
{
    if (!t.valid) throw std::logic_error("interior draw on the device: no cell table");
    if (d.n > t.nMax)
    {
        throw std::invalid_argument("interior draw on the device: more points than the table"
                                    " was made for");
    }
    // The per-cell inputs of the draw (empty: not given) and their buffers
    const struct
    {
        const std::vector<double>& values;
        double* dst;
        const char* what;
    } perCell[] = {{d.density, t.density, "density value"}, {d.factor, t.factor, "weight factor"},
        {d.source, t.source, "source value"}};
    for (const auto& c : perCell)
    {
        if (!c.values.empty() && idx(c.values.size()) != t.nGlobal)
        {
            throw std::invalid_argument(
                std::string("interior draw: one ") + c.what + " per global cell expected");
        }
    }
    if (d.n == 0) return 0;
    const idx nG = t.nGlobal;
    for (const auto& c : perCell)
    {
        if (c.values.empty()) continue;
        PINN_CUDA_CHECK(cudaMemcpyAsync(
            c.dst, c.values.data(), nG * sizeof(double), cudaMemcpyHostToDevice, stream));
        t.h2d += nG * sizeof(double);
    }
    cellWeightsKernel<<<blocksFor(nG), drawBlock, 0, stream>>>(
        t.cellVolume, d.density.empty() ? nullptr : t.density, nG, t.cumulative);
    PINN_CUDA_CHECK_LAUNCH();
    std::size_t bytes = t.scanBytes;
    PINN_CUDA_CHECK(cub::DeviceScan::InclusiveSum(
        t.scanTemp, bytes, t.cumulative, t.cumulative, int(nG), stream));
    double total = 0;
    PINN_CUDA_CHECK(cudaMemcpyAsync(
        &total, t.cumulative + nG - 1, sizeof(double), cudaMemcpyDeviceToHost, stream));
    pickKernel<<<blocksFor(d.n), drawBlock, 0, stream>>>(t.cumulative, nG, t.localCell, d.n,
        d.seed, d.draw, d.stream, t.cell, t.flag);
    PINN_CUDA_CHECK_LAUNCH();
    bytes = t.scanBytes;
    PINN_CUDA_CHECK(
        cub::DeviceScan::ExclusiveSum(t.scanTemp, bytes, t.flag, t.place, int(d.n), stream));
    std::int32_t last[2] = {0, 0};
    PINN_CUDA_CHECK(cudaMemcpyAsync(
        &last[0], t.place + d.n - 1, sizeof(std::int32_t), cudaMemcpyDeviceToHost, stream));
    PINN_CUDA_CHECK(cudaMemcpyAsync(
        &last[1], t.flag + d.n - 1, sizeof(std::int32_t), cudaMemcpyDeviceToHost, stream));
    PINN_CUDA_CHECK(cudaStreamSynchronize(stream));
    t.d2h += sizeof(double) + sizeof(last);
    if (!(total > 0))
    {
        throw std::invalid_argument("interior draw: the density is zero everywhere");
    }
    return idx(last[0]) + idx(last[1]);
}


template<class Real>
void placeDraw(const DeviceCellTable& t, const sampling::InteriorDraw& d, Real* x, Real* wRaw,
    Real* w, Real* s, double scale, cudaStream_t stream)
{
    if (d.n == 0) return;
    PlaceArgs a;
    a.cellVolume = t.cellVolume;
    a.localCell = t.localCell;
    a.centre = t.centre;
    a.tetStart = t.tetStart;
    a.tets = t.tets;
    a.tetVolume = t.tetVolume;
    a.factor = d.factor.empty() ? nullptr : t.factor;
    a.source = d.source.empty() ? nullptr : t.source;
    if (a.source && !s) throw std::logic_error("placeDraw: sources without a buffer");
    a.cell = t.cell;
    a.flag = t.flag;
    a.place = t.place;
    a.n = d.n;
    a.seed = d.seed;
    a.draw = d.draw;
    a.stream = d.stream;
    a.dim = t.dim;
    for (int i = 0; i < 3; ++i)
    {
        a.component[i] = t.component[i];
        a.origin[i] = t.origin[i];
    }
    a.length = t.length;
    a.weight = d.weight;
    a.scale = scale;
    placeKernel<Real><<<blocksFor(d.n), drawBlock, 0, stream>>>(a, x, wRaw, w, s);
    PINN_CUDA_CHECK_LAUNCH();
}


template<class Real>
void scaleWeights(const Real* wRaw, Real* w, idx n, double scale, cudaStream_t stream)
{
    if (n <= 0) return;
    scaleKernel<Real><<<blocksFor(n), drawBlock, 0, stream>>>(wRaw, w, n, scale);
    PINN_CUDA_CHECK_LAUNCH();
}

template void placeDraw<float>(const DeviceCellTable&, const sampling::InteriorDraw&, float*,
    float*, float*, float*, double, cudaStream_t);
template void placeDraw<double>(const DeviceCellTable&, const sampling::InteriorDraw&, double*,
    double*, double*, double*, double, cudaStream_t);
template void scaleWeights<float>(const float*, float*, idx, double, cudaStream_t);
template void scaleWeights<double>(const double*, double*, idx, double, cudaStream_t);

} // namespace cuda
} // namespace pinn
