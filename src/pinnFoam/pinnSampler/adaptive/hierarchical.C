/*---------------------------------------------------------------------------*\
  pinnFoam: physics-informed neural networks on OpenFOAM cases
\*---------------------------------------------------------------------------*/

#include "pinnAdaptiveSamplers.H"
#include "pinnDict.H"
#include "addToRunTimeSelectionTable.H"

#include <algorithm>
#include <cmath>

// * * * * * * * * * * * * * * Static Data Members * * * * * * * * * * * * * //

namespace Foam
{
namespace pinnSamplers
{
    defineTypeNameAndDebug(hierarchical, 0);
    addToRunTimeSelectionTable(pinnSampler, hierarchical, dictionary);
}
}


// * * * * * * * * * * * * * * * * Constructors  * * * * * * * * * * * * * * //

Foam::pinnSamplers::hierarchical::hierarchical
(
    const dictionary& dict,
    const dictionary& lossDict,
    const pinnDomain& domain,
    const UPtrList<const pinnBoundaryTerms>& terms
)
:
    RAD(dict, lossDict, domain, terms, wordList({"levels", "fraction"})),
    levels_(pinnDict::getOrDefaultPositive<label>(dict, "levels", 3)),
    fraction_(pinnDict::getOrDefaultPositive<scalar>(dict, "fraction", 0.2))
{
    if (fraction_ >= 1)
    {
        FatalIOErrorInFunction(dict)
            << "fraction " << fraction_ << " in " << dict.name() << " must be"
            << " below 1: level l refines the top fraction^l of the cells"
            << nl << "    Set e.g. fraction 0.2;" << exit(FatalIOError);
    }
}


// * * * * * * * * * * * * * Protected Member Functions  * * * * * * * * * * //

void Foam::pinnSamplers::hierarchical::adaptInterior(const label)
{
    const label n = domain_.nGlobalCells();
    labelList order(identity(n));
    std::stable_sort
    (
        order.begin(), order.end(),
        [&](const label a, const label b)
        {
            return cellResidual_[a] > cellResidual_[b];
        }
    );

    scalar total = 0;
    forAll(order, g)
    {
        total += domain_.globalCellVolume(g);
    }

    // Mixture of levels_+1 equal parts: uniform over the mesh, then uniform
    // over the top fraction^l of the cells; relative to uniform the part of
    // level l is V/V(T_l) inside T_l
    density_.setSize(n);
    density_ = 1.0/(levels_ + 1);
    label nPrev = n;
    for (label l = 1; l <= levels_; ++l)
    {
        const label nl = min
        (
            max(label(std::ceil(std::pow(fraction_, l)*n)), 1), nPrev
        );
        nPrev = nl;
        scalar Vl = 0;
        for (label i = 0; i < nl; ++i)
        {
            Vl += domain_.globalCellVolume(order[i]);
        }
        if (Vl <= 0)
        {
            continue;
        }
        for (label i = 0; i < nl; ++i)
        {
            density_[order[i]] += total/Vl/(levels_ + 1);
        }
    }
}


// * * * * * * * * * * * * * * * Member Functions  * * * * * * * * * * * * * //

Foam::string Foam::pinnSamplers::hierarchical::description() const
{
    OStringStream os;
    os  << "hierarchical (" << levels_ << " levels, fraction " << fraction_
        << "): " << adaptiveDescription();
    return os.str();
}

// ************************************************************************* //
