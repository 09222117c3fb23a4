/*---------------------------------------------------------------------------*\
  pinnFoam: physics-informed neural networks on OpenFOAM cases
-------------------------------------------------------------------------------
Application
    pinnFoam

Group
    grpBasicSolvers

Description
    Trains a physics-informed neural network for the PDE named in
    constant/pinnProperties on the case's mesh, with the boundary conditions
    of the initial field as boundary terms. One time step is one optimiser
    iteration (deltaT 1); at write times the network is evaluated on the mesh
    and written as fields, with a checkpoint from which a run resumes.

    Runs in parallel like any solver (decomposePar, then
    mpirun -np N pinnFoam -parallel): one network, trained on the points of
    all processors, its gradient summed over them.

\*---------------------------------------------------------------------------*/

#include "fvCFD.H"
#include "pinnModel.H"

// * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * //

int main(int argc, char *argv[])
{
    argList::addNote
    (
        "Trains a physics-informed neural network on the case's mesh and"
        " boundary conditions (constant/pinnProperties)"
    );

    #include "setRootCase.H"
    #include "createTime.H"

    // A mesh directory with one of its files missing ends in a segmentation
    // fault inside polyMesh (owner, neighbour): name the file instead
    {
        const fileName meshDir = runTime.path()/runTime.findInstance
        (
            polyMesh::meshSubDir, "points", IOobject::READ_IF_PRESENT
        )/polyMesh::meshSubDir;
        for (const word f : {"points", "faces", "owner", "neighbour", "boundary"})
        {
            if (isDir(meshDir) && isFile(meshDir/"points") && !isFile(meshDir/f))
            {
                FatalErrorInFunction
                    << "The mesh " << meshDir << " has no '" << f << "' file"
                    << " (or " << f << ".gz)" << nl << "    Regenerate the mesh"
                    << " (blockMesh, a mesh converter) or restore the file,"
                    << " and check it with checkMesh" << exit(FatalError);
            }
        }
    }

    #include "createMesh.H"

    pinnModel model(runTime, mesh);

    Info<< "\nStarting training\n" << endl;

    while (runTime.loop())
    {
        try
        {
            model.iterate();

            if (model.logTime() || runTime.writeTime())
            {
                Info<< "Time = " << runTime.timeName() << nl;
                model.report();
                if (runTime.writeTime() || model.converged())
                {
                    model.write();
                }
                Info<< "ExecutionTime = " << runTime.elapsedCpuTime() << " s"
                    << "  ClockTime = " << runTime.elapsedClockTime() << " s"
                    << nl << endl;
            }
        }
        catch (const Foam::error&)
        {
            throw;
        }
        catch (const std::exception& err)
        {
            // the backend failed (a device fault, memory): a FatalError
            // that says where, never an uncaught exception
            model.stop(err);
        }
        if (model.converged())
        {
            runTime.functionObjects().end();
            break;
        }
    }

    Info<< "End\n" << endl;

    return 0;
}


// ************************************************************************* //
