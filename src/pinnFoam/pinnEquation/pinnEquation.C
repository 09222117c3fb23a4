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
    const word& fieldName,
    const fvMesh& mesh
)
:
    dict_(dict),
    nDim_(nDim),
    fieldName_(fieldName),
    mesh_(mesh)
{}

// ************************************************************************* //
