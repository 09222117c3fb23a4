/*---------------------------------------------------------------------------*\
  pinnFoam core: Adam.hpp

  Description
      Adam optimiser: configuration, learning-rate schedule, state, and the
      element update written once for the CPU and CUDA backends.
\*---------------------------------------------------------------------------*/
#pragma once

#include "pinn/config.hpp"

#include <cstdint>
#include <vector>

namespace pinn
{

struct AdamConfig
{
    double lr = 1e-3;
    double beta1 = 0.9;
    double beta2 = 0.999;
    double eps = 1e-8;
    //- Exponential decay lr*decayRate^(t/decaySteps); decayRate 1: constant
    double decayRate = 1.0;
    double decaySteps = 1000.0;

    //- Learning rate of step t (t counts from 1)
    double learningRate(std::int64_t t) const;
};

//- lr*decayRate^(t/decaySteps): the schedule, for host and device
PINN_HD double adamLearningRate(double lr, double decayRate, double decaySteps, double t)
{
    return decayRate == 1.0 ? lr : lr * ::pow(decayRate, t / decaySteps);
}

template<class Real>
struct AdamState
{
    std::vector<Real> m, v;
    std::int64_t step = 0; //- number of updates done
};

//- One element of an Adam update; bc1 = 1 - beta1^t, bc2 = 1 - beta2^t
template<class R>
PINN_HD void adamUpdate(R& p, R& m, R& v, R g, R lr, R beta1, R beta2, R eps, R bc1, R bc2)
{
    m = beta1 * m + (R(1) - beta1) * g;
    v = beta2 * v + (R(1) - beta2) * g * g;
    const R mh = m / bc1;
    const R vh = v / bc2;
    p -= lr * mh / (math::sqrtR(vh) + eps);
}

//- Update t (counting from 1) of n parameters on the host
template<class R>
void adamStepHost(R* p, R* m, R* v, const R* g, idx n, std::int64_t t, const AdamConfig& cfg)
{
    const R lr = R(cfg.learningRate(t));
    const R bc1 = R(1 - std::pow(cfg.beta1, double(t)));
    const R bc2 = R(1 - std::pow(cfg.beta2, double(t)));
    const R b1 = R(cfg.beta1), b2 = R(cfg.beta2), eps = R(cfg.eps);
    for (idx i = 0; i < n; ++i)
    {
        adamUpdate(p[i], m[i], v[i], g[i], lr, b1, b2, eps, bc1, bc2);
    }
}

} // namespace pinn
