/*---------------------------------------------------------------------------*\
  pinnFoam core: sampling.hpp

  Description
      Interior collocation points drawn by a cell density, one algorithm for
      the host and the device (issue 14 item 3), so that a GPU run draws on
      the device exactly the points the CPU would draw, and a restarted or
      decomposed run draws them again:

        1. cell weights: the cell volumes, or volume x density (an adaptive
           sampler's density per cell, e.g. RAD's |r|^k/mean(|r|^k) + c);
        2. their running sum (on the device a CUB scan);
        3. point k of a draw takes five uniforms of its own from a
           counter-based generator, Philox4x32-10 (Salmon, Moraes, Dror and
           Shaw, "Parallel random numbers: as easy as 1, 2, 3", SC 2011),
           keyed by the seed, with the counter (k, draw, stream): no state
           is carried from point to point, so every point is drawn by a
           thread of its own, and a processor of a decomposed run draws the
           points that fall into its cells without the others';
        4. u0 picks the cell: the first whose running sum exceeds
           u0 x total (binary search);
        5. u1 picks the tet of the cell by volume (the cell is the union of
           the tets (C, Cf, p_i, p_i+1) over its faces, as pinnDomain
           decomposes it); u2..u4, sorted, are the barycentric coordinates
           of a point uniform in the tet;
        6. the point in network coordinates: x_d = (p_c(d) - origin_c(d))/L.

      cuRAND's generators cannot be evaluated on the host, hence a generator
      written out here; the arithmetic of steps 5 and 6 is written with
      explicit rounding (no fused multiply-add) so that host and device
      compute the same bits.

      CellTable is what a backend needs to draw on its own (the local cells'
      tets, the global cells' volumes); drawReference is the host algorithm
      the device implementation is tested against. pinnDomain draws the same
      points from the mesh directly (without building the table).
\*---------------------------------------------------------------------------*/
#pragma once

#include "pinn/config.hpp"

#include <cstdint>
#include <vector>

namespace pinn
{
namespace sampling
{

// * * * * * * * * * * * * * * Philox4x32-10 * * * * * * * * * * * * * * * //

struct Block
{
    std::uint32_t v[4];
};

//- Philox4x32 with 10 rounds of the counter c under the key (k0, k1)
PINN_HD Block philox4x32(Block c, std::uint32_t k0, std::uint32_t k1)
{
    for (int r = 0; r < 10; ++r)
    {
        const std::uint64_t p0 = std::uint64_t(0xD2511F53u) * c.v[0];
        const std::uint64_t p1 = std::uint64_t(0xCD9E8D57u) * c.v[2];
        const std::uint32_t hi0 = std::uint32_t(p0 >> 32), lo0 = std::uint32_t(p0);
        const std::uint32_t hi1 = std::uint32_t(p1 >> 32), lo1 = std::uint32_t(p1);
        c = Block{{hi1 ^ c.v[1] ^ k0, lo1, hi0 ^ c.v[3] ^ k1, lo0}};
        k0 += 0x9E3779B9u;
        k1 += 0xBB67AE85u;
    }
    return c;
}

//- Double in [0, 1) from the top 53 of 64 bits
PINN_HD double toUnit(std::uint32_t hi, std::uint32_t lo)
{
    return double(((std::uint64_t(hi) << 32) | lo) >> 11) * 0x1.0p-53;
}

//- The five uniforms of point k of draw `draw` in stream `stream` (< 256;
//  draws below 2^48): three Philox blocks, counters (k, draw, j | stream)
PINN_HD void pointUniforms(std::uint64_t seed, std::uint64_t draw, std::uint32_t stream,
    std::uint64_t k, double u[5])
{
    const std::uint32_t k0 = std::uint32_t(seed), k1 = std::uint32_t(seed >> 32);
    double v[6];
    for (std::uint32_t j = 0; j < 3; ++j)
    {
        const Block c{{std::uint32_t(k), std::uint32_t(k >> 32), std::uint32_t(draw),
            j | ((stream & 0xffu) << 8) | (std::uint32_t(draw >> 32) << 16)}};
        const Block r = philox4x32(c, k0, k1);
        v[2 * j] = toUnit(r.v[0], r.v[1]);
        v[2 * j + 1] = toUnit(r.v[2], r.v[3]);
    }
    for (int i = 0; i < 5; ++i) u[i] = v[i];
}


// * * * * * * * * * * * * Arithmetic, rounded alike * * * * * * * * * * * //

PINN_HD double mulRn(double a, double b)
{
#if defined(__CUDA_ARCH__)
    return __dmul_rn(a, b);
#else
    return a * b;
#endif
}

PINN_HD double addRn(double a, double b)
{
#if defined(__CUDA_ARCH__)
    return __dadd_rn(a, b);
#else
    return a + b;
#endif
}

PINN_HD double subRn(double a, double b)
{
#if defined(__CUDA_ARCH__)
    return __dsub_rn(a, b);
#else
    return a - b;
#endif
}

PINN_HD double divRn(double a, double b)
{
#if defined(__CUDA_ARCH__)
    return __ddiv_rn(a, b);
#else
    return a / b;
#endif
}


// * * * * * * * * * * * * * * * The algorithm * * * * * * * * * * * * * * //

//- Index of the first running sum above u x total (the last on round-off)
PINN_HD idx pickCumulative(const double* cumulative, idx n, double u)
{
    const double target = mulRn(u, cumulative[n - 1]);
    idx lo = 0, hi = n; // first index with cumulative > target
    while (lo < hi)
    {
        const idx mid = lo + (hi - lo) / 2;
        if (cumulative[mid] > target)
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo < n ? lo : n - 1;
}

//- The point (case coordinates) of uniforms u[1..4] in local cell c:
//  centre cc, tets [t0, t1) of 9 values each (Cf, a, b), their volumes,
//  the cell's volume
PINN_HD void placeInCell(const double* cc, const double* tets, const double* tetVolume, idx t0,
    idx t1, double cellVolume, const double u[5], double p[3])
{
    const double target = mulRn(u[1], cellVolume);
    double sum = 0;
    idx t = t0;
    for (; t < t1; ++t)
    {
        sum = addRn(sum, tetVolume[t]);
        if (sum > target) break;
    }
    if (t >= t1) t = t1 - 1;
    const double* T = tets + 9 * t;

    double s0 = u[2], s1 = u[3], s2 = u[4];
    // sorted as std::sort of three values sorts them
    if (s1 < s0) { const double x = s0; s0 = s1; s1 = x; }
    if (s2 < s1) { const double x = s1; s1 = s2; s2 = x; }
    if (s1 < s0) { const double x = s0; s0 = s1; s1 = x; }

    const double a = subRn(1.0, s2), b = s0, c = subRn(s1, s0), d = subRn(s2, s1);
    for (int i = 0; i < 3; ++i)
    {
        p[i] = addRn(addRn(addRn(mulRn(a, cc[i]), mulRn(b, T[i])), mulRn(c, T[3 + i])),
            mulRn(d, T[6 + i]));
    }
}

//- What a backend needs to draw interior points on its own
struct CellTable
{
    //- Per global cell: its volume (the weights' base) and its local index
    //  here (-1: another processor's)
    std::vector<double> cellVolume;
    std::vector<std::int32_t> localCell;

    //- Per local cell: the centre (3 values) and its tets [tetStart[c],
    //  tetStart[c + 1]) of positive volume, each Cf, a, b (9 values), in the
    //  order pinnDomain walks them
    std::vector<double> centre;
    std::vector<idx> tetStart;
    std::vector<double> tets;
    std::vector<double> tetVolume;

    //- Network coordinates x_d = (p[component[d]] - origin[component[d]])/length
    int dim = 3;
    int component[3] = {0, 1, 2};
    double origin[3] = {0, 0, 0};
    double length = 1;

    idx nGlobal() const { return idx(cellVolume.size()); }
    idx nLocal() const { return idx(tetStart.empty() ? 0 : tetStart.size() - 1); }

    //- Throws std::invalid_argument for inconsistent sizes or values
    void check() const;
};

//- One draw: n points over the whole domain (global count), of which a
//  processor keeps those in its cells
struct InteriorDraw
{
    idx n = 0;
    std::uint64_t seed = 0;
    std::uint64_t draw = 0;
    std::uint32_t stream = 0;

    //- Per global cell (empty: by volume); negative values count as zero
    std::vector<double> density;

    //- Each point's loss weight: weight x factor[its global cell] (factor
    //  empty: 1), e.g. 1/density for an unbiased estimate of the integral
    double weight = 0;
    std::vector<double> factor;

    //- Each point's source (InteriorSet::s): source[its global cell]
    //  (empty: none)
    std::vector<double> source;

    //- Throws std::invalid_argument naming what does not fit the table
    void check(const CellTable& t) const;
};

//- The host algorithm: the points of this processor in network
//  coordinates (dim each, in the order of k), their weights and global
//  cells (may be nullptr)
void drawReference(const CellTable& table, const InteriorDraw& d, std::vector<double>& x,
    std::vector<double>& w, std::vector<idx>* globalCell = nullptr,
    std::vector<double>* source = nullptr);

} // namespace sampling
} // namespace pinn
