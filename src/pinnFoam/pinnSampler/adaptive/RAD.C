/*---------------------------------------------------------------------------*\
  pinnFoam: physics-informed neural networks on OpenFOAM cases
\*---------------------------------------------------------------------------*/

#include "pinnAdaptiveSamplers.H"
#include "addToRunTimeSelectionTable.H"

// * * * * * * * * * * * * * * Static Data Members * * * * * * * * * * * * * //

namespace Foam
{
namespace pinnSamplers
{
    defineTypeNameAndDebug(RAD, 0);
    addToRunTimeSelectionTable(pinnSampler, RAD, dictionary);
}
}


// * * * * * * * * * * * * * * * * Constructors  * * * * * * * * * * * * * * //

Foam::pinnSamplers::RAD::RAD
(
    const dictionary& dict,
    const dictionary& lossDict,
    const pinnDomain& domain,
    const UPtrList<const pinnBoundaryTerms>& terms,
    const wordList& extraKeys
)
:
    adaptiveSampler(dict, lossDict, domain, terms, extraKeys)
{}


// * * * * * * * * * * * * * Protected Member Functions  * * * * * * * * * * //

void Foam::pinnSamplers::RAD::adaptInterior(const label)
{
    const label n = domain_.nGlobalCells();
    scalarList volume(n);
    forAll(volume, g)
    {
        volume[g] = domain_.globalCellVolume(g);
    }
    density_ = radDensity(cellResidual_, volume);
}


const Foam::scalarList* Foam::pinnSamplers::RAD::cellDensity() const
{
    return density_.empty() ? nullptr : &density_;
}


void Foam::pinnSamplers::RAD::interiorPoints
(
    const label drawi,
    List<point>& points,
    labelList& cells,
    scalarList& weights
) const
{
    domain_.sampleInterior
    (
        nInterior_, seed_, drawi, points, cells, 0, cellDensity()
    );
    weights.setSize(points.size());
    forAll(weights, i)
    {
        weights[i] =
            equationWeight_/nInterior_
           *interiorWeightFactor(domain_.globalCell(cells[i]));
    }
}


bool Foam::pinnSamplers::RAD::interiorDraw
(
    const label drawi,
    pinn::sampling::InteriorDraw& d
) const
{
    pinnSampler::interiorDraw(drawi, d);
    const scalarList* q = cellDensity();
    if (q)
    {
        d.density.assign(q->begin(), q->end());
        if (weighted_ && !q->empty())
        {
            d.factor.resize(q->size());
            forAll(*q, g)
            {
                d.factor[g] = interiorWeightFactor(g);
            }
        }
    }
    return true;
}


void Foam::pinnSamplers::RAD::writeInteriorState(std::ostream& os) const
{
    writeScalars(os, density_);
}


void Foam::pinnSamplers::RAD::readInteriorState
(
    std::istream& is,
    const fileName& file
)
{
    readDensity(is, file, domain_.nGlobalCells(), density_);
}


// * * * * * * * * * * * * * * * Member Functions  * * * * * * * * * * * * * //

Foam::string Foam::pinnSamplers::RAD::description() const
{
    return "RAD: " + adaptiveDescription();
}

// ************************************************************************* //
