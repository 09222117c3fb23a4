/*---------------------------------------------------------------------------*\
  pinnFoam core: Trainer.hpp

  Description
      Drives a backend through the optimiser iterations: Adam (with its
      learning-rate schedule), optionally followed by L-BFGS from a given
      iteration on. One call of iterate() is one optimiser iteration.

      L-BFGS keeps its arithmetic in double on the host (two-loop recursion,
      backtracking Armijo line search, history of size m); function values
      and gradients come from the backend.

      The whole state (parameters, Adam moments and step, L-BFGS history,
      iteration) is written to and read from a binary stream, so that a run
      restarted from it continues exactly.

      Data parallel (setCommunicator): function values and gradients are
      global (summed over the ranks by the backend, or here on the host when
      the backend cannot), so every rank takes the same Adam steps and the
      same L-BFGS directions and line-search steps: the replicas stay in
      lockstep without exchanging parameters.
\*---------------------------------------------------------------------------*/
#pragma once

#include "pinn/Backend.hpp"

#include <deque>
#include <iosfwd>
#include <string>
#include <vector>

namespace pinn
{

//- Loss balancing by gradient norms, after the learning-rate annealing of
//  Wang, Teng & Perdikaris (2021) and Wang, Wang & Perdikaris (2023): every
//  `interval` Adam iterations the gradient of each loss term (the equations
//  together, each boundary group) is computed on its own, and a boundary
//  group whose gradient is weaker than the equations' is raised to match it,
//      lambda_k = min(max(|grad L_pde| / |grad L_k|, 1), maxScale),
//  smoothed over updates (lambda <- s lambda + (1 - s) lambda_new, the first
//  update taken as it comes). The equations keep weight 1 and no group goes
//  below 1: weighting every term to equal norms (the equations included)
//  drove the equation weight to 1e5 on a case whose trivial constant solution
//  satisfies the equation (the flange tutorial) and trained to that constant.
//  The weights stay fixed in the L-BFGS phase, whose objective must not
//  change. It costs 1 + groups extra loss and gradient evaluations per update.
struct BalanceConfig
{
    int interval = 0; //- Adam iterations between updates; 0: off
    double smoothing = 0.9; //- in [0, 1)
    double maxScale = 1e6; //- largest weight of a term (a term already
        //  satisfied has a vanishing gradient)
};

struct TrainerConfig
{
    AdamConfig adam;
    //- Iteration from which L-BFGS replaces Adam (< 0: never)
    std::int64_t lbfgsStart = -1;
    int historySize = 20;
    //- Largest number of loss evaluations of one line search
    int maxLineSearch = 25;
    BalanceConfig balance;
};

template<class Real>
class Trainer
{
public:
    Trainer(Backend<Real>& backend, const TrainerConfig& cfg);

    //- One optimiser iteration
    void iterate();

    //- Iterations done
    std::int64_t iteration() const { return iteration_; }

    //- "adam" or "lbfgs": the method of the next iteration
    std::string phase() const;

    //- Learning rate of the last Adam iteration (0 in the L-BFGS phase)
    double learningRate() const;

    //- Loss terms of the last iteration (synchronises a device backend),
    //  as the terms are without the balancing weights (total: their sum).
    //  In the Adam phase that is the loss at the parameters before the last
    //  update; in the L-BFGS phase at the current ones.
    LossTerms loss();

    //- Loss terms at the current parameters (what a checkpoint written now
    //  holds), as loss() gives them: in the Adam phase one evaluation
    //  without gradient that changes no state (collective where the
    //  trainer reduces on the host); in the L-BFGS phase loss() itself
    LossTerms currentLoss();

    //- The balancing weights of the terms (all 1 without balancing)
    double pdeScale() const { return scalePde_; }
    const std::vector<double>& bcScales() const { return scaleBc_; }

    //- L-BFGS iterations in a row whose line search found no decrease
    int lbfgsFailures() const { return lbfgsFailures_; }

    //- Loss evaluations so far (L-BFGS line searches take several)
    std::int64_t lossEvaluations() const { return nEvals_; }

    //- Tell the trainer that the collocation points changed
    void pointsChanged();

    //- Binary state (parameters, optimiser, iteration)
    void write(std::ostream& os);
    void read(std::istream& is);

    Backend<Real>& backend() { return backend_; }

    //- Train with the ranks of comm (collective from then on); the backend
    //  reduces if it can, otherwise the trainer reduces on the host
    void setCommunicator(Communicator& comm);

    //- Whether the reduction over ranks runs here on the host (a backend
    //  without its own data-parallel path) rather than in the backend
    bool reducesOnHost() const { return hostReduce_; }

    Communicator& communicator() const { return *comm_; }

private:
    bool inLbfgs() const { return cfg_.lbfgsStart >= 0 && iteration_ >= cfg_.lbfgsStart; }

    double evaluate(const std::vector<double>& x, std::vector<double>& g, LossTerms& terms);

    //- The terms without the balancing weights (total: their sum)
    LossTerms unbalanced(LossTerms t) const;
    void lbfgsIteration();

    //- Update the balancing weights (BalanceConfig)
    void balance();

    //- One Adam iteration on the host with the host-reduced gradient
    void hostAdamIteration();

    Backend<Real>& backend_;
    TrainerConfig cfg_;
    std::int64_t iteration_ = 0;
    std::int64_t nEvals_ = 0;

    // L-BFGS state
    bool lbfgsReady_ = false;
    std::vector<double> x_, g_;
    double f_ = 0;
    LossTerms fTerms_;
    std::deque<std::vector<double>> s_, y_;
    std::vector<Real> buf_, gbuf_;

    // Data parallelism
    Communicator* comm_ = &serialCommunicator();
    bool hostReduce_ = false;
    LossTerms adamTerms_; //- loss of the last host Adam iteration

    // Loss balancing
    double scalePde_ = 1;
    std::vector<double> scaleBc_;
    bool balanced_ = false; //- an update has been made
    int lbfgsFailures_ = 0;
};

} // namespace pinn
