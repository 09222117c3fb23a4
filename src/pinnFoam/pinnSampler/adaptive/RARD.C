/*---------------------------------------------------------------------------*\
  pinnFoam: physics-informed neural networks on OpenFOAM cases
\*---------------------------------------------------------------------------*/

#include "pinnAdaptiveSamplers.H"
#include "pinnDict.H"
#include "PstreamReduceOps.H"
#include "addToRunTimeSelectionTable.H"

#include <algorithm>

// * * * * * * * * * * * * * * Static Data Members * * * * * * * * * * * * * //

namespace Foam
{
namespace pinnSamplers
{
    defineTypeNameAndDebug(RARD, 0);
    addToRunTimeSelectionTable(pinnSampler, RARD, dictionary);
}
}


// * * * * * * * * * * * * * * * * Constructors  * * * * * * * * * * * * * * //

Foam::pinnSamplers::RARD::RARD
(
    const dictionary& dict,
    const dictionary& lossDict,
    const pinnDomain& domain,
    const UPtrList<const pinnBoundaryTerms>& terms
)
:
    explicitSampler(dict, lossDict, domain, terms, wordList({"nAdd", "poolFactor"})),
    nAdd_(pinnDict::getPositive<label>(dict, "nAdd")),
    poolFactor_(pinnDict::getOrDefaultPositive<label>(dict, "poolFactor", 50))
{
    // The pool of a resample, poolFactor x nAdd points, beside the draw
    const scalar pool = scalar(poolFactor_)*scalar(nAdd_);
    if (pool > labelMax)
    {
        FatalIOErrorInFunction(dict)
            << "poolFactor " << poolFactor_ << " x nAdd " << nAdd_ << " = "
            << pool << " points per resample in " << dict.name()
            << ", more than " << labelMax << nl
            << "    Give a smaller nAdd or poolFactor"
            << exit(FatalIOError);
    }
    checkPointMemory(dict, scalar(nInterior_) + scalar(nBoundary_) + pool);
}


// * * * * * * * * * * * * * Protected Member Functions  * * * * * * * * * * //

void Foam::pinnSamplers::RARD::adaptInterior(const label drawi)
{
    List<point> pts;
    labelList cells;
    current(pts, cells);

    // A uniform pool (a stream of its own) and its residuals
    List<point> pool;
    labelList poolCells;
    domain_.sampleInterior
    (
        poolFactor_*nAdd_, seed_, drawi, pool, poolCells, 1
    );
    scalarList r;
    residuals_->interior(pool, r);

    // The nAdd largest over all processors: the master ranks them (ties in
    // processor order) and says each processor which of its points to add
    List<scalarList> all(Pstream::nProcs());
    all[Pstream::myProcNo()] = r;
    Pstream::gatherList(all);
    List<boolList> chosen(Pstream::nProcs());
    if (Pstream::master())
    {
        DynamicList<labelPair> index;
        forAll(all, proci)
        {
            chosen[proci].setSize(all[proci].size(), false);
            forAll(all[proci], i)
            {
                index.append(labelPair(proci, i));
            }
        }
        const label nTake = min(nAdd_, index.size());
        std::stable_sort
        (
            index.begin(), index.end(),
            [&](const labelPair& a, const labelPair& b)
            {
                return all[a.first()][a.second()] > all[b.first()][b.second()];
            }
        );
        for (label i = 0; i < nTake; ++i)
        {
            chosen[index[i].first()][index[i].second()] = true;
        }
    }
    // every processor gets the whole list (scatterList would not send a
    // processor its own entry)
    Pstream::scatter(chosen);

    DynamicList<point> held(pts);
    DynamicList<label> heldCells(cells);
    const boolList& mine = chosen[Pstream::myProcNo()];
    scalar rMin = GREAT;
    forAll(mine, i)
    {
        if (mine[i])
        {
            held.append(pool[i]);
            heldCells.append(poolCells[i]);
            rMin = min(rMin, r[i]);
        }
    }
    reduce(rMin, minOp<scalar>());
    const label nBefore = nHeld_ > 0 ? nHeld_ : nInterior_;
    points_.transfer(held);
    cells_.transfer(heldCells);
    nHeld_ = returnReduce(points_.size(), sumOp<label>());
    Info<< "    RARD: added " << (nHeld_ - nBefore) << " points of residual >= "
        << rMin << " from a pool of " << poolFactor_*nAdd_ << "; " << nHeld_
        << " interior points" << nl;
}


// * * * * * * * * * * * * * * * Member Functions  * * * * * * * * * * * * * //

Foam::string Foam::pinnSamplers::RARD::description() const
{
    OStringStream os;
    os  << "RARD (nAdd " << nAdd_ << ", pool " << poolFactor_ << " x nAdd): "
        << adaptiveDescription();
    return os.str();
}

// ************************************************************************* //
