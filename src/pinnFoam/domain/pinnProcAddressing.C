/*---------------------------------------------------------------------------*\
  pinnFoam: physics-informed neural networks on OpenFOAM cases
\*---------------------------------------------------------------------------*/

#include "pinnProcAddressing.H"
#include "Pstream.H"
#include "Time.H"

// * * * * * * * * * * * * * * * * Functions * * * * * * * * * * * * * * * //

Foam::autoPtr<Foam::labelIOList> Foam::pinnProcAddressing::read
(
    const polyMesh& mesh,
    const word& name,
    const label size
)
{
    autoPtr<labelIOList> addr;
    if (!Pstream::parRun())
    {
        return addr;
    }

    IOobject io
    (
        name, mesh.facesInstance(), polyMesh::meshSubDir,
        mesh, IOobject::MUST_READ, IOobject::NO_WRITE, false
    );
    if (!returnReduce(io.typeHeaderOk<labelIOList>(true), andOp<bool>()))
    {
        return addr;
    }
    addr.reset(new labelIOList(io));
    if (!returnReduce(addr().size() == size, andOp<bool>()))
    {
        FatalErrorInFunction
            << "The decomposition addressing " << io.objectPath()
            << " has " << addr().size() << " entries for " << size
            << " in the processor mesh (on this or another processor) of case "
            << mesh.time().globalPath() << nl
            << "    The case was decomposed again or the mesh changed;"
            << " run decomposePar -force"
            << exit(FatalError);
    }
    return addr;
}

// ************************************************************************* //
