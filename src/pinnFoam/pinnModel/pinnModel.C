/*---------------------------------------------------------------------------*\
  pinnFoam: physics-informed neural networks on OpenFOAM cases
\*---------------------------------------------------------------------------*/

#include "pinnModel.H"
#include "FlatOutput.H"
#include "pinnDict.H"
#include "IFstream.H"
#include "OSspecific.H"
#include "calculatedFvPatchFields.H"
#include "zeroGradientFvPatchFields.H"
#include "emptyFvPatch.H"
#include "Pstream.H"
#include "findRefCell.H"

#include <cctype>
#include <chrono>
#include <cmath>
#include <fstream>
#include <iomanip>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <thread>

// * * * * * * * * * * * * * * Static Data Members * * * * * * * * * * * * * //

namespace Foam
{
    defineTypeNameAndDebug(pinnModel, 0);
}


// * * * * * * * * * * * * * * * Local Functions * * * * * * * * * * * * * * //

namespace
{

using namespace Foam;

const dictionary& requiredSubDict
(
    const dictionary& dict,
    const word& key,
    const char* hint
)
{
    if (!dict.isDict(key))
    {
        FatalIOErrorInFunction(dict)
            << "Missing sub-dictionary '" << key << "' in " << dict.name() << nl
            << "    Add '" << key << " { " << hint << " }' (see "
            << "$PINNFOAM_DIR/etc/caseDicts/pinnProperties)"
            << exit(FatalIOError);
    }
    return dict.subDict(key);
}


word requiredWord(const dictionary& dict, const word& key, const char* hint)
{
    if (!dict.found(key, keyType::LITERAL))
    {
        pinnDict::missingEntry(dict, key, "Add '" + key + " " + hint + ";'");
    }
    return pinnDict::get<word>(dict, key);
}


//- constant/pinnProperties, or a FatalError naming the template to copy
IOobject pinnPropertiesIO(const Time& runTime, const fvMesh& mesh)
{
    IOobject io
    (
        "pinnProperties",
        runTime.constant(),
        mesh,
        IOobject::MUST_READ_IF_MODIFIED,
        IOobject::NO_WRITE
    );
    if (!io.typeHeaderOk<IOdictionary>(true))
    {
        // A decomposed case reads constant/ of the case above processor*
        fileName path = io.objectPath();
        if (!isFile(path) && Pstream::parRun())
        {
            path = runTime.globalPath()/runTime.constant()/"pinnProperties";
        }
        FatalErrorInFunction
            << "pinnFoam reads its settings from " << path
            << (isFile(path) ? ", which is not a dictionary (empty,"
                " truncated, or no valid FoamFile header)" : ", which does not exist")
            << nl
            << "    Copy the annotated template and edit it:" << nl
            << "        cp $PINNFOAM_DIR/etc/caseDicts/pinnProperties "
            << runTime.constant() << "/" << nl
            << "    (every entry is documented there; it runs as copied on a"
            << " case with a field T and DT in constant/transportProperties)"
            << exit(FatalError);
    }
    return io;
}


//- In a parallel run the master reads pinnProperties and sends it: on the
//  other ranks the dictionary (and every sub-dictionary) is named after the
//  stream ("IOstream.vtk"), so their error messages would name no file and,
//  when such a rank stops first, the run's message would not either. Name
//  them after the file, as on the master.
void nameAfterFile(dictionary& d, const fileName& name)
{
    d.name() = name;
    for (entry& e : d)
    {
        if (e.isDict())
        {
            nameAfterFile(e.dict(), name + '.' + e.keyword());
        }
    }
}

bool namePropertiesAfterFile(IOdictionary& dict, const Time& runTime)
{
    if (Pstream::parRun() && !Pstream::master())
    {
        fileName path = dict.objectPath();
        if (!isFile(path))
        {
            path = runTime.globalPath()/runTime.constant()/"pinnProperties";
        }
        nameAfterFile(dict, path);
    }
    return true;
}


//- The earliest time directory of a case (normally 0)
word initialTimeName(const Time& runTime)
{
    const instantList times = TimePaths::findTimes(runTime.path(), runTime.constant());
    for (const instant& t : times)
    {
        if (t.name() != runTime.constant())
        {
            return t.name();
        }
    }
    FatalErrorInFunction
        << "Case " << runTime.path() << " has no time directory with the"
        << " initial fields" << nl
        << "    Create 0/ with the field to train and its boundary conditions"
        << exit(FatalError);
    return word::null;
}


//- Write an object into dir (not into its time directory, as
//  regIOobject::write would): dir/local/name, with the usual header
void writeInto
(
    const regIOobject& obj,
    const fileName& dir,
    const IOstream::streamFormat fmt
)
{
    const fileName file = dir/obj.local()/obj.name();
    mkDir(file.path());
    OFstream os
    (
        file,
        fmt,
        IOstream::currentVersion,
        obj.time().writeCompression()
    );
    if (!obj.writeHeader(os) || !obj.writeData(os))
    {
        FatalErrorInFunction
            << "Could not write " << file << " (disk full?)" << exit(FatalError);
    }
    IOobject::writeEndDivider(os);
    if (!os.good())
    {
        FatalErrorInFunction
            << "Could not write " << file << " (disk full?)" << exit(FatalError);
    }
}


void writeInto(const regIOobject& obj, const fileName& dir)
{
    writeInto(obj, dir, obj.time().writeFormat());
}


//- A FatalError, before training, where dir cannot be made or written
//  (what: what pinnFoam writes there)
void checkWritable(const fileName& dir, const string& what)
{
    const fileName probe = dir/".pinnFoam-write-check";

    // The nearest existing path above dir must be a directory (OpenFOAM's
    // mkDir would end with a message naming no fix)
    bool ok = true;
    for (fileName p = dir; p.size() > 1; p = p.path())
    {
        if (exists(p, false, false))
        {
            ok = isDir(p);
            break;
        }
    }
    ok = ok && mkDir(dir) && isDir(dir);
    if (ok)
    {
        {
            OFstream os(probe);
            os  << "pinnFoam" << endl;
            ok = os.good();
        }
        ok = ok && isFile(probe);
        rm(probe);
    }
    if (!ok)
    {
        FatalErrorInFunction
            << "pinnFoam cannot write " << what.c_str() << " into " << dir
            << nl << "    The directory (or one above it) is not a directory,"
            << " is read-only or the disk is full: make it writable (or"
            << " remove the file of that name) and run again"
            << exit(FatalError);
    }
}


//- The checkpoint directory of a time: <time>/uniform/pinn of the case, or
//  of processor0 in a parallel run (one network: the master writes it
//  there, reconstructPar copies uniform/ from processor0)
fileName checkpointDir(const Time& runTime, const word& timeName)
{
    const fileName caseDir =
        Pstream::parRun()
      ? runTime.globalPath()/"processor0"
      : runTime.path();
    return caseDir/timeName/"uniform"/"pinn";
}


//- Boundary points of a set (not rows: a point has one row per output with
//  a condition on its patch; the reference row of group refGroup is none)
label boundaryPoints
(
    const pinn::BoundarySet<double>& b,
    const label nGroups,
    const label refGroup
)
{
    std::vector<int> first(nGroups, -1);
    label n = 0;
    for (std::size_t r = 0; r < b.component.size(); ++r)
    {
        int& f = first[b.group[r]];
        if (f < 0) f = b.component[r];
        if (f == b.component[r] && b.group[r] != refGroup) ++n;
    }
    return n;
}

} // End anonymous namespace


// * * * * * * * * * * * * * Private Member Functions  * * * * * * * * * * * //

void Foam::pinnModel::readNetwork(const dictionary& dict)
{
    pinnDict::checkKeys(dict, wordList({"type", "layers", "activation", "seed"}));
    pinnDict::getChoiceOrDefault(dict, "type", wordList({"MLP"}), "MLP");

    if (!dict.found("layers"))
    {
        FatalIOErrorInFunction(dict)
            << "Missing entry 'layers' in network of " << dict.name() << nl
            << "    Add 'layers (64 64 64 64);': the widths of the hidden layers"
            << exit(FatalIOError);
    }
    const labelList layers(pinnDict::get<labelList>(dict, "layers"));
    if (layers.empty())
    {
        FatalIOErrorInFunction(dict)
            << "Entry 'layers' in network is empty" << nl
            << "    Give at least one hidden layer, e.g. 'layers (64 64 64 64);'"
            << exit(FatalIOError);
    }
    for (const label w : layers)
    {
        if (w <= 0)
        {
            FatalIOErrorInFunction(dict)
                << "Entry 'layers' in network has a width " << w
                << " (all widths must be > 0): " << flatOutput(layers)
                << exit(FatalIOError);
        }
    }
    const word act = pinnDict::getChoiceOrDefault
    (
        dict, "activation", wordList({"tanh", "sin"}), "tanh"
    );

    // Parameters and their Adam moments must fit in memory (a width like
    // 2e9 would otherwise end in an abort inside the allocator)
    scalar nParams = 0;
    for (label l = 0, prev = domain_.nDim(); l <= layers.size(); ++l)
    {
        const label next = l < layers.size() ? layers[l] : problem_.pde.nOut;
        nParams += scalar(prev + 1)*next;
        prev = next;
    }
    if (nParams > 1e9)
    {
        FatalIOErrorInFunction(dict)
            << "Entry 'layers' " << flatOutput(layers) << " in network gives "
            << nParams << " parameters, more than 1e9 (with Adam's moments "
            << 3*8*nParams/1073741824 << " GiB in double)" << nl
            << "    Give smaller hidden layer widths, e.g. 'layers (64 64 64 64);'"
            << exit(FatalIOError);
    }

    problem_.net.inputDim = domain_.nDim();
    problem_.net.hidden.assign(layers.begin(), layers.end());
    problem_.net.nOutputs = problem_.pde.nOut;
    problem_.net.activation =
        act == "sin" ? pinn::Activation::sin : pinn::Activation::tanh;
    networkSeed_ = pinnDict::getOrDefaultNonNegative<label>(dict, "seed", 1);
}


Foam::wordList Foam::pinnModel::readFieldNames() const
{
    const bool one = dict_.found("field", keyType::LITERAL);
    const bool several = dict_.found("fields", keyType::LITERAL);
    if (one == several)
    {
        FatalIOErrorInFunction(dict_)
            << (one ? "Both 'field' and 'fields' are given in " : "Missing entry 'field' (or 'fields') in ")
            << dict_.objectPath() << nl
            << "    Name the fields the network represents, as in 0/: 'field T;'"
            << " (heatConduction) or 'fields (U p);'"
            << " (incompressibleNavierStokes)"
            << exit(FatalIOError);
    }
    if (one)
    {
        return wordList(1, requiredWord(dict_, "field", "<name of the field in 0/, e.g. T>"));
    }
    const wordList names(pinnDict::get<wordList>(dict_, "fields"));
    if (names.empty())
    {
        FatalIOErrorInFunction(dict_)
            << "Entry 'fields' in " << dict_.objectPath() << " is empty" << nl
            << "    Give the fields the network represents, e.g. 'fields (U p);'"
            << exit(FatalIOError);
    }
    return names;
}


void Foam::pinnModel::checkControlDict() const
{
    // One time step is one iteration
    const dictionary& controlDict = runTime_.controlDict();
    if (mag(runTime_.deltaTValue() - 1) > SMALL)
    {
        FatalIOErrorInFunction(controlDict)
            << "deltaT is " << runTime_.deltaTValue() << " in "
            << controlDict.name() << nl
            << "    pinnFoam counts optimiser iterations as time steps: set"
            << " 'deltaT 1;' (endTime is the iteration budget)"
            << exit(FatalIOError);
    }
    if (runTime_.endTime().value() < runTime_.value() + 1 - SMALL)
    {
        FatalIOErrorInFunction(controlDict)
            << "endTime " << runTime_.endTime().value() << " in "
            << controlDict.name() << " is not after the start time "
            << runTime_.timeName() << ": there is no iteration to run" << nl
            << "    endTime is the iteration budget: set it above the start"
            << " time, e.g. 'endTime " << runTime_.value() + 1000 << ";'"
            << exit(FatalIOError);
    }
    const word wc = pinnDict::getOrDefault<word>(controlDict, "writeControl", "timeStep");
    const scalar wi = pinnDict::getOrDefault<scalar>(controlDict, "writeInterval", 1);
    if
    (
        (wc == "runTime" || wc == "adjustableRunTime" || wc == "timeStep")
     && (wi < 1 - SMALL || mag(wi - std::round(wi)) > SMALL)
    )
    {
        FatalIOErrorInFunction(controlDict)
            << "'writeControl " << wc << "; writeInterval " << wi << ";' in "
            << controlDict.name() << " would write "
            << (wi < 1 ? "every iteration" : "at irregular iterations") << nl
            << "    A pinnFoam time step is one optimiser iteration (deltaT 1):"
            << " give writeInterval as a whole number of iterations, e.g."
            << " 'writeControl timeStep; writeInterval 1000;'"
            << exit(FatalIOError);
    }
}


void Foam::pinnModel::checkWellPosed() const
{
    // Steady diffusion with only gradient conditions fixes the field up to
    // a constant: some patch must fix the value (fixedValue, or mixed with
    // a nonzero valueFraction)
    for (label k = 0; k < fields_->nOutputs(); ++k)
    {
        const pinnBoundaryTerms& terms = fields_->terms(k);
        if (!equation_->needsFixedValue(k) || terms.fixesValue())
        {
            continue;
        }
        IFstream is(terms.filePath());
        const dictionary fieldFile(is);
        FatalIOErrorInFunction(fieldFile)
            << "No patch of " << terms.name() << " (" << terms.filePath()
            << ") fixes its value: with only gradient conditions ("
            << terms.terms()[0].type << ", ...) the solution is"
            << " determined up to a constant, and the problem is ill posed"
            << nl << "    Give at least one patch a fixedValue (or mixed)"
            << " condition"
            << exit(FatalIOError);
    }
}


void Foam::pinnModel::setReferenceLevel()
{
    const label k = equation_->referenceOutput();
    if (k < 0 || fields_->terms(k).fixesValue())
    {
        return;
    }
    const label fieldi = fields_->outputField(k);
    const volScalarField& p = fields_->scalarField(fieldi);
    label refCell = -1;
    scalar refValue = 0;
    setRefCell(p, equation_->referenceDict(), refCell, refValue, true);
    const bool here = refCell >= 0;
    point where = here ? mesh_.C()[refCell] : point(-GREAT, -GREAT, -GREAT);
    reduce(where, maxOp<point>());
    sampler_->setReference(p.name() + "Ref", k, refValue, where, here);
    Info<< "Reference: " << p.name() << " = " << refValue << " at " << where
        << " (" << p.name() << "RefCell/" << p.name() << "RefPoint of "
        << equation_->referenceDict().name() << "): no patch fixes "
        << p.name() << nl;
}


Foam::label Foam::pinnModel::checkSolution(const label k) const
{
    // The values the conditions fix. A nonzero fixed gradient or a mixed
    // row brings heat in or out: no bound then.
    const pinnBoundaryTerms& terms = fields_->terms(k);
    const word& name = terms.name();
    scalar lo, hi, maxGrad;
    bool fluxFree;
    terms.fixedValueRange(lo, hi, maxGrad, fluxFree);
    const scalar spread = hi - lo;
    if (!(spread > SMALL*max(mag(hi), mag(lo))))
    {
        return 0;
    }

    const scalarField Ti(fields_->outputValues(k));
    const scalar tMin = gMin(Ti);
    const scalar tMax = gMax(Ti);
    label warnings = 0;
    if (tMax - tMin < 0.05*spread)
    {
        WarningInFunction
            << "The trained " << name << " is nearly uniform (" << tMin
            << " to " << tMax << ") while its fixed values range from " << lo
            << " to " << hi << ": the network has settled on a near-constant"
            << " (trivial) solution." << nl
            << "    Train longer, with more boundary points (sampling/nBoundary)"
            << " or a larger loss/boundaryWeight, in " << dict_.objectPath()
            << nl << endl;
        ++warnings;
    }

    if (equation_->maximumPrinciple() && fluxFree)
    {
        // A margin of 1% of the spread: the soft boundary terms leave small
        // overshoots near the fixed patches
        const scalar tol = 0.01*spread;
        label nOut = 0;
        scalar worst = 0;
        point where(Zero);
        forAll(Ti, celli)
        {
            const scalar over = max(Ti[celli] - hi, lo - Ti[celli]);
            if (over > tol)
            {
                ++nOut;
                if (over > worst)
                {
                    worst = over;
                    where = mesh_.C()[celli];
                }
            }
        }
        // the worst cell over all processors
        scalar gWorst = worst;
        reduce(gWorst, maxOp<scalar>());
        if (worst != gWorst)
        {
            where = point(-GREAT, -GREAT, -GREAT);
        }
        reduce(where, maxOp<point>());
        const label nTot = returnReduce(Ti.size(), sumOp<label>());
        reduce(nOut, sumOp<label>());
        if (nOut > 0)
        {
            WarningInFunction
                << nOut << " of " << nTot << " cells have " << name
                << " outside the range of its fixed values [" << lo << ", "
                << hi << "], by up to " << gWorst << " (at " << where << ")."
                << nl << "    " << equation_->description().c_str()
                << " keeps the solution within its fixed values, so the"
                << " network is wrong there however small the loss: usually"
                << " a zero-gradient wall nearby is not yet learnt (the patches'"
                << " terms in the log). Train longer, with more boundary points"
                << " (sampling/nBoundary) or a larger loss/boundaryWeight, in "
                << dict_.objectPath() << nl << endl;
            ++warnings;
        }
    }
    return warnings;
}


void Foam::pinnModel::selectDevice()
{
    const word requested = pinnDict::getChoiceOrDefault
    (
        dict_, "device", wordList({"auto", "cpu", "gpu"}), "auto"
    );
    std::string why;
    const bool gpuOk = pinn::gpuAvailable(why);
    if (requested == "gpu" && !gpuOk)
    {
        FatalIOErrorInFunction(dict_)
            << "'device gpu;' in " << dict_.objectPath() << " but no GPU can be used:"
            << nl << "    " << why.c_str() << nl
            << "    Set 'device cpu;' (or 'device auto;') to train on the CPU."
            << exit(FatalIOError);
    }
    if (requested == "auto")
    {
        device_ = gpuOk ? "gpu" : "cpu";
        Info<< "device auto: picked " << device_;
        if (!gpuOk)
        {
            Info<< " (" << why.c_str() << ")";
        }
        Info<< nl;
    }
    else
    {
        device_ = requested;
    }
}


void Foam::pinnModel::readReferences()
{
    if (!dict_.found("references"))
    {
        return;
    }
    const dictionary& refs = requiredSubDict
    (
        dict_, "references", "name { case \"cfd\"; time latestTime; }"
    );
    const label nCells = mesh_.nCells();
    for (const entry& e : refs)
    {
        if (!e.isDict())
        {
            FatalIOErrorInFunction(refs)
                << "Entry '" << e.keyword() << "' in references is not a dictionary"
                << nl << "    Write it as " << e.keyword()
                << " { case \"<case directory>\"; time latestTime; }"
                << exit(FatalIOError);
        }
        const dictionary& rd = e.dict();
        pinnDict::checkKeys(rd, wordList({"case", "time", "field"}));
        if (!rd.found("case"))
        {
            FatalIOErrorInFunction(rd)
                << "Missing entry 'case' in reference " << e.keyword() << nl
                << "    Add 'case \"<directory>\";': a case holding the reference"
                << " solution on this mesh (relative to this case, or \".\")"
                << exit(FatalIOError);
        }
        fileName caseDir(pinnDict::get<fileName>(rd, "case"));
        caseDir.expand();
        if (!caseDir.isAbsolute())
        {
            caseDir = runTime_.globalPath()/caseDir;
        }
        caseDir.clean();
        if (!isDir(caseDir))
        {
            FatalIOErrorInFunction(rd)
                << "Reference case directory " << caseDir << " of reference '"
                << e.keyword() << "' does not exist" << nl
                << "    Run the reference solver first (see the tutorial's Allrun)"
                << " or correct 'case'"
                << exit(FatalIOError);
        }
        if (Pstream::parRun())
        {
            // The reference on this processor's cells: decomposed alike
            caseDir = caseDir/("processor" + Foam::name(Pstream::myProcNo()));
            if (!isDir(caseDir))
            {
                FatalIOErrorInFunction(rd)
                    << "Reference '" << e.keyword() << "': " << caseDir
                    << " does not exist" << nl
                    << "    A parallel run reads the reference from the"
                    << " processor directories: decompose the reference case"
                    << " like this one (decomposePar -case " << caseDir.path()
                    << ")"
                    << exit(FatalIOError);
            }
        }
        // 'time' is latestTime or a time value
        word timeSpec("latestTime");
        scalar timeValue = -GREAT;
        if (rd.found("time"))
        {
            pinnDict::checkValue(rd, "time");
            ITstream& ts = rd.lookup("time");
            token t(ts);
            if (t.isNumber())
            {
                timeValue = t.number();
                timeSpec = Time::timeName(timeValue);
            }
            else if (t.isWord() && t.wordToken() == "latestTime")
            {
                timeSpec = t.wordToken();
            }
            else
            {
                FatalIOErrorInFunction(rd)
                    << "Entry 'time' of reference '" << e.keyword()
                    << "' must be latestTime or a time value, not " << t.info()
                    << exit(FatalIOError);
            }
        }
        const instantList times = TimePaths::findTimes(caseDir, "constant");
        word timeName;
        for (const instant& t : times)
        {
            if (t.name() == "constant") continue;
            if (timeSpec == "latestTime" || t.equal(timeValue))
            {
                timeName = t.name();
            }
        }
        if (timeName.empty())
        {
            FatalIOErrorInFunction(rd)
                << "Reference '" << e.keyword() << "': " << caseDir
                << " has no time directory " << timeSpec << nl
                << "    Available: " << flatOutput(times) << nl
                << "    Set 'time' to one of them or to latestTime"
                << exit(FatalIOError);
        }
        // The reference's field of each trained field: its own name, or
        // 'field' (one trained field only)
        if (rd.found("field") && fieldNames_.size() != 1)
        {
            FatalIOErrorInFunction(rd)
                << "Entry 'field' of reference '" << e.keyword() << "' names one"
                << " field, but pinnFoam trains " << flatOutput(fieldNames_) << nl
                << "    Remove it: the reference's fields are read by these names"
                << exit(FatalIOError);
        }
        reference ref;
        ref.name = e.keyword();
        ref.dir = caseDir/timeName;
        ref.scalars.setSize(fieldNames_.size());
        ref.vectors.setSize(fieldNames_.size());
        forAll(fieldNames_, fieldi)
        {
            const word fld =
                fieldNames_.size() == 1
              ? pinnDict::getOrDefault<word>(rd, "field", fieldNames_[0])
              : fieldNames_[fieldi];
            const fileName file = ref.dir/fld;
            if (!isFile(file))
            {
                FatalIOErrorInFunction(rd)
                    << "Reference '" << e.keyword() << "': field file " << file
                    << " does not exist" << nl
                    << "    Write the reference field " << fld << " at time "
                    << timeName << " or set 'field'/'time'"
                    << exit(FatalIOError);
            }
            IFstream is(file);
            const dictionary fieldDict(is);
            const bool throwing = FatalIOError.throwExceptions(true);
            label size = -1;
            try
            {
                if (fields_->isVector(fieldi))
                {
                    ref.vectors[fieldi] = vectorField("internalField", fieldDict, nCells);
                    size = ref.vectors[fieldi].size();
                }
                else
                {
                    ref.scalars[fieldi] = scalarField("internalField", fieldDict, nCells);
                    size = ref.scalars[fieldi].size();
                }
            }
            catch (const Foam::IOerror& err)
            {
                FatalIOError.throwExceptions(throwing);
                FatalIOErrorInFunction(rd)
                    << "Reference '" << e.keyword() << "' (" << file
                    << ") does not match this mesh of " << nCells << " cells"
                    << " and a " << (fields_->isVector(fieldi) ? "vector" : "scalar")
                    << " field:" << nl
                    << "    " << err.message().c_str() << nl
                    << "    The reference must be a solution on the same mesh"
                    << exit(FatalIOError);
            }
            FatalIOError.throwExceptions(throwing);
            if (size != nCells)
            {
                FatalIOErrorInFunction(rd)
                    << "Reference '" << e.keyword() << "' (" << file << ") has "
                    << size << " values, this mesh " << nCells << " cells" << nl
                    << "    The reference must be a solution on the same mesh"
                    << exit(FatalIOError);
            }
        }
        references_.append(ref);
        Info<< "Reference " << ref.name << ": " << ref.dir << "/"
            << flatOutput(fieldNames_) << nl;
    }
}


void Foam::pinnModel::openFiles()
{
    // Progress of this run from here (after the restart): the set-up time
    // is not counted in the first interval's ms/iteration
    startIteration_ = runner_->iteration();
    runSeconds_ = 0;
    clock_.timeIncrement();

    // Every output directory is writable, or a clear error before training
    checkWritable(runTime_.path(), "its time directories");
    // (the VTK writer checks its own directory)

    // The master writes them, for the whole run, in the case directory
    if (!Pstream::master())
    {
        return;
    }
    const fileName dir =
        runTime_.globalPath()/"postProcessing"/"pinnFoam"/runTime_.timeName();
    checkWritable(dir, "its loss, error and memory histories");

    // Loss terms only (all positive: foamMonitor -l plots them on one
    // logarithmic axis)
    lossFile_.reset(new OFstream(dir/"loss.dat"));
    OFstream& lf = lossFile_();
    lf.precision(12);
    lf  << "# pinnFoam loss terms (nondimensional, see Scaling in the log): " << equation_->description().c_str() << nl
        << "# Time total";
    for (const word& e : equation_->equationNames()) lf << " pde(" << e << ")";
    for (const word& g : sampler_->groupNames()) lf << " bc(" << g << ")";
    lf  << endl;

    trainingFile_.reset(new OFstream(dir/"training.dat"));
    OFstream& tf = trainingFile_();
    tf.precision(12);
    tf  << "# pinnFoam training: optimiser phase, learning rate (Adam; 0 in"
        << " L-BFGS), wall time per iteration since the last report, points"
        << " per second, wall seconds of this run's iterations, estimated"
        << " seconds left to endTime" << nl
        << "# Time phase learningRate msPerIteration pointsPerSecond elapsed"
        << " remaining" << endl;

    writeFoamLogDb(dir);

    errorsFile_.reset(new OFstream(dir/"errors.dat"));
    OFstream& ef = errorsFile_();
    ef  << "# pinnFoam errors of " << flatOutput(fieldNames_) << " against"
        << " references at cell centres: relative L2 (volume-weighted; of the"
        << " magnitude for a vector), max |error|, max |error|/max |ref|"
        << " (a field whose level only a reference value fixes, e.g. p, after"
        << " removing the difference of the means)" << nl << "# Time";
    for (const reference& r : references_)
    {
        for (const word& f : fieldNames_)
        {
            // one field: <ref>.L2rel, as before; several: <ref>.<field>.L2rel
            const word prefix =
                fieldNames_.size() == 1 ? r.name : word(r.name + "." + f);
            ef  << " " << prefix << ".L2rel " << prefix << ".maxAbs "
                << prefix << ".maxRel";
        }
    }
    ef  << endl;

    memoryFile_.reset(new OFstream(dir/"memory.dat"));
    memoryFile_()
        << "# pinnFoam device memory (bytes; zero on the CPU backend)" << nl
        << "# Time pool inUse peak allocations hostToDevice deviceToHost" << endl;
}


void Foam::pinnModel::writeFoamLogDb(const fileName& dir) const
{
    // foamLog makes an awk variable and a file logs/<name>_<n> of each
    // query name: letters, digits and underscores only
    auto queryName = [](const std::string& s)
    {
        std::string n(s);
        for (char& c : n)
        {
            if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
        }
        return n;
    };

    OFstream db(dir/"foamLog.db");
    db  << "#- OpenFOAM foamLog queries for pinnFoam's log of this case:" << nl
        << "#      cp " << runTime_.relativePath(dir).c_str()
        << "/foamLog.db . && foamLog log.pinnFoam" << nl
        << "#  gives logs/loss_0 (the total), logs/pde_<equation>_0,"
        << " logs/bc_<group>_0 (as the columns of loss.dat) and"
        << " logs/learningRate_0" << nl
        << "#  Format: name/line regular expression/text before the value" << nl
        << nl
        << "Separator/^[ \\t]*Time = /Time = " << nl
        << "Time/^[ \\t]*Time = /Time = " << nl
        << "executionTime/ExecutionTime = /ExecutionTime = " << nl
        << "clockTime/ClockTime = /ClockTime = " << nl
        << "learningRate/^pinnFoam: iteration .*learning rate /learning rate "
        << nl
        << "loss/^    loss /    loss " << nl;
    for (const word& e : equation_->equationNames())
    {
        db  << "pde_" << queryName(e).c_str() << "/^    loss / pde(" << e << ") "
            << nl;
    }
    for (const word& g : sampler_->groupNames())
    {
        db  << "bc_" << queryName(g).c_str() << "/^    loss / bc(" << g << ") "
            << nl;
    }
}


void Foam::pinnModel::restart()
{
    // One checkpoint for the whole run: the master reads it and every
    // processor restores the same bytes
    const fileName stateFile =
        checkpointDir(runTime_, runTime_.timeName())/"state";
    const scalar startValue = runTime_.value();
    std::string bytes;
    std::int64_t nBytes = -1;
    if (Pstream::master() && isFile(stateFile))
    {
        std::ifstream is(stateFile, std::ios::binary);
        std::ostringstream ss;
        ss << is.rdbuf();
        bytes = ss.str();
        nBytes = std::int64_t(bytes.size());
    }
    comm_.broadcast(&nBytes, sizeof(nBytes));
    if (nBytes < 0)
    {
        if (runTime_.timeName() != initialTimeName(runTime_))
        {
            FatalErrorInFunction
                << "Start time " << runTime_.timeName() << " of case "
                << runTime_.path() << " holds no pinnFoam checkpoint ("
                << stateFile << ")" << nl
                << "    Start from the initial time (startFrom startTime;"
                << " startTime " << initialTimeName(runTime_) << ";) or from a"
                << " time that pinnFoam wrote"
                << exit(FatalError);
        }
        return;
    }
    {
        // The network is in the units of the scaling it was trained with
        const fileName summary = stateFile.path()/"pinnState";
        if (!isFile(summary))
        {
            FatalErrorInFunction
                << "Checkpoint " << stateFile << " has no pinnState beside it"
                << " (" << summary << ": the network, equation and scaling it"
                << " belongs to)" << nl << "    Restore it, or start from the"
                << " initial time (startFrom startTime;)" << exit(FatalError);
        }
        IFstream is(summary);
        const dictionary sd(is);
        scaling_->checkSame(sd, summary);
        // Without it (a checkpoint of an older pinnFoam) only a loss that is
        // not finite stops the run
        initialLoss_ = pinnDict::getOrDefault<scalar>(sd, "initialLoss", -1);
        if (!std::isfinite(initialLoss_))
        {
            initialLoss_ = -1;
        }
        const std::string net = pinnDict::getOrDefault<string>(sd, "network", "");
        const std::string eq = pinnDict::getOrDefault<string>(sd, "equation", "");
        const std::string eqNow = equation_->description();
        if (net != problem_.net.describe() || eq.substr(0, eq.find(':')) != eqNow.substr(0, eqNow.find(':')))
        {
            FatalIOErrorInFunction(sd)
                << "The checkpoint " << summary << " is of the network '" << net.c_str()
                << "' and equation '" << eq.c_str() << "'; pinnProperties now gives '"
                << problem_.net.describe().c_str() << "' and '" << eqNow.c_str() << "'" << nl
                << "    Restore 'network' and 'equation' in pinnProperties, or start"
                << " from the initial time (startFrom startTime;)" << exit(FatalIOError);
        }
    }
    bytes.resize(nBytes);
    comm_.broadcast(&bytes[0], bytes.size());
    std::istringstream is(bytes);
    try
    {
        runner_->readState(is);
    }
    catch (const std::exception& err)
    {
        FatalErrorInFunction
            << "Cannot restart from " << stateFile << ":" << nl
            << "    " << err.what() << nl
            << "    Restore the checkpoint, start from an earlier time that"
            << " pinnFoam wrote, or from the initial time (startFrom startTime;)"
            << exit(FatalError);
    }
    if (runner_->iteration() != label(std::round(startValue)))
    {
        FatalErrorInFunction
            << "Checkpoint " << stateFile << " is of iteration "
            << label(runner_->iteration()) << " but its time is "
            << runTime_.timeName() << nl
            << "    The time directory was renamed or deltaT changed; start"
            << " from the initial time"
            << exit(FatalError);
    }

    // The sampler's state: an adaptive sampler's densities or points of the
    // draw the checkpoint trained on
    {
        const fileName samplerFile = stateFile.path()/"sampler";
        std::string sBytes;
        std::int64_t nS = -1;
        if (Pstream::master())
        {
            const fileName summary = stateFile.path()/"pinnState";
            bool expected = false;
            if (isFile(summary))
            {
                IFstream si(summary);
                expected =
                    pinnDict::getOrDefault<bool>(dictionary(si), "samplerState", false);
            }
            if (isFile(samplerFile))
            {
                std::ifstream sf(samplerFile, std::ios::binary);
                std::ostringstream ss;
                ss << sf.rdbuf();
                sBytes = ss.str();
                nS = std::int64_t(sBytes.size());
            }
            else if (expected)
            {
                nS = -2;
            }
        }
        comm_.broadcast(&nS, sizeof(nS));
        if (nS == -2)
        {
            FatalErrorInFunction
                << "Checkpoint " << stateFile.path() << " lacks the sampler"
                << " state (" << samplerFile.name() << ") that it was written"
                << " with" << nl
                << "    The file was deleted: start from an earlier time or"
                << " from the initial time" << exit(FatalError);
        }
        if (nS >= 0)
        {
            sBytes.resize(nS);
            if (nS > 0)
            {
                comm_.broadcast(&sBytes[0], sBytes.size());
            }
            if (sampler_->adaptive())
            {
                sampler_->setState(sBytes, samplerFile);
            }
            else
            {
                Info<< "    (the checkpoint's sampler state is not used by"
                    << " sampling type " << sampler_->type() << ")" << nl;
            }
        }
    }

    Info<< "Restarted from " << stateFile << " (iteration "
        << label(runner_->iteration()) << ", " << runner_->phase().c_str() << ")" << nl;
}


void Foam::pinnModel::logShares(const label nInterior, const label nBoundary) const
{
    labelList nInt(Pstream::nProcs(), Zero), nBnd(Pstream::nProcs(), Zero);
    nInt[Pstream::myProcNo()] = nInterior;
    nBnd[Pstream::myProcNo()] = nBoundary;
    Pstream::gatherList(nInt);
    Pstream::gatherList(nBnd);
    if (Pstream::master())
    {
        // Every point of the draw is on exactly one processor
        if (sum(nInt) != sampler_->nInterior() || sum(nBnd) != sampler_->nBoundary())
        {
            FatalErrorInFunction
                << "The processors hold " << sum(nInt) << " interior and "
                << sum(nBnd) << " boundary points instead of "
                << sampler_->nInterior() << " and " << sampler_->nBoundary()
                << abort(FatalError);
        }
        Info<< "Points per processor (draw " << currentDraw_ << "): interior";
        for (const label n : nInt) Info<< " " << n;
        Info<< ", boundary";
        for (const label n : nBnd) Info<< " " << n;
        Info<< nl;
    }
}


Foam::string Foam::pinnModel::divergenceAdvice() const
{
    OStringStream os;
    os  << "    Nothing was written for iteration " << runTime_.timeName()
        << ": the last time written, " << lastWrite_ << ", is intact";
    if (lastWrite_ == initialTimeName(runTime_))
    {
        os  << " (the initial time: no checkpoint yet)";
    }
    os  << "." << nl
        << "    Lower optimiser/learningRate in " << dict_.objectPath()
        << ", check the equation's source and the boundary values in "
        << initialTimeName(runTime_) << "/, then restart from the last time"
        << " written ('startFrom latestTime;' in system/controlDict)";
    return os.str();
}


void Foam::pinnModel::checkDiverged
(
    const pinn::LossTerms& loss,
    const bool toWrite
) const
{
    const bool finite = std::isfinite(loss.total);
    const bool grown =
        finite && divergenceFactor_ > 0 && initialLoss_ > 0
     && loss.total > divergenceFactor_*initialLoss_;
    if (finite && !grown)
    {
        return;
    }

    // The terms as the log gives them: which one went first
    const wordList eqNames = equation_->equationNames();
    const wordList groups = sampler_->groupNames();
    OStringStream terms;
    for (label e = 0; e < min(eqNames.size(), label(loss.pde.size())); ++e)
    {
        terms << (e ? " + " : "") << "pde(" << eqNames[e] << ") " << loss.pde[e];
    }
    for (label g = 0; g < min(groups.size(), label(loss.bc.size())); ++g)
    {
        terms << " + bc(" << groups[g] << ") " << loss.bc[g];
    }
    OStringStream phase;
    phase << runner_->phase().c_str();
    if (runner_->phase() == "adam")
    {
        phase << ", learning rate " << runner_->learningRate();
    }

    OStringStream why;
    if (grown)
    {
        why << "which is " << loss.total/initialLoss_ << " times the loss of"
            << " the untrained network (" << initialLoss_ << "), more than"
            << " convergence/divergenceFactor " << divergenceFactor_;
    }
    else
    {
        why << "which is not finite";
    }
    FatalErrorInFunction
        << "Training diverged at iteration " << runTime_.timeName() << " ("
        << phase.str().c_str() << "): the loss"
        << (toWrite ? " at the parameters to be written" : "") << " is "
        << loss.total << " = " << terms.str().c_str() << nl
        << "    " << why.str().c_str() << nl
        << divergenceAdvice().c_str()
        << exit(FatalError);
}


Foam::label Foam::pinnModel::evaluateFields()
{
    const fvBoundaryMesh& bm = mesh_.boundary();

    // One batch: cell centres, then the faces of every non-empty patch
    labelList start(bm.size() + 1, 0);
    label n = mesh_.nCells();
    forAll(bm, patchi)
    {
        start[patchi] = n;
        if (!isA<emptyFvPatch>(bm[patchi]))
        {
            n += bm[patchi].size();
        }
    }
    start[bm.size()] = n;

    List<point> pts(n);
    forAll(mesh_.C(), celli)
    {
        pts[celli] = mesh_.C()[celli];
    }
    forAll(bm, patchi)
    {
        if (!isA<emptyFvPatch>(bm[patchi]))
        {
            const vectorField& Cf = bm[patchi].Cf();
            forAll(Cf, facei)
            {
                pts[start[patchi] + facei] = Cf[facei];
            }
        }
    }
    scalarList coords;
    domain_.networkCoordinates(pts, coords);
    std::vector<double> x(coords.begin(), coords.end()), values, res;
    // A source field: a cell's value at its centre, the owner's on a face
    std::vector<double> src;
    if (!cellSource_.empty())
    {
        src.assign(n, 0.0);
        forAll(cellSource_, celli)
        {
            src[celli] = cellSource_[celli];
        }
        forAll(bm, patchi)
        {
            if (!isA<emptyFvPatch>(bm[patchi]))
            {
                const labelUList& fc = bm[patchi].faceCells();
                forAll(fc, facei)
                {
                    src[start[patchi] + facei] = cellSource_[fc[facei]];
                }
            }
        }
    }
    runner_->evaluate(x, values, res, src.empty() ? nullptr : &src);
    label nBad = 0;
    for (const double v : values) nBad += !std::isfinite(v);
    for (const double v : res) nBad += !std::isfinite(v);
    scaling_->toCase(values);
    fields_->set(values, start);

    // Residuals in case units, equation by equation
    const label nEq = residuals_.size();
    forAll(residuals_, e)
    {
        volScalarField& R = residuals_[e];
        scalarField& Ri = R.primitiveFieldRef();
        forAll(Ri, celli)
        {
            Ri[celli] = residualScales_[e]*res[celli*nEq + e];
        }
        forAll(bm, patchi)
        {
            if (isA<emptyFvPatch>(bm[patchi]))
            {
                continue;
            }
            const label sz = bm[patchi].size();
            scalarField pr(sz);
            for (label i = 0; i < sz; ++i)
            {
                pr[i] = residualScales_[e]*res[(start[patchi] + i)*nEq + e];
            }
            R.boundaryFieldRef()[patchi] == pr;
        }
    }
    return returnReduce(nBad, sumOp<label>());
}


void Foam::pinnModel::writeErrors(const fileName& dir)
{
    // Global norms: gSum, gMax reduce
    const word timeName = runTime_.timeName();
    OStringStream ef;
    ef  << timeName;
    const scalarField& V = mesh_.V();
    const scalar Vtot = gSum(V);
    scalarErrors_.clear();
    vectorErrors_.clear();
    for (const reference& r : references_)
    {
        forAll(fieldNames_, fieldi)
        {
            const word& f = fieldNames_[fieldi];
            // A level fixed only by a reference value: compare up to it
            bool byReference = false;
            for (label k = 0; k < fields_->nOutputs(); ++k)
            {
                byReference = byReference
                 || (
                        fields_->outputField(k) == fieldi
                     && k == equation_->referenceOutput()
                     && !fields_->terms(k).fixesValue()
                    );
            }
            scalar l2 = 0, maxAbs = 0, maxRel = 0;
            const IOobject io(f + ".error." + r.name, timeName, mesh_, IOobject::NO_READ, IOobject::NO_WRITE, false);
            if (fields_->isVector(fieldi))
            {
                vectorErrors_.append(new volVectorField(io, mesh_, dimensionedVector(dimless, Zero), zeroGradientFvPatchVectorField::typeName));
                volVectorField& err = vectorErrors_.last();
                err.primitiveFieldRef() = fields_->vectorField(fieldi).primitiveField() - r.vectors[fieldi];
                err.correctBoundaryConditions();
                writeInto(err, dir);
                const scalarField e2(magSqr(err.primitiveField()));
                l2 = std::sqrt(gSum(V*e2)/max(gSum(V*magSqr(r.vectors[fieldi])), VSMALL));
                maxAbs = std::sqrt(gMax(e2));
                maxRel = maxAbs/max(gMax(mag(r.vectors[fieldi])()), VSMALL);
            }
            else
            {
                scalarErrors_.append(new volScalarField(io, mesh_, dimensionedScalar(dimless, Zero), zeroGradientFvPatchScalarField::typeName));
                volScalarField& err = scalarErrors_.last();
                scalarField& e = err.primitiveFieldRef();
                e = fields_->scalarField(fieldi).primitiveField() - r.scalars[fieldi];
                scalarField ref(r.scalars[fieldi]);
                if (byReference)
                {
                    const scalar shift = gSum(V*e)/Vtot;
                    e -= shift;
                    ref -= gSum(V*ref)/Vtot;
                }
                err.correctBoundaryConditions();
                writeInto(err, dir);
                l2 = std::sqrt(gSum(V*e*e)/max(gSum(V*ref*ref), VSMALL));
                maxAbs = gMax(mag(e)());
                maxRel = maxAbs/max(gMax(mag(ref)()), VSMALL);
            }
            ef  << " " << l2 << " " << maxAbs << " " << maxRel;
            Info<< "    error of " << f << " vs " << r.name << ": relative L2 "
                << l2 << ", max " << maxAbs << " (" << maxRel << " of max |ref|)"
                << (byReference ? " (means removed)" : "") << nl;
        }
    }
    if (errorsFile_.valid())
    {
        errorsFile_() << ef.str().c_str() << endl;
    }
}


Foam::point Foam::pinnModel::casePoint(const double* x) const
{
    // back to case coordinates, the solved directions only
    point p(domain_.mesh().bounds().centre());
    const labelList& comps = domain_.components();
    forAll(comps, d)
    {
        p[comps[d]] = scaling_->origin()[comps[d]] + scaling_->length()*x[d];
    }
    return p;
}


void Foam::pinnModel::interiorResiduals
(
    const UList<point>& points,
    scalarList& r
)
{
    scalarList coords;
    domain_.networkCoordinates(points, coords);
    std::vector<double> x(coords.begin(), coords.end()), values, res;
    // A source field: the value of the cell each point lies in
    std::vector<double> src;
    if (!cellSource_.empty())
    {
        src.resize(points.size());
        forAll(points, i)
        {
            label celli = mesh_.findCell(points[i]);
            if (celli < 0)
            {
                // on a face, within round-off: the nearest cell's
                celli = mesh_.findNearestCell(points[i]);
            }
            src[i] = cellSource_[celli];
        }
    }
    runner_->evaluate(x, values, res, src.empty() ? nullptr : &src);
    const label nEq = residuals_.size();
    r.setSize(points.size());
    forAll(r, i)
    {
        double sum = 0;
        for (label e = 0; e < nEq; ++e)
        {
            sum += res[i*nEq + e]*res[i*nEq + e];
        }
        r[i] = std::sqrt(sum);
    }
}


void Foam::pinnModel::boundaryResiduals
(
    const pinn::BoundarySet<double>& set,
    scalarList& r
)
{
    const label D = domain_.nDim();
    const label nOut = fields_->nOutputs();
    const label nB = set.size();
    const double h = 1e-4;
    std::vector<double> x;
    x.reserve(3*nB*D);
    for (label i = 0; i < nB; ++i)
    {
        for (const double shift : {0.0, h, 2*h})
        {
            for (label d = 0; d < D; ++d)
            {
                x.push_back(set.x[i*D + d] - shift*set.normal[i*D + d]);
            }
        }
    }
    std::vector<double> values, res;
    runner_->evaluate(x, values, res);
    r.setSize(nB);
    for (label i = 0; i < nB; ++i)
    {
        const label k = set.component[i];
        const double u0 = values[(3*i)*nOut + k];
        const double u1 = values[(3*i + 1)*nOut + k];
        const double u2 = values[(3*i + 2)*nOut + k];
        const double dn = (3*u0 - 4*u1 + u2)/(2*h);
        r[i] = std::abs(set.alpha[i]*u0 + set.beta[i]*dn - set.g[i]);
    }
}


Foam::pinnSampler::residualFunctions Foam::pinnModel::residualFunctions()
{
    pinnSampler::residualFunctions fns;
    fns.interior = [this](const UList<point>& pts, scalarList& r)
    {
        interiorResiduals(pts, r);
    };
    fns.boundary = [this](const pinn::BoundarySet<double>& set, scalarList& r)
    {
        // the sampler's rows are in case units
        pinn::BoundarySet<double> net(set);
        scaling_->toNetwork(net);
        boundaryResiduals(net, r);
    };
    return fns;
}


void Foam::pinnModel::writeVtk()
{
    if (!vtk_->enabled())
    {
        return;
    }
    const label iteration = runner_->iteration();

    // Mesh fields: the trained fields, the residuals, the errors
    UPtrList<const volScalarField> scalars;
    UPtrList<const volVectorField> vectors;
    forAll(fieldNames_, fieldi)
    {
        if (fields_->isVector(fieldi))
        {
            vectors.append(&fields_->vectorField(fieldi));
        }
        else
        {
            scalars.append(&fields_->scalarField(fieldi));
        }
    }
    for (const volScalarField& R : residuals_) scalars.append(&R);
    for (const volScalarField& E : scalarErrors_) scalars.append(&E);
    for (const volVectorField& E : vectorErrors_) vectors.append(&E);
    vtk_->write(runTime_.timeName(), iteration, scalars, vectors);

    // The collocation points of the current draw: interior points with the
    // norm of their equation residuals, boundary points (one per row) with
    // the residual of the row
    pinn::InteriorSet<double> interior;
    pinn::BoundarySet<double> boundary;
    sampler_->draw(currentDraw_ < 0 ? 0 : currentDraw_, interior, boundary);
    scaling_->toNetwork(boundary);
    const label D = domain_.nDim();
    const label nI = interior.w.size();
    const label nB = boundary.size();

    List<point> pts(nI);
    for (label i = 0; i < nI; ++i)
    {
        pts[i] = casePoint(&interior.x[i*D]);
    }
    scalarList r;
    interiorResiduals(pts, r);
    scalarList w(interior.w.begin(), interior.w.end());
    labelList kind(nI, 0);

    scalarList bR;
    boundaryResiduals(boundary, bR);
    List<point> bPts(nB);
    scalarList bW(nB);
    for (label i = 0; i < nB; ++i)
    {
        bPts[i] = casePoint(&boundary.x[i*D]);
        bW[i] = boundary.w[i];
    }
    pts.append(bPts);
    r.append(bR);
    w.append(bW);
    kind.setSize(pts.size(), 1);
    vtk_->writePoints(runTime_.timeName(), iteration, pts, r, w, kind);
}


void Foam::pinnModel::writeTimeDir()
{
    const word timeName = runTime_.timeName();
    const word tmpInstance = ".pinnFoam-writing-" + timeName;
    const fileName tmpDir = runTime_.path()/tmpInstance;
    const fileName finalDir = runTime_.path()/timeName;

    // Fields (the registered ones, which function objects see): a network
    // whose values are not finite at the mesh is not written
    const label nBad = evaluateFields();
    if (nBad > 0)
    {
        FatalErrorInFunction
            << "Training diverged at iteration " << timeName << ": the"
            << " network's values or residuals are not finite at " << nBad
            << " of the mesh's cell centres and boundary faces" << nl
            << divergenceAdvice().c_str() << exit(FatalError);
    }
    rmDir(tmpDir, true);
    mkDir(tmpDir);
    for (label k = 0; k < fields_->nOutputs(); ++k)
    {
        checkSolution(k);
    }
    for (const regIOobject& obj : fields_->objects())
    {
        writeInto(obj, tmpDir);
    }
    for (const volScalarField& R : residuals_)
    {
        writeInto(R, tmpDir);
    }

    // Errors against the references
    writeErrors(tmpDir);

    // OpenFOAM's time state
    {
        IOdictionary timeDict
        (
            IOobject("time", timeName, "uniform", runTime_, IOobject::NO_READ, IOobject::NO_WRITE, false)
        );
        timeDict.add("value", runTime_.value());
        timeDict.add("name", string(timeName));
        timeDict.add("index", runTime_.timeIndex());
        timeDict.add("deltaT", runTime_.deltaTValue());
        timeDict.add("deltaT0", runTime_.deltaT0Value());
        writeInto(timeDict, tmpDir);
    }

    // The function objects' state, which OpenFOAM writes into the time
    // directory when the function objects next execute (in the following
    // runTime.loop()): written here as OpenFOAM writes it (ascii, 16
    // digits), so that the directory is complete when it appears
    {
        IOdictionary& fo = runTime_.functionObjects().stateDict();
        fo.instance() = timeName;
        const label oldPrecision = IOstream::precision_;
        IOstream::precision_ = 16;
        writeInto(fo, tmpDir, IOstream::ASCII);
        IOstream::precision_ = oldPrecision;
    }

    // Checkpoint: one network, written by the master (into processor0 in
    // a parallel run); the sampler's state is the whole run's (collective)
    const std::string samplerState = sampler_->state();
    if (Pstream::master())
    {
        const fileName pinnDir = tmpDir/"uniform"/"pinn";
        mkDir(pinnDir);
        std::ofstream os(pinnDir/"state", std::ios::binary);
        runner_->writeState(os);
        os.close();
        if (!os)
        {
            FatalErrorInFunction
                << "Could not write the checkpoint " << pinnDir/"state"
                << " (disk full?)" << exit(FatalError);
        }

        if (!samplerState.empty())
        {
            std::ofstream ss(pinnDir/"sampler", std::ios::binary);
            ss.write(samplerState.data(), samplerState.size());
            ss.close();
            if (!ss)
            {
                FatalErrorInFunction
                    << "Could not write the sampler state " << pinnDir/"sampler"
                    << " (disk full?)" << exit(FatalError);
            }
        }

        IOdictionary state
        (
            IOobject("pinnState", timeName, "uniform/pinn", runTime_, IOobject::NO_READ, IOobject::NO_WRITE, false)
        );
        const pinn::LossTerms loss = runner_->loss();
        state.add("iteration", label(runner_->iteration()));
        state.add("phase", word(runner_->phase()));
        state.add("loss", loss.total);
        if (initialLoss_ >= 0)
        {
            state.add("initialLoss", initialLoss_);
        }
        state.add("precision", precision_);
        state.add("device", device_);
        state.add("network", string(problem_.net.describe()));
        state.add("equation", equation_->description());
        state.add("samplingDraw", currentDraw_);
        state.add("sampler", word(sampler_->type()));
        state.add("samplerState", !samplerState.empty());
        scaling_->write(state);
        writeInto(state, tmpDir);
    }

    // Publish once every processor has written its directory: the
    // complete directory takes the time's name
    returnReduce(true, andOp<bool>());
    const fileName oldDir = finalDir + ".pinnFoam-old";
    if (exists(finalDir))
    {
        rmDir(oldDir, true);
        mv(finalDir, oldDir);
    }
    if (!mv(tmpDir, finalDir))
    {
        FatalErrorInFunction
            << "Could not rename " << tmpDir << " to " << finalDir
            << exit(FatalError);
    }
    if (exists(oldDir))
    {
        rmDir(oldDir, true);
    }
    lastWrite_ = timeName;
    writeVtk();

    // purgeWrite: keep the newest purgeWrite time directories of this run
    if (purgeWrite_ > 0)
    {
        previousWrites_.push_back(timeName);
        while (label(previousWrites_.size()) > purgeWrite_)
        {
            const fileName old = runTime_.path()/previousWrites_.front();
            if (isDir(old) && previousWrites_.front() != timeName)
            {
                rmDir(old, true);
            }
            previousWrites_.pop_front();
        }
    }

    const pinn::MemoryStats m = runner_->memoryStats();
    if (memoryFile_.valid()) memoryFile_()
        << timeName << " " << label(m.poolBytes) << " " << label(m.inUse) << " "
        << label(m.peak) << " " << label(m.allocations) << " "
        << label(m.hostToDevice) << " " << label(m.deviceToHost) << endl;
    if (device_ == "gpu")
    {
        Info<< "    device memory: pool " << m.poolBytes/1048576.0 << " MiB, in use "
            << m.inUse/1048576.0 << " MiB, peak " << m.peak/1048576.0 << " MiB, "
            << label(m.allocations) << " allocations, host->device "
            << m.hostToDevice/1048576.0 << " MiB, device->host "
            << m.deviceToHost/1048576.0 << " MiB" << nl;
    }
    Info<< "    wrote " << finalDir.name() << "/{";
    for (const word& f : fieldNames_) Info<< f << ", ";
    for (const volScalarField& R : residuals_) Info<< R.name() << ", ";
    Info<< "uniform/pinn}" << nl;
}


// * * * * * * * * * * * * * * * * Constructors  * * * * * * * * * * * * * * //

Foam::pinnModel::pinnModel
(
    Time& runTime,
    const fvMesh& mesh,
    const bool checkOnly
)
:
    runTime_(runTime),
    mesh_(mesh),
    dict_(pinnPropertiesIO(runTime, mesh)),
    // (every rank's messages name the file first: namePropertiesAfterFile)
    fieldNames_((namePropertiesAfterFile(dict_, runTime), readFieldNames())),
    domain_(mesh),
    networkSeed_(1),
    logInterval_(100),
    purgeWrite_(0),
    currentDraw_(-1),
    lastWrite_(runTime.timeName()),
    itersSinceReport_(0),
    secondsSinceReport_(0),
    lossTolerance_(0),
    stagnationWindow_(0),
    divergenceFactor_(1e4),
    initialLoss_(-1),
    bestLoss_(GREAT),
    bestIteration_(0),
    stagnationWarned_(false),
    lbfgsWarned_(false),
    converged_(false),
    balancing_(false),
    cellTableSet_(false)
{
    pinnDict::checkKeys
    (
        dict_,
        wordList
        ({
            "field", "fields", "equation", "network", "sampling", "loss", "optimiser",
            "device", "precision", "chunkSize", "nThreads", "logInterval",
            "checkKernels", "references", "scaling", "convergence", "vtk"
        })
    );

    checkControlDict();
    purgeWrite_ = pinnDict::getOrDefault<label>(runTime_.controlDict(), "purgeWrite", 0);

    Info<< "pinnFoam: " << domain_.nDim() << "D network inputs "
        << flatOutput(domain_.components()) << nl;

    equation_ = pinnEquation::New
    (
        requiredSubDict(dict_, "equation", "type heatConduction;"),
        domain_.nDim(),
        fieldNames_,
        mesh_
    );

    // The trained fields and their boundary conditions, from the initial
    // time
    const word time0 = initialTimeName(runTime_);
    fields_.reset
    (
        new pinnFieldSet
        (
            mesh_, fieldNames_, equation_->fieldClasses(), time0, domain_.components()
        )
    );
    checkWellPosed();
    {
        const wordList eqNames(equation_->equationNames());
        residuals_.setSize(eqNames.size());
        forAll(eqNames, e)
        {
            const label fieldi = fields_->outputField(min(e, fields_->nOutputs() - 1));
            const dimensionSet fieldDims =
                fields_->isVector(fieldi)
              ? fields_->vectorField(fieldi).dimensions()
              : fields_->scalarField(fieldi).dimensions();
            residuals_.set
            (
                e,
                new volScalarField
                (
                    IOobject(eqNames[e] + ".residual", time0, mesh_, IOobject::NO_READ, IOobject::NO_WRITE, true),
                    mesh_,
                    dimensionedScalar(equation_->residualDimensions(e, fieldDims), Zero),
                    calculatedFvPatchScalarField::typeName
                )
            );
        }
    }

    // Nondimensionalisation from the mesh and the boundary conditions
    {
        const UPtrList<const pinnBoundaryTerms> outputTerms(fields_->termList());
        const dictionary scalingDict(dict_.subOrEmptyDict("scaling"));
        scaling_.reset
        (
            new pinnScaling
            (
                scalingDict,
                domain_,
                fields_->outputNames(),
                outputTerms,
                equation_->scalingKeys()
            )
        );
        equation_->constrainScaling(scaling_(), outputTerms, scalingDict);
    }
    if (scaling_->active())
    {
        domain_.setCoordinateMap(scaling_->origin(), scaling_->length());
    }
    problem_.pde = equation_->spec(scaling_());
    residualScales_ = equation_->residualScales(scaling_());
    cellSource_ = equation_->cellSource(scaling_());
    if (!cellSource_.empty())
    {
        globalCellSource_ = domain_.globalCellValues(cellSource_);
    }
    if (problem_.pde.nOut != fields_->nOutputs())
    {
        FatalErrorInFunction
            << "Equation " << equation_->type() << " has " << problem_.pde.nOut
            << " outputs, the fields " << flatOutput(fieldNames_) << " "
            << fields_->nOutputs() << abort(FatalError);
    }

    readNetwork(requiredSubDict(dict_, "network", "layers (64 64 64 64); activation tanh;"));

    const dictionary emptyDict;
    sampler_ = pinnSampler::New
    (
        requiredSubDict(dict_, "sampling", "type uniform; nInterior 10000; nBoundary 2000;"),
        dict_.isDict("loss") ? dict_.subDict("loss") : emptyDict,
        domain_,
        fields_->termList()
    );
    if (!cellSource_.empty())
    {
        sampler_->setCellSource(&cellSource_, &globalCellSource_);
    }
    setReferenceLevel();
    problem_.nBoundaryGroups = sampler_->groupNames().size();

    optimiser_ = pinnOptimiser::New
    (
        requiredSubDict(dict_, "optimiser", "type adam; learningRate 1e-3;")
    );

    pinn::TrainerConfig trainerConfig = optimiser_->config();
    {
        const dictionary lossDict(dict_.subOrEmptyDict("loss"));
        const dictionary bal(lossDict.subOrEmptyDict("balancing"));
        pinnDict::checkKeys(bal, wordList({"type", "interval", "smoothing", "maxWeight"}));
        const word type = pinnDict::getChoiceOrDefault
        (
            bal, "type", wordList({"gradientNorm", "none"}), "none"
        );
        balancing_ = type == "gradientNorm";
        pinn::BalanceConfig& b = trainerConfig.balance;
        b.interval =
            balancing_ ? pinnDict::getOrDefaultPositive<label>(bal, "interval", 100) : 0;
        b.smoothing = pinnDict::getOrDefault<scalar>(bal, "smoothing", 0.9);
        b.maxScale = pinnDict::getOrDefaultPositive<scalar>(bal, "maxWeight", 1e6);
        if (b.smoothing < 0 || b.smoothing >= 1 || b.maxScale < 1)
        {
            FatalIOErrorInFunction(bal)
                << "Entries of loss/balancing: 'smoothing' must be in [0, 1)"
                << " and 'maxWeight' >= 1 (now " << b.smoothing << " and "
                << b.maxScale << ")" << exit(FatalIOError);
        }

        const dictionary conv(dict_.subOrEmptyDict("convergence"));
        pinnDict::checkKeys
        (
            conv, wordList({"lossTolerance", "stagnationWindow", "divergenceFactor"})
        );
        lossTolerance_ = pinnDict::getOrDefaultNonNegative<scalar>(conv, "lossTolerance", 0);
        stagnationWindow_ =
            pinnDict::getOrDefaultNonNegative<label>(conv, "stagnationWindow", 2000);
        divergenceFactor_ =
            pinnDict::getOrDefaultNonNegative<scalar>(conv, "divergenceFactor", 1e4);
        if (divergenceFactor_ > 0 && !(divergenceFactor_ > 1))
        {
            FatalIOErrorInFunction(conv)
                << "Entry 'divergenceFactor' of convergence is "
                << divergenceFactor_ << ": the run would stop at its first"
                << " iteration" << nl
                << "    Give a factor > 1 (the loss may grow to that many times"
                << " the untrained network's before the run stops; default"
                << " 1e4), or 0 to stop only on a loss that is not finite"
                << exit(FatalIOError);
        }
    }

    precision_ = pinnDict::getChoiceOrDefault
    (
        dict_, "precision", wordList({"float", "double"}), "double"
    );
    equation_->checkCoefficients
    (
        scaling_(),
        precision_ == "float"
      ? scalar(std::numeric_limits<float>::max())
      : scalar(std::numeric_limits<double>::max())
    );
    pinn::BackendOptions opts;
    opts.chunkSize = pinnDict::getOrDefaultPositive<label>(dict_, "chunkSize", 16384);
    // Debugging a device fault: each kernel checked as it ends, no graphs
    opts.cuda.checkKernels = pinnDict::getOrDefault<bool>(dict_, "checkKernels", false);
    if (Pstream::parRun())
    {
        // One GPU per rank: the rank's index on its node (the backend wraps
        // it round robin over the node's GPUs)
        opts.deviceId = Pstream::myProcNo();
        for (const char* var : {"OMPI_COMM_WORLD_LOCAL_RANK", "MPI_LOCALRANKID", "SLURM_LOCALID"})
        {
            const std::string v = Foam::getEnv(var);
            if (!v.empty())
            {
                opts.deviceId = std::stoi(v);
                break;
            }
        }
    }
    opts.threads = pinnDict::getOrDefaultNonNegative<label>(dict_, "nThreads", 0);
    {
        // More threads than processors only costs memory (a workspace per
        // thread) and, in the thousands, ends in thread creation failing
        const label nProcs = label(std::thread::hardware_concurrency());
        if (nProcs > 0 && opts.threads > nProcs)
        {
            FatalIOErrorInFunction(dict_)
                << "Entry 'nThreads " << opts.threads << ";' in "
                << dict_.objectPath() << " is more than the " << nProcs
                << " processors of this machine" << nl
                << "    Set 'nThreads 0;' (all of them) or at most " << nProcs
                << exit(FatalIOError);
        }
    }
    logInterval_ = pinnDict::getOrDefaultPositive<label>(dict_, "logInterval", 100);

    selectDevice();
    readReferences();
    vtk_.reset(new pinnVtkWriter(mesh_, dict_.subOrEmptyDict("vtk")));
    if (checkOnly)
    {
        return;
    }
    if (vtk_->enabled())
    {
        vtk_->checkWritable();
    }
    if (Pstream::parRun() && !domain_.decompositionInvariant())
    {
        Info<< "Sampling:  no decomposePar addressing: the points are not"
            << " those of a serial run" << nl;
    }

    try
    {
        runner_ = pinnRunner::New
        (
            precision_, device_, problem_, opts, trainerConfig, networkSeed_
        );
    }
    catch (const std::exception& err)
    {
        FatalIOErrorInFunction(dict_)
            << "Cannot set up the " << device_ << " backend: " << err.what() << nl
            << "    Check 'device', 'chunkSize' and 'precision' in "
            << dict_.objectPath()
            << exit(FatalIOError);
    }
    runner_->setCommunicator(comm_);

    Info<< nl
        << "Equation:  " << equation_->description().c_str() << nl
        << "Scaling:   ";
    scaling_->describe(Info);
    Info<< nl
        << "Network:   " << problem_.net.describe().c_str() << nl
        << "Sampling:  " << sampler_->description().c_str() << nl
        << "Optimiser: " << optimiser_->description().c_str() << nl
        << "Balancing: ";
    if (balancing_)
    {
        Info<< "gradientNorm (boundary groups raised to the equations' gradient norm every "
            << trainerConfig.balance.interval << " Adam iterations, smoothing "
            << trainerConfig.balance.smoothing << ")" << nl;
    }
    else
    {
        Info<< "none (fixed weights)" << nl;
    }
    Info<< "Convergence: ";
    if (lossTolerance_ > 0) Info<< "stop at loss < " << lossTolerance_ << "; ";
    Info<< "stagnation warning after "
        << stagnationWindow_ << " iterations without 1% progress" << nl
        << "Backend:   " << runner_->backendName().c_str() << nl;
    if (Pstream::parRun())
    {
        Info<< "Parallel:  " << Pstream::nProcs() << " processors train one"
            << " network; loss and gradient summed over them "
            << (runner_->reducesOnHost() ? "on the host" : "by the backend")
            << (domain_.decompositionInvariant() ? "; the serial run's points" : "")
            << nl;
    }
    for (label k = 0; k < fields_->nOutputs(); ++k)
    {
        Info<< "Boundary terms of " << fields_->terms(k).name() << ":";
        for (const auto& t : fields_->terms(k).terms())
        {
            Info<< " " << t.patchName << " (" << t.type << ", "
                << pinnBoundaryTerms::kindTypeNames[t.kind] << ")";
        }
        Info<< nl;
    }
    Info<< endl;

    restart();
    openFiles();
}


// * * * * * * * * * * * * * * * Member Functions  * * * * * * * * * * * * * //

void Foam::pinnModel::iterate()
{
    const label it = runner_->iteration();
    const label drawi = sampler_->drawIndex(it);
    if (drawi != currentDraw_)
    {
        if (sampler_->adaptive() && !sampler_->adaptedTo(drawi))
        {
            // the points of this draw follow the network as it is now
            sampler_->adapt(drawi, residualFunctions());
        }
        // After a restart mid-draw these are the points the checkpoint's
        // optimiser state belongs to: keep its L-BFGS history
        const bool changed = it == 0 || sampler_->drawIndex(it - 1) != drawi;
        pinn::BoundarySet<double> boundary;
        pinn::sampling::InteriorDraw byDensity;
        label nHere = 0;
        if (runner_->canDrawInterior() && sampler_->interiorDraw(drawi, byDensity))
        {
            // The backend draws the interior itself (the GPU: on the
            // device, the points sampleInterior would draw)
            if (!cellTableSet_)
            {
                runner_->setCellTable(domain_.cellTable(), sampler_->nInterior());
                cellTableSet_ = true;
                Info<< "Sampling:  interior points drawn on the device" << nl;
            }
            sampler_->drawBoundary(drawi, boundary);
            scaling_->toNetwork(boundary);
            nHere = label(runner_->drawPoints(byDensity, boundary, changed));
        }
        else
        {
            pinn::InteriorSet<double> interior;
            sampler_->draw(drawi, interior, boundary);
            scaling_->toNetwork(boundary);
            runner_->setPoints(interior, boundary, changed);
            nHere = interior.w.size();
        }
        currentDraw_ = drawi;
        if (Pstream::parRun())
        {
            const label k = equation_->referenceOutput();
            const label nG = sampler_->groupNames().size();
            const label refGroup =
                k >= 0 && !fields_->terms(k).fixesValue() ? nG - 1 : -1;
            logShares(nHere, boundaryPoints(boundary, nG, refGroup));
        }
    }
    runner_->iterate();
    ++itersSinceReport_;
    if (device_ == "cpu")
    {
        // the loss is on the host: catch divergence at once
        checkDiverged(runner_->loss());
    }
    if (initialLoss_ < 0 && runner_->iteration() == 1)
    {
        // the untrained network's loss, the measure of divergence (on a
        // device one synchronisation)
        const pinn::LossTerms l0 = runner_->loss();
        checkDiverged(l0);
        initialLoss_ = l0.total;
    }
}


void Foam::pinnModel::stop(const std::exception& err) const
{
    rmDir(runTime_.path()/(".pinnFoam-writing-" + runTime_.timeName()), true);
    FatalErrorInFunction
        << "Training stopped at iteration " << label(runner_->iteration())
        << " (time " << runTime_.timeName() << ") on the "
        << runner_->backendName().c_str() << " backend:" << nl
        << "    " << err.what() << nl
        << "    The time directories written so far are complete; restart"
        << " from the last one with 'startFrom latestTime;' in "
        << runTime_.path()/"system"/"controlDict"
        << exit(FatalError);
}


bool Foam::pinnModel::logTime() const
{
    return runner_->iteration() % logInterval_ == 0;
}


void Foam::pinnModel::report()
{
    const pinn::LossTerms loss = runner_->loss();   // synchronises
    checkDiverged(loss);
    checkProgress(loss);

    const double elapsed = clock_.timeIncrement();
    const double perIter = itersSinceReport_ > 0 ? elapsed/itersSinceReport_ : 0;
    const double pointsPerSec =
        perIter > 0 ? (sampler_->nInterior() + sampler_->nBoundary())/perIter : 0;
    itersSinceReport_ = 0;

    // Progress: iterations to endTime (deltaT is 1) and the time left at
    // this run's mean wall time per iteration (writes included)
    runSeconds_ += elapsed;
    const label it = runner_->iteration();
    const label nLeft = max
    (
        label(0),
        label(std::round(runTime_.endTime().value() - runTime_.value()))
    );
    const label done = it - startIteration_;
    const double remaining = done > 0 ? nLeft*runSeconds_/done : -1;
    const double adamRate =
        runner_->phase() == "adam" ? double(runner_->learningRate()) : 0.0;

    // "1 h 02 min", "2 min 51 s", "38 s"
    auto duration = [](const double t)
    {
        const long sec = std::lround(t);
        std::ostringstream os;
        if (sec >= 3600)
        {
            os  << sec/3600 << " h " << std::setw(2) << std::setfill('0')
                << (sec % 3600)/60 << " min";
        }
        else if (sec >= 60)
        {
            os  << sec/60 << " min " << sec % 60 << " s";
        }
        else
        {
            os  << sec << " s";
        }
        return os.str();
    };

    const wordList eqNames = equation_->equationNames();
    const wordList groups = sampler_->groupNames();
    const label total = it + nLeft;
    Info<< "pinnFoam: iteration " << it << " of " << total << ", "
        << std::round(1e3*it/max(total, label(1)))/10 << "%, "
        << runner_->phase().c_str();
    if (runner_->phase() == "adam")
    {
        Info<< ", learning rate " << runner_->learningRate();
    }
    // The terms as the columns of loss.dat (foamLog.db extracts them)
    Info<< nl
        << "    loss " << loss.total << " =";
    forAll(eqNames, e)
    {
        Info<< (e ? " +" : "") << " pde(" << eqNames[e] << ") " << loss.pde[e];
    }
    forAll(groups, g)
    {
        Info<< " + bc(" << groups[g] << ") " << loss.bc[g];
    }
    Info<< nl;
    if (balancing_)
    {
        const std::vector<double> bw = runner_->bcScales();
        Info<< "    weights pde " << runner_->pdeScale() << " bc";
        forAll(groups, g)
        {
            Info<< " " << groups[g] << " " << (g < label(bw.size()) ? bw[g] : 1.0);
        }
        Info<< nl;
    }
    Info<< "    " << 1e3*perIter << " ms/iteration, " << pointsPerSec
        << " points/s, ";
    if (remaining >= 0)
    {
        Info<< duration(runSeconds_).c_str() << " elapsed, "
            << duration(remaining).c_str() << " left" << nl;
    }
    else
    {
        Info<< "time left not known yet" << nl;
    }

    if (lossFile_.valid())
    {
        OFstream& lf = lossFile_();
        lf  << runTime_.timeName() << " " << loss.total;
        for (const double v : loss.pde) lf << " " << v;
        for (const double v : loss.bc) lf << " " << v;
        lf  << endl;
    }
    if (trainingFile_.valid())
    {
        trainingFile_()
            << runTime_.timeName() << " " << runner_->phase().c_str() << " "
            << adamRate << " " << 1e3*perIter << " " << pointsPerSec << " "
            << runSeconds_ << " " << max(remaining, 0.0) << endl;
    }
}


void Foam::pinnModel::checkProgress(const pinn::LossTerms& loss)
{
    const label it = runner_->iteration();
    if (lossTolerance_ > 0 && loss.total < lossTolerance_)
    {
        Info<< "pinnFoam: converged: loss " << loss.total << " < lossTolerance "
            << lossTolerance_ << " at iteration " << it << nl;
        converged_ = true;
        return;
    }
    if (loss.total < (1 - 1e-2)*bestLoss_)
    {
        bestLoss_ = loss.total;
        bestIteration_ = it;
        stagnationWarned_ = false;
    }
    else if
    (
        stagnationWindow_ > 0 && !stagnationWarned_
     && it - bestIteration_ >= stagnationWindow_
    )
    {
        WarningInFunction
            << "The loss has not fallen by 1% in " << (it - bestIteration_)
            << " iterations (" << bestLoss_ << " at iteration " << bestIteration_
            << ", " << loss.total << " now, " << runner_->phase().c_str() << ")." << nl
            << "    Training has stalled: more iterations will not help. Try"
            << " more collocation points (sampling), a wider or deeper network,"
            << " loss/balancing (type gradientNorm) or a smaller learningRate"
            << " in " << dict_.objectPath() << nl << endl;
        stagnationWarned_ = true;
    }
    const int fails = runner_->lbfgsFailures();
    if (fails >= 10 && !lbfgsWarned_)
    {
        WarningInFunction
            << "L-BFGS found no decrease of the loss (" << loss.total
            << ") in the last " << fails << " iterations; each costs up to"
            << " maxLineSearch loss evaluations." << nl
            << "    The optimiser is at a point it cannot improve: stop the run"
            << " (stopAt writeNow in system/controlDict), or start L-BFGS later"
            << " (lbfgsStart) or from more Adam iterations" << nl << endl;
        lbfgsWarned_ = true;
    }
    else if (fails == 0)
    {
        lbfgsWarned_ = false;
    }
}


void Foam::pinnModel::write()
{
    // In the Adam phase the loss of the last report is that of the
    // parameters before the last update: the ones written are checked here
    checkDiverged(runner_->currentLoss(), true);
    writeTimeDir();
}

// ************************************************************************* //
