/*---------------------------------------------------------------------------*\
  pinnFoam core: activation.hpp

  Description
      Activation functions and their first three derivatives, and the
      derivative-stream recurrences of one unit (forward and backward), written
      once for the CPU and CUDA backends.

      Streams of one unit at one point (D spatial dimensions):
          value a, gradient ax_i (i < D), Laplacian al
      Forward, from the pre-activation streams z, zx_i, zl:
          a   = s(z)
          ax_i = s'(z) zx_i
          al  = s'(z) zl + s''(z) sum_i zx_i^2
      Backward (the transpose): from ga, gax_i, gal to gz, gzx_i, gzl.
\*---------------------------------------------------------------------------*/
#pragma once

#include "pinn/config.hpp"

namespace pinn
{

enum class Activation : int
{
    tanh = 0,
    sin = 1
};

template<class R>
struct ActivationDerivs
{
    R s, s1, s2, s3;
};

//- sin and its derivatives, out of line on the device (PINN_HD_OUTLINE):
//  the fused kernels call activationDerivs for every unit they hold, and
//  inlined sinf/cosf there made the tanh kernels' code about twice as large
template<class R>
PINN_HD_OUTLINE ActivationDerivs<R> sinDerivs(R z)
{
    ActivationDerivs<R> d;
    const R sn = math::sinR(z);
    const R cs = math::cosR(z);
    d.s = sn;
    d.s1 = cs;
    d.s2 = -sn;
    d.s3 = -cs;
    return d;
}

template<class R>
PINN_HD ActivationDerivs<R> activationDerivs(Activation act, R z)
{
    if (act != Activation::tanh)
    {
        return sinDerivs(z);
    }
    ActivationDerivs<R> d;
    const R t = math::tanhR(z);
    d.s = t;
    d.s1 = R(1) - t * t;
    d.s2 = R(-2) * t * d.s1;
    d.s3 = R(-2) * d.s1 * (d.s1 - R(2) * t * t);
    return d;
}

//- The derivatives when the activation value a = s(z) is known: tanh needs
//  no transcendental function then (the CPU backward pass uses this)
template<class R>
PINN_HD ActivationDerivs<R> activationDerivsFromValue(Activation act, R z, R a)
{
    if (act != Activation::tanh)
    {
        return activationDerivs(act, z);
    }
    ActivationDerivs<R> d;
    d.s = a;
    d.s1 = R(1) - a * a;
    d.s2 = R(-2) * a * d.s1;
    d.s3 = R(-2) * d.s1 * (d.s1 - R(2) * a * a);
    return d;
}


//- Forward streams of one unit at one point. Element s of a stream set is at
//  base[s*stride]: s = 0 value, 1..D gradient, D+1 Laplacian.
//  Reads z (pre-activation) and writes a (activation); bias already added.
template<class R, int D>
PINN_HD void streamForward(Activation act, const R* z, R* a, idx stride)
{
    const ActivationDerivs<R> d = activationDerivs(act, z[0]);
    R sumSq = R(0);
    a[0] = d.s;
    PINN_UNROLL
    for (int i = 1; i <= D; ++i)
    {
        const R zx = z[i * stride];
        sumSq += zx * zx;
        a[i * stride] = d.s1 * zx;
    }
    a[(D + 1) * stride] = d.s1 * z[(D + 1) * stride] + d.s2 * sumSq;
}

//- Backward streams of one unit at one point: g holds dL/da on entry and
//  dL/dz on exit (in place), z the pre-activation streams.
//  d: the activation's derivatives at z[0].
template<class R, int D>
PINN_HD void streamBackward(const ActivationDerivs<R>& d, const R* z, R* g, idx stride)
{
    const R zl = z[(D + 1) * stride];
    const R gal = g[(D + 1) * stride];
    R sumSq = R(0);
    R gz = g[0] * d.s1;
    PINN_UNROLL
    for (int i = 1; i <= D; ++i)
    {
        const R zx = z[i * stride];
        const R gax = g[i * stride];
        sumSq += zx * zx;
        gz += gax * d.s2 * zx;
        g[i * stride] = gax * d.s1 + gal * R(2) * d.s2 * zx;
    }
    gz += gal * (d.s2 * zl + d.s3 * sumSq);
    g[0] = gz;
    g[(D + 1) * stride] = gal * d.s1;
}


//- The same, computing the derivatives from z
template<class R, int D>
PINN_HD void streamBackward(Activation act, const R* z, R* g, idx stride)
{
    streamBackward<R, D>(activationDerivs(act, z[0]), z, g, stride);
}

} // namespace pinn
