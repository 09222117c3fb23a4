/*---------------------------------------------------------------------------*\
  pinnFoam: physics-informed neural networks on OpenFOAM cases
\*---------------------------------------------------------------------------*/

#include "pinnAdaptiveSamplers.H"
#include "PstreamReduceOps.H"
#include "addToRunTimeSelectionTable.H"

// * * * * * * * * * * * * * * Static Data Members * * * * * * * * * * * * * //

namespace Foam
{
namespace pinnSamplers
{
    defineTypeNameAndDebug(R3, 0);
    addToRunTimeSelectionTable(pinnSampler, R3, dictionary);
}
}


// * * * * * * * * * * * * * * * * Constructors  * * * * * * * * * * * * * * //

Foam::pinnSamplers::R3::R3
(
    const dictionary& dict,
    const dictionary& lossDict,
    const pinnDomain& domain,
    const UPtrList<const pinnBoundaryTerms>& terms
)
:
    explicitSampler(dict, lossDict, domain, terms, wordList())
{}


// * * * * * * * * * * * * * Protected Member Functions  * * * * * * * * * * //

void Foam::pinnSamplers::R3::adaptInterior(const label drawi)
{
    // The current points and their own residuals
    List<point> pts;
    labelList cells;
    current(pts, cells);
    scalarList r;
    residuals_->interior(pts, r);

    // Retain those above the global mean
    scalar sum = 0;
    forAll(r, i)
    {
        sum += r[i];
    }
    reduce(sum, sumOp<scalar>());
    const label nPts = returnReduce(pts.size(), sumOp<label>());
    const scalar mean = nPts > 0 ? sum/nPts : 0;

    DynamicList<point> keep(pts.size());
    DynamicList<label> keepCells(pts.size());
    forAll(r, i)
    {
        if (r[i] > mean)
        {
            keep.append(pts[i]);
            keepCells.append(cells[i]);
        }
    }
    const label nKeep = returnReduce(keep.size(), sumOp<label>());

    // Redraw the rest uniformly (a stream of its own)
    List<point> fresh;
    labelList freshCells;
    domain_.sampleInterior
    (
        max(nInterior_ - nKeep, label(0)), seed_, drawi, fresh, freshCells, 1
    );
    keep.append(fresh);
    keepCells.append(freshCells);
    points_.transfer(keep);
    cells_.transfer(keepCells);
    nHeld_ = max(nInterior_, nKeep);
    Info<< "    R3: kept " << nKeep << " points above the mean residual "
        << mean << ", redrew " << max(nInterior_ - nKeep, label(0)) << nl;
}


// * * * * * * * * * * * * * * * Member Functions  * * * * * * * * * * * * * //

Foam::string Foam::pinnSamplers::R3::description() const
{
    return "R3: " + adaptiveDescription();
}

// ************************************************************************* //
