/*---------------------------------------------------------------------------*\
  pinnFoam: physics-informed neural networks on OpenFOAM cases
\*---------------------------------------------------------------------------*/

#include "pinnAdaptiveSamplers.H"
#include "PstreamReduceOps.H"

#include <cstdint>

// * * * * * * * * * * * * * * * * Constructors  * * * * * * * * * * * * * * //

Foam::pinnSamplers::explicitSampler::explicitSampler
(
    const dictionary& dict,
    const dictionary& lossDict,
    const pinnDomain& domain,
    const UPtrList<const pinnBoundaryTerms>& terms,
    const wordList& extraKeys
)
:
    adaptiveSampler(dict, lossDict, domain, terms, extraKeys),
    nHeld_(0)
{}


// * * * * * * * * * * * * * Protected Member Functions  * * * * * * * * * * //

void Foam::pinnSamplers::explicitSampler::current
(
    List<point>& points,
    labelList& cells
) const
{
    if (nHeld_ > 0)
    {
        points = points_;
        cells = cells_;
    }
    else
    {
        // the first draw: uniform
        domain_.sampleInterior(nInterior_, seed_, 0, points, cells);
    }
}


void Foam::pinnSamplers::explicitSampler::interiorPoints
(
    const label,
    List<point>& points,
    labelList& cells,
    scalarList& weights
) const
{
    current(points, cells);
    const label n = nHeld_ > 0 ? nHeld_ : nInterior_;
    weights.setSize(points.size());
    weights = equationWeight_/n;
}


void Foam::pinnSamplers::explicitSampler::writeInteriorState
(
    std::ostream& os
) const
{
    const std::int64_t n = nHeld_;
    if (Pstream::master())
    {
        os.write(reinterpret_cast<const char*>(&n), sizeof(n));
    }
    writePoints(os, points_, cells_);
}


void Foam::pinnSamplers::explicitSampler::readInteriorState
(
    std::istream& is,
    const fileName& file
)
{
    std::int64_t n = -1;
    is.read(reinterpret_cast<char*>(&n), sizeof(n));
    readPoints(is, file, points_, cells_);
    const label here = returnReduce(points_.size(), sumOp<label>());
    if (!is || n < 0 || here != n)
    {
        FatalErrorInFunction
            << "Sampler state in " << file << " is damaged: it holds " << here
            << " points of the " << label(n) << " it names" << nl
            << "    Start from the initial time" << exit(FatalError);
    }
    nHeld_ = label(n);
}

// ************************************************************************* //
