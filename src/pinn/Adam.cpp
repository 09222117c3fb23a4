#include "pinn/Adam.hpp"

#include <cmath>

namespace pinn
{

double AdamConfig::learningRate(std::int64_t t) const
{
    if (decayRate == 1.0) return lr;
    return lr*std::pow(decayRate, double(t)/decaySteps);
}

} // namespace pinn
