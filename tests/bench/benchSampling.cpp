/*---------------------------------------------------------------------------*\
  pinnFoam benchmarks: benchSampling

  Description
      One resample of the interior points by a cell density (issue 14 item
      3), three ways, on hex grids of 8K to 1M cells (24 tets each):
        host      pinn::sampling::drawReference (one thread), then the
                  points set on the GPU backend through setInterior and
                  copied up at the next pass (what the solver does on the
                  CPU and did on the GPU before);
        device    CudaBackend::drawInterior: density up, weights, CUB scan,
                  picks, CUB scan of the flags, placement straight into the
                  training set; the points never cross the bus.
      Times are wall times of the whole operation on the host (drawInterior
      synchronises), median of 7 after one warm-up; the host path includes
      the next lossAndGradient's upload through prepare(), measured as the
      difference to a lossAndGradient without a new set.

      usage: benchSampling [--quick]
\*---------------------------------------------------------------------------*/

#include "../unit/common/gridCellTable.hpp"
#include "CudaBackend.hpp"
#include "pinn/Backend.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

using namespace pinn;

namespace
{

double ms(std::chrono::steady_clock::time_point a, std::chrono::steady_clock::time_point b)
{
    return std::chrono::duration<double, std::milli>(b - a).count();
}

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

} // namespace

int main(int argc, char* argv[])
{
    const bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;
    std::string why;
    const bool haveGpu = cudaDeviceUsable(why);
    std::printf("# benchSampling: %s\n", haveGpu ? why.c_str() : ("no GPU: " + why).c_str());
    std::printf("| cells | points | host draw ms | host upload+pass ms | device draw ms | "
                "speed-up (draw) |\n|---:|---:|---:|---:|---:|---:|\n");

    Problem pb;
    pb.net.inputDim = 3;
    pb.net.hidden = {64, 64, 64};
    pb.net.nOutputs = 1;
    pb.pde = PdeSpec::heat(3, 1.0, 1.0);
    pb.nBoundaryGroups = 1;

    const std::vector<int> sides = quick ? std::vector<int>{20} : std::vector<int>{20, 50, 100};
    const std::vector<idx> counts =
        quick ? std::vector<idx>{100000} : std::vector<idx>{100000, 1000000};
    for (const int side : sides)
    {
        testgrid::Grid g;
        g.nx = g.ny = g.nz = side;
        const sampling::CellTable t = testgrid::gridTable(g);
        std::vector<double> density(g.nCells());
        for (int c = 0; c < g.nCells(); ++c) density[c] = 1.0 + double(c % 97);
        for (const idx n : counts)
        {
            sampling::InteriorDraw d;
            d.n = n;
            d.seed = 1;
            d.weight = 1.0 / double(n);
            d.density = density;
            std::vector<double> hostMs, upMs, devMs;
            std::vector<double> x, w;
            const int reps = quick ? 3 : 7;
            for (int r = 0; r <= reps; ++r)
            {
                d.draw = std::uint64_t(r);
                const auto a = std::chrono::steady_clock::now();
                sampling::drawReference(t, d, x, w);
                const auto b = std::chrono::steady_clock::now();
                if (r > 0) hostMs.push_back(ms(a, b));
            }
            if (haveGpu)
            {
                BackendOptions opts;
                opts.chunkSize = 131072;
                auto be = newCudaBackend<float>(pb, opts);
                std::vector<float> p(pb.net.nParams());
                glorotInit(pb.net, 1, p.data());
                be->setParameters(p.data());
                BoundarySet<float> bs;
                bs.x = {0, 0, 0};
                bs.normal = {1, 0, 0};
                bs.alpha = {1};
                bs.beta = {0};
                bs.g = {0};
                bs.w = {1};
                bs.component = {0};
                bs.group = {0};
                be->setBoundary(bs);
                be->setCellTable(t, n);
                InteriorSet<float> in;
                in.x.assign(x.begin(), x.end());
                in.w.assign(w.begin(), w.end());
                for (int r = 0; r <= reps; ++r)
                {
                    // host path: a new set through setInterior, then a pass
                    // (upload inside), less a pass on the same set
                    be->setInterior(in);
                    const auto a = std::chrono::steady_clock::now();
                    be->lossAndGradient(p.data(), nullptr);
                    const auto b = std::chrono::steady_clock::now();
                    be->lossAndGradient(p.data(), nullptr);
                    const auto c = std::chrono::steady_clock::now();
                    d.draw = std::uint64_t(r);
                    be->drawInterior(d);
                    const auto e = std::chrono::steady_clock::now();
                    if (r > 0)
                    {
                        upMs.push_back(std::max(0.0, ms(a, b) - ms(b, c)));
                        devMs.push_back(ms(c, e));
                    }
                }
            }
            const double h = median(hostMs);
            if (haveGpu)
            {
                const double u = median(upMs), dv = median(devMs);
                std::printf("| %d | %lld | %.2f | %.2f | %.3f | %.0fx |\n", g.nCells(),
                    (long long)n, h, u, dv, (h + u) / dv);
            }
            else
            {
                std::printf("| %d | %lld | %.2f | - | - | - |\n", g.nCells(), (long long)n, h);
            }
            std::fflush(stdout);
        }
    }
    return 0;
}
