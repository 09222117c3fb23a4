// benchTrainStep: one full training step (forward streams, residual, loss,
// backward, Adam) of the `poisson` and `cavity` problems exactly as
// tests/bench/pinn_reference.py defines them (unit square, 2-64x4-1|3 tanh,
// fp32, N interior + N/10 boundary points, Adam lr 1e-3; interior weights
// 1/N, boundary entries 1/Nb; cavity: Navier-Stokes nu = 0.01, u = lid (1 on
// y = 1, else 0) and v = 0 as two boundary entries per boundary point).
//
// GPU rows: device time of each step from CUDA events around each replay of
// the captured step (after warm-up), median over the steps; peak = the
// memory pool's high-water mark (the pool is all the backend allocates,
// cuBLAS workspace included). CPU rows: wall time per step, median.
// A second table breaks a step down by phase (eager, events between phases).
//
// Rows "gpu-u": the same backend with CudaKernelOptions::fusedLayers false (cuBLAS GEMMs and
// separate elementwise kernels instead of the fused layer kernels).
//
//   benchTrainStep [--steps 50] [--cpu-steps 5] [--no-10m] [--quick] [--only problem:N]

#include "pinn/Backend.hpp"
#include "CudaBackend.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

using namespace pinn;

namespace
{

struct Row
{
    std::string device, problem;
    idx n, chunk;
    bool unfused = false;   //- cuBLAS + elementwise layers (fusedLayers false)
};

Problem makeProblem(const std::string& name)
{
    Problem pb;
    pb.net.inputDim = 2;
    pb.net.hidden = {64, 64, 64, 64};
    pb.net.activation = Activation::tanh;
    if (name == "poisson")
    {
        pb.pde = PdeSpec::poisson(2);
        pb.nBoundaryGroups = 1;
    }
    else
    {
        pb.pde = PdeSpec::navierStokes(2, 0.01);
        pb.nBoundaryGroups = 2;     // u (lid), v
    }
    pb.net.nOutputs = pb.pde.nOut;
    return pb;
}

//- N interior points (cuRAND on the GPU where there is one) and N/10
//  boundary points uniform on the four sides, as pinn_reference.py draws them
void makeSets
(
    const std::string& name, idx n, bool gpu,
    InteriorSet<float>& in, BoundarySet<float>& bs
)
{
    if (gpu) in.x = cuda::uniformBox<float>(n, {0.0, 0.0}, {1.0, 1.0}, 0u);
    std::mt19937_64 g(0);
    std::uniform_real_distribution<float> U(0.0f, 1.0f);
    if (in.x.empty())
    {
        in.x.resize(n*2);
        for (auto& v : in.x) v = U(g);
    }
    in.w.assign(n, 1.0f/float(n));
    const idx nb = std::max<idx>(n/10, 4);
    bs = BoundarySet<float>();
    for (idx b = 0; b < nb; ++b)
    {
        const float t = U(g);
        const int side = int(g() % 4);
        const float x = side == 0 ? t : side == 1 ? 1.0f : side == 2 ? t : 0.0f;
        const float y = side == 0 ? 0.0f : side == 1 ? t : side == 2 ? 1.0f : t;
        const float nx = side == 1 ? 1.0f : side == 3 ? -1.0f : 0.0f;
        const float ny = side == 0 ? -1.0f : side == 2 ? 1.0f : 0.0f;
        const int nEntries = name == "poisson" ? 1 : 2;
        for (int c = 0; c < nEntries; ++c)
        {
            bs.x.push_back(x);
            bs.x.push_back(y);
            bs.normal.push_back(nx);
            bs.normal.push_back(ny);
            bs.alpha.push_back(1.0f);
            bs.beta.push_back(0.0f);
            const bool lid = name != "poisson" && c == 0 && y > 1.0f - 1e-6f;
            bs.g.push_back(lid ? 1.0f : 0.0f);
            bs.w.push_back(1.0f/float(nb));
            bs.component.push_back(c);
            bs.group.push_back(c);
        }
    }
}

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    const std::size_t n = v.size();
    return n % 2 ? v[n/2] : 0.5*(v[n/2 - 1] + v[n/2]);
}

std::string human(idx n)
{
    if (n >= 1000000 && n % 1000000 == 0) return std::to_string(n/1000000) + "M";
    if (n >= 1000 && n % 1000 == 0) return std::to_string(n/1000) + "K";
    return std::to_string(n);
}

} // namespace


int main(int argc, char** argv)
{
    int steps = 50, cpuSteps = 5;
    bool tenM = true, quick = false;
    std::string only;       // "problem:N": that GPU row alone (for ncu)
    for (int i = 1; i < argc; ++i)
    {
        const std::string a = argv[i];
        if (a == "--steps" && i + 1 < argc) steps = std::atoi(argv[++i]);
        else if (a == "--cpu-steps" && i + 1 < argc) cpuSteps = std::atoi(argv[++i]);
        else if (a == "--no-10m") tenM = false;
        else if (a == "--quick") quick = true;
        else if (a == "--only" && i + 1 < argc) only = argv[++i];
        else
        {
            std::fprintf(stderr, "usage: benchTrainStep [--steps N] [--cpu-steps N] [--no-10m] [--quick] [--only problem:N]\n");
            return 2;
        }
    }

    std::string why;
    const bool haveGpu = gpuAvailable(why);
    std::printf("# benchTrainStep: GPU %s\n", haveGpu ? why.c_str() : ("none: " + why).c_str());

    std::vector<Row> rows;
    const idx big = idx(1) << 40;     // chunk larger than any set: one pass
    for (const char* p : {"poisson", "cavity"})
    {
        if (haveGpu)
        {
            rows.push_back({"gpu", p, 10000, big});
            rows.push_back({"gpu", p, 100000, big});
            if (!quick)
            {
                rows.push_back({"gpu", p, 100000, big, true});
                rows.push_back({"gpu", p, 100000, 32768});
                rows.push_back({"gpu", p, 1000000, big});
                rows.push_back({"gpu", p, 1000000, 131072});
                if (tenM) rows.push_back({"gpu", p, 10000000, 131072});
            }
        }
        if (cpuSteps > 0) rows.push_back({"cpu", p, 10000, 16384});
    }

    if (!only.empty())
    {
        // "problem:N": that one row, any N (e.g. N = 7680: 8448 points, 264
        // tiles of 32, one per resident block on 132 SMs)
        const auto colon = only.find(':');
        const std::string pName = only.substr(0, colon);
        const long long n = colon == std::string::npos ? 0 : std::atoll(only.c_str() + colon + 1);
        if ((pName != "poisson" && pName != "cavity") || n <= 0)
        {
            std::fprintf(stderr, "--only wants poisson:N or cavity:N with N > 0, not '%s'\n", only.c_str());
            return 2;
        }
        rows.clear();
        if (haveGpu) rows.push_back({"gpu", pName, idx(n), big});
    }

    const AdamConfig cfg;   // lr 1e-3, betas 0.9/0.999, eps 1e-8, constant
    std::printf("\n%-6s %-8s %9s %9s %8s %10s %10s %12s %10s %10s %12s\n",
                "dev", "problem", "N", "entries", "chunk", "ms/step", "min ms", "Mpts/s",
                "peak MiB", "pool MiB", "loss");
    std::vector<std::string> profiles;
    for (const Row& r : rows)
    {
        const Problem pb = makeProblem(r.problem);
        InteriorSet<float> in;
        BoundarySet<float> bs;
        makeSets(r.problem, r.n, r.device == "gpu", in, bs);
        std::vector<float> params(pb.net.nParams());
        glorotInit(pb.net, 0u, params.data());
        BackendOptions opts;
        opts.chunkSize = r.chunk;
        std::vector<double> ms;
        MemoryStats mem;
        double loss = NAN;
        try
        {
            opts.cuda.fusedLayers = !r.unfused;
            auto b = newBackend<float>(r.device, pb, opts);
            b->setInterior(in);
            b->setBoundary(bs);
            b->setParameters(params.data());
            if (r.device == "gpu")
            {
                b->adamSteps(10, cfg);      // warm-up (graph capture, clocks)
                const int n = r.n >= 10000000 ? std::min(steps, 20) : steps;
                ms = cuda::timeSteps(*b, n, cfg);
                if (r.n == 100000 || (r.n == 1000000 && r.chunk != big))
                {
                    const auto ph = cuda::profileStep(*b, 5, cfg);
                    double tot = 0;
                    for (const auto& x : ph) tot += x.second;
                    std::string s = r.problem + " N=" + human(r.n)
                        + " chunk=" + (r.chunk == big ? std::string("all") : human(r.chunk))
                        + (r.unfused ? " unfused" : "") + " (eager, ms):";
                    char buf[128];
                    for (const auto& x : ph)
                    {
                        std::snprintf(buf, sizeof(buf), "\n    %-22s %8.3f  %5.1f%%",
                                      x.first.c_str(), x.second, 100.0*x.second/tot);
                        s += buf;
                    }
                    std::snprintf(buf, sizeof(buf), "\n    %-22s %8.3f", "total", tot);
                    profiles.push_back(s + buf);
                }
            }
            else
            {
                b->adamSteps(1, cfg);
                for (int i = 0; i < cpuSteps; ++i)
                {
                    const auto t0 = std::chrono::steady_clock::now();
                    b->adamSteps(1, cfg);
                    const auto t1 = std::chrono::steady_clock::now();
                    ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
                }
            }
            loss = b->lastLoss().total;
            mem = b->memoryStats();
        }
        catch (const std::exception& e)
        {
            std::printf("%-6s %-8s %9s  failed: %s\n", r.device.c_str(), r.problem.c_str(),
                        human(r.n).c_str(), e.what());
            continue;
        }
        const double med = median(ms);
        const double mn = *std::min_element(ms.begin(), ms.end());
        const idx nTot = r.n + idx(bs.size());
        std::printf("%-6s %-8s %9s %9lld %8s %10.3f %10.3f %12.1f %10.1f %10.1f %12.5g\n",
                    (r.device + (r.unfused ? "-u" : "")).c_str(), r.problem.c_str(), human(r.n).c_str(),
                    (long long)bs.size(),
                    r.chunk >= nTot ? "all" : human(r.chunk).c_str(),
                    med, mn, double(nTot)/med*1e-3,
                    double(mem.peak)/1048576.0, double(mem.poolBytes)/1048576.0, loss);
        std::fflush(stdout);
    }
    if (!profiles.empty())
    {
        std::printf("\n# Per-phase device time of one step (mean of 5 eager steps, "
                    "CUDA events between phases; launch gaps included)\n");
        for (const auto& s : profiles) std::printf("%s\n", s.c_str());
    }
    return 0;
}
