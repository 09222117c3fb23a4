/*---------------------------------------------------------------------------*\
  pinnFoam core: Network.hpp

  Description
      Description of a multilayer perceptron and the layout of its parameters
      in one flat vector; seeded Glorot initialisation.

      Layer l maps n_l inputs to n_{l+1} outputs: W_l (n_{l+1} x n_l,
      column-major, so W_l[j + i*n_{l+1}] multiplies input i into unit j),
      then b_l (n_{l+1}). Parameters: [W_0, b_0, W_1, b_1, ...].
      Hidden layers apply the activation; the last layer is linear.

      Stream matrices: a layer's activations over M points and S = D + 2
      streams are one column-major matrix of n_l rows and S*M columns, column
      s*M + p holding stream s of point p.
\*---------------------------------------------------------------------------*/
#pragma once

#include "pinn/activation.hpp"

#include <string>
#include <vector>
#include <cstdint>

namespace pinn
{

struct NetworkSpec
{
    int inputDim = 2; //- spatial inputs D (streams are carried for these)
    std::vector<int> hidden{64, 64, 64, 64};
    int nOutputs = 1;
    Activation activation = Activation::tanh;

    //- Units per layer: D, hidden..., nOutputs
    std::vector<int> sizes() const;
    int nLayers() const { return int(hidden.size()) + 1; }
    int nStreams() const { return inputDim + 2; }
    int maxWidth() const;

    //- Number of parameters
    idx nParams() const;
    //- Offset of W_l and b_l in the parameter vector
    idx weightOffset(int l) const;
    idx biasOffset(int l) const;

    std::string describe() const;
};

//- Glorot (Xavier) uniform weights, zero biases, from a 64-bit seed
template<class Real>
void glorotInit(const NetworkSpec& net, std::uint64_t seed, Real* params);

} // namespace pinn
