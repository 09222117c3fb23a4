/*---------------------------------------------------------------------------*\
  pinnFoam core: pde.hpp

  Description
      PDE residuals and boundary residuals, with their vector-Jacobian
      products (VJP) with respect to the network's output streams, written
      once for the CPU and CUDA backends.

      Output streams of one point: element (s, k) of output k, stream s
      (0 value, 1..D gradient, D+1 Laplacian) is at o[s*sStride + k].

      Equations
          heat           DT*lap(T) + S = 0                 (laplacianFoam's)
          poisson        -lap(u) - 2 pi^2 prod_i sin(pi x_i) = 0 (benchmark)
          navierStokes   steady incompressible, outputs (U, p):
                         (U.grad)U + grad p - nu lap U = 0,  div U = 0

      Boundary residual (one per boundary entry, on output component c):
          r = alpha*u_c + beta*(n . grad u_c) - g
      which covers fixedValue (1, 0), fixedGradient/zeroGradient (0, 1) and
      mixed (f, 1 - f) conditions.
\*---------------------------------------------------------------------------*/
#pragma once

#include "pinn/config.hpp"

namespace pinn
{

enum class PdeKind : int
{
    heat = 0,
    poisson = 1,
    navierStokes = 2
};

//- Plain description of an equation set (copyable to the device)
struct PdeSpec
{
    PdeKind kind = PdeKind::heat;
    int dim = 2; //- spatial dimensions D (2 or 3)
    int nOut = 1; //- network outputs
    int nEq = 1; //- residual equations
    double c[4] = {1, 0, 0, 0}; //- coefficients (heat: DT, S; NS: nu)

    static PdeSpec heat(int dim, double DT, double S)
    {
        PdeSpec p;
        p.kind = PdeKind::heat;
        p.dim = dim;
        p.nOut = 1;
        p.nEq = 1;
        p.c[0] = DT;
        p.c[1] = S;
        return p;
    }
    static PdeSpec poisson(int dim)
    {
        PdeSpec p;
        p.kind = PdeKind::poisson;
        p.dim = dim;
        p.nOut = 1;
        p.nEq = 1;
        return p;
    }
    static PdeSpec navierStokes(int dim, double nu)
    {
        PdeSpec p;
        p.kind = PdeKind::navierStokes;
        p.dim = dim;
        p.nOut = dim + 1;
        p.nEq = dim + 1;
        p.c[0] = nu;
        return p;
    }
};

//- Residuals r[0..nEq) of one point at x with output streams o
template<class R>
PINN_HD void pdeResidual(const PdeSpec& pde, const R* x, const R* o, idx sStride, R* r)
{
    const int D = pde.dim;
    const int nOut = pde.nOut;
    auto S = [&](int s, int k) { return o[s * sStride + k]; };
    switch (pde.kind)
    {
        case PdeKind::heat:
        {
            r[0] = R(pde.c[0]) * S(D + 1, 0) + R(pde.c[1]);
            break;
        }
        case PdeKind::poisson:
        {
            const R pi = R(3.14159265358979323846);
            R f = R(D) * pi * pi;
            for (int i = 0; i < D; ++i) f *= math::sinR(pi * x[i]);
            r[0] = -S(D + 1, 0) - f;
            break;
        }
        case PdeKind::navierStokes:
        {
            const R nu = R(pde.c[0]);
            R div = R(0);
            for (int k = 0; k < D; ++k)
            {
                R conv = R(0);
                for (int i = 0; i < D; ++i) conv += S(0, i) * S(1 + i, k);
                r[k] = conv + S(1 + k, D) - nu * S(D + 1, k);
                div += S(1 + k, k);
            }
            r[D] = div;
            break;
        }
    }
    (void)nOut;
}

//- Adds to ob (same layout as o) the VJP rbar^T dr/do
template<class R>
PINN_HD void pdeResidualVjp(
    const PdeSpec& pde, const R* x, const R* o, idx sStride, const R* rbar, R* ob)
{
    const int D = pde.dim;
    auto S = [&](int s, int k) { return o[s * sStride + k]; };
    auto B = [&](int s, int k) -> R& { return ob[s * sStride + k]; };
    switch (pde.kind)
    {
        case PdeKind::heat:
        {
            B(D + 1, 0) += rbar[0] * R(pde.c[0]);
            break;
        }
        case PdeKind::poisson:
        {
            B(D + 1, 0) -= rbar[0];
            break;
        }
        case PdeKind::navierStokes:
        {
            const R nu = R(pde.c[0]);
            for (int k = 0; k < D; ++k)
            {
                const R rb = rbar[k];
                for (int i = 0; i < D; ++i)
                {
                    B(0, i) += rb * S(1 + i, k); // d conv / d u_i
                    B(1 + i, k) += rb * S(0, i); // d conv / d (du_k/dx_i)
                }
                B(1 + k, D) += rb; // grad p
                B(D + 1, k) -= rb * nu; // laplacian
                B(1 + k, k) += rbar[D]; // continuity
            }
            break;
        }
    }
    (void)x;
}

//- Boundary residual of one entry on component c
template<class R>
PINN_HD R bcResidual(int D, const R* o, idx sStride, int c, const R* n, R alpha, R beta, R g)
{
    R dn = R(0);
    for (int i = 0; i < D; ++i) dn += n[i] * o[(1 + i) * sStride + c];
    return alpha * o[c] + beta * dn - g;
}

//- Adds rbar * dr/do of a boundary entry to ob
template<class R>
PINN_HD void bcResidualVjp(int D, idx sStride, int c, const R* n, R alpha, R beta, R rbar, R* ob)
{
    ob[c] += rbar * alpha;
    for (int i = 0; i < D; ++i) ob[(1 + i) * sStride + c] += rbar * beta * n[i];
}

} // namespace pinn
