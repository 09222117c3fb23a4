/*---------------------------------------------------------------------------*\
  pinnFoam: physics-informed neural networks on OpenFOAM cases
\*---------------------------------------------------------------------------*/

#include "pinnEquation.H"
#include "FlatOutput.H"

// * * * * * * * * * * * * * * * * Selectors * * * * * * * * * * * * * * * * //

Foam::autoPtr<Foam::pinnEquation> Foam::pinnEquation::New
(
    const dictionary& dict,
    const label nDim,
    const word& fieldName
)
{
    if (!dict.found("type"))
    {
        FatalIOErrorInFunction(dict)
            << "Missing entry 'type' in " << dict.dictName() << nl
            << "    Valid types: "
            << flatOutput(dictionaryConstructorTablePtr_->sortedToc())
            << exit(FatalIOError);
    }
    const word modelType(dict.get<word>("type"));

    auto cstrIter = dictionaryConstructorTablePtr_->cfind(modelType);

    if (!cstrIter.found())
    {
        FatalIOErrorInLookup
        (
            dict,
            "equation",
            modelType,
            *dictionaryConstructorTablePtr_
        ) << exit(FatalIOError);
    }

    return autoPtr<pinnEquation>(cstrIter()(dict, nDim, fieldName));
}

// ************************************************************************* //
