// Interior draws by a cell density (pinn/sampling.hpp): the generator
// against Random123's known answers, and drawReference on a graded hex grid:
// points in their cells, cells in proportion to volume x density, the same
// points for the same inputs, a decomposed table drawing exactly the serial
// points, weight factors, 2D coordinates.

#include "../common/gridCellTable.hpp"
#include "pinn/sampling.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>

using namespace pinn;
using namespace pinn::sampling;

TEST(SamplingPhilox, KnownAnswersOfRandom123)
{
    // Random123 tests/kat_vectors, the three "philox4x32 10" lines: counter
    // (4 words), key (2 words), result (4 words)
    const std::uint32_t kat[3][10] = {
        {0, 0, 0, 0, 0, 0, 0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8},
        {0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0x408f276d,
            0x41c83b0e, 0xa20bc7c6, 0x6d5451fd},
        {0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344, 0xa4093822, 0x299f31d0, 0xd16cfe09,
            0x94fdcceb, 0x5001e420, 0x24126ea1}};
    for (const auto& v : kat)
    {
        const Block r = philox4x32(Block{{v[0], v[1], v[2], v[3]}}, v[4], v[5]);
        for (int i = 0; i < 4; ++i) EXPECT_EQ(r.v[i], v[6 + i]);
    }
}

TEST(SamplingPhilox, UniformsInTheUnitIntervalAndIndependentByCounter)
{
    double mean = 0, sq = 0;
    const int n = 20000;
    double a[5], b[5];
    for (int k = 0; k < n; ++k)
    {
        pointUniforms(7, 3, 1, k, a);
        for (double u : a)
        {
            ASSERT_GE(u, 0.0);
            ASSERT_LT(u, 1.0);
            mean += u / (5.0 * n);
            sq += u * u / (5.0 * n);
        }
    }
    EXPECT_NEAR(mean, 0.5, 0.005);
    EXPECT_NEAR(sq - mean * mean, 1.0 / 12, 0.002);
    // another point, draw, stream or seed: other uniforms
    pointUniforms(7, 3, 1, 11, a);
    for (const auto& other : {std::array<std::uint64_t, 4>{7, 3, 1, 12}, {7, 4, 1, 11},
             {7, 3, 3, 11}, {8, 3, 1, 11}})
    {
        pointUniforms(other[0], other[1], std::uint32_t(other[2]), other[3], b);
        for (int i = 0; i < 5; ++i) EXPECT_NE(a[i], b[i]);
    }
}

namespace
{

std::vector<double> rampDensity(const testgrid::Grid& g)
{
    // density rising 1 -> 10 along x, zero in one cell
    std::vector<double> q(g.nCells());
    for (int c = 0; c < g.nCells(); ++c) q[c] = 1.0 + 9.0 * double(c % g.nx) / (g.nx - 1);
    q[7] = 0.0;
    q[8] = -3.0; // negative counts as zero
    return q;
}

} // namespace

TEST(SamplingReference, PointsInTheirCellsByVolumeTimesDensity)
{
    const testgrid::Grid g;
    const CellTable t = testgrid::gridTable(g);
    t.check();
    InteriorDraw d;
    d.n = 200000;
    d.seed = 5;
    d.draw = 2;
    d.stream = 1;
    d.density = rampDensity(g);
    d.weight = 0.5;
    std::vector<double> x, w;
    std::vector<idx> cell;
    drawReference(t, d, x, w, &cell);
    ASSERT_EQ(idx(w.size()), d.n);
    ASSERT_EQ(idx(x.size()), 3 * d.n);
    std::vector<double> count(g.nCells(), 0.0);
    for (idx k = 0; k < d.n; ++k)
    {
        ASSERT_TRUE(testgrid::insideCell(g, int(cell[k]), t, &x[3 * k])) << "point " << k;
        EXPECT_EQ(w[k], 0.5);
        count[cell[k]] += 1;
    }
    // chi-square against volume x density (cells of zero weight get none)
    double total = 0;
    for (int c = 0; c < g.nCells(); ++c) total += t.cellVolume[c] * std::max(d.density[c], 0.0);
    double chi2 = 0;
    int dof = -1;
    for (int c = 0; c < g.nCells(); ++c)
    {
        const double e = d.n * t.cellVolume[c] * std::max(d.density[c], 0.0) / total;
        if (e == 0)
        {
            EXPECT_EQ(count[c], 0.0) << "cell " << c << " has no weight";
            continue;
        }
        chi2 += (count[c] - e) * (count[c] - e) / e;
        ++dof;
    }
    // 118 degrees of freedom: P(chi2 > 180) < 2e-4
    EXPECT_LT(chi2, 180.0) << "dof " << dof;

    // the same inputs, the same points; another draw, others
    std::vector<double> x2, w2;
    drawReference(t, d, x2, w2);
    EXPECT_EQ(x, x2);
    d.draw = 3;
    drawReference(t, d, x2, w2);
    EXPECT_NE(x, x2);
}

TEST(SamplingReference, UniformInsideACellByVolume)
{
    // one cell: the tets' volumes must be followed (moments of a uniform
    // distribution in the box)
    testgrid::Grid g;
    g.nx = g.ny = g.nz = 1;
    g.grading = 1;
    const CellTable t = testgrid::gridTable(g);
    InteriorDraw d;
    d.n = 100000;
    d.weight = 1;
    std::vector<double> x, w;
    drawReference(t, d, x, w);
    for (int c = 0; c < 3; ++c)
    {
        double m = 0, s = 0;
        for (idx k = 0; k < d.n; ++k)
        {
            const double p = x[3 * k + c] * t.length + t.origin[c];
            m += p / d.n;
            s += p * p / d.n;
        }
        const double L = g.hi[c] - g.lo[c];
        EXPECT_NEAR(m, 0.5 * (g.lo[c] + g.hi[c]), 0.004 * L);
        EXPECT_NEAR(s - m * m, L * L / 12, 0.01 * L * L / 12);
    }
}

TEST(SamplingReference, DecomposedTablesDrawTheSerialPoints)
{
    const testgrid::Grid g;
    InteriorDraw d;
    d.n = 5000;
    d.seed = 11;
    d.density = rampDensity(g);
    d.weight = 1e-3;
    d.factor.resize(g.nCells());
    for (int c = 0; c < g.nCells(); ++c) d.factor[c] = 1.0 / (1 + c);
    std::vector<double> xs, ws;
    std::vector<idx> cs;
    drawReference(testgrid::gridTable(g), d, xs, ws, &cs);
    for (idx k = 0; k < idx(ws.size()); ++k) EXPECT_EQ(ws[k], 1e-3 * (1.0 / (1 + cs[k])));

    // three processors: each keeps the serial points in its cells, in order
    std::vector<std::map<idx, int>> seen(3);
    idx total = 0;
    for (int p = 0; p < 3; ++p)
    {
        std::vector<double> x, w;
        std::vector<idx> c;
        drawReference(testgrid::gridTable(g, p, 3), d, x, w, &c);
        total += idx(w.size());
        idx j = 0;
        for (idx k = 0; k < idx(cs.size()); ++k)
        {
            if (cs[k] % 3 != p) continue;
            ASSERT_LT(j, idx(c.size()));
            EXPECT_EQ(c[j], cs[k]);
            for (int i = 0; i < 3; ++i) EXPECT_EQ(x[3 * j + i], xs[3 * k + i]);
            EXPECT_EQ(w[j], ws[k]);
            ++j;
        }
        EXPECT_EQ(j, idx(c.size()));
    }
    EXPECT_EQ(total, d.n);
}

TEST(SamplingReference, TwoDimensionalCoordinatesAndBadInput)
{
    const testgrid::Grid g;
    CellTable t3 = testgrid::gridTable(g);
    CellTable t2 = testgrid::gridTable(g, 0, 1, 2);
    t2.component[0] = 0;
    t2.component[1] = 2;
    InteriorDraw d;
    d.n = 1000;
    d.weight = 1;
    std::vector<double> x3, x2, w;
    drawReference(t3, d, x3, w);
    drawReference(t2, d, x2, w);
    ASSERT_EQ(x2.size(), 2 * x3.size() / 3);
    for (idx k = 0; k < d.n; ++k)
    {
        EXPECT_EQ(x2[2 * k], x3[3 * k]);
        EXPECT_EQ(x2[2 * k + 1], x3[3 * k + 2]);
    }
    InteriorDraw bad = d;
    bad.density.assign(3, 1.0);
    EXPECT_THROW(drawReference(t3, bad, x3, w), std::invalid_argument);
    bad = d;
    bad.density.assign(g.nCells(), 0.0);
    EXPECT_THROW(drawReference(t3, bad, x3, w), std::invalid_argument);
    CellTable broken = t3;
    broken.tetStart.back() += 1;
    EXPECT_THROW(broken.check(), std::invalid_argument);
}
