#include "pinn/Adam.hpp"

#include <cmath>

namespace pinn
{

double AdamConfig::learningRate(std::int64_t t) const
{
    return adamLearningRate(lr, decayRate, decaySteps, double(t));
}

} // namespace pinn
