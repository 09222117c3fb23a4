// benchTrainStep: one full training step (forward streams, residual, loss,
// backward, Adam) of the `poisson` and `cavity` problems exactly as
// pinn_reference.py (../shared/reference) defines them (unit square,
// 2-64x4-1|3 tanh, fp32, N interior + N/10 boundary points, Adam lr 1e-3;
// interior weights 1/N, boundary entries 1/Nb; cavity: Navier-Stokes
// nu = 0.01, u = lid (1 on y = 1, else 0) and v = 0 as two boundary entries
// per boundary point), on Google Benchmark.
//
// Rows (one registered benchmark each, named problem/device/N:n/chunk:c, so
// that --benchmark_filter picks them):
//   GPU  poisson|cavity at 10K, 100K, 100K unfused (fusedLayers 0: cuBLAS +
//        elementwise kernels), 100K chunk 32K, 1M, 1M chunk 128K, 10M chunk
//        128K; --quick: 10K and 100K only; --no-10m: without 10M
//   CPU  poisson|cavity at 10K (--cpu-steps 0: none)
//
// GPU timing: manual time. Set-up and 10 warm-up steps are not timed; then
// each pass of the benchmark loop is one cuda::timeSteps(backend, k, cfg)
// call (k = 10 steps, fewer if --steps is smaller; it runs one untimed step
// first): the device time of each step from CUDA events around each replay
// of the captured step graph. The pass counts k iterations
// (KeepRunningBatch) and its time is the sum of the k steps
// (SetIterationTime), so Time is the mean device time per step;
// the counter median_ms is the median over all timed steps (what RESULTS.md
// quotes), min_ms the fastest. Iterations are fixed: --steps (50; 20 for
// 10M) on the GPU, --cpu-steps (5) on the CPU, where Time is real time per
// step (after one warm-up step).
// Counters: points/s (interior points + boundary entries per second of
// step), peak_MiB and pool_MiB (memoryStats(): the pool is all the backend
// allocates, cuBLAS workspace included; 0 on the CPU), loss (the loss before
// the last update), entries (boundary entries), median_ms, min_ms.
//
//   benchTrainStep [--variant key=value[,key=value...]] [--quick] [--no-10m]
//                  [--steps N] [--cpu-steps N] [--phases] [--only problem:N]
//                  [--benchmark_* flags of Google Benchmark]

#include "pinn/Backend.hpp"
#include "CudaBackend.hpp"

#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <functional>
#include <map>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

using namespace pinn;

namespace
{

const idx allPoints = idx(1) << 40; // chunk larger than any set: one pass

struct Row
{
    std::string device, problem;
    idx n = 0, chunk = allPoints;
    bool unfused = false; //- fusedLayers false (cuBLAS + elementwise)
    bool phases = false; //- per-phase breakdown after the timing
};

struct Settings
{
    int steps = 50; //- timed GPU steps per row (10M: at most 20)
    int cpuSteps = 5; //- timed CPU steps per row (0: no CPU rows)
    bool quick = false;
    bool tenM = true;
    bool phases = false;
    std::string only; //- "problem:N": that GPU row alone (any N)
    CudaKernelOptions cuda; //- --variant
};

//- What a row measured, for the table printed after the run
struct Result
{
    Row row;
    idx entries = 0;
    double median = NAN, min = NAN, loss = NAN;
    MemoryStats mem;
    std::string label, error;
};

std::vector<std::string> order; // row names in the order they ran
std::map<std::string, Result> results; // by name (last repetition)
std::map<std::string, std::string> profiles;
std::deque<std::string> messages; // SkipWithError's texts, kept alive


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
        pb.nBoundaryGroups = 2; // u (lid), v
    }
    pb.net.nOutputs = pb.pde.nOut;
    return pb;
}

//- N interior points (cuRAND on the GPU where there is one) and N/10
//  boundary points uniform on the four sides, as pinn_reference.py draws them
void makeSets(
    const std::string& name, idx n, bool gpu, InteriorSet<float>& in, BoundarySet<float>& bs)
{
    if (gpu) in.x = cuda::uniformBox<float>(n, {0.0, 0.0}, {1.0, 1.0}, 0u);
    std::mt19937_64 g(0);
    std::uniform_real_distribution<float> U(0.0f, 1.0f);
    if (in.x.empty())
    {
        in.x.resize(n * 2);
        for (auto& v : in.x) v = U(g);
    }
    in.w.assign(n, 1.0f / float(n));
    const idx nb = std::max<idx>(n / 10, 4);
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
            bs.w.push_back(1.0f / float(nb));
            bs.component.push_back(c);
            bs.group.push_back(c);
        }
    }
}

//- Boundary entries makeSets draws for a problem of n interior points
idx entriesOf(const std::string& problem, idx n)
{
    return std::max<idx>(n / 10, 4) * (problem == "poisson" ? 1 : 2);
}

double median(std::vector<double> v)
{
    if (v.empty()) return NAN;
    std::sort(v.begin(), v.end());
    const std::size_t n = v.size();
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

std::string human(idx n)
{
    if (n >= 1000000 && n % 1000000 == 0) return std::to_string(n / 1000000) + "M";
    if (n >= 1000 && n % 1000 == 0) return std::to_string(n / 1000) + "K";
    if (n % 1024 == 0) return std::to_string(n / 1024) + "Ki";
    return std::to_string(n);
}

std::string chunkName(const Row& r)
{
    return r.chunk >= r.n + entriesOf(r.problem, r.n) ? "all" : human(r.chunk);
}

std::string rowName(const Row& r)
{
    return r.problem + "/" + r.device + (r.unfused ? "-unfused" : "") + "/N:" + human(r.n)
        + "/chunk:" + chunkName(r);
}


// * * * * * * * * * * * * * * * * --variant * * * * * * * * * * * * * * * * //

struct OptionField
{
    const char* key;
    std::function<void(CudaKernelOptions&, long)> set;
    std::function<long(const CudaKernelOptions&)> get;
    bool boolean;
};

const std::vector<OptionField>& optionFields()
{
    using K = CudaKernelOptions;
    static const std::vector<OptionField> f{
        {"fusedLayers", [](K& k, long v) { k.fusedLayers = v; },
            [](const K& k) -> long { return k.fusedLayers; }, true},
        {"forwardVariant", [](K& k, long v) { k.forwardVariant = int(v); },
            [](const K& k) -> long { return k.forwardVariant; }, false},
        {"mma", [](K& k, long v) { k.mma = unsigned(v); },
            [](const K& k) -> long { return long(k.mma); }, false},
        {"prefetchZ", [](K& k, long v) { k.prefetchZ = v; },
            [](const K& k) -> long { return k.prefetchZ; }, true},
        {"foldFirstLayerGradient", [](K& k, long v) { k.foldFirstLayerGradient = v; },
            [](const K& k) -> long { return k.foldFirstLayerGradient; }, true},
        {"fusedHead", [](K& k, long v) { k.fusedHead = v; },
            [](const K& k) -> long { return k.fusedHead; }, true},
        {"firstLayerOnTheFly", [](K& k, long v) { k.firstLayerOnTheFly = v; },
            [](const K& k) -> long { return k.firstLayerOnTheFly; }, true},
    };
    return f;
}

std::string validKeys()
{
    std::string s;
    for (const auto& f : optionFields()) s += (s.empty() ? "" : ", ") + std::string(f.key);
    return s;
}

//- "key=value[,key=value...]" onto k; throws std::invalid_argument
void applyVariant(const std::string& spec, CudaKernelOptions& k)
{
    std::stringstream ss(spec);
    std::string item;
    while (std::getline(ss, item, ','))
    {
        if (item.empty()) continue;
        const auto eq = item.find('=');
        if (eq == std::string::npos || eq == 0 || eq + 1 == item.size())
        {
            throw std::invalid_argument("--variant wants key=value[,key=value...], not '" + item
                + "'; keys: " + validKeys());
        }
        const std::string key = item.substr(0, eq), val = item.substr(eq + 1);
        const OptionField* field = nullptr;
        for (const auto& f : optionFields())
            if (key == f.key) field = &f;
        if (!field)
        {
            throw std::invalid_argument("--variant: unknown key '" + key
                + "' (CudaKernelOptions has: " + validKeys() + ")");
        }
        long v = 0;
        if (field->boolean && (val == "true" || val == "on"))
            v = 1;
        else if (field->boolean && (val == "false" || val == "off"))
            v = 0;
        else
        {
            char* end = nullptr;
            v = std::strtol(val.c_str(), &end, 0);
            if (*end != '\0' || (field->boolean && v != 0 && v != 1) || v < 0)
            {
                throw std::invalid_argument("--variant: " + key + " wants "
                    + (field->boolean ? "0, 1, true, false, on or off" : "a non-negative integer")
                    + ", not '" + val + "'");
            }
        }
        field->set(k, v);
    }
    k.check();
}

std::string variantString(const CudaKernelOptions& k)
{
    std::string s;
    for (const auto& f : optionFields())
    {
        s += (s.empty() ? "" : ",") + std::string(f.key) + "=" + std::to_string(f.get(k));
    }
    return s;
}


// * * * * * * * * * * * * * * * * Benchmarks  * * * * * * * * * * * * * * * //

const AdamConfig adam; // lr 1e-3, betas 0.9/0.999, eps 1e-8, constant

void fail(benchmark::State& st, Result& res, const std::string& what)
{
    res.error = what;
    messages.push_back(what);
    st.SkipWithError(messages.back().c_str());
}

void counters(benchmark::State& st, const Result& res, const std::vector<double>& ms)
{
    using C = benchmark::Counter;
    st.counters["points/s"] = C(double(res.row.n + res.entries), C::kIsIterationInvariantRate);
    st.counters["median_ms"] = median(ms);
    st.counters["min_ms"] = ms.empty() ? NAN : *std::min_element(ms.begin(), ms.end());
    st.counters["peak_MiB"] = double(res.mem.peak) / 1048576.0;
    st.counters["pool_MiB"] = double(res.mem.poolBytes) / 1048576.0;
    st.counters["loss"] = res.loss;
    st.counters["entries"] = double(res.entries);
}

void runRow(benchmark::State& st, const Row& r, const Settings& s)
{
    const std::string name = rowName(r);
    if (!results.count(name)) order.push_back(name);
    Result& res = results[name];
    res = Result();
    res.row = r;

    // Set-up, not timed: points, backend, warm-up
    const bool gpu = r.device == "gpu";
    const Problem pb = makeProblem(r.problem);
    InteriorSet<float> in;
    BoundarySet<float> bs;
    std::unique_ptr<Backend<float>> b;
    try
    {
        makeSets(r.problem, r.n, gpu, in, bs);
        res.entries = bs.size();
        std::vector<float> params(pb.net.nParams());
        glorotInit(pb.net, 0u, params.data());
        BackendOptions opts;
        opts.chunkSize = r.chunk;
        opts.cuda = s.cuda;
        if (r.unfused) opts.cuda.fusedLayers = false;
        b = newBackend<float>(r.device, pb, opts);
        b->setInterior(in);
        b->setBoundary(bs);
        b->setParameters(params.data());
        b->adamSteps(gpu ? 10 : 1, adam); // warm-up (graph capture, clocks)
        res.label = b->name();
    }
    catch (const std::exception& e)
    {
        fail(st, res, e.what());
        return;
    }
    in = InteriorSet<float>(); // the backend holds its copy
    bs = BoundarySet<float>();

    std::vector<double> ms;
    if (gpu)
    {
        const int k = int(std::min<benchmark::IterationCount>(10, st.max_iterations));
        while (st.KeepRunningBatch(k))
        {
            if (st.error_occurred()) continue;
            try
            {
                const std::vector<double> t = cuda::timeSteps(*b, k, adam);
                double sum = 0;
                for (double x : t) sum += x;
                st.SetIterationTime(sum * 1e-3);
                ms.insert(ms.end(), t.begin(), t.end());
            }
            catch (const std::exception& e)
            {
                st.SetIterationTime(0);
                fail(st, res, e.what());
            }
        }
    }
    else
    {
        for (auto _ : st)
        {
            try
            {
                const auto t0 = std::chrono::steady_clock::now();
                b->adamSteps(1, adam);
                const auto t1 = std::chrono::steady_clock::now();
                ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
            }
            catch (const std::exception& e)
            {
                fail(st, res, e.what());
                break;
            }
        }
    }
    if (!res.error.empty()) return;

    try
    {
        res.loss = b->lastLoss().total;
        res.mem = b->memoryStats();
        res.median = median(ms);
        res.min = *std::min_element(ms.begin(), ms.end());
        counters(st, res, ms);
        st.SetLabel(res.label);
        if (gpu && r.phases && !profiles.count(name))
        {
            // eager steps with events between phases (they update the parameters)
            const auto ph = cuda::profileStep(*b, 5, adam);
            double tot = 0;
            for (const auto& x : ph) tot += x.second;
            std::string t = r.problem + " N=" + human(r.n) + " chunk=" + chunkName(r)
                + (r.unfused ? " unfused" : "") + " (eager, ms):";
            char buf[128];
            for (const auto& x : ph)
            {
                std::snprintf(buf, sizeof(buf), "\n    %-22s %8.3f  %5.1f%%", x.first.c_str(),
                    x.second, 100.0 * x.second / tot);
                t += buf;
            }
            std::snprintf(buf, sizeof(buf), "\n    %-22s %8.3f", "total", tot);
            profiles[name] = t + buf;
        }
    }
    catch (const std::exception& e)
    {
        fail(st, res, e.what());
    }
}

void registerRow(const Row& r, const Settings& s)
{
    auto* bm = benchmark::RegisterBenchmark(
        rowName(r).c_str(), [r, s](benchmark::State& st) { runRow(st, r, s); });
    bm->Unit(benchmark::kMillisecond);
    if (r.device == "gpu")
    {
        const int steps = std::max(1, r.n >= 10000000 ? std::min(s.steps, 20) : s.steps);
        const int k = std::min(10, steps);
        bm->UseManualTime()->Iterations((steps + k - 1) / k * k);
    }
    else
    {
        bm->UseRealTime()->Iterations(s.cpuSteps);
    }
}

void printTable(const std::string& variant)
{
    if (order.empty()) return;
    std::printf("\n# variant %s\n", variant.c_str());
    std::printf("%-6s %-8s %9s %9s %8s %10s %10s %12s %10s %10s %12s\n", "dev", "problem", "N",
        "entries", "chunk", "ms/step", "min ms", "Mpts/s", "peak MiB", "pool MiB", "loss");
    for (const std::string& name : order)
    {
        const Result& x = results[name];
        const Row& r = x.row;
        const std::string dev = r.device + (r.unfused ? "-u" : "");
        if (!x.error.empty())
        {
            std::printf("%-6s %-8s %9s  failed: %s\n", dev.c_str(), r.problem.c_str(),
                human(r.n).c_str(), x.error.c_str());
            continue;
        }
        std::printf("%-6s %-8s %9s %9lld %8s %10.3f %10.3f %12.1f %10.1f %10.1f %12.5g\n",
            dev.c_str(), r.problem.c_str(), human(r.n).c_str(), (long long)x.entries,
            chunkName(r).c_str(), x.median, x.min, double(r.n + x.entries) / x.median * 1e-3,
            double(x.mem.peak) / 1048576.0, double(x.mem.poolBytes) / 1048576.0, x.loss);
    }
    std::printf("(ms/step: median over the timed steps; GPU: device time from CUDA events, "
                "CPU: wall time)\n");
}

void usage()
{
    std::printf(
        "usage: benchTrainStep [options] [--benchmark_* flags]\n"
        "  --variant key=value[,...]  CUDA kernel options (pinn::CudaKernelOptions) of every GPU "
        "row;\n"
        "                             keys: %s\n"
        "  --quick                    GPU rows at 10K and 100K only\n"
        "  --no-10m                   without the 10M rows\n"
        "  --steps N                  timed steps per GPU row (default 50; 10M rows: at most 20)\n"
        "  --cpu-steps N              timed steps per CPU row (default 5; 0: no CPU rows)\n"
        "  --phases                   also the per-phase table (cuda::profileStep) at 100K and 1M "
        "chunked\n"
        "  --only problem:N           that GPU row alone, any N (e.g. poisson:7680, for ncu)\n"
        "Rows are named problem/device/N:n/chunk:c (e.g. poisson/gpu/N:100K/chunk:all):\n"
        "--benchmark_filter=REGEX picks them, --benchmark_list_tests lists them.\n\n",
        validKeys().c_str());
    benchmark::PrintDefaultHelp();
}

int parseInt(const std::string& flag, const char* v)
{
    char* end = nullptr;
    const long n = std::strtol(v, &end, 10);
    if (*end != '\0' || n < 0 || n > 1000000)
    {
        throw std::invalid_argument(flag + " wants a non-negative integer, not '" + v + "'");
    }
    return int(n);
}

} // namespace


int main(int argc, char** argv)
{
    benchmark::Initialize(&argc, argv, &usage); // takes the --benchmark_* flags

    Settings s;
    try
    {
        for (int i = 1; i < argc; ++i)
        {
            const std::string a = argv[i];
            auto value = [&](const std::string& flag) -> const char*
            {
                if (a.size() > flag.size() && a.compare(0, flag.size() + 1, flag + "=") == 0)
                {
                    return argv[i] + flag.size() + 1;
                }
                if (i + 1 >= argc) throw std::invalid_argument(flag + " wants a value");
                return argv[++i];
            };
            auto is = [&](const std::string& flag)
            { return a == flag || a.compare(0, flag.size() + 1, flag + "=") == 0; };
            if (is("--variant"))
                applyVariant(value("--variant"), s.cuda);
            else if (is("--steps"))
                s.steps = parseInt("--steps", value("--steps"));
            else if (is("--cpu-steps"))
                s.cpuSteps = parseInt("--cpu-steps", value("--cpu-steps"));
            else if (is("--only"))
                s.only = value("--only");
            else if (a == "--quick")
                s.quick = true;
            else if (a == "--no-10m")
                s.tenM = false;
            else if (a == "--phases")
                s.phases = true;
            else if (a == "--help" || a == "-h")
            {
                usage();
                return 0;
            }
            else
                throw std::invalid_argument("unknown argument '" + a + "' (--help lists them)");
        }
    }
    catch (const std::exception& e)
    {
        std::fprintf(stderr, "benchTrainStep: %s\n", e.what());
        return 2;
    }

    std::string why;
    const bool haveGpu = gpuAvailable(why);
    const std::string variant = variantString(s.cuda);
    std::printf("# benchTrainStep: GPU %s\n", haveGpu ? why.c_str() : ("none: " + why).c_str());
    std::printf("# variant (CudaKernelOptions of the GPU rows): %s\n", variant.c_str());
    benchmark::AddCustomContext("pinn_gpu", haveGpu ? why : "none: " + why);
    benchmark::AddCustomContext("pinn_variant", variant);

    std::vector<Row> rows;
    if (!s.only.empty())
    {
        const auto colon = s.only.find(':');
        const std::string p = s.only.substr(0, colon);
        const long long n = colon == std::string::npos ? 0 : std::atoll(s.only.c_str() + colon + 1);
        if ((p != "poisson" && p != "cavity") || n <= 0)
        {
            std::fprintf(stderr,
                "benchTrainStep: --only wants poisson:N or cavity:N with N > 0, not '%s'\n",
                s.only.c_str());
            return 2;
        }
        rows.push_back({"gpu", p, idx(n), allPoints, false, s.phases});
    }
    else
    {
        for (const char* p : {"poisson", "cavity"})
        {
            const bool ph = s.phases;
            rows.push_back({"gpu", p, 10000, allPoints});
            rows.push_back({"gpu", p, 100000, allPoints, false, ph});
            if (!s.quick)
            {
                rows.push_back({"gpu", p, 100000, allPoints, true, ph});
                rows.push_back({"gpu", p, 100000, 32768, false, ph});
                rows.push_back({"gpu", p, 1000000, allPoints});
                rows.push_back({"gpu", p, 1000000, 131072, false, ph});
                if (s.tenM) rows.push_back({"gpu", p, 10000000, 131072});
            }
            if (s.cpuSteps > 0) rows.push_back({"cpu", p, 10000, 16384});
        }
    }

    int skipped = 0, registered = 0;
    for (const Row& r : rows)
    {
        if (r.device == "gpu" && !haveGpu)
        {
            ++skipped;
            continue;
        }
        registerRow(r, s);
        ++registered;
    }
    if (skipped)
    {
        std::printf("# no usable GPU: %d GPU row%s skipped (%s)\n", skipped,
            skipped == 1 ? "" : "s", why.c_str());
    }
    std::fflush(stdout);
    if (!registered)
    {
        std::printf("# nothing to run\n");
        benchmark::Shutdown();
        return 0;
    }

    benchmark::RunSpecifiedBenchmarks();

    printTable(variant);
    if (!profiles.empty())
    {
        std::printf("\n# Per-phase device time of one step (mean of 5 eager steps, "
                    "CUDA events between phases; launch gaps included)\n");
        for (const std::string& name : order)
        {
            if (profiles.count(name)) std::printf("%s\n", profiles[name].c_str());
        }
    }
    benchmark::Shutdown();
    return 0;
}
