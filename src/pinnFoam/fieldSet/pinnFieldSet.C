/*---------------------------------------------------------------------------*\
  pinnFoam: physics-informed neural networks on OpenFOAM cases
\*---------------------------------------------------------------------------*/

#include "pinnFieldSet.H"
#include "emptyFvPatch.H"

// * * * * * * * * * * * * * * * * Constructors  * * * * * * * * * * * * * * //

Foam::pinnFieldSet::pinnFieldSet
(
    const fvMesh& mesh,
    const wordList& names,
    const wordList& classes,
    const word& instance,
    const labelList& components
)
:
    mesh_(mesh),
    names_(names),
    isVector_(names.size(), false),
    scalars_(names.size()),
    vectors_(names.size())
{
    forAll(names_, fieldi)
    {
        isVector_[fieldi] = classes[fieldi] == volVectorField::typeName;
        const word& name = names_[fieldi];

        // The conditions first: pinnFoam's own messages on unsupported
        // patch types, then the field as OpenFOAM reads it
        const IOobject io(name, instance, mesh_, IOobject::MUST_READ, IOobject::NO_WRITE, false);
        if (isVector_[fieldi])
        {
            for (const label c : components)
            {
                outputField_.append(fieldi);
                outputComponent_.append(c);
                terms_.append(new pinnBoundaryTerms(mesh_, name, instance, c));
                outputNames_.append(terms_.last().name());
            }
            const volVectorField field0(io, mesh_);
            vectors_.set
            (
                fieldi,
                new volVectorField
                (
                    IOobject(name, instance, mesh_, IOobject::NO_READ, IOobject::NO_WRITE, true),
                    field0
                )
            );
        }
        else
        {
            outputField_.append(fieldi);
            outputComponent_.append(-1);
            terms_.append(new pinnBoundaryTerms(mesh_, name, instance));
            outputNames_.append(name);
            const volScalarField field0(io, mesh_);
            scalars_.set
            (
                fieldi,
                new volScalarField
                (
                    IOobject(name, instance, mesh_, IOobject::NO_READ, IOobject::NO_WRITE, true),
                    field0
                )
            );
        }
    }
}


// * * * * * * * * * * * * * * * Member Functions  * * * * * * * * * * * * * //

Foam::UPtrList<const Foam::pinnBoundaryTerms> Foam::pinnFieldSet::termList() const
{
    UPtrList<const pinnBoundaryTerms> list(terms_.size());
    forAll(terms_, k)
    {
        list.set(k, &terms_[k]);
    }
    return list;
}


Foam::UPtrList<const Foam::regIOobject> Foam::pinnFieldSet::objects() const
{
    UPtrList<const regIOobject> list(names_.size());
    forAll(names_, fieldi)
    {
        if (isVector_[fieldi])
        {
            list.set(fieldi, &vectors_[fieldi]);
        }
        else
        {
            list.set(fieldi, &scalars_[fieldi]);
        }
    }
    return list;
}


Foam::scalarField Foam::pinnFieldSet::outputValues(const label k) const
{
    const label fieldi = outputField_[k];
    if (isVector_[fieldi])
    {
        // (constructed from the tmp: clang finds the implicit conversion ambiguous)
        return Foam::scalarField(vectors_[fieldi].primitiveField().component(outputComponent_[k]));
    }
    return scalars_[fieldi].primitiveField();
}


void Foam::pinnFieldSet::set
(
    const std::vector<double>& values,
    const labelUList& start
)
{
    const label nOut = nOutputs();
    const label nCells = mesh_.nCells();
    const fvBoundaryMesh& bm = mesh_.boundary();

    forAll(outputField_, k)
    {
        const label fieldi = outputField_[k];
        const label c = outputComponent_[k];

        // The values of output k at points [from, from + n) of the batch
        auto slice = [&](const label from, const label n)
        {
            Foam::scalarField v(n);
            for (label i = 0; i < n; ++i)
            {
                v[i] = values[(from + i)*nOut + k];
            }
            return v;
        };

        if (isVector_[fieldi])
        {
            volVectorField& U = vectors_[fieldi];
            U.primitiveFieldRef().replace(c, slice(0, nCells));
            forAll(bm, patchi)
            {
                if (isA<emptyFvPatch>(bm[patchi]) || U.boundaryField()[patchi].fixesValue())
                {
                    continue;
                }
                Foam::vectorField pv(U.boundaryField()[patchi]);
                pv.replace(c, slice(start[patchi], bm[patchi].size()));
                U.boundaryFieldRef()[patchi] == pv;
            }
        }
        else
        {
            volScalarField& T = scalars_[fieldi];
            T.primitiveFieldRef() = slice(0, nCells);
            forAll(bm, patchi)
            {
                if (isA<emptyFvPatch>(bm[patchi]) || T.boundaryField()[patchi].fixesValue())
                {
                    continue;
                }
                T.boundaryFieldRef()[patchi] == slice(start[patchi], bm[patchi].size());
            }
        }
    }
}

// ************************************************************************* //
