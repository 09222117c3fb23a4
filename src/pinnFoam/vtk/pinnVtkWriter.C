/*---------------------------------------------------------------------------*\
  pinnFoam: physics-informed neural networks on OpenFOAM cases
\*---------------------------------------------------------------------------*/

// VTK before OpenFOAM: OpenFOAM's macros (Log, forAll, ...) stay out of
// VTK's headers
#include <vtkCellArray.h>
#include <vtkCellType.h>
#include <vtkDoubleArray.h>
#include <vtkIdTypeArray.h>
#include <vtkIntArray.h>
#include <vtkPointData.h>
#include <vtkCellData.h>
#include <vtkFieldData.h>
#include <vtkPoints.h>
#include <vtkPolyData.h>
#include <vtkSmartPointer.h>
#include <vtkUnsignedCharArray.h>
#include <vtkUnstructuredGrid.h>
#include <vtkXMLPolyDataWriter.h>
#include <vtkXMLUnstructuredGridWriter.h>

#include "pinnVtkWriter.H"
#include "pinnDict.H"
#include "cellModel.H"
#include "emptyPolyPatch.H"
#include "processorPolyPatch.H"
#include "OSspecific.H"
#include "FlatOutput.H"
#include "DynamicList.H"
#include "Pstream.H"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <utility>
#include <vector>

// * * * * * * * * * * * * * * Static Data Members * * * * * * * * * * * * * //

namespace Foam
{
    defineTypeNameAndDebug(pinnVtkWriter, 0);
}


// * * * * * * * * * * * * * * * Local Functions * * * * * * * * * * * * * * //

namespace
{

using namespace Foam;

//- Hidden temporary name of a file in its own directory
fileName temporaryName(const fileName& file)
{
    return file.path()/("." + file.name() + ".tmp");
}


//- Rename tmp to file (atomic on POSIX): FatalError on failure
void commit(const fileName& tmp, const fileName& file)
{
    if (std::rename(tmp.c_str(), file.c_str()) != 0)
    {
        const int err = errno;
        std::remove(tmp.c_str());
        FatalErrorInFunction
            << "Cannot rename " << tmp << " to " << file << ": "
            << std::strerror(err) << nl
            << "    Check that the VTK output directory is writable "
            << "(vtk { directory ...; } in constant/pinnProperties)"
            << exit(FatalError);
    }
}


//- Create a directory and its parents: FatalError on failure
void makeDirectory(const fileName& dir)
{
    std::error_code ec;
    std::filesystem::create_directories(dir.c_str(), ec);
    if (ec || !isDir(dir))
    {
        FatalErrorInFunction
            << "Cannot create the VTK output directory " << dir << ": "
            << (ec ? ec.message() : std::string("not a directory")).c_str()
            << nl
            << "    Fix: make its parent a writable directory, or set another "
            << "one with vtk { directory <path>; } in constant/pinnProperties"
            << " (relative to the case), or switch VTK output off with"
            << " vtk { enabled false; }"
            << exit(FatalError);
    }
}


//- Write a text file atomically: FatalError on failure
void writeText(const fileName& file, const std::string& text)
{
    const fileName tmp = temporaryName(file);
    {
        std::ofstream os(tmp.c_str(), std::ios::binary | std::ios::trunc);
        os << text;
        os.close();
        if (!os)
        {
            std::remove(tmp.c_str());
            FatalErrorInFunction
                << "Cannot write " << tmp << nl
                << "    Check that the VTK output directory is writable "
                << "(vtk { directory ...; } in constant/pinnProperties)"
                << exit(FatalError);
        }
    }
    commit(tmp, file);
}


//- Points as Float64
vtkSmartPointer<vtkPoints> makePoints(const UList<point>& pts)
{
    auto points = vtkSmartPointer<vtkPoints>::New();
    points->SetDataTypeToDouble();
    points->SetNumberOfPoints(pts.size());
    forAll(pts, i)
    {
        points->SetPoint(i, pts[i].x(), pts[i].y(), pts[i].z());
    }
    return points;
}


//- A Float64 array of scalar or vector values
template<class Type>
vtkSmartPointer<vtkDoubleArray> makeArray
(
    const word& name,
    const UList<Type>& values
)
{
    const direction nCmpt = pTraits<Type>::nComponents;
    auto array = vtkSmartPointer<vtkDoubleArray>::New();
    array->SetName(name.c_str());
    array->SetNumberOfComponents(nCmpt);
    array->SetNumberOfTuples(values.size());
    forAll(values, i)
    {
        for (direction d = 0; d < nCmpt; ++d)
        {
            array->SetTypedComponent(i, d, component(values[i], d));
        }
    }
    return array;
}


//- The iteration as field data 'TimeValue' (ParaView shows it)
void setTimeValue(vtkDataObject* data, const label iteration)
{
    auto t = vtkSmartPointer<vtkDoubleArray>::New();
    t->SetName("TimeValue");
    t->SetNumberOfTuples(1);
    t->SetValue(0, iteration);
    data->GetFieldData()->AddArray(t);
}


//- The internal mesh as an unstructured grid (geometry only)
vtkSmartPointer<vtkUnstructuredGrid> makeGrid(const polyMesh& mesh)
{
    const cellModel& hex = cellModel::ref(cellModel::HEX);
    const cellModel& prism = cellModel::ref(cellModel::PRISM);
    const cellModel& pyr = cellModel::ref(cellModel::PYR);
    const cellModel& tet = cellModel::ref(cellModel::TET);

    const cellShapeList& shapes = mesh.cellShapes();
    const faceList& faces = mesh.faces();
    const labelList& owner = mesh.faceOwner();
    const label nCells = mesh.nCells();

    auto types = vtkSmartPointer<vtkUnsignedCharArray>::New();
    types->SetNumberOfValues(nCells);
    auto cells = vtkSmartPointer<vtkCellArray>::New();
    auto faceLocations = vtkSmartPointer<vtkIdTypeArray>::New();
    faceLocations->SetNumberOfValues(nCells);
    auto faceStream = vtkSmartPointer<vtkIdTypeArray>::New();
    bool anyPolyhedron = false;

    std::vector<vtkIdType> ids;
    for (label celli = 0; celli < nCells; ++celli)
    {
        const cellShape& shape = shapes[celli];
        const cellModel& model = shape.model();
        ids.clear();
        faceLocations->SetValue(celli, -1);

        if (model == hex || model == pyr || model == tet)
        {
            // Same vertex order in OpenFOAM and VTK
            types->SetValue
            (
                celli,
                model == hex ? VTK_HEXAHEDRON
              : model == pyr ? VTK_PYRAMID
              : VTK_TETRA
            );
            ids.assign(shape.begin(), shape.end());
        }
        else if (model == prism)
        {
            // VTK's base triangle (0 1 2) faces away from the top (3 4 5),
            // OpenFOAM's towards it
            types->SetValue(celli, VTK_WEDGE);
            ids = {shape[0], shape[2], shape[1], shape[3], shape[5], shape[4]};
        }
        else
        {
            // Face stream: nFaces, then per face nPoints, points (outward)
            types->SetValue(celli, VTK_POLYHEDRON);
            anyPolyhedron = true;
            const cell& c = mesh.cells()[celli];
            faceLocations->SetValue(celli, faceStream->GetNumberOfValues());
            faceStream->InsertNextValue(c.size());
            for (const label facei : c)
            {
                const face& f = faces[facei];
                faceStream->InsertNextValue(f.size());
                if (owner[facei] == celli)
                {
                    forAll(f, fp)
                    {
                        faceStream->InsertNextValue(f[fp]);
                    }
                }
                else
                {
                    forAllReverse(f, fp)
                    {
                        faceStream->InsertNextValue(f[fp]);
                    }
                }
            }
            const labelList& cp = mesh.cellPoints()[celli];
            ids.assign(cp.begin(), cp.end());
        }
        cells->InsertNextCell(vtkIdType(ids.size()), ids.data());
    }

    auto grid = vtkSmartPointer<vtkUnstructuredGrid>::New();
    grid->SetPoints(makePoints(mesh.points()));
    if (anyPolyhedron)
    {
        grid->SetCells(types, cells, faceLocations, faceStream);
    }
    else
    {
        grid->SetCells(types, cells);
    }
    return grid;
}


//- A patch as polygon data (geometry only)
vtkSmartPointer<vtkPolyData> makePatch(const polyPatch& pp)
{
    const faceList& faces = pp.localFaces();
    auto polys = vtkSmartPointer<vtkCellArray>::New();
    std::vector<vtkIdType> ids;
    for (const face& f : faces)
    {
        ids.assign(f.begin(), f.end());
        polys->InsertNextCell(vtkIdType(ids.size()), ids.data());
    }
    auto poly = vtkSmartPointer<vtkPolyData>::New();
    poly->SetPoints(makePoints(pp.localPoints()));
    poly->SetPolys(polys);
    return poly;
}


//- Write a dataset with an XML writer to a temporary name, then rename
template<class Writer>
void writeDataSet(vtkDataObject* data, const fileName& file, const bool ascii)
{
    auto writer = vtkSmartPointer<Writer>::New();
    writer->SetInputData(data);
    writer->SetHeaderTypeToUInt64();
    if (ascii)
    {
        writer->SetDataModeToAscii();
        writer->SetCompressorTypeToNone();
    }
    else
    {
        writer->SetDataModeToAppended();
        writer->EncodeAppendedDataOff();
        writer->SetCompressorTypeToZLib();
    }
    const fileName tmp = temporaryName(file);
    writer->SetFileName(tmp.c_str());
    if (writer->Write() != 1 || writer->GetErrorCode() != 0)
    {
        std::remove(tmp.c_str());
        FatalErrorInFunction
            << "VTK could not write " << tmp << nl
            << "    Check that the VTK output directory is writable and has "
            << "space (vtk { directory ...; } in constant/pinnProperties)"
            << exit(FatalError);
    }
    commit(tmp, file);
}


//- Quote a string for JSON (names are OpenFOAM words and file names: no
//  quotes or backslashes to escape)
std::string quoted(const std::string& s)
{
    return "\"" + s + "\"";
}


//- Quote a string for an XML attribute (a word may hold & < >)
std::string xmlQuoted(const std::string& s)
{
    std::string q("\"");
    for (const char c : s)
    {
        switch (c)
        {
            case '&': q += "&amp;"; break;
            case '<': q += "&lt;"; break;
            case '>': q += "&gt;"; break;
            default: q += c;
        }
    }
    return q + "\"";
}


//- Header of a .vtm file
std::string vtmHeader(const word& timeName, const label iteration)
{
    std::ostringstream os;
    os  << "<?xml version=\"1.0\"?>\n"
        << "<!-- time='" << timeName << "' iteration='" << iteration
        << "' -->\n"
        << "<VTKFile type=\"vtkMultiBlockDataSet\" version=\"1.0\""
        << " byte_order=\"LittleEndian\" header_type=\"UInt64\">\n"
        << "  <vtkMultiBlockDataSet>\n";
    return os.str();
}


const char* const vtmFooter = "  </vtkMultiBlockDataSet>\n</VTKFile>\n";


//- Processor directory name
word processorName(const label proci)
{
    return "processor" + Foam::name(proci);
}


//- The DataSet entries of a block: one file (serial) or a multi-piece
//  block of the processors' files (procs lists those that have one)
void writeLeaf
(
    std::ostringstream& os,
    const std::string& indent,
    const label index,
    const word& name,
    const fileName& relFile,
    const labelList& procs
)
{
    if (!Pstream::parRun())
    {
        os  << indent << "<DataSet index=\"" << index << "\" name="
            << xmlQuoted(name) << " file=" << xmlQuoted(relFile) << "/>\n";
        return;
    }
    os  << indent << "<Piece index=\"" << index << "\" name="
        << xmlQuoted(name) << ">\n";
    for (const label proci : procs)
    {
        os  << indent << "  <DataSet index=\"" << proci << "\" file="
            << xmlQuoted(processorName(proci)/relFile) << "/>\n";
    }
    os  << indent << "</Piece>\n";
}

} // End anonymous namespace


// * * * * * * * * * * * * * Private Member Functions  * * * * * * * * * * * //

bool Foam::pinnVtkWriter::selected(const word& name) const
{
    return allFields_ || fields_.found(name);
}


void Foam::pinnVtkWriter::warnMissing(const wordHashSet& given)
{
    for (const word& name : fields_)
    {
        if (!given.found(name) && !warned_.found(name))
        {
            warned_.insert(name);
            WarningInFunction
                << "Field '" << name << "' of vtk { fields ...; } is not one"
                << " of the fields written: " << flatOutput(given.sortedToc())
                << nl << "    (constant/pinnProperties; this warning is given"
                << " once)" << endl;
        }
    }
}


Foam::fileName Foam::pinnVtkWriter::pieceDirectory() const
{
    if (Pstream::parRun())
    {
        return directory_/processorName(Pstream::myProcNo());
    }
    return directory_;
}


void Foam::pinnVtkWriter::writeSeries
(
    const word& prefix,
    const word& ext,
    const label iteration
) const
{
    // Files <prefix>_<N>.<ext> with N <= iteration, by N
    const std::string head = prefix + "_";
    const std::string tail = "." + ext;
    std::vector<std::pair<label, fileName>> files;
    for (const fileName& f : readDir(directory_, fileName::FILE, false))
    {
        const std::string& s = f;
        if
        (
            s.size() <= head.size() + tail.size()
         || s.compare(0, head.size(), head) != 0
         || s.compare(s.size() - tail.size(), tail.size(), tail) != 0
        )
        {
            continue;
        }
        const std::string digits =
            s.substr(head.size(), s.size() - head.size() - tail.size());
        if
        (
            digits.size() > 9
         || !std::all_of
            (
                digits.begin(), digits.end(),
                [](const char c) { return c >= '0' && c <= '9'; }
            )
        )
        {
            continue;
        }
        const label n = std::stol(digits);
        if (n <= iteration)
        {
            files.emplace_back(n, f);
        }
    }
    std::sort(files.begin(), files.end());

    std::ostringstream os;
    os  << "{\n"
        << "  \"file-series-version\" : \"1.0\",\n"
        << "  \"files\" : [\n";
    for (std::size_t i = 0; i < files.size(); ++i)
    {
        os  << "    { \"name\" : " << quoted(files[i].second)
            << ", \"time\" : " << files[i].first << " }"
            << (i + 1 < files.size() ? "," : "") << "\n";
    }
    os  << "  ]\n"
        << "}\n";
    writeText(directory_/(prefix + tail + ".series"), os.str());
}


// * * * * * * * * * * * * * * * * Constructors  * * * * * * * * * * * * * * //

Foam::pinnVtkWriter::pinnVtkWriter
(
    const fvMesh& mesh,
    const dictionary& dict
)
:
    mesh_(mesh),
    enabled_(true),
    ascii_(false),
    fields_(),
    allFields_(true),
    boundary_(true),
    directory_(),
    prefix_(),
    warned_()
{
    pinnDict::checkKeys
    (
        dict,
        {"enabled", "format", "fields", "boundary", "directory"}
    );

    enabled_ = pinnDict::getOrDefault<bool>(dict, "enabled", true);
    ascii_ =
    (
        pinnDict::getChoiceOrDefault
        (
            dict, "format", {"binary", "ascii"}, "binary"
        ) == "ascii"
    );
    allFields_ = !dict.found("fields", keyType::LITERAL);
    if (!allFields_)
    {
        fields_ = pinnDict::get<wordList>(dict, "fields");
    }
    boundary_ = pinnDict::getOrDefault<bool>(dict, "boundary", true);

    fileName dir = pinnDict::getOrDefault<fileName>(dict, "directory", "VTK");
    dir.expand();
    if (dir.empty())
    {
        FatalIOErrorInFunction(dict)
            << "Empty 'directory' in " << dict.dictName() << " of "
            << dict.name() << nl
            << "    Give a directory for the VTK files, e.g. directory VTK;"
            << exit(FatalIOError);
    }
    directory_ = dir.isAbsolute() ? dir : mesh_.time().globalPath()/dir;
    directory_.clean();

    prefix_ = word::validate(mesh_.time().globalCaseName().name());
    if (prefix_.empty())
    {
        prefix_ = "pinnFoam";
    }
}


// * * * * * * * * * * * * * * * Member Functions  * * * * * * * * * * * * * //

Foam::fileName Foam::pinnVtkWriter::seriesFile() const
{
    return directory_/(prefix_ + ".vtm.series");
}


Foam::fileName Foam::pinnVtkWriter::meshFile(const label iteration) const
{
    return directory_/(prefix_ + "_" + Foam::name(iteration) + ".vtm");
}


Foam::fileName Foam::pinnVtkWriter::pointsSeriesFile() const
{
    const word ext = Pstream::parRun() ? ".vtm" : ".vtp";
    return directory_/(prefix_ + "_points" + ext + ".series");
}


Foam::fileName Foam::pinnVtkWriter::pointsFile(const label iteration) const
{
    const word ext = Pstream::parRun() ? ".vtm" : ".vtp";
    return directory_/(prefix_ + "_points_" + Foam::name(iteration) + ext);
}


void Foam::pinnVtkWriter::checkWritable() const
{
    if (!enabled_)
    {
        return;
    }

    // This processor's directory, and the master's for the series
    fileNameList dirs({pieceDirectory()});
    if (Pstream::parRun() && Pstream::master())
    {
        dirs.append(directory_);
    }
    for (const fileName& dir : dirs)
    {
        makeDirectory(dir);

        const fileName probe = dir/".pinnVtkWriter.probe";
        bool ok = false;
        {
            std::ofstream os(probe.c_str(), std::ios::binary | std::ios::trunc);
            os << "probe\n";
            os.close();
            ok = bool(os);
        }
        const int err = errno;
        std::remove(probe.c_str());
        if (!ok)
        {
            FatalErrorInFunction
                << "Cannot write into the VTK output directory " << dir
                << ": " << std::strerror(err) << nl
                << "    Fix: make it writable, or set another one with"
                << " vtk { directory <path>; } in constant/pinnProperties"
                << " (relative to the case), or switch VTK output off with"
                << " vtk { enabled false; }"
                << exit(FatalError);
        }
    }
}


void Foam::pinnVtkWriter::write
(
    const word& timeName,
    const label iteration,
    const UPtrList<const volScalarField>& scalars,
    const UPtrList<const volVectorField>& vectors
)
{
    if (!enabled_)
    {
        return;
    }

    wordHashSet given;
    for (const volScalarField& f : scalars)
    {
        given.insert(f.name());
    }
    for (const volVectorField& f : vectors)
    {
        given.insert(f.name());
    }
    warnMissing(given);

    // The selected fields' internal (patchi < 0) or patch values
    auto addFields = [this]
    (
        vtkDataSetAttributes* data,
        const auto& fields,
        const label patchi
    )
    {
        for (const auto& f : fields)
        {
            if (!selected(f.name()))
            {
                continue;
            }
            data->AddArray
            (
                patchi < 0
              ? makeArray(f.name(), f.primitiveField())
              : makeArray(f.name(), f.boundaryField()[patchi])
            );
        }
    };

    const fileName timeDir = prefix_ + "_" + Foam::name(iteration);
    const fileName pieceDir = pieceDirectory()/timeDir;
    makeDirectory(pieceDir);

    // Internal mesh
    {
        vtkSmartPointer<vtkUnstructuredGrid> grid = makeGrid(mesh_);
        setTimeValue(grid, iteration);
        addFields(grid->GetCellData(), scalars, -1);
        addFields(grid->GetCellData(), vectors, -1);
        writeDataSet<vtkXMLUnstructuredGridWriter>
        (
            grid, pieceDir/"internal.vtu", ascii_
        );
    }

    // Patches with values on this processor (size 0 where not written)
    const polyBoundaryMesh& patches = mesh_.boundaryMesh();
    labelList patchSize(patches.size(), Zero);
    if (boundary_)
    {
        forAll(patches, patchi)
        {
            const polyPatch& pp = patches[patchi];
            if
            (
                isA<processorPolyPatch>(pp)
             || isA<emptyPolyPatch>(pp)
             || pp.empty()
            )
            {
                continue;
            }
            patchSize[patchi] = pp.size();
        }
        if (sum(patchSize) > 0)
        {
            makeDirectory(pieceDir/"boundary");
        }
        forAll(patches, patchi)
        {
            if (!patchSize[patchi])
            {
                continue;
            }
            const polyPatch& pp = patches[patchi];
            vtkSmartPointer<vtkPolyData> poly = makePatch(pp);
            setTimeValue(poly, iteration);
            addFields(poly->GetCellData(), scalars, patchi);
            addFields(poly->GetCellData(), vectors, patchi);
            writeDataSet<vtkXMLPolyDataWriter>
            (
                poly, pieceDir/"boundary"/(pp.name() + ".vtp"), ascii_
            );
        }
    }

    // Which processors have which patches (after every processor wrote)
    List<labelList> procPatchSize(Pstream::nProcs());
    procPatchSize[Pstream::myProcNo()] = patchSize;
    Pstream::gatherList(procPatchSize);

    if (!Pstream::master())
    {
        return;
    }

    labelList allProcs(identity(Pstream::nProcs()));
    std::ostringstream os;
    os  << vtmHeader(timeName, iteration);
    writeLeaf(os, "    ", 0, "internal", timeDir/"internal.vtu", allProcs);

    // Patches present on any processor, in patch order
    DynamicList<label> written;
    forAll(patches, patchi)
    {
        for (const labelList& sizes : procPatchSize)
        {
            if (sizes[patchi])
            {
                written.append(patchi);
                break;
            }
        }
    }
    if (written.size())
    {
        os  << "    <Block index=\"1\" name=\"boundary\">\n";
        forAll(written, i)
        {
            const label patchi = written[i];
            DynamicList<label> procs;
            forAll(procPatchSize, proci)
            {
                if (procPatchSize[proci][patchi])
                {
                    procs.append(proci);
                }
            }
            const word& name = patches[patchi].name();
            writeLeaf
            (
                os, "      ", i, name,
                timeDir/"boundary"/(name + ".vtp"), procs
            );
        }
        os  << "    </Block>\n";
    }
    os  << vtmFooter;
    writeText(meshFile(iteration), os.str());

    writeSeries(prefix_, "vtm", iteration);
}


void Foam::pinnVtkWriter::writePoints
(
    const word& timeName,
    const label iteration,
    const List<point>& pts,
    const UList<scalar>& residual,
    const UList<scalar>& weight,
    const labelUList& kind
) const
{
    if (!enabled_)
    {
        return;
    }
    if
    (
        residual.size() != pts.size()
     || weight.size() != pts.size()
     || kind.size() != pts.size()
    )
    {
        FatalErrorInFunction
            << "Collocation data of different sizes: " << pts.size()
            << " points, " << residual.size() << " residuals, "
            << weight.size() << " weights, " << kind.size() << " kinds"
            << exit(FatalError);
    }

    const word base = prefix_ + "_points";
    const fileName vtp = base + "_" + Foam::name(iteration) + ".vtp";
    const fileName dir = pieceDirectory();
    makeDirectory(dir);

    {
        auto verts = vtkSmartPointer<vtkCellArray>::New();
        verts->AllocateExact(pts.size(), pts.size());
        for (vtkIdType i = 0; i < vtkIdType(pts.size()); ++i)
        {
            verts->InsertNextCell(1, &i);
        }
        auto kinds = vtkSmartPointer<vtkIntArray>::New();
        kinds->SetName("kind");
        kinds->SetNumberOfValues(kind.size());
        forAll(kind, i)
        {
            kinds->SetValue(i, int(kind[i]));
        }

        auto poly = vtkSmartPointer<vtkPolyData>::New();
        poly->SetPoints(makePoints(pts));
        poly->SetVerts(verts);
        setTimeValue(poly, iteration);
        poly->GetPointData()->AddArray(makeArray("residual", residual));
        poly->GetPointData()->AddArray(makeArray("weight", weight));
        poly->GetPointData()->AddArray(kinds);
        writeDataSet<vtkXMLPolyDataWriter>(poly, dir/vtp, ascii_);
    }

    if (!Pstream::parRun())
    {
        writeSeries(base, "vtp", iteration);
        return;
    }

    // Processors with points (after every processor wrote)
    labelList procSize(Pstream::nProcs(), Zero);
    procSize[Pstream::myProcNo()] = pts.size();
    Pstream::gatherList(procSize);
    if (!Pstream::master())
    {
        return;
    }
    DynamicList<label> procs;
    forAll(procSize, proci)
    {
        if (procSize[proci])
        {
            procs.append(proci);
        }
    }
    std::ostringstream os;
    os  << vtmHeader(timeName, iteration);
    writeLeaf(os, "    ", 0, "points", vtp, procs);
    os  << vtmFooter;
    writeText(pointsFile(iteration), os.str());
    writeSeries(base, "vtm", iteration);
}


// ************************************************************************* //
