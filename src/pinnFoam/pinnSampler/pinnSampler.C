/*---------------------------------------------------------------------------*\
  pinnFoam: physics-informed neural networks on OpenFOAM cases
\*---------------------------------------------------------------------------*/

#include "pinnSampler.H"
#include "FlatOutput.H"
#include "pinnDict.H"
#include "addToRunTimeSelectionTable.H"

// * * * * * * * * * * * * * * Static Data Members * * * * * * * * * * * * * //

namespace Foam
{
    defineTypeNameAndDebug(pinnSampler, 0);
    defineRunTimeSelectionTable(pinnSampler, dictionary);

namespace pinnSamplers
{
    defineTypeNameAndDebug(uniform, 0);
    addToRunTimeSelectionTable(pinnSampler, uniform, dictionary);
    defineTypeNameAndDebug(resampledUniform, 0);
    addToRunTimeSelectionTable(pinnSampler, resampledUniform, dictionary);
}
}


// * * * * * * * * * * * * * * * * Constructors  * * * * * * * * * * * * * * //

Foam::pinnSampler::pinnSampler
(
    const dictionary& dict,
    const dictionary& lossDict,
    const pinnDomain& domain,
    const pinnBoundaryTerms& terms
)
:
    domain_(domain),
    terms_(terms),
    nInterior_(pinnDict::getPositive<label>(dict, "nInterior")),
    nBoundary_(pinnDict::getPositive<label>(dict, "nBoundary")),
    seed_(pinnDict::getOrDefaultNonNegative<label>(dict, "seed", 1)),
    equationWeight_(pinnDict::getOrDefaultPositive<scalar>(lossDict, "equationWeight", 1)),
    boundaryWeight_(pinnDict::getOrDefaultPositive<scalar>(lossDict, "boundaryWeight", 1)),
    patchWeight_(terms.terms().size(), 1.0)
{
    pinnDict::checkKeys
    (
        lossDict,
        wordList({"equationWeight", "boundaryWeight", "patchWeights"})
    );
    if (terms.terms().empty())
    {
        FatalErrorInFunction
            << "Field " << terms.fieldName() << " (" << terms.filePath()
            << ") has no patch with a boundary condition: the problem is not"
            << " well posed." << nl
            << "    Give at least one patch a fixedValue, fixedGradient or"
            << " mixed condition."
            << exit(FatalError);
    }
    if (lossDict.found("patchWeights"))
    {
        const dictionary& pw = lossDict.subDict("patchWeights");
        wordList names;
        for (const auto& t : terms.terms()) names.append(t.patchName);
        pinnDict::checkKeys(pw, names);
        forAll(terms.terms(), i)
        {
            patchWeight_[i] = pinnDict::getOrDefaultPositive<scalar>
            (
                pw, terms.terms()[i].patchName, 1
            );
        }
    }
}


Foam::pinnSamplers::uniform::uniform
(
    const dictionary& dict,
    const dictionary& lossDict,
    const pinnDomain& domain,
    const pinnBoundaryTerms& terms
)
:
    pinnSampler(dict, lossDict, domain, terms)
{
    pinnDict::checkKeys(dict, wordList({"type", "nInterior", "nBoundary", "seed"}));
}


Foam::pinnSamplers::resampledUniform::resampledUniform
(
    const dictionary& dict,
    const dictionary& lossDict,
    const pinnDomain& domain,
    const pinnBoundaryTerms& terms
)
:
    pinnSampler(dict, lossDict, domain, terms),
    interval_(pinnDict::getPositive<label>(dict, "resampleInterval"))
{
    pinnDict::checkKeys
    (
        dict,
        wordList({"type", "nInterior", "nBoundary", "seed", "resampleInterval"})
    );
}


// * * * * * * * * * * * * * * * * Selectors * * * * * * * * * * * * * * * * //

Foam::autoPtr<Foam::pinnSampler> Foam::pinnSampler::New
(
    const dictionary& dict,
    const dictionary& lossDict,
    const pinnDomain& domain,
    const pinnBoundaryTerms& terms
)
{
    const word modelType
    (
        pinnDict::selectType(dict, "sampling", *dictionaryConstructorTablePtr_)
    );
    auto cstrIter = dictionaryConstructorTablePtr_->cfind(modelType);

    return autoPtr<pinnSampler>(cstrIter()(dict, lossDict, domain, terms));
}


// * * * * * * * * * * * * * * * Member Functions  * * * * * * * * * * * * * //

Foam::wordList Foam::pinnSampler::groupNames() const
{
    wordList names;
    for (const auto& t : terms_.terms()) names.append(t.patchName);
    return names;
}


void Foam::pinnSampler::draw
(
    const label drawi,
    pinn::InteriorSet<double>& interior,
    pinn::BoundarySet<double>& boundary
) const
{
    const label D = domain_.nDim();

    // Interior
    List<point> pts;
    labelList cells;
    domain_.sampleInterior(nInterior_, seed_, drawi, pts, cells);
    scalarList coords;
    domain_.networkCoordinates(pts, coords);
    interior.x.assign(coords.begin(), coords.end());
    // nInterior_, nBoundary_ are global counts: the weights make the loss
    // the global mean whatever share of the points this processor holds
    interior.w.assign(pts.size(), equationWeight_/nInterior_);

    // Boundary
    pinnDomain::boundarySamples bs;
    domain_.sampleBoundary(terms_.patches(), nBoundary_, seed_, drawi, bs);
    scalarList alpha, beta, g;
    terms_.evaluate(bs, alpha, beta, g);
    domain_.networkCoordinates(bs.points, coords);

    // group of a sample: index of its patch among the condition patches
    labelList groupOfPatch(domain_.mesh().boundaryMesh().size(), -1);
    forAll(terms_.terms(), i)
    {
        groupOfPatch[terms_.terms()[i].patchi] = i;
    }

    const label n = bs.size();
    boundary = pinn::BoundarySet<double>();
    boundary.x.assign(coords.begin(), coords.end());
    boundary.normal.resize(n*D);
    boundary.alpha.assign(alpha.begin(), alpha.end());
    boundary.beta.assign(beta.begin(), beta.end());
    boundary.g.assign(g.begin(), g.end());
    boundary.w.resize(n);
    boundary.component.assign(n, 0);
    boundary.group.resize(n);
    for (label i = 0; i < n; ++i)
    {
        for (label d = 0; d < D; ++d)
        {
            boundary.normal[i*D + d] = domain_.coordinate(bs.normal[i], d);
        }
        const label grp = groupOfPatch[bs.patch[i]];
        boundary.group[i] = grp;
        boundary.w[i] = boundaryWeight_*patchWeight_[grp]/nBoundary_;
    }
}


Foam::string Foam::pinnSamplers::uniform::description() const
{
    OStringStream os;
    os  << "uniform: " << nInterior_ << " interior and " << nBoundary_
        << " boundary points, drawn once (seed " << label(seed_) << ")";
    return os.str();
}


Foam::string Foam::pinnSamplers::resampledUniform::description() const
{
    OStringStream os;
    os  << "resampledUniform: " << nInterior_ << " interior and " << nBoundary_
        << " boundary points, drawn anew every " << interval_
        << " iterations (seed " << label(seed_) << ")";
    return os.str();
}

// ************************************************************************* //
