/*---------------------------------------------------------------------------*\
  pinnFoam: physics-informed neural networks on OpenFOAM cases
\*---------------------------------------------------------------------------*/

#include "pinnEquation.H"
#include "FlatOutput.H"
#include "pinnDict.H"

// * * * * * * * * * * * * * * * * Selectors * * * * * * * * * * * * * * * * //

Foam::autoPtr<Foam::pinnEquation> Foam::pinnEquation::New
(
    const dictionary& dict,
    const label nDim,
    const wordList& fieldNames,
    const fvMesh& mesh
)
{
    const word modelType
    (
        pinnDict::selectType(dict, "equation", *dictionaryConstructorTablePtr_)
    );
    auto cstrIter = dictionaryConstructorTablePtr_->cfind(modelType);

    return autoPtr<pinnEquation>(cstrIter()(dict, nDim, fieldNames, mesh));
}

// ************************************************************************* //
