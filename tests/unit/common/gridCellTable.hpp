/*---------------------------------------------------------------------------*\
  pinnFoam tests: gridCellTable.hpp

  Description
      A pinn::sampling::CellTable of a graded nx x ny x nz hex grid in a box
      (each hex the union of the 24 tets (C, Cf, p_i, p_i+1) over its
      faces, as pinnDomain decomposes cells), for the tests of the draws
      that need no OpenFOAM (core and CUDA). Cells of processor `proc` of
      `nProcs` (cells dealt round robin) are local; the others' are -1.
\*---------------------------------------------------------------------------*/
#pragma once

#include "pinn/sampling.hpp"

#include <array>
#include <cmath>
#include <vector>

namespace pinn
{
namespace testgrid
{

struct Grid
{
    int nx = 6, ny = 5, nz = 4;
    double lo[3] = {-0.5, 0.25, 1.0};
    double hi[3] = {1.5, 0.75, 1.3};
    double grading = 3.0; // last/first cell width in x

    double xAt(int i) const
    {
        // geometric grading in x, uniform in y and z
        const double r = std::pow(grading, 1.0 / std::max(nx - 1, 1));
        double sum = 0, at = 0;
        for (int k = 0; k < nx; ++k) sum += std::pow(r, k);
        for (int k = 0; k < i; ++k) at += std::pow(r, k);
        return lo[0] + (hi[0] - lo[0]) * at / sum;
    }
    std::array<double, 3> vertex(int i, int j, int k) const
    {
        return {xAt(i), lo[1] + (hi[1] - lo[1]) * j / ny, lo[2] + (hi[2] - lo[2]) * k / nz};
    }
    int nCells() const { return nx * ny * nz; }
    int cell(int i, int j, int k) const { return i + nx * (j + ny * k); }
};

inline double tetVolumeOf(const double* a, const double* b, const double* c, const double* d)
{
    const double u[3] = {b[0] - a[0], b[1] - a[1], b[2] - a[2]};
    const double v[3] = {c[0] - a[0], c[1] - a[1], c[2] - a[2]};
    const double w[3] = {d[0] - a[0], d[1] - a[1], d[2] - a[2]};
    const double x = u[1] * v[2] - u[2] * v[1], y = u[2] * v[0] - u[0] * v[2],
                 z = u[0] * v[1] - u[1] * v[0];
    return std::abs(x * w[0] + y * w[1] + z * w[2]) / 6.0;
}

//- The table of g's cells held by processor proc of nProcs; dim 2 drops z
inline sampling::CellTable gridTable(const Grid& g, int proc = 0, int nProcs = 1, int dim = 3)
{
    sampling::CellTable t;
    const int nG = g.nCells();
    t.cellVolume.assign(nG, 0.0);
    t.localCell.assign(nG, -1);
    t.tetStart.assign(1, 0);
    int nLocal = 0;
    std::vector<double> xs(g.nx + 1);
    for (int i = 0; i <= g.nx; ++i) xs[i] = g.xAt(i);
    auto vertex = [&](int i, int j, int k) -> std::array<double, 3>
    {
        return {xs[i], g.lo[1] + (g.hi[1] - g.lo[1]) * j / g.ny,
            g.lo[2] + (g.hi[2] - g.lo[2]) * k / g.nz};
    };
    for (int k = 0; k < g.nz; ++k)
    for (int j = 0; j < g.ny; ++j)
    for (int i = 0; i < g.nx; ++i)
    {
        const int c = g.cell(i, j, k);
        std::array<std::array<double, 3>, 8> p;
        for (int v = 0; v < 8; ++v) p[v] = vertex(i + (v & 1), j + ((v >> 1) & 1), k + (v >> 2));
        double cc[3] = {0, 0, 0};
        for (const auto& q : p) for (int d = 0; d < 3; ++d) cc[d] += q[d] / 8;
        // faces as vertex loops
        const int faces[6][4] = {{0, 2, 6, 4}, {1, 5, 7, 3}, {0, 4, 5, 1}, {2, 3, 7, 6},
            {0, 1, 3, 2}, {4, 6, 7, 5}};
        double vol = 0;
        const bool here = c % nProcs == proc;
        for (const auto& f : faces)
        {
            double fc[3] = {0, 0, 0};
            for (int e = 0; e < 4; ++e) for (int d = 0; d < 3; ++d) fc[d] += p[f[e]][d] / 4;
            for (int e = 0; e < 4; ++e)
            {
                const double* a = p[f[e]].data();
                const double* b = p[f[(e + 1) % 4]].data();
                const double v = tetVolumeOf(cc, fc, a, b);
                vol += v;
                if (here && v > 0)
                {
                    t.tets.insert(t.tets.end(), {fc[0], fc[1], fc[2], a[0], a[1], a[2], b[0], b[1], b[2]});
                    t.tetVolume.push_back(v);
                }
            }
        }
        t.cellVolume[c] = vol;
        if (here)
        {
            t.localCell[c] = nLocal++;
            t.centre.insert(t.centre.end(), {cc[0], cc[1], cc[2]});
            t.tetStart.push_back(idx(t.tetVolume.size()));
        }
    }
    t.dim = dim;
    t.origin[0] = 0.5;
    t.origin[1] = 0.5;
    t.origin[2] = 1.0;
    t.length = 2.0;
    return t;
}

//- The cell (i, j, k) of grid g holding network point x (dim 3)
inline bool insideCell(const Grid& g, int c, const sampling::CellTable& t, const double* x)
{
    const int i = c % g.nx, j = (c / g.nx) % g.ny, k = c / (g.nx * g.ny);
    const auto a = g.vertex(i, j, k), b = g.vertex(i + 1, j + 1, k + 1);
    const double tol = 1e-12;
    for (int d = 0; d < t.dim; ++d)
    {
        const int cm = t.component[d];
        const double p = x[d] * t.length + t.origin[cm];
        if (p < a[cm] - tol || p > b[cm] + tol) return false;
    }
    return true;
}

} // namespace testgrid
} // namespace pinn
