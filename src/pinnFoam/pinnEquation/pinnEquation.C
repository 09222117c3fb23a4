/*---------------------------------------------------------------------------*\
  pinnFoam: physics-informed neural networks on OpenFOAM cases
\*---------------------------------------------------------------------------*/

#include "pinnEquation.H"

// * * * * * * * * * * * * * * Static Data Members * * * * * * * * * * * * * //

namespace Foam
{
    defineTypeNameAndDebug(pinnEquation, 0);
    defineRunTimeSelectionTable(pinnEquation, dictionary);
}


// * * * * * * * * * * * * * * * * Constructors  * * * * * * * * * * * * * * //

Foam::pinnEquation::pinnEquation
(
    const dictionary& dict,
    const label nDim,
    const wordList& fieldNames,
    const fvMesh& mesh
)
:
    dict_(dict),
    nDim_(nDim),
    fieldNames_(fieldNames),
    mesh_(mesh)
{}


// * * * * * * * * * * * * * * * Member Functions  * * * * * * * * * * * * * //

const Foam::dictionary& Foam::pinnEquation::referenceDict() const
{
    FatalErrorInFunction
        << "Equation " << type() << " fixes no output by a reference value"
        << abort(FatalError);
    return dict_;
}

// ************************************************************************* //
