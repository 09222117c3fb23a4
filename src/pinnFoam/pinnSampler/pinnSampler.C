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
        wordList({"equationWeight", "boundaryWeight", "patchWeights", "balancing"})
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

    // Boundary: patch by patch, each patch with its own stream, so that a
    // small patch gets its share of points whatever its area
    const PtrList<pinnBoundaryTerms::patchTerm>& terms = terms_.terms();
    const labelList counts(patchCounts());
    boundary = pinn::BoundarySet<double>();
    forAll(terms, grp)
    {
        pinnDomain::boundarySamples bs;
        domain_.sampleBoundary
        (
            labelList(1, terms[grp].patchi), counts[grp], seed_, drawi, bs, grp
        );
        scalarList alpha, beta, g;
        terms_.evaluate(bs, alpha, beta, g);
        domain_.networkCoordinates(bs.points, coords);

        // Each patch's term is the mean over its points: the boundary loss
        // is boundaryWeight times the average over the patches of
        // patchWeight*mean(r^2)
        const scalar w =
            boundaryWeight_*patchWeight_[grp]/(terms.size()*scalar(counts[grp]));
        const label n = bs.size();
        boundary.x.insert(boundary.x.end(), coords.begin(), coords.end());
        boundary.alpha.insert(boundary.alpha.end(), alpha.begin(), alpha.end());
        boundary.beta.insert(boundary.beta.end(), beta.begin(), beta.end());
        boundary.g.insert(boundary.g.end(), g.begin(), g.end());
        for (label i = 0; i < n; ++i)
        {
            for (label d = 0; d < D; ++d)
            {
                boundary.normal.push_back(domain_.coordinate(bs.normal[i], d));
            }
            boundary.w.push_back(w);
            boundary.component.push_back(0);
            boundary.group.push_back(grp);
        }
    }
}


Foam::labelList Foam::pinnSampler::patchCounts() const
{
    // Half of nBoundary split evenly over the patches, half by area
    // (largest remainders), at least one point per patch
    const PtrList<pinnBoundaryTerms::patchTerm>& terms = terms_.terms();
    const label nP = terms.size();
    scalarList area(nP);
    scalar total = 0;
    forAll(terms, i)
    {
        area[i] = domain_.patchArea(terms[i].patchi);
        total += area[i];
    }
    scalarList share(nP);
    labelList n(nP);
    label sum = 0;
    forAll(terms, i)
    {
        share[i] = nBoundary_*(0.5/nP + 0.5*area[i]/max(total, VSMALL));
        n[i] = max(label(share[i]), 1);
        sum += n[i];
    }
    while (sum < nBoundary_)
    {
        label best = 0;
        forAll(n, i)
        {
            if (share[i] - n[i] > share[best] - n[best]) best = i;
        }
        ++n[best];
        ++sum;
    }
    return n;
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
