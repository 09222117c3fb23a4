// Derivative streams and weight gradients of the CPU backend against central
// finite differences, in double precision, 2D and 3D, at awkward sizes.

#include "pinn/CpuBackend.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

using namespace pinn;

namespace
{

Problem makeProblem(int D, PdeSpec pde, std::vector<int> hidden, Activation act, int nGroups = 2)
{
    Problem pb;
    pb.net.inputDim = D;
    pb.net.hidden = hidden;
    pb.net.nOutputs = pde.nOut;
    pb.net.activation = act;
    pb.pde = pde;
    pb.nBoundaryGroups = nGroups;
    return pb;
}

std::vector<double> randomParams(const NetworkSpec& net, unsigned seed)
{
    std::vector<double> p(net.nParams());
    glorotInit(net, seed, p.data());
    // non-zero biases so that every term of the recurrences is exercised
    std::mt19937_64 g(seed + 7);
    std::uniform_real_distribution<double> U(-0.5, 0.5);
    for (int l = 0; l < net.nLayers(); ++l)
    {
        for (int j = 0; j < net.sizes()[l + 1]; ++j) p[net.biasOffset(l) + j] = U(g);
    }
    return p;
}

void fillSets(const Problem& pb, idx nInt, idx nBnd, unsigned seed, InteriorSet<double>& in,
    BoundarySet<double>& bs)
{
    const int D = pb.net.inputDim;
    std::mt19937_64 g(seed);
    std::uniform_real_distribution<double> U(0.0, 1.0);
    in.x.resize(nInt * D);
    in.w.resize(nInt);
    for (auto& v : in.x) v = U(g);
    for (auto& v : in.w) v = 0.5 + U(g);
    bs = BoundarySet<double>();
    for (idx b = 0; b < nBnd; ++b)
    {
        double n[3] = {U(g) - 0.5, U(g) - 0.5, U(g) - 0.5}, len = 0;
        for (int i = 0; i < D; ++i) len += n[i] * n[i];
        for (int i = 0; i < D; ++i)
        {
            bs.x.push_back(U(g));
            bs.normal.push_back(n[i] / std::sqrt(len));
        }
        const int kind = int(b % 3); // Dirichlet, Neumann, mixed
        const double f = kind == 0 ? 1.0 : (kind == 1 ? 0.0 : 0.3);
        bs.alpha.push_back(f);
        bs.beta.push_back(1 - f);
        bs.g.push_back(U(g));
        bs.w.push_back(0.2 + U(g));
        bs.component.push_back(int(b % pb.net.nOutputs));
        bs.group.push_back(int(b % pb.nBoundaryGroups));
    }
}

} // namespace


class StreamsFD : public ::testing::TestWithParam<std::tuple<int, int>>
{
};

// Gradient and Laplacian streams of every output against central differences of the value
TEST_P(StreamsFD, GradientAndLaplacian)
{
    const int D = std::get<0>(GetParam());
    const Activation act = std::get<1>(GetParam()) == 0 ? Activation::tanh : Activation::sin;
    const Problem pb = makeProblem(D, PdeSpec::navierStokes(D, 0.1), {7, 5, 11}, act);
    CpuBackend<double> be(pb, BackendOptions());
    const auto p = randomParams(pb.net, 3);
    be.setParameters(p.data());

    const idx n = 5;
    const int S = D + 2, nOut = pb.net.nOutputs;
    std::vector<double> x(n * D);
    std::mt19937_64 g(11);
    std::uniform_real_distribution<double> U(-1, 1);
    for (auto& v : x) v = U(g);
    std::vector<double> st(n * S * nOut);
    be.evaluateStreams(x.data(), n, st.data());

    const double h = 1e-4;
    for (idx q = 0; q < n; ++q)
    {
        std::vector<double> xs(x.begin() + q * D, x.begin() + (q + 1) * D);
        std::vector<double> v0(nOut), vp(nOut), vm(nOut);
        be.evaluate(xs.data(), 1, v0.data(), nullptr);
        std::vector<double> lap(nOut, 0.0);
        for (int i = 0; i < D; ++i)
        {
            auto xp = xs, xm = xs;
            xp[i] += h;
            xm[i] -= h;
            be.evaluate(xp.data(), 1, vp.data(), nullptr);
            be.evaluate(xm.data(), 1, vm.data(), nullptr);
            for (int k = 0; k < nOut; ++k)
            {
                const double fd = (vp[k] - vm[k]) / (2 * h);
                EXPECT_NEAR(st[(q * S + 1 + i) * nOut + k], fd, 1e-7)
                    << "point " << q << " dir " << i;
                lap[k] += (vp[k] - 2 * v0[k] + vm[k]) / (h * h);
            }
        }
        for (int k = 0; k < nOut; ++k)
        {
            EXPECT_NEAR(st[(q * S + 0) * nOut + k], v0[k], 1e-14);
            EXPECT_NEAR(st[(q * S + D + 1) * nOut + k], lap[k], 2e-5) << "point " << q;
        }
    }
}

INSTANTIATE_TEST_SUITE_P(
    Dims, StreamsFD, ::testing::Combine(::testing::Values(2, 3), ::testing::Values(0, 1)));


class WeightGradFD : public ::testing::TestWithParam<std::tuple<int, int, int>>
{
};

// dL/dweights against central differences of the loss, every parameter
TEST_P(WeightGradFD, AllParameters)
{
    const int D = std::get<0>(GetParam());
    const int pdeKind = std::get<1>(GetParam());
    const idx nInt = std::get<2>(GetParam());
    const PdeSpec pde = pdeKind == 0 ? PdeSpec::heat(D, 0.7, 1.3)
        : pdeKind == 1               ? PdeSpec::poisson(D)
                                     : PdeSpec::navierStokes(D, 0.05);
    const Problem pb =
        makeProblem(D, pde, {6, 5}, pdeKind == 1 ? Activation::sin : Activation::tanh);
    CpuBackend<double> be(pb, BackendOptions());
    InteriorSet<double> in;
    BoundarySet<double> bs;
    fillSets(pb, nInt, std::max<idx>(1, nInt / 3), 5, in, bs);
    be.setInterior(in);
    be.setBoundary(bs);

    auto p = randomParams(pb.net, 9);
    std::vector<double> grad(p.size());
    const LossTerms lt = be.lossAndGradient(p.data(), grad.data());
    ASSERT_TRUE(std::isfinite(lt.total));
    ASSERT_GT(lt.total, 0);

    const double h = 1e-6;
    double maxErr = 0, maxG = 0;
    for (std::size_t i = 0; i < p.size(); ++i)
    {
        auto pp = p, pm = p;
        pp[i] += h;
        pm[i] -= h;
        const double fd = (be.lossAndGradient(pp.data(), nullptr).total
                              - be.lossAndGradient(pm.data(), nullptr).total)
            / (2 * h);
        maxErr = std::max(maxErr, std::abs(fd - grad[i]));
        maxG = std::max(maxG, std::abs(grad[i]));
    }
    EXPECT_LT(maxErr, 1e-6 * std::max(1.0, maxG)) << "max |grad| " << maxG;
}

INSTANTIATE_TEST_SUITE_P(Sizes, WeightGradFD,
    ::testing::Combine(
        ::testing::Values(2, 3), ::testing::Values(0, 1, 2), ::testing::Values(1, 7, 263)));


// Loss terms are the sums their definition says
TEST(CpuBackend, LossTermsDefinition)
{
    const Problem pb = makeProblem(2, PdeSpec::heat(2, 2.0, 0.5), {4}, Activation::tanh, 1);
    CpuBackend<double> be(pb, BackendOptions());
    // Zero network: u = 0 everywhere, so r_pde = S and r_bc = -g
    std::vector<double> p(pb.net.nParams(), 0.0);
    InteriorSet<double> in;
    in.x = {0.1, 0.2, 0.3, 0.4, 0.5, 0.6};
    in.w = {1.0, 2.0, 3.0};
    BoundarySet<double> bs;
    bs.x = {0, 0.5};
    bs.normal = {-1, 0};
    bs.alpha = {1};
    bs.beta = {0};
    bs.g = {3};
    bs.w = {0.5};
    bs.component = {0};
    bs.group = {0};
    be.setInterior(in);
    be.setBoundary(bs);
    const LossTerms lt = be.lossAndGradient(p.data(), nullptr);
    EXPECT_DOUBLE_EQ(lt.pde[0], 6 * 0.25);
    EXPECT_DOUBLE_EQ(lt.bc[0], 0.5 * 9);
    EXPECT_DOUBLE_EQ(lt.total, 1.5 + 4.5);
}


// Per-point sources (a source field): s_p added to the heat residual at each
// point; a uniform s equals the PdeSpec's constant S, in the loss, its
// gradient and evaluate's residuals
TEST(CpuBackend, PointSourcesAddToTheResidual)
{
    const Problem withS = makeProblem(2, PdeSpec::heat(2, 1.5, 0.7), {8, 8}, Activation::tanh, 2);
    const Problem noS = makeProblem(2, PdeSpec::heat(2, 1.5, 0.0), {8, 8}, Activation::tanh, 2);
    InteriorSet<double> in;
    BoundarySet<double> bs;
    fillSets(withS, 301, 61, 2, in, bs);
    const auto p = randomParams(withS.net, 5);
    CpuBackend<double> a(withS, BackendOptions()), b(noS, BackendOptions());
    a.setInterior(in);
    a.setBoundary(bs);
    InteriorSet<double> ins = in;
    ins.s.assign(in.w.size(), 0.7);
    b.setInterior(ins);
    b.setBoundary(bs);
    std::vector<double> ga(p.size()), gb(p.size());
    const double la = a.lossAndGradient(p.data(), ga.data()).total;
    const double lb = b.lossAndGradient(p.data(), gb.data()).total;
    EXPECT_NEAR(la, lb, 1e-13 * la);
    for (std::size_t i = 0; i < p.size(); ++i) EXPECT_NEAR(ga[i], gb[i], 1e-12 * (1 + std::abs(ga[i])));

    a.setParameters(p.data());
    b.setParameters(p.data());
    const idx n = idx(in.w.size());
    std::vector<double> va(n), ra(n), vb(n), rb(n);
    a.evaluate(in.x.data(), n, va.data(), ra.data());
    b.evaluate(in.x.data(), n, vb.data(), rb.data(), ins.s.data());
    for (idx i = 0; i < n; ++i) EXPECT_NEAR(ra[i], rb[i], 1e-13 * (1 + std::abs(ra[i])));

    // sizes must agree
    InteriorSet<double> bad = in;
    bad.s.assign(3, 1.0);
    EXPECT_THROW(b.setInterior(bad), std::invalid_argument);
}


// The result does not depend on how points are dealt to threads (up to rounding)
TEST(CpuBackend, ThreadCountInvariance)
{
    const Problem pb = makeProblem(3, PdeSpec::navierStokes(3, 0.02), {16, 16}, Activation::tanh);
    InteriorSet<double> in;
    BoundarySet<double> bs;
    fillSets(pb, 1031, 301, 3, in, bs);
    const auto p = randomParams(pb.net, 4);
    std::vector<double> g1(p.size()), g2(p.size());
    BackendOptions o1;
    o1.threads = 1;
    BackendOptions o2;
    o2.threads = 2;
    CpuBackend<double> b1(pb, o1), b2(pb, o2);
    b1.setInterior(in);
    b1.setBoundary(bs);
    b2.setInterior(in);
    b2.setBoundary(bs);
    const double l1 = b1.lossAndGradient(p.data(), g1.data()).total;
    const double l2 = b2.lossAndGradient(p.data(), g2.data()).total;
    EXPECT_NEAR(l1, l2, 1e-12 * l1);
    for (std::size_t i = 0; i < p.size(); ++i)
        EXPECT_NEAR(g1[i], g2[i], 1e-11 * (1 + std::abs(g1[i])));
}


// float agrees with double to single-precision rounding
TEST(CpuBackend, FloatMatchesDouble)
{
    const Problem pb = makeProblem(2, PdeSpec::poisson(2), {32, 32}, Activation::tanh, 2);
    InteriorSet<double> in;
    BoundarySet<double> bs;
    fillSets(pb, 997, 101, 8, in, bs);
    InteriorSet<float> inf;
    BoundarySet<float> bsf;
    inf.x.assign(in.x.begin(), in.x.end());
    inf.w.assign(in.w.begin(), in.w.end());
    bsf.x.assign(bs.x.begin(), bs.x.end());
    bsf.normal.assign(bs.normal.begin(), bs.normal.end());
    bsf.alpha.assign(bs.alpha.begin(), bs.alpha.end());
    bsf.beta.assign(bs.beta.begin(), bs.beta.end());
    bsf.g.assign(bs.g.begin(), bs.g.end());
    bsf.w.assign(bs.w.begin(), bs.w.end());
    bsf.component = bs.component;
    bsf.group = bs.group;
    const auto p = randomParams(pb.net, 2);
    std::vector<float> pf(p.begin(), p.end());
    CpuBackend<double> bd(pb, BackendOptions());
    CpuBackend<float> bf(pb, BackendOptions());
    bd.setInterior(in);
    bd.setBoundary(bs);
    bf.setInterior(inf);
    bf.setBoundary(bsf);
    std::vector<double> gd(p.size());
    std::vector<float> gf(p.size());
    const double ld = bd.lossAndGradient(p.data(), gd.data()).total;
    const double lf = bf.lossAndGradient(pf.data(), gf.data()).total;
    EXPECT_NEAR(lf, ld, 1e-4 * ld);
    double gmax = 0;
    for (double v : gd) gmax = std::max(gmax, std::abs(v));
    for (std::size_t i = 0; i < p.size(); ++i) EXPECT_NEAR(gf[i], gd[i], 1e-3 * gmax);
}


// Adam reduces the loss of a simple problem and counts its steps
TEST(CpuBackend, AdamDecreasesLoss)
{
    const Problem pb = makeProblem(2, PdeSpec::heat(2, 1.0, 0.0), {16, 16}, Activation::tanh, 1);
    CpuBackend<double> be(pb, BackendOptions());
    InteriorSet<double> in;
    BoundarySet<double> bs;
    fillSets(pb, 200, 80, 1, in, bs);
    be.setInterior(in);
    be.setBoundary(bs);
    std::vector<double> p(pb.net.nParams());
    glorotInit(pb.net, 1, p.data());
    be.setParameters(p.data());
    AdamConfig cfg;
    cfg.lr = 1e-2;
    be.adamSteps(1, cfg);
    const double l0 = be.lastLoss().total;
    be.adamSteps(300, cfg);
    EXPECT_LT(be.lastLoss().total, 0.5 * l0);
    EXPECT_EQ(be.getAdamState().step, 301);
}


// One Adam element update against the formula
TEST(Adam, ElementUpdate)
{
    double p = 1.0, m = 0.1, v = 0.01;
    const double g = 0.5, lr = 0.01, b1 = 0.9, b2 = 0.999, eps = 1e-8;
    const int t = 3;
    const double bc1 = 1 - std::pow(b1, t), bc2 = 1 - std::pow(b2, t);
    adamUpdate(p, m, v, g, lr, b1, b2, eps, bc1, bc2);
    const double m1 = 0.9 * 0.1 + 0.1 * 0.5, v1 = 0.999 * 0.01 + 0.001 * 0.25;
    EXPECT_DOUBLE_EQ(m, m1);
    EXPECT_DOUBLE_EQ(v, v1);
    EXPECT_DOUBLE_EQ(p, 1.0 - lr * (m1 / bc1) / (std::sqrt(v1 / bc2) + eps));
    AdamConfig c;
    c.lr = 1e-3;
    c.decayRate = 0.5;
    c.decaySteps = 100;
    EXPECT_DOUBLE_EQ(c.learningRate(100), 5e-4);
    EXPECT_DOUBLE_EQ(c.learningRate(200), 2.5e-4);
}
