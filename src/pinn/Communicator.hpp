/*---------------------------------------------------------------------------*\
  pinnFoam core: Communicator.hpp

  Description
      The ranks that train one network together (data parallelism): each
      rank holds a replica of the weights and a share of the collocation
      points; loss terms and gradients are summed over the ranks every
      evaluation, so every rank applies the identical update.

      The core library only sees this interface: the OpenFOAM adapter
      implements it with Pstream (MPI), the tests with threads; no MPI
      header is included here.

      Contract of an implementation:
        - allreduceSum and broadcast are collective: every rank calls them
          in the same order with the same n;
        - after allreduceSum every rank holds bit-identical sums (the sum is
          formed once, in a fixed rank order, and distributed), so replicas
          that start equal stay equal;
        - all pointers are host memory.
\*---------------------------------------------------------------------------*/
#pragma once

#include "pinn/config.hpp"

#include <cstddef>

namespace pinn
{

class Communicator
{
public:
    virtual ~Communicator() = default;

    //- Number of ranks
    virtual int size() const = 0;

    //- This rank, in [0, size())
    virtual int rank() const = 0;

    //- In-place sum over the ranks of n values
    virtual void allreduceSum(double* data, idx n) = 0;
    virtual void allreduceSum(float* data, idx n) = 0;

    //- Copy bytes from rank 0 to every rank (e.g. a checkpoint, an NCCL id)
    virtual void broadcast(void* data, std::size_t bytes) = 0;

    bool parallel() const { return size() > 1; }
};


//- One rank: every operation is the identity
class SerialCommunicator : public Communicator
{
public:
    int size() const override { return 1; }
    int rank() const override { return 0; }
    void allreduceSum(double*, idx) override {}
    void allreduceSum(float*, idx) override {}
    void broadcast(void*, std::size_t) override {}
};


//- The process-wide serial communicator (the default of backends and trainers)
Communicator& serialCommunicator();

} // namespace pinn
