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
    const UPtrList<const pinnBoundaryTerms>& terms
)
:
    domain_(domain),
    terms_(terms),
    refOutput_(-1),
    refValue_(0),
    refPoint_(Zero),
    refHere_(false),
    nInterior_(pinnDict::getPositive<label>(dict, "nInterior")),
    nBoundary_(pinnDict::getPositive<label>(dict, "nBoundary")),
    seed_(pinnDict::getOrDefaultNonNegative<label>(dict, "seed", 1)),
    equationWeight_(pinnDict::getOrDefaultPositive<scalar>(lossDict, "equationWeight", 1)),
    boundaryWeight_(pinnDict::getOrDefaultPositive<scalar>(lossDict, "boundaryWeight", 1))
{
    pinnDict::checkKeys
    (
        lossDict,
        wordList({"equationWeight", "boundaryWeight", "patchWeights", "balancing"})
    );

    // The groups: every patch with a condition on some output
    const polyBoundaryMesh& pbm = domain_.mesh().boundaryMesh();
    forAll(pbm, patchi)
    {
        bool has = false;
        forAll(terms_, k)
        {
            has = has || terms_[k].hasTerm(patchi);
        }
        if (has)
        {
            groupPatch_.append(patchi);
            groupName_.append(pbm[patchi].name());
        }
    }
    if (groupPatch_.empty())
    {
        FatalErrorInFunction
            << "Field " << terms_[0].fieldName() << " (" << terms_[0].filePath()
            << ") has no patch with a boundary condition: the problem is not"
            << " well posed." << nl
            << "    Give at least one patch a fixedValue, fixedGradient or"
            << " mixed condition."
            << exit(FatalError);
    }
    patchWeight_.setSize(groupPatch_.size(), 1.0);
    if (lossDict.found("patchWeights"))
    {
        const dictionary& pw = lossDict.subDict("patchWeights");
        pinnDict::checkKeys(pw, groupName_);
        forAll(groupName_, i)
        {
            patchWeight_[i] = pinnDict::getOrDefaultPositive<scalar>
            (
                pw, groupName_[i], 1
            );
        }
    }
}


Foam::pinnSamplers::uniform::uniform
(
    const dictionary& dict,
    const dictionary& lossDict,
    const pinnDomain& domain,
    const UPtrList<const pinnBoundaryTerms>& terms
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
    const UPtrList<const pinnBoundaryTerms>& terms
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
    const UPtrList<const pinnBoundaryTerms>& terms
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

void Foam::pinnSampler::setReference
(
    const word& name,
    const label k,
    const scalar value,
    const point& p,
    const bool here
)
{
    refOutput_ = k;
    refValue_ = value;
    refPoint_ = p;
    refHere_ = here;
    groupName_.append(name);
}


Foam::wordList Foam::pinnSampler::groupNames() const
{
    return groupName_;
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
    const label nGroups = groupName_.size();
    const labelList counts(patchCounts());
    boundary = pinn::BoundarySet<double>();
    auto append = [&](const scalarList& coords, const pinnDomain::boundarySamples* bs, const label k, const scalarList& alpha, const scalarList& beta, const scalarList& g, const scalar w, const label grp)
    {
        boundary.x.insert(boundary.x.end(), coords.begin(), coords.end());
        boundary.alpha.insert(boundary.alpha.end(), alpha.begin(), alpha.end());
        boundary.beta.insert(boundary.beta.end(), beta.begin(), beta.end());
        boundary.g.insert(boundary.g.end(), g.begin(), g.end());
        forAll(alpha, i)
        {
            for (label d = 0; d < D; ++d)
            {
                boundary.normal.push_back(bs ? domain_.coordinate(bs->normal[i], d) : 0.0);
            }
            boundary.w.push_back(w);
            boundary.component.push_back(k);
            boundary.group.push_back(grp);
        }
    };
    forAll(groupPatch_, grp)
    {
        pinnDomain::boundarySamples bs;
        domain_.sampleBoundary
        (
            labelList(1, groupPatch_[grp]), counts[grp], seed_, drawi, bs, grp
        );
        domain_.networkCoordinates(bs.points, coords);

        // Each patch's term is the mean over its points: the boundary loss
        // is boundaryWeight times the average over the patches of
        // patchWeight*mean(r^2), summed over the patch's conditions
        const scalar w =
            boundaryWeight_*patchWeight_[grp]/(nGroups*scalar(counts[grp]));
        forAll(terms_, k)
        {
            if (!terms_[k].hasTerm(groupPatch_[grp]))
            {
                continue;
            }
            scalarList alpha, beta, g;
            terms_[k].evaluate(bs, alpha, beta, g);
            append(coords, &bs, k, alpha, beta, g, w, grp);
        }
    }
    if (refOutput_ >= 0 && refHere_)
    {
        domain_.networkCoordinates(List<point>(1, refPoint_), coords);
        append
        (
            coords, nullptr, refOutput_, scalarList(1, 1.0), scalarList(1, Zero),
            scalarList(1, refValue_), boundaryWeight_/nGroups, nGroups - 1
        );
    }
}


Foam::labelList Foam::pinnSampler::patchCounts() const
{
    // Half of nBoundary split evenly over the patches, half by area
    // (largest remainders), at least one point per patch
    const label nP = groupPatch_.size();
    scalarList area(nP);
    scalar total = 0;
    forAll(groupPatch_, i)
    {
        area[i] = domain_.patchArea(groupPatch_[i]);
        total += area[i];
    }
    scalarList share(nP);
    labelList n(nP);
    label sum = 0;
    forAll(groupPatch_, i)
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
