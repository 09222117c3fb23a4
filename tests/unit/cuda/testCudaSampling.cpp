// Interior points drawn on the device (issue 14 item 3): CudaBackend's
// drawInterior gives the points and weights of the host algorithm
// (pinn::sampling::drawReference) for the same density, in serial and for
// one processor of a decomposed table, in float and double; the training
// step then equals the one on the same points given through setInterior,
// with term scales and after the pool is laid out again.

#include "../common/gridCellTable.hpp"
#include "CudaBackend.hpp"
#include "pinn/Backend.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

using namespace pinn;

namespace
{

bool gpu(std::string& why)
{
    return cudaDeviceUsable(why);
}

Problem heatProblem(int D)
{
    Problem pb;
    pb.net.inputDim = D;
    pb.net.hidden = {64, 64, 64};
    pb.net.nOutputs = 1;
    pb.pde = PdeSpec::heat(D, 0.7, 1.3);
    pb.nBoundaryGroups = 2;
    return pb;
}

sampling::InteriorDraw rampDraw(const testgrid::Grid& g, idx n, bool factor)
{
    sampling::InteriorDraw d;
    d.n = n;
    d.seed = 42;
    d.draw = 6;
    d.stream = 1;
    d.weight = 1.0 / double(n);
    d.density.resize(g.nCells());
    for (int c = 0; c < g.nCells(); ++c)
    {
        d.density[c] = std::pow(1.0 + double(c % 17), 2.0);
    }
    d.density[3] = 0;
    if (factor)
    {
        d.factor.resize(g.nCells());
        for (int c = 0; c < g.nCells(); ++c) d.factor[c] = 1.0 / d.density[c] + 0.5;
    }
    // a source field (heat's S(x)): each point carries its cell's value
    d.source.resize(g.nCells());
    for (int c = 0; c < g.nCells(); ++c) d.source[c] = std::sin(0.3 * c) - 0.2;
    return d;
}

template<class Real>
BoundarySet<Real> someBoundary(int D, unsigned seed)
{
    std::mt19937_64 gen(seed);
    std::uniform_real_distribution<double> U(-0.5, 0.5);
    BoundarySet<Real> b;
    for (int i = 0; i < 300; ++i)
    {
        for (int d = 0; d < D; ++d)
        {
            b.x.push_back(Real(U(gen)));
            b.normal.push_back(Real(d == 0 ? 1 : 0));
        }
        b.alpha.push_back(1);
        b.beta.push_back(Real(i % 2));
        b.g.push_back(Real(U(gen)));
        b.w.push_back(Real(1.0 / 300));
        b.component.push_back(0);
        b.group.push_back(i % 2);
    }
    return b;
}

template<class Real>
void drawsTheReferencePoints(int proc, int nProcs, int D)
{
    testgrid::Grid g;
    g.nx = 20;
    g.ny = 15;
    g.nz = 10; // 3000 cells, 72000 tets
    const sampling::CellTable t = testgrid::gridTable(g, proc, nProcs, D);
    const idx n = 200000;
    const sampling::InteriorDraw d = rampDraw(g, n, true);
    std::vector<double> xr, wr, sr;
    sampling::drawReference(t, d, xr, wr, nullptr, &sr);

    BackendOptions opts;
    auto be = newCudaBackend<Real>(heatProblem(D), opts);
    ASSERT_TRUE(be->canDrawInterior());
    be->setBoundary(someBoundary<Real>(D, 3));
    be->setCellTable(t, n);
    const MemoryStats before = be->memoryStats();
    const idx count = be->drawInterior(d);
    ASSERT_EQ(count, idx(wr.size()));
    const MemoryStats after = be->memoryStats();
    // no points came through the host: what went up is the density, the
    // factors and the boundary set, far less than the points
    EXPECT_LT(after.hostToDevice - before.hostToDevice, xr.size() * sizeof(Real) / 4);

    const InteriorSet<Real> got = cuda::testing::interiorSet(*be);
    ASSERT_EQ(got.x.size(), xr.size());
    idx nX = 0, nW = 0, nS = 0;
    for (std::size_t i = 0; i < xr.size(); ++i) nX += got.x[i] != Real(xr[i]);
    for (std::size_t i = 0; i < wr.size(); ++i) nW += got.w[i] != Real(wr[i]);
    ASSERT_EQ(got.s.size(), sr.size());
    for (std::size_t i = 0; i < sr.size(); ++i) nS += got.s[i] != Real(sr[i]);
    EXPECT_EQ(nS, 0) << "sources that differ from the host's, of " << sr.size();
    EXPECT_EQ(nX, 0) << "coordinates that differ from the host's, of " << xr.size();
    EXPECT_EQ(nW, 0) << "weights that differ from the host's, of " << wr.size();
}

} // namespace


TEST(CudaSampling, DrawsTheHostsPointsFloat3D)
{
    std::string why;
    if (!gpu(why)) GTEST_SKIP() << why;
    drawsTheReferencePoints<float>(0, 1, 3);
}

TEST(CudaSampling, DrawsTheHostsPointsDouble2D)
{
    std::string why;
    if (!gpu(why)) GTEST_SKIP() << why;
    drawsTheReferencePoints<double>(0, 1, 2);
}

TEST(CudaSampling, DrawsTheHostsPointsOfOneProcessor)
{
    std::string why;
    if (!gpu(why)) GTEST_SKIP() << why;
    drawsTheReferencePoints<float>(1, 3, 3);
    drawsTheReferencePoints<double>(2, 3, 3);
}


// The step on the device's points equals the step on the same points set
// from the host: before and after term scales, after evaluate() lays the
// pool out again (the device's points come back to the host once), after
// a second draw, and through Adam steps
TEST(CudaSampling, TrainsOnTheDrawnPoints)
{
    std::string why;
    if (!gpu(why)) GTEST_SKIP() << why;
    using Real = double;
    const int D = 3;
    const Problem pb = heatProblem(D);
    testgrid::Grid g;
    const sampling::CellTable t = testgrid::gridTable(g);
    const idx n = 20000;
    sampling::InteriorDraw d = rampDraw(g, n, false);
    const BoundarySet<Real> b = someBoundary<Real>(D, 5);

    BackendOptions opts;
    opts.chunkSize = 65536; // the evaluation below needs a larger pool
    auto dev = newCudaBackend<Real>(pb, opts);
    auto host = newCudaBackend<Real>(pb, opts);
    std::vector<Real> p(pb.net.nParams());
    glorotInit(pb.net, 9, p.data());
    dev->setParameters(p.data());
    host->setParameters(p.data());

    auto hostSet = [&](const sampling::InteriorDraw& dd)
    {
        std::vector<double> xr, wr, sr;
        sampling::drawReference(t, dd, xr, wr, nullptr, &sr);
        InteriorSet<Real> in;
        in.x.assign(xr.begin(), xr.end());
        in.w.assign(wr.begin(), wr.end());
        in.s.assign(sr.begin(), sr.end());
        return in;
    };
    auto same = [&](const char* what)
    {
        std::vector<Real> ga(p.size()), gb(p.size());
        const LossTerms la = dev->lossAndGradient(p.data(), ga.data());
        const LossTerms lb = host->lossAndGradient(p.data(), gb.data());
        EXPECT_NEAR(la.total, lb.total, 1e-12 * std::abs(lb.total)) << what;
        double num = 0, den = 0;
        for (std::size_t i = 0; i < p.size(); ++i)
        {
            num += (ga[i] - gb[i]) * (ga[i] - gb[i]);
            den += gb[i] * gb[i];
        }
        EXPECT_LE(std::sqrt(num / den), 1e-12) << what;
    };

    dev->setBoundary(b);
    dev->setCellTable(t, n);
    EXPECT_EQ(dev->drawInterior(d), n);
    host->setInterior(hostSet(d));
    host->setBoundary(b);
    same("first draw");

    dev->setTermScales(2.5, {0.5, 4.0});
    host->setTermScales(2.5, {0.5, 4.0});
    same("term scales");

    // an evaluation of more points than the pool holds lays it out again
    std::vector<Real> x(3 * 100000, Real(0.1)), v(100000), r(100000);
    dev->evaluate(x.data(), 100000, v.data(), r.data());
    same("after the pool was laid out again");

    // the CPU backend on the same points and sources: the same loss
    {
        auto cpu = newBackend<Real>("cpu", pb, opts);
        cpu->setInterior(hostSet(d));
        cpu->setBoundary(b);
        cpu->setTermScales(2.5, {0.5, 4.0});
        std::vector<Real> gc(p.size()), gd(p.size());
        const double lc = cpu->lossAndGradient(p.data(), gc.data()).total;
        const double ld = dev->lossAndGradient(p.data(), gd.data()).total;
        EXPECT_NEAR(ld, lc, 1e-10 * std::abs(lc)) << "GPU against CPU with sources";
        double num = 0, den = 0;
        for (std::size_t i = 0; i < p.size(); ++i)
        {
            num += (gd[i] - gc[i]) * (gd[i] - gc[i]);
            den += gc[i] * gc[i];
        }
        EXPECT_LE(std::sqrt(num / den), 1e-10) << "GPU against CPU gradient with sources";

        // evaluation with the points' sources: residual = source-free + s
        const idx m = 5000;
        std::vector<Real> xe(3 * m), se(m), vc(m), rc(m), vd(m), rd(m), r0(m);
        std::mt19937_64 gen(3);
        std::uniform_real_distribution<double> U(-0.5, 0.5);
        for (auto& v : xe) v = Real(U(gen));
        for (auto& v : se) v = Real(U(gen));
        cpu->setParameters(p.data());
        cpu->evaluate(xe.data(), m, vc.data(), rc.data(), se.data());
        dev->setParameters(p.data());
        dev->evaluate(xe.data(), m, vd.data(), rd.data(), se.data());
        dev->evaluate(xe.data(), m, vd.data(), r0.data());
        double worst = 0;
        for (idx i = 0; i < m; ++i)
        {
            worst = std::max(worst, std::abs(double(rd[i] - rc[i])) / (1 + std::abs(double(rc[i]))));
            EXPECT_NEAR(double(rd[i]), double(r0[i] + se[i]), 1e-12 * (1 + std::abs(double(rd[i]))));
        }
        EXPECT_LE(worst, 1e-10) << "evaluated residuals with sources, GPU against CPU";
    }

    d.draw = 7;
    d.density.clear(); // by volume
    d.source.clear(); // and no source
    EXPECT_EQ(dev->drawInterior(d), n);
    host->setInterior(hostSet(d));
    same("second draw");

    dev->adamSteps(5, AdamConfig());
    host->adamSteps(5, AdamConfig());
    std::vector<Real> pa(p.size()), pbv(p.size());
    dev->getParameters(pa.data());
    host->getParameters(pbv.data());
    double num = 0, den = 0;
    for (std::size_t i = 0; i < p.size(); ++i)
    {
        num += (pa[i] - pbv[i]) * (pa[i] - pbv[i]);
        den += pbv[i] * pbv[i];
    }
    EXPECT_LE(std::sqrt(num / den), 1e-12) << "Adam steps";
}
