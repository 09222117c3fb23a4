// The CUDA backend against the CPU backend (the reference) and against
// central finite differences: loss terms and weight gradients at awkward
// sizes (1 point, primes, not multiples of the block size), 2D and 3D,
// heat/poisson/navierStokes, float and double; evaluate(); chunked ==
// unchunked; CPU and GPU Adam histories over 200 iterations from the same
// seed; the memory pool and its error message; cuRAND sampling.
// Every test skips where no GPU is usable (CI). On a mismatch the inputs
// are written to cudaMismatch_<test>.txt in the working directory.

#include "CudaBackend.hpp"
#include "pinn/Backend.hpp"

#include <gtest/gtest.h>

#include <iostream>

#include <algorithm>
#include <cstdlib>
#include <cmath>
#include <fstream>
#include <iomanip>
#include <random>
#include <sstream>

using namespace pinn;

namespace
{

#define PINN_SKIP_WITHOUT_GPU()                                                                    \
    do {                                                                                           \
        std::string why_;                                                                          \
        if (!cudaDeviceUsable(why_)) GTEST_SKIP() << "no usable GPU: " << why_;                    \
    } while (0)

template<class Real>
double gradTol();
template<>
double gradTol<float>()
{
    return 1e-4;
}
template<>
double gradTol<double>()
{
    return 1e-10;
}

Problem makeProblem(PdeSpec pde, std::vector<int> hidden, Activation act, int nGroups = 3)
{
    Problem pb;
    pb.net.inputDim = pde.dim;
    pb.net.hidden = std::move(hidden);
    pb.net.nOutputs = pde.nOut;
    pb.net.activation = act;
    pb.pde = pde;
    pb.nBoundaryGroups = nGroups;
    return pb;
}

PdeSpec makePde(const std::string& kind, int D)
{
    if (kind == "heat") return PdeSpec::heat(D, 0.7, 1.3);
    if (kind == "poisson") return PdeSpec::poisson(D);
    return PdeSpec::navierStokes(D, 0.05);
}

template<class Real>
std::vector<Real> randomParams(const NetworkSpec& net, unsigned seed)
{
    std::vector<Real> p(net.nParams());
    glorotInit(net, seed, p.data());
    std::mt19937_64 g(seed + 7);
    std::uniform_real_distribution<double> U(-0.5, 0.5);
    for (int l = 0; l < net.nLayers(); ++l)
    {
        for (int j = 0; j < net.sizes()[l + 1]; ++j) p[net.biasOffset(l) + j] = Real(U(g));
    }
    return p;
}

//- nInt interior points and about nInt/10 + 1 boundary points with one or
//  two entries each (shared coordinates), random normals, coefficients,
//  components and groups
template<class Real>
void fillSets(
    const Problem& pb, idx nInt, unsigned seed, InteriorSet<Real>& in, BoundarySet<Real>& bs)
{
    const int D = pb.net.inputDim;
    std::mt19937_64 g(seed);
    std::uniform_real_distribution<double> U(0.0, 1.0);
    in.x.resize(nInt * D);
    in.w.resize(nInt);
    for (auto& v : in.x) v = Real(U(g));
    for (auto& v : in.w) v = Real((0.5 + U(g)) / double(nInt));
    bs = BoundarySet<Real>();
    const idx nBp = nInt / 10 + 1;
    for (idx b = 0; b < nBp; ++b)
    {
        double x[3], n[3], len = 0;
        for (int i = 0; i < D; ++i)
        {
            x[i] = U(g);
            n[i] = U(g) - 0.5;
            len += n[i] * n[i];
        }
        const int entries = 1 + int(U(g) < 0.5);
        for (int e = 0; e < entries; ++e)
        {
            for (int i = 0; i < D; ++i)
            {
                bs.x.push_back(Real(x[i]));
                bs.normal.push_back(Real(n[i] / std::sqrt(len)));
            }
            bs.alpha.push_back(Real(U(g)));
            bs.beta.push_back(Real(U(g)));
            bs.g.push_back(Real(U(g) - 0.5));
            bs.w.push_back(Real((0.5 + U(g)) / double(nBp)));
            bs.component.push_back(int(U(g) * pb.net.nOutputs) % pb.net.nOutputs);
            bs.group.push_back(int(U(g) * pb.nBoundaryGroups) % pb.nBoundaryGroups);
        }
    }
}

template<class Real>
double relDiff(const std::vector<Real>& a, const std::vector<Real>& b)
{
    double num = 0, den = 0;
    for (std::size_t i = 0; i < a.size(); ++i)
    {
        const double d = double(a[i]) - double(b[i]);
        if (!std::isfinite(double(a[i]))) return INFINITY;
        num += d * d;
        den += double(b[i]) * double(b[i]);
    }
    return std::sqrt(num) / std::max(std::sqrt(den), 1e-300);
}

double relDiff(double a, double b)
{
    if (!std::isfinite(a)) return INFINITY;
    return std::abs(a - b) / std::max(std::abs(b), 1e-300);
}

std::string testName()
{
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string n = std::string(info->test_suite_name()) + "_" + info->name();
    std::replace(n.begin(), n.end(), '/', '_');
    return n;
}

template<class Real>
void writeVec(std::ostream& os, const char* name, const std::vector<Real>& v)
{
    os << name << ' ' << v.size() << '\n';
    for (const auto& x : v) os << double(x) << '\n';
}

//- The inputs (and both answers) of a failed comparison, to reproduce it
template<class Real>
std::string dumpCase(const Problem& pb, const BackendOptions& opts, const InteriorSet<Real>& in,
    const BoundarySet<Real>& bs, const std::vector<Real>& params, const std::vector<Real>& cpu,
    const std::vector<Real>& gpu)
{
    const std::string file = "cudaMismatch_" + testName() + ".txt";
    std::ofstream os(file);
    os << std::setprecision(17);
    os << "net " << pb.net.describe() << " inputDim " << pb.net.inputDim << " activation "
       << int(pb.net.activation) << "\n";
    os << "pde kind " << int(pb.pde.kind) << " dim " << pb.pde.dim << " c " << pb.pde.c[0] << ' '
       << pb.pde.c[1] << " nBoundaryGroups " << pb.nBoundaryGroups << " chunkSize "
       << opts.chunkSize << " real " << sizeof(Real) << "\n";
    writeVec(os, "interior.x", in.x);
    writeVec(os, "interior.w", in.w);
    writeVec(os, "boundary.x", bs.x);
    writeVec(os, "boundary.normal", bs.normal);
    writeVec(os, "boundary.alpha", bs.alpha);
    writeVec(os, "boundary.beta", bs.beta);
    writeVec(os, "boundary.g", bs.g);
    writeVec(os, "boundary.w", bs.w);
    writeVec(os, "boundary.component", bs.component);
    writeVec(os, "boundary.group", bs.group);
    writeVec(os, "params", params);
    writeVec(os, "cpu", cpu);
    writeVec(os, "gpu", gpu);
    return file;
}

template<class Real>
std::vector<Real> lossVector(const LossTerms& t)
{
    std::vector<Real> v{Real(t.total)};
    for (double x : t.pde) v.push_back(Real(x));
    for (double x : t.bc) v.push_back(Real(x));
    return v;
}

template<class Real>
class CudaBackendTest : public ::testing::Test
{
};

using RealTypes = ::testing::Types<float, double>;
TYPED_TEST_SUITE(CudaBackendTest, RealTypes);

} // namespace


// * * * * * * * * * * * * * * * * * Tests * * * * * * * * * * * * * * * * //

TYPED_TEST(CudaBackendTest, LossAndGradientMatchCpu)
{
    PINN_SKIP_WITHOUT_GPU();
    using Real = TypeParam;
    const double tol = gradTol<Real>();
    int cases = 0;
    for (const char* kind : {"heat", "poisson", "navierStokes"})
    {
        for (int D : {2, 3})
        {
            for (idx n : {idx(1), idx(7), idx(997), idx(4099), idx(-7), idx(-997)})
            {
                const Activation act = (n == 7) ? Activation::sin : Activation::tanh;
                // widths that are not multiples of anything (padding, ld);
                // n < 0: a layer wider than the fused kernels' 64-unit
                // tile, so the cuBLAS + elementwise path runs
                const std::vector<int> hidden =
                    n > 0 ? std::vector<int>{13, 20, 17} : std::vector<int>{70, 64};
                n = std::abs(n);
                const Problem pb = makeProblem(makePde(kind, D), hidden, act);
                BackendOptions opts;
                opts.chunkSize = 1 << 20;
                InteriorSet<Real> in;
                BoundarySet<Real> bs;
                fillSets(pb, n, unsigned(n + 31 * D), in, bs);
                const auto params = randomParams<Real>(pb.net, unsigned(n + D));

                auto cpu = newBackend<Real>("cpu", pb, opts);
                auto gpu = newCudaBackend<Real>(pb, opts);
                for (auto* b : {cpu.get(), gpu.get()})
                {
                    b->setInterior(in);
                    b->setBoundary(bs);
                }
                std::vector<Real> gc(pb.net.nParams()), gg(pb.net.nParams(), Real(-77));
                const LossTerms lc = cpu->lossAndGradient(params.data(), gc.data());
                const LossTerms lg = gpu->lossAndGradient(params.data(), gg.data());
                ASSERT_EQ(lg.pde.size(), lc.pde.size());
                ASSERT_EQ(lg.bc.size(), lc.bc.size());

                const double eg = relDiff(gg, gc);
                double el = relDiff(lg.total, lc.total);
                for (std::size_t e = 0; e < lc.pde.size(); ++e)
                    el = std::max(el, relDiff(lg.pde[e], lc.pde[e]));
                for (std::size_t k = 0; k < lc.bc.size(); ++k)
                {
                    el = std::max(el, std::abs(lg.bc[k] - lc.bc[k]) / std::max(lc.total, 1e-300));
                }
                if (!(eg <= tol && el <= tol))
                {
                    const std::string f = dumpCase(pb, opts, in, bs, params, gc, gg);
                    ADD_FAILURE() << kind << " D=" << D << " n=" << n << ": gradient rel. diff "
                                  << eg << ", loss rel. diff " << el << " (tolerance " << tol
                                  << "); inputs in " << f;
                }
                ++cases;
            }
        }
    }
    EXPECT_EQ(cases, 36);
}


TYPED_TEST(CudaBackendTest, EvaluateMatchesCpu)
{
    PINN_SKIP_WITHOUT_GPU();
    using Real = TypeParam;
    const double tol = sizeof(Real) == 4 ? 1e-5 : 1e-12;
    for (const char* kind : {"poisson", "navierStokes"})
    {
        for (int D : {2, 3})
        {
            const Problem pb = makeProblem(makePde(kind, D), {24, 19}, Activation::tanh);
            BackendOptions opts;
            opts.chunkSize = 1000; // evaluate runs in chunks too
            const auto params = randomParams<Real>(pb.net, 5u + D);
            auto cpu = newBackend<Real>("cpu", pb, opts);
            auto gpu = newCudaBackend<Real>(pb, opts);
            cpu->setParameters(params.data());
            gpu->setParameters(params.data());
            for (idx n : {idx(1), idx(7), idx(4099)})
            {
                InteriorSet<Real> in;
                BoundarySet<Real> bs;
                fillSets(pb, n, 3u, in, bs);
                std::vector<Real> vc(n * pb.pde.nOut), vg(n * pb.pde.nOut, Real(-77));
                std::vector<Real> rc(n * pb.pde.nEq), rg(n * pb.pde.nEq, Real(-77));
                cpu->evaluate(in.x.data(), n, vc.data(), rc.data());
                gpu->evaluate(in.x.data(), n, vg.data(), rg.data());
                const double ev = relDiff(vg, vc);
                const double er = relDiff(rg, rc);
                if (!(ev <= tol && er <= tol))
                {
                    const std::string f = dumpCase(pb, opts, in, bs, params, rc, rg);
                    ADD_FAILURE() << kind << " D=" << D << " n=" << n << ": values " << ev
                                  << ", residuals " << er << " (tolerance " << tol
                                  << "); inputs in " << f;
                }
                // values without residuals
                std::vector<Real> vg2(n * pb.pde.nOut, Real(-77));
                gpu->evaluate(in.x.data(), n, vg2.data(), nullptr);
                EXPECT_EQ(vg2, vg);
            }
        }
    }
}


TYPED_TEST(CudaBackendTest, ChunkedEqualsUnchunked)
{
    PINN_SKIP_WITHOUT_GPU();
    using Real = TypeParam;
    const double tol = sizeof(Real) == 4 ? 1e-5 : 1e-12;
    for (const char* kind : {"poisson", "navierStokes"})
    {
        const Problem pb = makeProblem(makePde(kind, 2), {32, 32, 32}, Activation::tanh);
        InteriorSet<Real> in;
        BoundarySet<Real> bs;
        fillSets(pb, 4099, 11u, in, bs);
        const auto params = randomParams<Real>(pb.net, 12u);
        std::vector<std::vector<Real>> grads;
        std::vector<LossTerms> losses;
        for (idx chunk : {idx(1) << 20, idx(97), idx(1000), idx(4099 + 410)})
        {
            BackendOptions opts;
            opts.chunkSize = chunk;
            auto gpu = newCudaBackend<Real>(pb, opts);
            gpu->setInterior(in);
            gpu->setBoundary(bs);
            std::vector<Real> g(pb.net.nParams());
            losses.push_back(gpu->lossAndGradient(params.data(), g.data()));
            grads.push_back(g);
        }
        for (std::size_t i = 1; i < grads.size(); ++i)
        {
            const double eg = relDiff(grads[i], grads[0]);
            const double el = relDiff(losses[i].total, losses[0].total);
            if (!(eg <= tol && el <= tol))
            {
                BackendOptions opts;
                const std::string f = dumpCase(pb, opts, in, bs, params, grads[0], grads[i]);
                ADD_FAILURE() << kind << " chunking " << i << ": gradient " << eg << ", loss " << el
                              << " (tolerance " << tol << "); inputs in " << f;
            }
        }
    }
}


// The fused layer kernels and the cuBLAS + elementwise path (forced with
// fusedLayers false) give the same loss and gradient
TYPED_TEST(CudaBackendTest, FusedEqualsUnfused)
{
    PINN_SKIP_WITHOUT_GPU();
    using Real = TypeParam;
    const double tol = sizeof(Real) == 4 ? 1e-5 : 1e-12;
    for (const char* kind : {"poisson", "navierStokes"})
    {
        for (int D : {2, 3})
        {
            const Problem pb = makeProblem(makePde(kind, D), {64, 64, 64, 64}, Activation::tanh);
            InteriorSet<Real> in;
            BoundarySet<Real> bs;
            fillSets(pb, 4099, 13u, in, bs);
            const auto params = randomParams<Real>(pb.net, 14u);
            BackendOptions opts;
            opts.chunkSize = 1500;
            std::vector<Real> g[2];
            LossTerms l[2];
            for (int unfused = 0; unfused < 2; ++unfused)
            {
                opts.cuda.fusedLayers = !unfused;
                auto gpu = newCudaBackend<Real>(pb, opts);
                EXPECT_NE(
                    gpu->name().find(unfused ? "cuBLAS layers" : "fused layers"), std::string::npos)
                    << gpu->name();
                gpu->setInterior(in);
                gpu->setBoundary(bs);
                g[unfused].resize(pb.net.nParams());
                l[unfused] = gpu->lossAndGradient(params.data(), g[unfused].data());
            }
            const double eg = relDiff(g[0], g[1]);
            const double el = relDiff(l[0].total, l[1].total);
            if (!(eg <= tol && el <= tol))
            {
                const std::string f = dumpCase(pb, opts, in, bs, params, g[1], g[0]);
                ADD_FAILURE() << kind << " D=" << D << ": gradient " << eg << ", loss " << el
                              << " (tolerance " << tol << "); inputs in " << f;
            }
        }
    }
}


// The fused head (last hidden layer + output layer + loss + their backward
// in one kernel) and layer 0's weight gradient folded into layer 1's
// backward give the loss and gradient of the separate kernels (float: the
// head needs the float FFMA forward). On (fusedHead, the default)
// for every output count where it fits, chunked (slices accumulate) and
// not, odd widths
TEST(CudaBackendHead, FusedHeadEqualsSeparateKernels)
{
    PINN_SKIP_WITHOUT_GPU();
    using Real = float;
    const double tol = 1e-5;
    int cases = 0;
    for (const char* kind : {"heat", "poisson", "navierStokes"})
    {
        for (int D : {2, 3})
        {
            for (const auto& hidden : {std::vector<int>{64, 64, 64}, std::vector<int>{13, 20, 17}})
            {
                for (idx n : {idx(7), idx(4099)})
                {
                    const Problem pb = makeProblem(makePde(kind, D), hidden, Activation::tanh);
                    InteriorSet<Real> in;
                    BoundarySet<Real> bs;
                    fillSets(pb, n, unsigned(17 + n + D), in, bs);
                    const auto params = randomParams<Real>(pb.net, unsigned(3 + D));
                    BackendOptions opts;
                    opts.chunkSize = 1500;
                    std::vector<Real> g[2];
                    LossTerms l[2];
                    for (int separate = 0; separate < 2; ++separate)
                    {
                        opts.cuda.fusedHead = !separate;
                        opts.cuda.foldFirstLayerGradient = !separate;
                        auto gpu = newCudaBackend<Real>(pb, opts);
                        // 3D Navier-Stokes (4 outputs, 5 streams): the head's
                        // shared memory leaves one block per SM; it stays off
                        const bool headFits = !(std::string(kind) == "navierStokes" && D == 3);
                        EXPECT_EQ(gpu->name().find("fused head") != std::string::npos,
                            separate == 0 && headFits)
                            << gpu->name();
                        gpu->setInterior(in);
                        gpu->setBoundary(bs);
                        g[separate].assign(pb.net.nParams(), Real(-77));
                        l[separate] = gpu->lossAndGradient(params.data(), g[separate].data());
                    }
                    const double eg = relDiff(g[0], g[1]);
                    double el = relDiff(l[0].total, l[1].total);
                    for (std::size_t k = 0; k < l[1].bc.size(); ++k)
                    {
                        el = std::max(
                            el, std::abs(l[0].bc[k] - l[1].bc[k]) / std::max(l[1].total, 1e-300));
                    }
                    if (!(eg <= tol && el <= tol))
                    {
                        const std::string f = dumpCase(pb, opts, in, bs, params, g[1], g[0]);
                        ADD_FAILURE() << kind << " D=" << D << " widths " << hidden[0] << " n=" << n
                                      << ": gradient " << eg << ", loss " << el << " (tolerance "
                                      << tol << "); inputs in " << f;
                    }
                    ++cases;
                }
            }
        }
    }
    EXPECT_EQ(cases, 24);
}


// Central differences of the GPU loss in double: an independent check of
// the GPU gradient (not through the CPU backend)
TEST(CudaBackendFd, GradientMatchesFiniteDifferences)
{
    PINN_SKIP_WITHOUT_GPU();
    for (const char* kind : {"heat", "navierStokes"})
    {
        for (int D : {2, 3})
        {
            const Problem pb = makeProblem(makePde(kind, D), {11, 9}, Activation::tanh);
            InteriorSet<double> in;
            BoundarySet<double> bs;
            fillSets(pb, 37, 17u, in, bs);
            auto params = randomParams<double>(pb.net, 19u);
            BackendOptions opts;
            opts.chunkSize = 16;
            auto gpu = newCudaBackend<double>(pb, opts);
            gpu->setInterior(in);
            gpu->setBoundary(bs);
            std::vector<double> g(pb.net.nParams());
            gpu->lossAndGradient(params.data(), g.data());
            double gmax = 0;
            for (double v : g) gmax = std::max(gmax, std::abs(v));
            std::mt19937 pick(3);
            for (int trial = 0; trial < 40; ++trial)
            {
                const idx i = idx(pick() % g.size());
                const double h = 1e-5;
                const double p0 = params[i];
                params[i] = p0 + h;
                const double lp = gpu->lossAndGradient(params.data(), nullptr).total;
                params[i] = p0 - h;
                const double lm = gpu->lossAndGradient(params.data(), nullptr).total;
                params[i] = p0;
                const double fd = (lp - lm) / (2 * h);
                EXPECT_NEAR(g[i], fd, 1e-7 * std::max(gmax, 1.0))
                    << kind << " D=" << D << " parameter " << i;
            }
        }
    }
}


// Same seed, same points: the CPU and GPU Adam loss histories over 200
// iterations agree to 1e-9 relative (double) and 2e-3 relative (float),
// with a learning-rate decay (computed on the device) and a chunked GPU set
TYPED_TEST(CudaBackendTest, AdamHistoryMatchesCpu)
{
    PINN_SKIP_WITHOUT_GPU();
    using Real = TypeParam;
    const double tol = sizeof(Real) == 4 ? 2e-3 : 1e-9;
    for (const char* kind : {"poisson", "navierStokes"})
    {
        for (idx chunk : {idx(1) << 20, idx(333)})
        {
            const Problem pb = makeProblem(makePde(kind, 2), {20, 20, 20}, Activation::tanh);
            InteriorSet<Real> in;
            BoundarySet<Real> bs;
            fillSets(pb, 1009, 23u, in, bs);
            const auto params = randomParams<Real>(pb.net, 29u);
            BackendOptions opts;
            opts.chunkSize = chunk;
            auto cpu = newBackend<Real>("cpu", pb, opts);
            auto gpu = newCudaBackend<Real>(pb, opts);
            for (auto* b : {cpu.get(), gpu.get()})
            {
                b->setInterior(in);
                b->setBoundary(bs);
                b->setParameters(params.data());
            }
            AdamConfig cfg;
            cfg.lr = 3e-3;
            cfg.decayRate = 0.5;
            cfg.decaySteps = 100;
            std::vector<Real> hc, hg;
            double worst = 0;
            int worstIt = -1;
            for (int it = 0; it < 200; ++it)
            {
                cpu->adamSteps(1, cfg);
                // the GPU runs ahead in graphs of 1 and of several steps
                gpu->adamSteps(1, cfg);
                const double c = cpu->lastLoss().total;
                const double g = gpu->lastLoss().total;
                hc.push_back(Real(c));
                hg.push_back(Real(g));
                const double e = relDiff(g, c);
                if (!(e <= worst))
                {
                    worst = e;
                    worstIt = it;
                }
            }
            EXPECT_LT(hc.back(), hc.front()) << "the loss should fall";
            if (!(worst <= tol))
            {
                const std::string f = dumpCase(pb, opts, in, bs, params, hc, hg);
                ADD_FAILURE() << kind << " chunk " << chunk << ": loss histories differ by "
                              << worst << " at iteration " << worstIt << " (tolerance " << tol
                              << "); inputs and histories in " << f;
            }
            // Several steps per call (one graph replayed) == the CPU's
            cpu->adamSteps(5, cfg);
            gpu->adamSteps(5, cfg);
            EXPECT_LE(relDiff(gpu->lastLoss().total, cpu->lastLoss().total), 10 * tol);
            std::vector<Real> pc(pb.net.nParams()), pg(pb.net.nParams());
            cpu->getParameters(pc.data());
            gpu->getParameters(pg.data());
            EXPECT_LE(relDiff(pg, pc), 10 * tol);
            const AdamState<Real> sc = cpu->getAdamState();
            const AdamState<Real> sg = gpu->getAdamState();
            EXPECT_EQ(sg.step, 205);
            EXPECT_EQ(sg.step, sc.step);
            EXPECT_LE(relDiff(sg.m, sc.m), 100 * tol);
        }
    }
}


// Restarting from the state read back gives the same step as going on
TEST(CudaBackendState, RestartEqualsUninterrupted)
{
    PINN_SKIP_WITHOUT_GPU();
    const Problem pb = makeProblem(makePde("navierStokes", 2), {16, 16}, Activation::tanh);
    InteriorSet<double> in;
    BoundarySet<double> bs;
    fillSets(pb, 500, 41u, in, bs);
    const auto params = randomParams<double>(pb.net, 43u);
    BackendOptions opts;
    AdamConfig cfg;
    auto a = newCudaBackend<double>(pb, opts);
    a->setInterior(in);
    a->setBoundary(bs);
    a->setParameters(params.data());
    a->adamSteps(10, cfg);
    std::vector<double> p(pb.net.nParams());
    a->getParameters(p.data());
    const AdamState<double> s = a->getAdamState();
    a->adamSteps(7, cfg);
    std::vector<double> pa(p.size());
    a->getParameters(pa.data());

    auto b = newCudaBackend<double>(pb, opts);
    b->setInterior(in);
    b->setBoundary(bs);
    b->setParameters(p.data());
    b->setAdamState(s);
    b->adamSteps(7, cfg);
    std::vector<double> pbv(p.size());
    b->getParameters(pbv.data());
    EXPECT_EQ(pa, pbv);
    // the loss terms are summed with atomics: equal up to rounding
    EXPECT_LE(relDiff(a->lastLoss().total, b->lastLoss().total), 1e-12);
}


TEST(CudaBackendMemory, PoolStatisticsAndClearError)
{
    PINN_SKIP_WITHOUT_GPU();
    const Problem pb = makeProblem(makePde("poisson", 2), {64, 64}, Activation::tanh);
    InteriorSet<float> in;
    BoundarySet<float> bs;
    fillSets(pb, 20000, 5u, in, bs);
    BackendOptions opts;
    opts.chunkSize = 4096;
    auto gpu = newCudaBackend<float>(pb, opts);
    gpu->setInterior(in);
    gpu->setBoundary(bs);
    const auto params = randomParams<float>(pb.net, 1u);
    gpu->setParameters(params.data());
    gpu->adamSteps(3, AdamConfig());
    const LossTerms l = gpu->lastLoss();
    EXPECT_GT(l.total, 0);
    const MemoryStats s = gpu->memoryStats();
    EXPECT_GT(s.poolBytes, 0u);
    EXPECT_LE(s.inUse, s.poolBytes);
    EXPECT_LE(s.peak, s.poolBytes);
    EXPECT_GE(s.peak, s.inUse);
    EXPECT_GT(s.allocations, 10u);
    // the points went up once (x, w, boundary), the parameters once
    EXPECT_GE(s.hostToDevice, in.x.size() * sizeof(float));
    EXPECT_GT(s.deviceToHost, 0u);

    // a chunk that cannot fit: a runtime_error that names chunkSize
    BackendOptions huge;
    huge.chunkSize = idx(1) << 40;
    huge.memoryFraction = 1e-6;
    try
    {
        auto g2 = newCudaBackend<float>(pb, huge);
        g2->setInterior(in);
        g2->setBoundary(bs);
        g2->lossAndGradient(params.data(), nullptr);
        ADD_FAILURE() << "expected std::runtime_error";
    }
    catch (const std::runtime_error& e)
    {
        EXPECT_NE(std::string(e.what()).find("chunkSize"), std::string::npos) << e.what();
    }
}


// A set too large for the device (20M points unchunked) is refused with
// the message naming chunkSize, and the backend stays usable: its
// parameters and Adam state are those from before the refusal, and
// training on a set that fits goes on exactly as if the refusal had not
// happened (issue 16 item 4; before, the next call started from zeros)
TEST(CudaBackendMemory, RefusedSetKeepsTheState)
{
    PINN_SKIP_WITHOUT_GPU();
    const Problem pb = makeProblem(makePde("poisson", 2), {64, 64, 64}, Activation::tanh);
    InteriorSet<float> small, other;
    BoundarySet<float> bs;
    fillSets(pb, 3000, 5u, small, bs);
    BoundarySet<float> unused;
    fillSets(pb, 2000, 9u, other, unused);
    BackendOptions opts;
    opts.chunkSize = idx(1) << 40; // no chunking
    const auto params = randomParams<float>(pb.net, 2u);

    auto run = [&](bool refuse)
    {
        auto gpu = newCudaBackend<float>(pb, opts);
        gpu->setInterior(small);
        gpu->setBoundary(bs);
        gpu->setParameters(params.data());
        gpu->adamSteps(3, AdamConfig());
        std::vector<float> before(params.size());
        gpu->getParameters(before.data());
        const AdamState<float> sBefore = gpu->getAdamState();
        if (refuse)
        {
            // 20M interior points unchunked: ~200 GB of workspace
            InteriorSet<float> huge;
            const idx n = 20000000;
            huge.x.assign(std::size_t(n) * 2, 0.5f);
            huge.w.assign(std::size_t(n), 1.0f / n);
            gpu->setInterior(huge);
            try
            {
                gpu->adamSteps(1, AdamConfig());
                ADD_FAILURE() << "20M points unchunked fitted: memory " << gpu->memoryStats().poolBytes;
            }
            catch (const std::runtime_error& e)
            {
                const std::string w = e.what();
                EXPECT_NE(w.find("chunkSize"), std::string::npos) << w;
                std::cout << "refused: " << w << std::endl;
            }
            // the state is still there, on the host
            std::vector<float> after(params.size());
            gpu->getParameters(after.data());
            EXPECT_EQ(after, before);
            const AdamState<float> s = gpu->getAdamState();
            EXPECT_EQ(s.m, sBefore.m);
            EXPECT_EQ(s.v, sBefore.v);
            EXPECT_EQ(s.step, sBefore.step);
        }
        gpu->setInterior(other);
        gpu->adamSteps(4, AdamConfig());
        std::vector<float> p(params.size());
        gpu->getParameters(p.data());
        return std::make_pair(p, gpu->getAdamState().step);
    };
    const auto plain = run(false);
    const auto refused = run(true);
    EXPECT_EQ(refused.second, plain.second);
    EXPECT_EQ(refused.first, plain.first) << "training after the refusal differs";
}


TEST(CudaSampling, UniformBoxWithCurand)
{
    PINN_SKIP_WITHOUT_GPU();
    const idx n = 100003;
    const std::vector<double> lo{-1.0, 0.5, 2.0}, hi{2.0, 0.75, 2.5};
    const auto x = cuda::uniformBox<float>(n, lo, hi, 1234u);
    ASSERT_EQ(x.size(), std::size_t(n * 3));
    double mean[3] = {0, 0, 0};
    for (idx p = 0; p < n; ++p)
    {
        for (int i = 0; i < 3; ++i)
        {
            const double v = x[p * 3 + i];
            ASSERT_GE(v, lo[i]);
            ASSERT_LE(v, hi[i]);
            mean[i] += v / double(n);
        }
    }
    for (int i = 0; i < 3; ++i)
    {
        // standard error of the mean of a uniform: (hi - lo)/sqrt(12 n)
        EXPECT_NEAR(mean[i], 0.5 * (lo[i] + hi[i]), 5 * (hi[i] - lo[i]) / std::sqrt(12.0 * n));
    }
    // same seed, same points; another seed, other points
    EXPECT_EQ(cuda::uniformBox<float>(n, lo, hi, 1234u), x);
    EXPECT_NE(cuda::uniformBox<float>(n, lo, hi, 1235u), x);
}


TEST(CudaDevice, UsableReportsWithoutThrowing)
{
    std::string msg;
    const bool ok = cudaDeviceUsable(msg);
    EXPECT_FALSE(msg.empty()) << ok;
}
